"""The benchmark's own pieces: reference passes that count right, copies that load cleanly."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import duckdb
import pytest

from audit import ingest, warehouse
from audit.sample import generate
from benchmarks import baselines, run, tiles
from conftest import load, make_config

NY = "America/New_York"


def at(local: str, zone: str = NY) -> str:
    return datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone)).isoformat()


def _call(contact_id: str, started_at: str, account_id: str = "A1", **fields) -> dict:
    return {
        "contact_id": contact_id,
        "account_id": account_id,
        "party": "debtor",
        "channel": "call",
        "direction": "outbound",
        "started_at": started_at,
        "call_result": "no_answer",
        "phone_number": "+12125550100",
        **fields,
    }


@pytest.fixture
def small_warehouse(tmp_path):
    """A file warehouse with hand-made calls whose counts are worked out below."""
    config = make_config(tmp_path)
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    warehouse.configure(con, config)
    warehouse.create_schema(con)
    accounts = [
        {"account_id": a, "customer_id": f"P{a}", "principal": "1000",
         "origination_date": "2025-01-01", "regime": "us_regf", "timezone": NY}
        for a in ("A1", "A2")
    ]  # fmt: skip
    # A1: one call a day on Oct 1..7 (7 in 7 days), then two on Oct 8: the window
    # Oct 2..8 holds 6 + 2 = 8 calls, so only the second call of Oct 8 is over 7.
    # The Oct 1 call at 23:30 New York is Oct 2 in UTC: local days matter.
    calls = [_call("a1", at("2026-10-01 23:30:00"))]
    calls += [_call(f"a{d}", at(f"2026-10-0{d} 12:00:00")) for d in range(2, 8)]
    calls += [_call("a8", at("2026-10-08 09:00:00")), _call("a9", at("2026-10-08 10:00:00"))]
    # A2: eight calls, but spread over 8 days (Oct 1..8): never more than 7 in a window.
    # Two of them are at quiet hours: 07:59:59 (before 08:00) and 21:00:01 (after 21:00);
    # 08:00:00 and 21:00:00 themselves are not.
    times = ["01 07:59:59", "02 08:00:00", "03 21:00:00", "04 21:00:01", "05 12:00:00",
             "06 12:00:00", "07 12:00:00", "08 12:00:00"]  # fmt: skip
    calls += [_call(f"b{i}", at(f"2026-10-{t}"), "A2") for i, t in enumerate(times)]
    load(con, config, "accounts", accounts)
    load(con, config, "contacts", calls)
    con.close()
    return path


def test_reference_passes_count_what_the_definitions_say(small_warehouse):
    refs = {r.name: r for r in baselines.measure(small_warehouse)}
    assert refs["duckdb 7-in-7 single pass"].rows == 1
    # the toolkit's way: 7-day blocks from 1970-01-01 (a Thursday), so Oct 1..7 is one
    # block and Oct 8 the next: A1's Oct 8 block holds 2 calls + 7 before (9 > 7),
    # A2's 1 + 7 (8 > 7): both are windowed; only A1's second Oct 8 call is over 7
    assert refs["duckdb 7-in-7, toolkit's method"].rows == 1
    assert refs["polars 7-in-7 (plain)"].rows == 1
    # A1's 23:30 call is also after 21:00
    assert refs["duckdb quiet hours single pass"].rows == 3
    assert refs["polars quiet hours (plain)"].rows == 3
    # the passes compared engine with engine run three times each and agree every time
    for name in ("duckdb 7-in-7, toolkit's method", "polars 7-in-7 (plain)",
                 "polars quiet hours (plain)"):  # fmt: skip
        assert refs[name].note == "same count, median of 3"
    assert refs["duckdb 7-in-7 single pass"].note == "calls over the limit"


def test_the_window_pass_timed_next_to_the_compute_stands_in_for_the_one_in_measure(
    small_warehouse,
):
    rows, seconds, cpu_seconds = baselines.window_pass(small_warehouse)
    assert rows == 1 and seconds > 0 and cpu_seconds > 0
    refs = {
        r.name: r
        for r in baselines.measure(
            small_warehouse, polars=False, repeats=1, window=(rows, 2.5, "mean of two")
        )
    }
    single = refs["duckdb 7-in-7 single pass"]
    assert (single.rows, single.seconds, single.note) == (1, 2.5, "mean of two")
    # the toolkit's method is checked against that count
    assert refs["duckdb 7-in-7, toolkit's method"].note == "same count"


def test_copies_rename_every_id_and_load_without_rejects(tmp_path):
    piece = tmp_path / "exports" / "tile_0"
    generate(piece, accounts=120, months=2, chinese_file=False)
    con = duckdb.connect()
    tiles.copy_tile(con, piece, 1)
    con.close()
    copy = tmp_path / "exports" / "tile_1"
    assert not (copy / "agencies.csv").exists()  # shared, loaded once from tile_0
    assert not (copy / "ground_truth.csv").exists()

    config = make_config(tmp_path)
    wh = duckdb.connect()
    warehouse.configure(wh, config)
    warehouse.create_schema(wh)
    exports = [
        p for p in sorted((tmp_path / "exports").rglob("*.csv")) if p.name != "ground_truth.csv"
    ]
    results = ingest.ingest(wh, config, ingest.plan(exports, config), tmp_path / "work")
    assert sum(r.rows_rejected for r in results) == 0
    per_tile = dict(
        wh.sql(
            "select account_id like '%-T1' as copy, count(*) from contacts group by 1"
        ).fetchall()
    )
    assert per_tile[True] == per_tile[False] > 0
    # a copy shares no person or phone number with the piece it came from
    shared = wh.sql(
        "select count(*) from contacts as a join contacts as b "
        "on a.phone_number = b.phone_number "
        "and (a.account_id like '%-T1') <> (b.account_id like '%-T1')"
    ).fetchall()[0][0]
    assert shared == 0


def test_exports_are_reused_only_when_every_copy_is_there(tmp_path):
    from benchmarks.run import reusable

    exports = tmp_path / "exports"
    (exports / "tile_0").mkdir(parents=True)
    assert not reusable(exports, 1)  # no marker: generation did not finish
    (exports / ".complete").touch()
    assert reusable(exports, 1)
    assert not reusable(exports, 3)  # copies 1 and 2 removed
    (exports / "tile_1").mkdir()
    (exports / "tile_2").mkdir()
    assert reusable(exports, 3)


def test_check_disk_stops_a_run_the_disk_cannot_hold(tmp_path, monkeypatch):
    root = tmp_path / "c1000"
    (root / "exports").mkdir(parents=True)
    (root / "exports" / "contacts.csv").write_bytes(b"x" * 1000)
    (root / "warehouse").mkdir()
    (root / "warehouse" / "current.duckdb").write_bytes(b"x" * 500)

    def free(nbytes):
        monkeypatch.setattr(run.shutil, "disk_usage", lambda _p: SimpleNamespace(free=nbytes))

    # 1000 contacts: 720,000 bytes; the 1,500 bytes in the folder are deleted first
    free(718_500)
    run.check_disk(root, 1000, reuse_exports=False)
    free(718_499)
    with pytest.raises(SystemExit, match="1,000 contacts need about 0 GB"):
        run.check_disk(root, 1000, reuse_exports=False)
    # reusing the exports: 460,000 bytes, and only the warehouse's 500 are freed
    free(459_500)
    run.check_disk(root, 1000, reuse_exports=True)
    free(459_499)
    with pytest.raises(SystemExit, match="--dir on a larger disk"):
        run.check_disk(root, 1000, reuse_exports=True)
    # a folder that does not exist yet: the free space of the nearest existing parent
    free(720_000)
    run.check_disk(tmp_path / "new" / "c1000", 1000, reuse_exports=False)


def test_check_disk_counts_the_one_csv_scratch_folder(tmp_path, monkeypatch):
    root = tmp_path / "c1000"
    monkeypatch.setattr(
        run.shutil, "disk_usage", lambda _p: SimpleNamespace(free=720_000 + 229_999)
    )
    # 1000 contacts: 720,000 bytes, and 1000 joined into one CSV 230,000 more
    run.check_disk(root, 1000, reuse_exports=False)
    with pytest.raises(SystemExit, match="need about"):
        run.check_disk(root, 1000, reuse_exports=False, one_csv_contacts=1000)


def test_check_disk_counts_the_copy_repeated_first_runs_start_from(tmp_path, monkeypatch):
    root = tmp_path / "c1000"
    monkeypatch.setattr(run.shutil, "disk_usage", lambda _p: SimpleNamespace(free=789_999))
    # 1000 contacts: 720,000 bytes, and the copy of the ingested warehouse 70,000 more
    run.check_disk(root, 1000, reuse_exports=False)
    with pytest.raises(SystemExit, match="need about"):
        run.check_disk(root, 1000, reuse_exports=False, repeat_compute=True)


def test_the_first_run_reported_is_the_one_with_the_median_ratio():
    def first_run(seconds, cpu, before, after):
        stage = run.Stage("compute", seconds + 2, 100.0)
        return run.FirstRun(stage, {}, seconds, cpu, (7, *before), (7, *after))

    # 42 s against passes of 5.0 and 5.5 s: 42 / 5.25 = 8.0x; 84 CPU s against 10 and
    # 11: 84 / 10.5 = 8.0x
    slow = first_run(42.0, 84.0, (5.0, 10.0), (5.5, 11.0))
    assert (slow.ratio, slow.cpu_ratio) == (8.0, 8.0)
    fast = first_run(36.0, 70.0, (6.0, 12.0), (6.0, 12.0))  # 6.0x
    middle = first_run(35.0, 75.0, (5.0, 10.0), (5.0, 10.0))  # 7.0x
    assert run.median_run([slow, fast, middle]) is middle
    # of two, the higher ratio: the figure is not flattered
    assert run.median_run([fast, slow]) is slow
    assert run.median_run([fast]) is fast


def test_contact_exports_join_into_one_csv(tmp_path):
    piece = tmp_path / "piece"
    piece.mkdir()
    header = b"contact_id,account_id,note\n"
    (piece / "contacts_2026-09.csv").write_bytes(header + b'c1,A1,"two\nlines"\nc2,A1,x\n')
    (piece / "contacts_2026-10.csv").write_bytes(header + b"c3,A2,no newline at the end")
    (piece / "contacts_2026-11.csv").write_bytes(header + b"c4,A2,y\n")
    (piece / "accounts.csv").write_bytes(b"account_id\nA1\n")
    joined = tmp_path / "joined.csv"
    files = run.join_contact_exports(piece, joined)
    assert [f.name for f in files] == [
        "contacts_2026-09.csv",
        "contacts_2026-10.csv",
        "contacts_2026-11.csv",
    ]
    assert joined.read_bytes() == (
        header + b'c1,A1,"two\nlines"\nc2,A1,x\nc3,A2,no newline at the end\nc4,A2,y\n'
    )
    (piece / "contacts_2026-12.csv").write_bytes(b"contact_id,note\nc5,z\n")
    with pytest.raises(SystemExit, match=r"contacts_2026-12\.csv has another header"):
        run.join_contact_exports(piece, joined)
    with pytest.raises(SystemExit, match="no contacts_"):
        run.join_contact_exports(tmp_path / "empty", joined)


def test_one_csv_ingest_loads_every_contact_of_the_monthly_files(tmp_path):
    piece = tmp_path / "exports"
    generate(piece, accounts=60, months=2, chinese_file=False)
    monthly = sorted(piece.glob("contacts_*.csv"))
    assert len(monthly) == 2
    config = make_config(tmp_path)
    con = duckdb.connect()
    warehouse.configure(con, config)
    warehouse.create_schema(con)
    files = [piece / n for n in ("agencies.csv", "collectors.csv", "accounts.csv", *monthly)]
    results = ingest.ingest(con, config, ingest.plan(files, config), tmp_path / "work")
    expected = sum(r.rows_read for r in results if r.entity == "contacts")
    assert expected > 0

    stage = run.ingest_one_csv(piece, tmp_path / "one", "1GB", 1)
    assert stage.rows == expected
    assert 0 < stage.file_seconds < stage.seconds
    (line,) = [f for f in stage.log if f.get("event") == "file"]
    assert line["entity"] == "contacts" and line["rows"] == expected
    scratch = tmp_path / "one" / "warehouse" / "current.duckdb"
    with duckdb.connect(str(scratch), read_only=True) as wh:
        assert wh.sql("select count(*) from contacts").fetchall()[0][0] == expected
        assert wh.sql("select count(*) from rejects").fetchall()[0][0] == 0


def test_the_compute_figure_is_the_metrics_and_rules_stages_of_a_run():
    def finished(stage, seconds, cpu):
        return {"event": "stage_finished", "stage": stage, "seconds": seconds, "cpu_seconds": cpu}

    stage = run.Stage(
        "compute",
        30.0,
        100.0,
        log=[
            finished("ingest", 2.0, 2.5),
            finished("metrics", 10.0, 19.0),
            {"event": "step_finished", "step": "account_month", "how": "computed in full"},
            finished("rules", 15.0, 28.0),
            finished("checks", 1.0, 1.0),
        ],
    )
    stage_secs, seconds, cpu = run._split_run(stage)
    assert (seconds, cpu) == (25.0, 47.0)
    assert stage_secs["ingest"] == 2.0
    # the rest of the stage's 30 s went around the metrics and rules
    assert (
        stage.note
        == "metrics 10.0 s + rules 15.0 s + 5.0 s around them; account_month computed in full"
    )
