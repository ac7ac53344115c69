"""PDF reports: figures match SQL, Chinese font embedded, personal data masked,
notes escaped, rendering reproducible, violation list attached, CLI command.

One small warehouse per module: the sample generator (120 accounts, 4 months)
with a contact note carrying HTML, a phone number and an ID number, run
through the real monthly pipeline, which renders the four PDFs.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from audit import config as config_mod
from audit import masking, outputs, pipeline, report, rules, sample
from audit.cli import cli
from audit.progress import Progress
from audit.warehouse import Warehouse

MONTH = date(2026, 10, 1)
NOTE_SCRIPT = "<script>alert(1)</script>"
NOTE_PHONE = "13912345678"
NOTE_ID = "11010519900101123X"
NOTE = f"{NOTE_SCRIPT} 客户要求改拨 {NOTE_PHONE}，身份证 {NOTE_ID}"
PDFS = ("regulator_zh", "regulator_en", "management_zh", "management_en")


def _inject_note(exports: Path) -> str:
    """Put NOTE on a contact of 2026-10 that the sample lists as a known violation."""
    truth = list(csv.DictReader((exports / "ground_truth.csv").open(encoding="utf-8")))
    path = exports / "contacts_2026-10.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames
        rows = list(reader)
    in_month = {r["contact_id"] for r in rows}
    per_rule: dict[str, int] = {}
    for t in truth:
        per_rule[t["rule_id"]] = per_rule.get(t["rule_id"], 0) + 1
    candidates = sorted(
        (per_rule[t["rule_id"]], t["contact_id"])
        for t in truth
        if t["kind"] == "violation" and t["rule_id"] != "CN-ABUSE" and t["contact_id"] in in_month
    )
    assert candidates, "the sample has no known violation in 2026-10 to carry the note"
    contact_id = candidates[0][1]
    for r in rows:
        if r["contact_id"] == contact_id:
            r["note"] = NOTE
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return contact_id


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    sample.generate(root / "exports", accounts=120, months=4, seed=3)
    contact_id = _inject_note(root / "exports")
    (root / "audit.toml").write_text(
        '[institution]\nname = "Example Consumer Finance Co., Ltd."\nlicence_no = "L-0001"\n'
        "[report]\nevidence_rows = 10\n",
        encoding="utf-8",
    )
    config = config_mod.load(root / "audit.toml")
    log = io.StringIO()
    summary = pipeline.run_month(config, MONTH, progress=Progress(stream=log, interactive=False))
    con = Warehouse(config).connect_read()
    manifest = report.run_manifest(con, MONTH)
    yield SimpleNamespace(
        root=root,
        config=config,
        summary=summary,
        con=con,
        manifest=manifest,
        contact_id=contact_id,
        log=log,
        out=root / "reports" / "2026-10",
    )
    con.close()


@pytest.fixture(scope="module")
def texts(project) -> dict[str, str]:
    return {name: _text(project.out / f"{name}.pdf") for name in PDFS}


@pytest.fixture(scope="module")
def data(project):
    return report.collect(project.con, project.config, MONTH, project.manifest)


@pytest.fixture(scope="module")
def htmls(data) -> dict[str, str]:
    return {
        f"{a}_{lang}": report.render_html(report.context_for(data, a, lang))
        for a in report.AUDIENCES
        for lang in report.LANGUAGES
    }


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _sql(project, sql: str, **params):
    return project.con.execute(sql, params).fetchall()


# ---------------------------------------------------------------- the run renders four PDFs


def test_run_writes_four_pdfs_beside_the_violation_list(project):
    names = {p.name for p in project.summary.reports}
    assert {f"{n}.pdf" for n in PDFS} <= names
    assert "violations.csv" in names
    for name in PDFS:
        assert len(PdfReader(project.out / f"{name}.pdf").pages) > 1


def test_summary_figures_are_the_ones_sql_returns(project, texts):
    contacts, violations, rate = _sql(
        project,
        "select contacts, violations, per_10k_contacts from violation_summary "
        "where month = $m and rule_id = 'ALL' and dimension = 'portfolio'",
        m=MONTH,
    )[0]
    for name in ("regulator_en", "regulator_zh", "management_en"):
        flat = _flat(texts[name])
        assert _flat(report.format_number(contacts)) in flat
        assert _flat(report.format_number(violations)) in flat
        assert report.format_number(rate, 1) in flat, name
    assert f"{rate:,.1f}" == report.format_number(rate, 1)


def test_each_rule_section_states_the_count_sql_returns(project, texts):
    top = _sql(
        project,
        "select rule_id, violations, contacts, per_10k_contacts, accounts_with_violation "
        "from violation_summary where month = $m and dimension = 'portfolio' "
        "and rule_id <> 'ALL' and violations > 0 order by violations desc, rule_id",
        m=MONTH,
    )
    assert top, "the sample month has violations"
    for rule_id, violations, contacts, rate, accounts in top:
        for lang in ("en", "zh"):
            sentence = report.message(
                "rule.result_text",
                lang,
                violations=report.format_number(violations),
                contacts=report.format_number(contacts),
                rate=report.format_number(rate, 1),
                accounts=report.format_number(accounts),
            )
            flat = _flat(texts[f"regulator_{lang}"])
            assert _flat(sentence) in flat, (rule_id, lang)
            assert rule_id in flat


def test_rules_without_a_finding_are_one_line_each_with_their_citation(project, data, texts):
    quiet = [r for r in data["rules"] if not r["violations"]]
    assert quiet, "the sample month has rules that applied without a violation"
    catalogue = {rule.id: rule for rule in rules.all_rules()}
    for lang in ("en", "zh"):
        flat = _flat(texts[f"regulator_{lang}"])
        for r in quiet:
            rule = catalogue[r["id"]]
            title = rule.title.get(lang) or rule.title["en"]
            assert _flat(r["id"] + title) in flat, (lang, r["id"])
            assert _flat(rule.citation) in flat, (lang, r["id"])
            # the definition is printed only for rules with a finding
            description = rule.description.get(lang) or rule.description["en"]
            assert _flat(description) not in flat, (lang, r["id"])


def test_executive_summary_compares_with_the_previous_month(texts):
    assert "Previous month" in texts["regulator_en"]
    assert "上月" in texts["regulator_zh"]


# ---------------------------------------------------------------- fonts and print quality


def _font_names(path: Path) -> set[str]:
    names = set()
    for page in PdfReader(path).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object().get("/BaseFont")))
    return names


@pytest.mark.parametrize("name", ["regulator_zh", "management_zh"])
def test_chinese_pdfs_embed_the_cjk_font(project, name):
    # WeasyPrint names the subset e.g. TSPJMR+Noto-Sans-CJK-SC
    fonts = {f.replace("-", "") for f in _font_names(project.out / f"{name}.pdf")}
    assert any("NotoSansCJKSC" in f for f in fonts), fonts


def test_chinese_text_is_extractable(texts):
    assert "催收行为合规审计报告" in texts["regulator_zh"]
    assert "目录" in texts["regulator_zh"]


def test_the_run_logged_no_weasyprint_warning(project):
    # render_month reports WeasyPrint's warnings of every PDF as "warning" events
    events = [json.loads(line) for line in project.log.getvalue().splitlines()]
    warnings = [
        e["message"]
        for e in events
        if e["event"] == "warning" and "WeasyPrint" in e.get("message", "")
    ]
    assert not warnings


def test_rendering_again_logs_no_font_warning_and_gives_the_same_text(project, tmp_path, caplog):
    path = tmp_path / "regulator_zh.pdf"
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        report.render_one(
            project.con, project.config, MONTH, "regulator", "zh", project.manifest, path,
            [project.out / "violations.csv"],
        )  # fmt: skip
    assert not [r for r in caplog.records if re.search("font|glyph|notdef", r.getMessage(), re.I)]
    assert not [r for r in caplog.records if r.name.startswith("weasyprint")]
    assert _text(path) == _text(project.out / "regulator_zh.pdf")


def test_pdf_metadata_title_language_and_dates(project):
    for name, lang in (("regulator_zh", "zh-CN"), ("management_en", "en")):
        reader = PdfReader(project.out / f"{name}.pdf")
        assert reader.metadata.title.startswith(report.message(f"doc.{name[:-3]}.title", name[-2:]))
        assert reader.trailer["/Root"]["/Lang"] == lang
        started = datetime.fromisoformat(project.manifest["started_at"]).replace(microsecond=0)
        assert reader.metadata.creation_date == started
        assert reader.metadata.modification_date == started


def test_page_footer_says_page_x_of_y(texts):
    pages = texts["regulator_en"].count("Page ")
    assert pages > 1
    assert re.search(r"Page 2 of \d+", texts["regulator_en"])
    assert re.search(r"第 ?2 ?页，共 ?\d+ ?页", texts["regulator_zh"])


def test_a_month_without_results_renders_and_says_so(project):
    empty = report.collect(project.con, project.config, date(2026, 1, 1), project.manifest)
    for audience in report.AUDIENCES:
        html = report.render_html(report.context_for(empty, audience, "en"))
        assert report.message("summary.no_results", "en")[:20] in html


def test_tables_are_capped_at_top_n(project):
    config = config_mod.parse({"report": {"top_n": 2, "evidence_rows": 1}}, base=project.root)
    small = report.collect(project.con, config, MONTH, project.manifest)
    assert len(small["collector_league"]) <= 2
    assert len(small["agency_league"]) <= 2
    assert len(small["data_quality"]["files"]) <= 2
    assert len(small["rules_with_violations"]) <= 2
    for rule in small["rules"]:
        assert len(rule["agencies"]) <= 2
        assert len(rule["collectors"]) <= 2
        assert len(rule["evidence"]) <= 1


@pytest.mark.parametrize(
    ("evidence_rows", "rules_with_findings", "per_rule"),
    [
        (5, 0, 5),  # no rule with a finding: nothing to share
        (5, 6, 5),  # 50 // 6 = 8 rows each would fit: the configured 5
        (10, 20, 2),  # 50 // 20 = 2
        (5, 25, 2),  # 50 // 25 = 2: all 25 rules of the packs have a finding
        (5, 40, 2),  # 50 // 40 = 1, but never fewer than 2
        (1, 3, 1),  # never more than configured
        (0, 25, 0),
    ],
)
def test_evidence_rows_per_rule_shrink_when_many_rules_have_findings(
    evidence_rows, rules_with_findings, per_rule
):
    assert report.EVIDENCE_BUDGET == 50 and report.MIN_EVIDENCE_ROWS == 2
    assert report.evidence_per_rule(evidence_rows, rules_with_findings) == per_rule


def test_rule_sections_rank_fewer_collectors_than_the_summary(project, monkeypatch):
    # the small sample has at most a few collectors per rule: cap the sections at 1
    assert report.RULE_TOP_N == 5
    monkeypatch.setattr(report, "RULE_TOP_N", 1)
    data = report.collect(project.con, project.config, MONTH, project.manifest)
    ranked = dict(
        _sql(
            project,
            "select rule_id, count(*) from violation_summary where month = $m "
            "and dimension = 'collector' and violations > 0 group by rule_id",
            m=MONTH,
        )
    )
    assert any(n > 1 for rule_id, n in ranked.items() if rule_id != "ALL")
    for rule in data["rules"]:
        assert len(rule["collectors"]) == min(1, ranked.get(rule["id"], 0)), rule["id"]
        assert len(rule["agencies"]) <= 1
    # the executive summary still ranks top_n (15) collectors over all rules
    assert len(data["overall"]["collectors"]) == min(15, ranked["ALL"]) > 1


def test_each_rule_section_prints_its_share_of_the_evidence(project, data):
    findings = dict(
        _sql(
            project,
            "select rule_id, count(*) from violations where month = $m group by rule_id",
            m=MONTH,
        )
    )
    with_findings = [r for r in data["rules"] if r["violations"]]
    per_rule = report.evidence_per_rule(10, len(with_findings))  # the fixture's evidence_rows
    assert data["config"]["limits"]["evidence_per_rule"] == per_rule
    for rule in with_findings:
        assert len(rule["evidence"]) == min(per_rule, findings[rule["id"]]), rule["id"]


def test_the_stylesheet_avoids_what_makes_layout_slow():
    # leader() in the contents and dotted or dashed borders each cost WeasyPrint
    # seconds of layout per report
    css = (report.TEMPLATES_DIR / "css" / "print.css").read_text(encoding="utf-8")
    declarations = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    assert "leader(" not in declarations
    assert not re.search(r"\b(dotted|dashed)\b", declarations)


def test_a_failing_render_names_its_pdfs_and_stops(project, data, tmp_path, monkeypatch):
    monkeypatch.setattr(report.os, "cpu_count", lambda: 2)
    with report.Renderer(project.config) as renderer:
        assert renderer._proc is not None
        renderer.submit({**data, "rules": None}, tmp_path)  # no template can render this
        # one process per language renders both reports of it
        failed = r"rendering regulator_zh\.pdf, management_zh\.pdf failed: .*TypeError"
        with pytest.raises(report.ReportError, match=failed):
            renderer.wait()
    assert renderer._proc.returncode is not None
    assert not list(tmp_path.glob("*.pdf"))


def test_the_worker_renders_every_pdf_with_two_cpus(project, data, tmp_path, monkeypatch):
    monkeypatch.setattr(report.os, "cpu_count", lambda: 2)
    with report.Renderer(project.config) as renderer:
        paths = renderer.submit(data, tmp_path)
        results = renderer.wait()
    assert sorted(r.path for r in results) == sorted(paths)
    assert {p.name for p in paths} == {f"{name}.pdf" for name in PDFS}
    for result in results:
        assert result.pages == len(PdfReader(result.path).pages) > 1


# ---------------------------------------------------------------- masking and escaping


def _personal_values(project) -> set[str]:
    rows = _sql(
        project,
        "select phone from accounts union select id_number from accounts "
        "union select customer_name from accounts union select phone_number from contacts "
        "union select name from collectors union select phone_number from account_events",
    )
    return {r[0] for r in rows if r[0] and len(r[0]) >= 2} | {NOTE_PHONE, NOTE_ID}


def test_no_personal_value_appears_in_any_pdf_or_html(project, texts, htmls):
    values = _personal_values(project)
    assert len(values) > 100
    for name in PDFS:
        flat = _flat(texts[name])
        leaked = sorted(v for v in values if _flat(v) in flat)
        assert not leaked, (name, leaked[:5])
        html = htmls[name]
        leaked = sorted(v for v in values if v in html)
        assert not leaked, (name, leaked[:5])


def test_a_note_with_html_is_printed_as_text(project, texts, htmls):
    html = htmls["regulator_en"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html
    assert _flat(NOTE_SCRIPT) in _flat(texts["regulator_en"])
    assert _flat(masking.mask_phone(NOTE_PHONE)) in _flat(texts["regulator_en"])
    assert project.contact_id in texts["regulator_en"]


def test_cover_regimes_count_the_months_outbound_contacts_without_letters(project, data):
    # the same figures counted from the loaded contacts, the month in Asia/Shanghai
    expected = project.con.execute(
        """
        select a.regime, count(distinct c.account_id), count(*)
        from contacts as c
        inner join accounts as a on a.account_id = c.account_id
        where c.direction = 'outbound' and c.channel <> 'letter'
          and timezone('Asia/Shanghai', c.started_at) >= timestamp '2026-10-01'
          and timezone('Asia/Shanghai', c.started_at) < timestamp '2026-11-01'
        group by all
        """
    ).fetchall()
    assert len(expected) >= 2  # the sample has accounts under several regimes
    got = [(r["regime"], r["accounts"], r["contacts"]) for r in data["regimes"]]
    assert sorted(got) == sorted(expected)
    assert [r[2] for r in got] == sorted((r[2] for r in got), reverse=True)


def test_cover_regimes_of_a_month_checked_before_the_regime_cut(project, data):
    # a warehouse whose summary has no regime rows (checked by an earlier version)
    path = project.con.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchone()[0]
    con = duckdb.connect()
    try:
        con.execute(f"attach '{path}' as wh (read_only)")
        con.execute("use wh")
        con.execute(
            "create temp view violation_summary as "
            "select * from wh.violation_summary where dimension <> 'regime'"
        )
        con.execute("set TimeZone = 'Asia/Shanghai'")
        older = report.collect(con, project.config, MONTH, project.manifest)
    finally:
        con.close()
    assert older["regimes"] == data["regimes"]


def test_collector_names_are_printed_masked(project, htmls):
    names = [r[0] for r in _sql(project, "select name from collectors where name is not null")]
    masked = {masking.mask_name(n) for n in names}
    assert any(m in htmls["management_zh"] for m in masked)


def test_a_report_query_with_an_unmasked_personal_column_is_refused(project, monkeypatch):
    masks = dict(masking.COLUMN_MASKS)
    del masks["phone_number"]
    monkeypatch.setattr(masking, "COLUMN_MASKS", masks)
    with pytest.raises(report.ReportError, match="phone_number"):
        bounds = rules.month_bounds(MONTH, "Asia/Shanghai")
        params = {
            "month": MONTH,
            "month_start_at": bounds.start_at,
            "month_end_at": bounds.end_at,
            "evidence_rows": 1,
        }
        report._rows(project.con, "report_rule_evidence", params)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812341234", "138****1234"),
        ("138-1234-5678", "138-****-5678"),
        ("+1-312-649-8063", "+1-31*-***-8063"),
        ("138****1234", "138****1234"),
        (None, ""),
    ],
)
def test_mask_phone(value, masked):
    assert masking.mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("张三", "张*"), ("欧阳娜娜", "欧***"), ("John Smith", "J*** S****"), ("张*", "张*")],
)
def test_mask_name(value, masked):
    assert masking.mask_name(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("110105194912311234", "110***********1234"),
        ("11010519491231002X", "110***********002X"),
        ("110***********1234", "110***********1234"),
    ],
)
def test_mask_id(value, masked):
    assert masking.mask_id(value) == masked


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call 13812341234 now", "call 138****1234 now"),
        ("请拨打13812341234联系", "请拨打138****1234联系"),
        ("ID 11010519491231002X.", "ID 110***********002X."),
        ("Tel13812341234", "Tel138****1234"),
        ("tel +1 (312) 649-8063", "tel +1 (31*) ***-8063"),
        ("landline 5551234", "landline 55***34"),
        # identifiers, dates, times and amounts stay readable
        ("contact CT000001800, event EV00000047", "contact CT000001800, event EV00000047"),
        ("on 2026-10-22 15:00 UTC", "on 2026-10-22 15:00 UTC"),
        ("paid 12345.67", "paid 12345.67"),
    ],
)
def test_redact_masks_digit_runs_in_free_text(text, expected):
    assert masking.redact(text) == expected


def test_filters_format_numbers_percentages_money_and_dates(data):
    context = report.context_for(data, "regulator", "zh")
    env = report.environment()

    def render(source: str, **values) -> str:
        return env.from_string(source).render({**context, **values})

    assert render("{{ 1234567|number }}") == "1,234,567"
    assert render("{{ 198.807|number(1) }}") == "198.8"
    assert render("{{ 0.12987|percent }}") == "13.0%"
    assert render("{{ v|money }}", v=1234.5) == "CNY 1,234.50"
    assert render("{{ d|date('month') }}", d=MONTH) == "2026年10月"
    assert render("{{ none|number }}") == "—"
    assert render("{{ '13812341234'|mask_phone }}") == "138****1234"
    en = report.context_for(data, "regulator", "en")
    assert env.from_string("{{ d|date('month') }}").render({**en, "d": MONTH}) == "October 2026"


def test_templates_use_only_messages_in_the_catalogue():
    used = set()
    for path in report.TEMPLATES_DIR.rglob("*.html"):
        used |= set(
            re.findall(r"""\bt\(\s*'([a-z0-9_.]+)'\s*[,)]""", path.read_text(encoding="utf-8"))
        )
    missing = sorted(used - set(report.messages()))
    assert not missing


# ---------------------------------------------------------------- reproducible, attached, sandboxed


def test_the_violation_list_and_manifest_are_attached(project):
    listed = (project.out / "violations.csv").read_bytes()
    pdfs = sorted(project.out.glob("*.pdf"))
    assert len(pdfs) == 4
    for path in pdfs:  # each file is compressed once and embedded in every PDF
        reader = PdfReader(path)
        attached = reader.attachments
        assert set(attached) == {"violations.csv", "manifest.json"}, path.name
        assert attached["violations.csv"][0] == listed, path.name
        manifest = json.loads(attached["manifest.json"][0])
        assert manifest["run_id"] == project.manifest["run_id"]
        names = reader.trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"]
        specs = {str(names[i]): names[i + 1].get_object() for i in range(0, len(names), 2)}
        params = specs["violations.csv"]["/EF"]["/F"].get_object()["/Params"]
        assert params["/Size"] == len(listed)
        assert params["/CheckSum"].original_bytes == hashlib.md5(listed).digest()
        assert specs["violations.csv"]["/EF"]["/F"].get_object()["/Subtype"] == "/text/csv"


def test_violations_csv_lists_the_months_violations_in_time_order(project):
    with (project.out / "violations.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    table = project.con.execute(
        "select violation_id, occurred_at, local_time from violations where month = $m",
        {"m": MONTH},
    ).fetchall()
    assert rows and len(rows) == len(table)
    columns = [c for (c,) in project.con.execute(
        "select column_name from information_schema.columns where table_name = 'violations' "
        "order by ordinal_position"
    ).fetchall()]  # fmt: skip
    assert list(rows[0]) == [c for c in columns if c != "run_id"]
    by_id = {vid: (at, local) for vid, at, local in table}
    for row in rows:
        # ISO 8601 with microseconds; the instant with the portfolio's offset (Asia/Shanghai)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+0800", row["occurred_at"])
        at, local = by_id[row["violation_id"]]
        assert datetime.strptime(row["occurred_at"], "%Y-%m-%dT%H:%M:%S.%f%z") == at
        assert datetime.strptime(row["local_time"], "%Y-%m-%dT%H:%M:%S.%f") == local
    instants = [datetime.strptime(r["occurred_at"], "%Y-%m-%dT%H:%M:%S.%f%z") for r in rows]
    assert instants == sorted(instants)


@pytest.mark.parametrize(
    ("zone", "offsets"),
    [("America/New_York", {"-0400", "-0500"}), ("Asia/Kolkata", {"+0530"})],
)
def test_violations_csv_writes_each_instant_with_the_sessions_offset(
    project, tmp_path, zone, offsets
):
    rows = project.con.sql("select * from violations where month = $m", params={"m": MONTH}).arrow()
    con = duckdb.connect()
    con.register("month_rows", rows)
    con.execute("create table violations as select * from month_rows")
    con.execute(f"set TimeZone = '{zone}'")
    # one instant in New York's summer time and one in its winter time
    con.execute(
        "update violations set occurred_at = case when violation_id < "
        "(select median(violation_id) from violations) then timestamptz '2026-10-01 12:00:00+00' "
        "else timestamptz '2026-11-20 12:00:00+00' end"
    )
    path = outputs.write_violations_csv(con, MONTH, tmp_path / "violations.csv")
    with path.open(encoding="utf-8", newline="") as f:
        written = [r["occurred_at"] for r in csv.DictReader(f)]
    assert {text[-5:] for text in written} == offsets
    instants = {datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%f%z") for t in written}
    assert instants == {
        datetime(2026, 10, 1, 12, tzinfo=UTC),
        datetime(2026, 11, 20, 12, tzinfo=UTC),
    }


def test_the_url_fetcher_serves_data_uris_only():
    fetcher = report._data_uri_fetcher()
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    for url in ("file:///etc/passwd", "https://example.com/x.png", "http://127.0.0.1/"):
        with pytest.raises(ValueError, match="no external resource"):
            fetcher.fetch(url)


# ---------------------------------------------------------------- CLI


def test_cli_report_writes_the_month_folder_and_prints_the_path(project):
    result = CliRunner().invoke(
        cli,
        ["--config", str(project.root / "audit.toml"), "report", "--month", "2026-10",
         "--audience", "management", "--lang", "en"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert Path(result.stdout.strip()) == project.out / "management_en.pdf"
    assert re.search(r"rendered \d+ pages in [\d.]+ s", result.stderr)
    assert len(PdfReader(project.out / "management_en.pdf").pages) > 1
    assert not list(project.out.glob(".*.tmp"))


def test_cli_report_for_a_month_never_run_says_so(project):
    result = CliRunner().invoke(
        cli,
        ["--config", str(project.root / "audit.toml"), "report", "--month", "2026-08",
         "--audience", "regulator", "--lang", "zh"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "2026-08 has no succeeded run" in result.stderr
    assert "audit run --month 2026-08" in result.stderr
