"""The sample-data generator: deterministic, complete, loadable, never in the future."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import polars as pl
import pytest

from audit import ingest
from audit.sample import NOTE_POOLS, generate
from conftest import REPO, connect, make_config

END = "2026-11-01T00:00:00+08:00"
LEXICON = REPO / "queries" / "rules" / "cn" / "abuse_lexicon.csv"
DATA_ENTITIES = ("agencies", "collectors", "accounts", "installments", "payments", "account_events")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _exports(folder: Path) -> list[Path]:
    """Everything ingest should load: the data files, not ground_truth.csv."""
    return [p for p in sorted(folder.glob("*.csv")) if p.name != "ground_truth.csv"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("sample") / "data"
    return out, generate(out)


@pytest.fixture(scope="module")
def warehouse(sample, tmp_path_factory):
    out, _ = sample
    base = tmp_path_factory.mktemp("wh")
    config = make_config(base)
    con = connect(config)
    results = ingest.ingest(con, config, ingest.plan(_exports(out), config), base / "work")
    yield con, results
    con.close()


def test_same_arguments_give_identical_files(sample, tmp_path):
    out, _ = sample
    again = generate(tmp_path / "again")
    assert _files(out) == _files(tmp_path / "again")
    assert again.files == sample[1].files


def test_another_seed_gives_other_data(sample, tmp_path):
    out, _ = sample
    other = tmp_path / "other"
    generate(other, seed=8)
    first, second = _files(out), _files(other)
    assert first["accounts.csv"] != second["accounts.csv"]
    assert first["payments.csv"] != second["payments.csv"]
    assert first["contacts_2026-10.csv"] != second["contacts_2026-10.csv"]


def test_the_shipped_sample_is_what_the_generator_writes(sample):
    """sample_data/ must be regenerated (make sample) whenever the generator changes."""
    out, _ = sample
    assert _files(REPO / "sample_data") == _files(out)


def test_every_file_is_written_with_rows(sample):
    out, summary = sample
    names = set(summary.files)
    for entity in DATA_ENTITIES:
        assert f"{entity}.csv" in names
    months = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-10"]
    assert {f"contacts_{m}.csv" for m in months} <= names
    assert "催收记录_2026-09.csv" in names
    assert "contacts_2026-09.csv" not in names
    for name, rows in summary.files.items():
        assert rows > 0, name
        with open(out / name, encoding="gb18030" if name.startswith("催收") else "utf-8") as fh:
            assert sum(1 for _ in csv.reader(fh)) == rows + 1, name
    assert (out / "README.md").read_text(encoding="utf-8").startswith("# Sample data")
    assert summary.contacts == sum(r for n, r in summary.files.items() if "_20" in n)


def test_every_file_ingests_without_rejects(sample, warehouse):
    out, summary = sample
    _con, results = warehouse
    assert {r.path.name for r in results} == {p.name for p in _exports(out)}
    for r in results:
        assert r.rows_rejected == 0, (r.path.name, r.reject_sample)
        assert r.rows_loaded == summary.files[r.path.name]


def test_the_folder_ingests_as_it_is(sample, tmp_path):
    """`audit ingest sample_data/` loads every export and passes over ground_truth.csv."""
    out, _ = sample
    config = make_config(tmp_path)
    con = connect(config)
    planned = ingest.plan([out], config, warn=lambda message: None)
    assert {s.path.name for s in planned} == {p.name for p in _exports(out)}
    results = ingest.ingest(con, config, planned, tmp_path / "work")
    assert sum(r.rows_rejected for r in results) == 0
    con.close()


def test_the_chinese_export_is_gb18030_with_chinese_headers_and_values(sample, warehouse):
    out, _ = sample
    raw = (out / "催收记录_2026-09.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gb18030")
    header = text.split("\n", 1)[0].split(",")
    assert header[:3] == ["记录编号", "合同号", "联系人编号"]
    assert "本人" in text and "呼出" in text and "电话" in text
    con, results = warehouse
    chinese = next(r for r in results if r.path.name.startswith("催收记录"))
    assert chinese.profile == "cn_contacts_gb18030"
    parties, channels = con.execute(
        "select list(distinct party), list(distinct channel) from contacts where load_id = $id",
        {"id": chinese.load_id},
    ).fetchall()[0]
    assert "debtor" in parties and "call" in channels
    notes = con.execute(
        "select count(*) from contacts where load_id = $id and regexp_matches(note, '[一-龥]')",
        {"id": chinese.load_id},
    ).fetchall()[0][0]
    assert notes > 50


def test_ground_truth_names_contacts_that_exist(sample, warehouse):
    out, summary = sample
    con, _ = warehouse
    truth = pl.read_csv(out / "ground_truth.csv")
    assert truth.columns == ["kind", "rule_id", "contact_id", "scenario", "explanation"]
    assert set(truth["kind"]) == {"violation", "risk_flag"}
    known = {r[0] for r in con.sql("select contact_id from contacts").fetchall()}
    assert set(truth["contact_id"]) <= known
    assert truth.select("rule_id", "contact_id").is_duplicated().sum() == 0
    assert summary.injected == dict(truth.group_by("rule_id").len().sort("rule_id").iter_rows())
    # injected problems in several months, including the last one
    months = {
        m
        for (m,) in con.sql(
            "select distinct strftime(started_at at time zone 'Asia/Shanghai', '%Y-%m') "
            "from contacts where contact_id in (select contact_id from truth)"
        ).fetchall()
    }
    assert "2026-10" in months and len(months) >= 3


def test_nothing_happens_after_the_window(warehouse):
    con, _ = warehouse
    latest = con.execute(
        f"""select greatest(
            (select max(started_at) from contacts), (select max(ended_at) from contacts),
            (select max(paid_at) from payments), (select max(effective_at) from account_events),
            (select max(ended_at) from account_events),
            (select max(origination_date)::timestamptz from accounts)) < '{END}'::timestamptz"""
    ).fetchall()[0][0]
    assert latest


def test_every_collector_in_the_background_is_certified_beyond_2027(warehouse):
    con, _ = warehouse
    lapsed = con.sql(
        "select count(*) from collectors where certified_until is null "
        "or certified_until < date '2027-12-31'"
    ).fetchall()[0][0]
    assert lapsed == 2  # the two that only injected scenarios use


def test_background_notes_never_use_a_lexicon_term():
    with open(LEXICON, encoding="utf-8") as fh:
        terms = [row["term"].lower() for row in csv.DictReader(fh)]
    for pool in NOTE_POOLS.values():
        for note in pool:
            for term in terms:
                assert term not in note.lower(), (note, term)


def test_contacts_argument_scales_the_volume(tmp_path):
    natural = generate(tmp_path / "a", accounts=400, months=3, seed=2)
    target = 2 * natural.contacts
    scaled = generate(tmp_path / "b", accounts=400, months=3, seed=2, contacts=target)
    assert 0.85 * target <= scaled.contacts <= 1.15 * target
    assert natural.injected == scaled.injected
    assert (tmp_path / "a" / "accounts.csv").read_bytes() == (
        tmp_path / "b" / "accounts.csv"
    ).read_bytes()


def test_without_the_chinese_file_every_month_is_a_plain_export(tmp_path):
    summary = generate(tmp_path / "plain", accounts=200, months=2, chinese_file=False)
    assert [n for n in summary.files if "_20" in n] == [
        "contacts_2026-09.csv",
        "contacts_2026-10.csv",
    ]


def test_too_few_accounts_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="accounts must be at least"):
        generate(tmp_path / "tiny", accounts=30)
    with pytest.raises(ValueError, match="end_month"):
        generate(tmp_path / "bad", end_month="October")


def test_ids_and_timestamps_have_their_documented_shape(sample):
    out, _ = sample
    contacts = pl.read_csv(out / "contacts_2026-10.csv", infer_schema=False)
    assert (
        contacts["started_at"].str.contains(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$").all()
    )
    offsets = set(contacts["started_at"].str.slice(19))
    assert "+08:00" in offsets and len(offsets) >= 3  # Shanghai, US zones, London
    accounts = pl.read_csv(out / "accounts.csv", infer_schema=False)
    assert accounts["account_id"].is_unique().all()
    assert set(accounts["regime"]) == {"cn", "us_regf", "uk_conc"}
    assert accounts["alt_timezones"].drop_nulls().len() > 0
    assert all(re.fullmatch(r"A\d{7}", a) for a in accounts["account_id"])
