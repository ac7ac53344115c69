"""Publishing beside readers, the lock, crash leftovers, retention, DuckDB 1.5 files."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from audit import warehouse
from audit.errors import WarehouseLocked
from audit.warehouse import Warehouse
from conftest import make_config


def _publish_table(wh: Warehouse, value: int) -> None:
    with wh.change("test") as change:
        change.con.execute("create or replace table marker as select $v as v", {"v": value})


def test_reader_keeps_its_version_until_it_reconnects(tmp_path):
    wh = Warehouse(make_config(tmp_path))
    _publish_table(wh, 1)
    reader = duckdb.connect(str(wh.current_path), read_only=True)
    assert reader.execute("select v from marker").fetchall() == [(1,)]
    _publish_table(wh, 2)  # a writer publishes while the reader is connected
    assert reader.execute("select v from marker").fetchall() == [(1,)]
    reader.close()
    reader = duckdb.connect(str(wh.current_path), read_only=True)
    assert reader.execute("select v from marker").fetchall() == [(2,)]
    reader.close()


def test_a_failed_change_publishes_nothing(tmp_path):
    wh = Warehouse(make_config(tmp_path))
    _publish_table(wh, 1)
    with pytest.raises(RuntimeError), wh.change("test") as change:
        change.con.execute("create or replace table marker as select 99 as v")
        raise RuntimeError("boom")
    con = wh.connect_read()
    assert con.execute("select v from marker").fetchall() == [(1,)]
    con.close()
    assert not list(wh.versions_dir.glob("*.tmp"))


def test_second_writer_is_refused_at_once(tmp_path):
    wh = Warehouse(make_config(tmp_path))
    other = Warehouse(make_config(tmp_path))
    busy = pytest.raises(WarehouseLocked, match="busy: run 2026-10 by pid")
    with wh.lock("run 2026-10"), busy, other.lock("other"):
        pass
    with wh.lock("again"):  # released when the holder finished
        pass


def test_lock_of_a_dead_process_does_not_block(tmp_path):
    cfg = make_config(tmp_path)
    tests, root = str(Path(__file__).parent), str(tmp_path)
    code = (
        f"import os, sys; sys.path.insert(0, {tests!r}); from conftest import make_config;"
        "from pathlib import Path; from audit.warehouse import Warehouse;"
        f"w = Warehouse(make_config(Path({root!r})));"
        "ctx = w.lock('doomed'); ctx.__enter__(); os._exit(9)"
    )
    proc = subprocess.run([sys.executable, "-c", code], check=False)
    assert proc.returncode == 9
    assert "doomed" in (tmp_path / "warehouse" / "audit.lock").read_text()
    with Warehouse(cfg).lock("next"):
        pass


def test_leftovers_of_a_killed_change_are_removed(tmp_path):
    wh = Warehouse(make_config(tmp_path))
    _publish_table(wh, 1)
    (wh.versions_dir / "v00009_run.duckdb.tmp").write_bytes(b"half")
    (wh.root / "tmp").mkdir(exist_ok=True)
    _publish_table(wh, 2)
    assert not (wh.versions_dir / "v00009_run.duckdb.tmp").exists()
    assert not (wh.root / "tmp").exists()


def test_retention_keeps_newest_current_and_versions_named_by_reports(tmp_path):
    cfg = make_config(tmp_path, warehouse={"keep_versions": 2})
    wh = Warehouse(cfg)
    for v in range(1, 6):
        _publish_table(wh, v)
    names = [v.name for v in wh.versions()]
    assert names == ["v00004_test.duckdb", "v00005_test.duckdb"]
    # a report on disk that names version 4 keeps it past retention
    month = tmp_path / "reports" / "2026-09"
    month.mkdir(parents=True)
    (month / "manifest.json").write_text(json.dumps({"warehouse_version": "v00004_test.duckdb"}))
    _publish_table(wh, 6)
    _publish_table(wh, 7)
    assert [v.name for v in wh.versions()] == [
        "v00004_test.duckdb",
        "v00006_test.duckdb",
        "v00007_test.duckdb",
    ]
    assert wh.current().name == "v00007_test.duckdb"


def test_published_file_opens_in_the_duckdb_1_5_cli(tmp_path):
    cli = shutil.which("duckdb", path=str(Path(sys.executable).parent))
    if cli is None:
        pytest.skip("the duckdb-cli package (1.5) is not installed")
    version = subprocess.run([cli, "-version"], capture_output=True, text=True).stdout
    assert version.startswith("v1.5"), version
    wh = Warehouse(make_config(tmp_path))
    with wh.change("test") as change:
        change.con.execute(
            "create table t as select range as i, now()::timestamptz as ts, "
            "1.5::decimal(18,2) as d, ['x'] as l from range(1000)"
        )
    _publish_table(wh, 1)  # a second version, copied and written by duckdb 2.x
    out = subprocess.run(
        [
            cli,
            "-readonly",
            "-csv",
            str(wh.current_path),
            "-c",
            "select count(*), sum(d) from t; select v from marker;",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["count_star(),sum(d)", "1000,1500.00", "v", "1"]


def test_versions_are_not_writable_by_readers(tmp_path):
    wh = Warehouse(make_config(tmp_path))
    _publish_table(wh, 1)
    con = wh.connect_read()
    with pytest.raises(duckdb.Error):
        con.execute("create table x as select 1")
    con.close()
    assert os.path.islink(wh.current_path)


def test_label_columns_of_an_older_warehouse_become_enums_and_keep_their_rows(tmp_path):
    # a warehouse written when contacts.channel and .party were text
    wh = Warehouse(make_config(tmp_path))
    with wh.change("old") as change:
        con = change.con
        con.execute("alter table contacts alter column channel type VARCHAR")
        con.execute("alter table contacts alter column party type VARCHAR")
        con.execute(
            "insert into contacts (contact_id, account_id, party, channel, started_at, "
            "load_id, line_no) values ('c1', 'A1', 'debtor', 'sms', now(), 1, 2)"
        )
    with wh.change("new") as change:
        types = dict(
            change.con.execute(
                "select column_name, data_type from duckdb_columns() "
                "where table_name = 'contacts' and column_name in ('channel', 'party')"
            ).fetchall()
        )
        rows = change.con.execute(
            "select contact_id, channel = 'sms', party::varchar from contacts"
        ).fetchall()
    assert types["channel"].startswith("ENUM('app_push', 'call', 'email', ")
    assert types["party"].startswith("ENUM('attorney', 'debtor', ")
    assert rows == [("c1", True, "debtor")]


def pool_and_limit(con) -> tuple[str, str]:
    return con.execute(
        "select current_setting('block_allocator_memory'), current_setting('memory_limit')"
    ).fetchone()


def test_connections_pool_freed_blocks_up_to_half_the_memory_limit(tmp_path):
    con = duckdb.connect(":memory:")
    assert pool_and_limit(con)[0] == "0 bytes"  # DuckDB's default: no pool
    warehouse.configure(con, make_config(tmp_path, warehouse={"memory_limit": "4GiB"}))
    assert pool_and_limit(con) == ("2.0 GiB", "4.0 GiB")
    # DuckDB cannot shrink the pool: a smaller limit later keeps the pool it has
    warehouse.configure(con, make_config(tmp_path, warehouse={"memory_limit": "1GiB"}))
    assert pool_and_limit(con) == ("2.0 GiB", "1.0 GiB")
    warehouse.configure(con, make_config(tmp_path, warehouse={"memory_limit": "6GiB"}))
    assert pool_and_limit(con) == ("3.0 GiB", "6.0 GiB")
