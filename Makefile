# make demo  - set up everything, run the monthly job on the shipped sample, print where the PDFs are
# make test  - set up everything, lint and run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := demo
DEMO_MONTH := 2026-10

.PHONY: demo test lint format fonts sample benchmark clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

fonts:
	@scripts/ensure-cjk-font.sh

demo: $(STAMP) fonts
	@rm -rf $(DEMO) && mkdir -p $(DEMO)/exports
	@cp -R sample_data/. $(DEMO)/exports/
	$(BIN)/audit init $(DEMO) --force >/dev/null
	cd $(DEMO) && ../$(BIN)/audit run --month $(DEMO_MONTH); rc=$$?; \
	  if [ $$rc -ne 0 ] && [ $$rc -ne 4 ]; then exit $$rc; fi
	@echo
	@echo "Demo outputs:"
	@echo "  reports:   $(CURDIR)/$(DEMO)/reports/$(DEMO_MONTH)/"
	@ls -1 $(DEMO)/reports/$(DEMO_MONTH)/ | sed 's/^/             /'
	@echo "  warehouse: $(CURDIR)/$(DEMO)/warehouse/current.duckdb"
	@echo "  try:       cd $(DEMO) && ../$(BIN)/audit query \"select rule_id, count(*) from violations group by 1 order by 2 desc\""

test: $(STAMP) fonts lint
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check audit tests benchmarks
	$(BIN)/ruff format --check audit tests benchmarks

format: $(STAMP)
	$(BIN)/ruff format audit tests benchmarks
	$(BIN)/ruff check --fix audit tests benchmarks

sample: $(STAMP)
	$(BIN)/audit sample --out sample_data --accounts 300 --months 6 --seed 7

benchmark: $(STAMP) fonts
	$(BIN)/python -m benchmarks.run --contacts 10_000_000

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .ruff_cache
