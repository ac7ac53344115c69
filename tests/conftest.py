"""Shared fixtures: a configured in-memory warehouse and row loaders."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from audit import config as config_mod
from audit import ingest, queries, rules, warehouse

REPO = Path(__file__).resolve().parent.parent
PUBLIC_DATA = REPO.parent / "shared" / "data" / "public"


def make_config(tmp_path: Path, **sections) -> config_mod.Config:
    """A Config from TOML-like sections, e.g. make_config(p, metrics={"default_dpd": 60})."""
    return config_mod.parse(sections, base=tmp_path)


@pytest.fixture
def config(tmp_path) -> config_mod.Config:
    return make_config(tmp_path)


def connect(config: config_mod.Config) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    warehouse.configure(con, config)
    warehouse.create_schema(con)
    return con


@pytest.fixture
def con(config):
    connection = connect(config)
    yield connection
    connection.close()


def load(con, config, entity: str, rows: list[dict]) -> None:
    """Load rows through the real ingest validation; a fixture row that is rejected fails."""
    result = ingest.load_rows(con, config, entity, rows, source=f"fixture:{entity}")
    assert result.rows_rejected == 0, result.reject_sample


def metric_note(con, config, through: date, step: str) -> str:
    """Compute the metrics through ``through``; how ``step`` was computed (full, extended)."""
    from audit import metrics

    return next(s.note for s in metrics.compute(con, config, through) if s.name == step)


def rule_violations(con, config, rule_id: str, month: date = date(2026, 10, 1)) -> dict[str, dict]:
    """Run one rule through the engine; its violations for the month by contact_id."""
    rules.evaluate_rule(con, config, rules.find(rule_id), month)
    rel = con.sql(
        "select * from violations where rule_id = $rule and month = $month order by contact_id",
        params={"rule": rule_id, "month": month},
    )
    return {r["contact_id"]: r for r in queries.fetch_dicts(rel)}
