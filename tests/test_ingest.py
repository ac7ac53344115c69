"""Ingestion: every row loaded or rejected with a reason; unreadable files load nothing."""

import csv
import io
import os
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.errors import EXIT_ERROR, EXIT_OK, EXIT_REJECTED_ROWS

ACCOUNTS = """account_id,customer_id,principal,origination_date,regime,timezone
A1,C1,1200.00,2026-01-15,cn,Asia/Shanghai
A2,C2,600,2026-02-01,us_regf,America/New_York
"""

CONTACTS_HEADER = "contact_id,account_id,party,channel,direction,started_at,call_result,note\n"
ONE_CONTACT = CONTACTS_HEADER + "K1,A1,debtor,call,outbound,2026-10-03 10:15:00,answered,\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def one_contact_exports(project: Path) -> tuple[Path, Path]:
    """ex/accounts.csv and ex/contacts_2026-10.csv with one contact, K1, on account A1."""
    accounts = write(project / "ex" / "accounts.csv", ACCOUNTS)
    return accounts, write(project / "ex" / "contacts_2026-10.csv", ONE_CONTACT)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "audit.toml").write_text("", encoding="utf-8")
    return tmp_path


def audit(project: Path, *args: str):
    result = CliRunner().invoke(cli, ["--config", str(project / "audit.toml"), *args])
    return result


def query(project: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(project / "warehouse" / "current.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_malformed_contact_rows_are_rejected_with_reasons(project):
    write(project / "ex" / "accounts.csv", ACCOUNTS)
    write(
        project / "ex" / "contacts_2026-10.csv",
        CONTACTS_HEADER
        + (
            "K1,A1,debtor,call,outbound,2026-10-03 10:15:00,answered,fine\n"  # line 2 ok
            "K2,A1,debtor,fax,outbound,2026-10-03 10:16:00,answered,x\n"  # 3 unknown channel
            "K3,A9,debtor,call,outbound,2026-10-03 10:17:00,no_answer,\n"  # 4 unknown account
            "K4,A1,debtor,call,outbound,2026-10-32 10:17:00,no_answer,\n"  # 5 bad date
            "K1,A1,debtor,call,outbound,2026-10-03 10:18:00,no_answer,\n"  # 6 duplicate id
            "K6,A1,debtor,call,outbound,2026-10-03 10:19:00,no_answer,x,surplus\n"  # 7 extra field
            "K7,A2,debtor,sms,outbound,2026-10-03T12:19:00Z,sent,ok\n"  # 8 ok
        ),
    )
    result = audit(project, "ingest", str(project / "ex"))
    assert result.exit_code == EXIT_REJECTED_ROWS
    assert "7 read, 2 loaded, 5 rejected" in result.stderr
    assert "9 rows read, 4 loaded, 5 rejected" in result.stderr
    rejects = query(
        project,
        "select line_no, column_name, value, reason from rejects "
        "where source_file like '%contacts%' order by line_no",
    )
    assert [(r[0], r[1], r[2]) for r in rejects] == [
        (3, "channel", "fax"),
        (4, "account_id", "A9"),
        (5, "started_at", "2026-10-32 10:17:00"),
        (6, "contact_id", "K1"),
        (7, None, "surplus"),
    ]
    reasons = [r[3] for r in rejects]
    assert reasons[0].startswith("unknown channel; expected one of call,")
    assert reasons[1].startswith("unknown account_id")
    assert reasons[2].startswith("not a timestamp")
    assert reasons[3] == "duplicate contact_id: first seen on line 2 of this file"
    assert reasons[4] == "the line has more fields than the header"
    loads = query(
        project, "select entity, rows_read, rows_loaded, rows_rejected from loads order by load_id"
    )
    assert loads == [("accounts", 2, 2, 0), ("contacts", 7, 2, 5)]
    assert query(project, "select contact_id from contacts order by 1") == [("K1",), ("K7",)]


def test_loading_the_same_folder_twice_adds_nothing(project):
    one_contact_exports(project)
    assert audit(project, "ingest", str(project / "ex")).exit_code == EXIT_OK
    before = query(
        project,
        "select (select count(*) from contacts), (select count(*) from "
        "accounts), (select count(*) from loads)",
    )
    second = audit(project, "ingest", str(project / "ex"))
    assert second.exit_code == EXIT_OK
    assert second.stderr.count("skipped, already loaded as load") == 2
    assert (
        query(
            project,
            "select (select count(*) from contacts), (select count(*) from "
            "accounts), (select count(*) from loads)",
        )
        == before
        == [(1, 2, 2)]
    )


def _age(path: Path, seconds: int = 3600) -> int:
    """Set a file's modification time ``seconds`` into the past; return it in ns."""
    mtime_ns = path.stat().st_mtime_ns - seconds * 1_000_000_000
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return mtime_ns


def _no_hashing(path):
    raise AssertionError(f"{path} was hashed")


def test_an_export_loaded_before_is_not_read_again(project, monkeypatch):
    accounts, contacts = one_contact_exports(project)
    _age(accounts)
    _age(contacts)
    assert audit(project, "ingest", str(project / "ex")).exit_code == EXIT_OK
    stamps = query(project, "select source_file, bytes, mtime_ns from loads order by 1")
    assert stamps == [
        (str(p.resolve()), p.stat().st_size, p.stat().st_mtime_ns) for p in (accounts, contacts)
    ]
    # same path, size and modification time: skipped without reading a byte
    monkeypatch.setattr("audit.ingest.sha256_of", _no_hashing)
    second = audit(project, "ingest", str(project / "ex"))
    assert second.exit_code == EXIT_OK, second.output
    assert second.stderr.count("same path, size and modification time, nothing to do") == 2
    assert query(project, "select count(*) from loads") == [(2,)]


def test_a_touched_export_is_hashed_and_skipped_by_its_sha256(project):
    path = write(project / "ex" / "accounts.csv", ACCOUNTS)
    _age(path)
    audit(project, "ingest", str(path))
    os.utime(path)  # modified now, same content
    second = audit(project, "ingest", str(path))
    assert second.exit_code == EXIT_OK
    assert "same sha256, nothing to do" in second.stderr
    assert query(project, "select count(*) from loads") == [(1,)]


def test_a_file_changed_within_seconds_of_its_load_is_read_again(project):
    # the stamp of a file modified within 2 s before its load does not identify it: a
    # change right after the load could keep size and time (coarse file system clocks)
    _, path = one_contact_exports(project)
    audit(project, "ingest", str(project / "ex"))
    mtime_ns = path.stat().st_mtime_ns
    write(
        path,
        CONTACTS_HEADER + "K2,A1,debtor,call,outbound,2026-10-03 10:15:00,answered,\n",
    )
    os.utime(path, ns=(mtime_ns, mtime_ns))  # same size, same time, new content
    assert audit(project, "ingest", str(path)).exit_code == EXIT_OK
    assert query(project, "select contact_id from contacts order by 1") == [("K1",), ("K2",)]


def test_a_load_recorded_without_the_file_time_gets_it_once(project, monkeypatch):
    path = write(project / "ex" / "accounts.csv", ACCOUNTS)
    _age(path)
    audit(project, "ingest", str(path))
    # as a warehouse written before loads recorded file times
    con = duckdb.connect(str(project / "warehouse" / "current.duckdb"))
    con.execute("update loads set mtime_ns = null")
    con.close()
    second = audit(project, "ingest", str(path))  # hashed: same sha256, time recorded
    assert "same sha256, nothing to do" in second.stderr
    assert query(project, "select mtime_ns from loads") == [(path.stat().st_mtime_ns,)]
    monkeypatch.setattr("audit.ingest.sha256_of", _no_hashing)
    third = audit(project, "ingest", str(path))
    assert "same path, size and modification time" in third.stderr


def test_a_warehouse_without_file_times_gets_the_column(tmp_path):
    from audit import warehouse

    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute(warehouse.LOADS_DDL.replace(",\n    mtime_ns BIGINT", ""))
    con.execute(
        "insert into loads values (1, '/x/accounts.csv', 'accounts', 'ab', 2, 2, 0, now(), "
        "'csv', 'utf-8', null, 10)"
    )
    warehouse.create_schema(con)
    assert con.execute("select load_id, mtime_ns from loads").fetchall() == [(1, None)]
    assert con.execute("select column_name from (describe loads)").fetchall()[-1] == ("mtime_ns",)


def test_a_changed_file_with_the_same_name_is_a_new_load(project):
    _, path = one_contact_exports(project)
    audit(project, "ingest", str(project / "ex"))
    write(path, ONE_CONTACT + "K2,A1,debtor,call,outbound,2026-10-04 10:15:00,answered,\n")
    result = audit(project, "ingest", str(path))
    assert result.exit_code == EXIT_REJECTED_ROWS
    assert query(project, "select count(*) from loads where entity = 'contacts'") == [(2,)]
    assert query(project, "select contact_id from contacts order by 1") == [("K1",), ("K2",)]
    (reason,) = query(project, "select reason from rejects")[0]
    assert reason.startswith("duplicate contact_id: already loaded from ")
    assert reason.endswith("contacts_2026-10.csv line 2")


def test_gb18030_file_with_chinese_headers_loads_through_the_profile(project):
    write(project / "ex" / "accounts.csv", ACCOUNTS)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(
        [
            "记录编号",
            "合同号",
            "联系对象",
            "联系方式",
            "呼叫方向",
            "联系时间",
            "催收员",
            "联系号码",
            "通话结果",
            "催收结果",
            "承诺金额",
            "承诺日期",
            "录音编号",
            "备注",
        ]
    )
    w.writerow(
        [
            "CN1",
            "A1",
            "本人",
            "电话",
            "呼出",
            "2026-10-03 20:15:00",
            "E01",
            "13812341234",
            "接通",
            "承诺还款",
            "500.00",
            "2026-10-10",
            "R1",
            "客户表示下周还款，态度良好",
        ]
    )
    w.writerow(
        [
            "CN2",
            "A1",
            "紧急联系人",
            "短信",
            "呼出",
            "2026-10-04 09:00:00",
            "",
            "13900001111",
            "已发送",
            "无",
            "",
            "",
            "",
            "提醒：请转告借款人",
        ]
    )
    write(project / "ex" / "催收记录_2026-10.csv", buf.getvalue(), encoding="gb18030")
    result = audit(project, "ingest", str(project / "ex"))
    assert result.exit_code == EXIT_OK, result.stderr
    assert "via profile cn_contacts_gb18030" in result.stderr
    rows = query(
        project,
        "select contact_id, person_id, party, channel, call_result, "
        "conversation, outcome, ptp_amount::varchar, note, "
        "strftime(started_at at time zone 'Asia/Shanghai', '%H:%M') "
        "from contacts order by 1",
    )
    assert rows == [
        (
            "CN1",
            "C1",
            "debtor",
            "call",
            "answered",
            True,
            "promise_to_pay",
            "500.00",
            "客户表示下周还款，态度良好",
            "20:15",
        ),
        (
            "CN2",
            None,
            "emergency_contact",
            "sms",
            "sent",
            False,
            "none",
            None,
            "提醒：请转告借款人",
            "09:00",
        ),
    ]


def test_wrong_encoding_stops_and_loads_nothing(project):
    write(project / "ex" / "accounts.csv", ACCOUNTS)
    write(project / "ex" / "contacts_x.csv", "编号,合同号\nK1,A1\n", encoding="gb18030")
    result = audit(project, "ingest", str(project / "ex"))
    assert result.exit_code == EXIT_ERROR
    assert "contacts_x.csv: header is not valid utf-8" in result.stderr
    assert "--encoding gb18030" in result.stderr
    assert not (project / "warehouse" / "current.duckdb").exists()


def test_missing_required_column_stops_every_file(project):
    write(project / "ex" / "accounts.csv", ACCOUNTS)
    write(project / "ex" / "payments.csv", "payment_id,account_id,amount\nP1,A1,10\n")
    result = audit(project, "ingest", str(project / "ex"))
    assert result.exit_code == EXIT_ERROR
    assert "payments.csv: missing required column(s) paid_at for payments" in result.stderr
    assert "nothing was loaded" in result.stderr
    assert not (project / "warehouse" / "current.duckdb").exists()


def test_unknown_file_name_needs_an_entity(project):
    write(project / "ex" / "stuff.csv", "a,b\n1,2\n")
    result = audit(project, "ingest", str(project / "ex" / "stuff.csv"))
    assert result.exit_code == EXIT_ERROR
    assert "cannot tell which entity" in result.stderr
    result = audit(project, "ingest", "--entity", "agencies", str(project / "ex" / "stuff.csv"))
    assert result.exit_code == EXIT_ERROR
    assert "missing required column(s) agency_id" in result.stderr


def test_bom_xlsx_and_parquet(project):
    write(project / "ex" / "accounts.csv", ACCOUNTS, encoding="utf-8-sig")
    pl.DataFrame(
        {
            "payment_id": ["P1", "P2"],
            "account_id": ["A1", "A1"],
            "paid_at": ["2026-02-15", "2026-03-15T10:00:00+08:00"],
            "amount": [100.0, -100.0],
        }
    ).write_excel(project / "ex" / "payments.xlsx")
    pl.DataFrame(
        {
            "account_id": ["A1", "A1"],
            "installment_no": [1, 2],
            "due_date": [date(2026, 2, 15), date(2026, 3, 15)],
            "amount_due": [100.0, 100.0],
        }
    ).write_parquet(project / "ex" / "installments.parquet")
    result = audit(project, "ingest", str(project / "ex"))
    assert result.exit_code == EXIT_OK, result.stderr
    assert query(project, "select count(*) from accounts") == [(2,)]
    assert query(
        project,
        "select installment_no, due_date::varchar, amount_due::varchar, line_no "
        "from installments order by 1",
    ) == [(1, "2026-02-15", "100.00", 1), (2, "2026-03-15", "100.00", 2)]
    # a bare date is midnight in the portfolio time zone, so its date never shifts
    assert query(
        project,
        "select payment_id, strftime(paid_at at time zone 'Asia/Shanghai', "
        "'%Y-%m-%d %H:%M'), amount::varchar, line_no from payments order by 1",
    ) == [("P1", "2026-02-15 00:00", "100.00", 2), ("P2", "2026-03-15 10:00", "-100.00", 3)]


def test_value_checks(project):
    write(
        project / "ex" / "accounts.csv",
        ACCOUNTS
        + (
            "A3,C3,-1,2026-01-01,cn,Asia/Shanghai\n"  # line 4 negative principal
            "A4,C4,10,2026-01-01,eu,Asia/Shanghai\n"  # 5 unknown regime
            "A5,C5,10,2026-01-01,cn,Mars/Olympus\n"  # 6 unknown zone
            "A6,,10,2026-01-01,cn,Asia/Shanghai\n"  # 7 missing customer
            "A7,C7,10.005,2026-01-01,cn,Asia/Shanghai\n"  # 8 three decimals
            "A8,C8,10,2026-01-01,,\n"  # 9 ok: defaults
        ),
    )
    write(
        project / "ex" / "payments.csv",
        "payment_id,account_id,paid_at,amount\n"
        "P1,A1,2026-03-01,0\n"  # 2 zero amount
        "P2,A1,2099-01-01,10\n"  # 3 in the future
        "P3,A1,2026-03-01 09:00,-10\n",
    )  # 4 ok: a reversal
    write(
        project / "ex" / "account_events.csv",
        "event_id,account_id,person_id,event_type,effective_at,window\n"
        "E1,,,complaint,2026-03-01 10:00,\n"  # 2 needs account or person
        "E2,,C1,inconvenient_time,2026-03-01 10:00,whenever\n"  # 3 bad window
        "E3,,C1,inconvenient_time,2026-03-01 10:00,Mon-Fri 15:00-17:00\n",
    )  # 4 ok
    result = audit(project, "ingest", str(project / "ex"))
    assert result.exit_code == EXIT_REJECTED_ROWS
    got = query(
        project,
        "select split_part(source_file, '/', -1), line_no, column_name, reason "
        "from rejects order by 1, 2",
    )
    assert [(f, n, c) for f, n, c, _ in got] == [
        ("account_events.csv", 2, "account_id"),
        ("account_events.csv", 3, "window"),
        ("accounts.csv", 4, "principal"),
        ("accounts.csv", 5, "regime"),
        ("accounts.csv", 6, "timezone"),
        ("accounts.csv", 7, "customer_id"),
        ("accounts.csv", 8, "principal"),
        ("payments.csv", 2, "amount"),
        ("payments.csv", 3, "paid_at"),
    ]
    assert got[5][3] == "customer_id is required but empty"
    assert got[6][3].startswith("not an amount with at most 2 decimals")
    assert got[8][3] == "paid_at is later than the time of loading"
    assert query(
        project, "select regime, timezone, currency from accounts where account_id = 'A8'"
    ) == [("cn", "Asia/Shanghai", "CNY")]
    assert query(
        project, "select sum(rows_read) = sum(rows_loaded) + sum(rows_rejected) from loads"
    ) == [(True,)]


def test_quoted_newlines_keep_physical_line_numbers(project):
    write(project / "ex" / "accounts.csv", ACCOUNTS)
    write(
        project / "ex" / "contacts.csv",
        CONTACTS_HEADER
        + (
            'K1,A1,debtor,call,outbound,2026-10-03 10:15:00,answered,"two\nlines"\n'  # lines 2-3
            'K2,A1,debtor,call,outbound,2026-10-03 10:16:00,answered,"<script>x</script>"\n'  # 4
            "K3,A1,debtor,telepathy,outbound,2026-10-03 10:17:00,answered,\n"  # 5
        ),
    )
    audit(project, "ingest", str(project / "ex"))
    assert query(project, "select contact_id, line_no, note from contacts order by 1") == [
        ("K1", 2, "two\nlines"),
        ("K2", 4, "<script>x</script>"),
    ]
    assert query(project, "select line_no, value from rejects") == [(5, "telepathy")]


def test_offsets_and_source_timezone(project):
    (project / "audit.toml").write_text(
        '[portfolio]\nsource_timezone = "America/New_York"\n', encoding="utf-8"
    )
    write(project / "ex" / "accounts.csv", ACCOUNTS)
    write(
        project / "ex" / "contacts.csv",
        CONTACTS_HEADER
        + (
            "K1,A2,debtor,call,outbound,2026-10-03 20:15:00,answered,\n"  # naive: New York
            "K2,A2,debtor,call,outbound,2026-10-03T20:15:00+08:00,answered,\n"  # explicit offset
            "K3,A2,debtor,call,outbound,2026-11-01 01:30:00-05:00,answered,\n"  # after DST ends
        ),
    )
    audit(project, "ingest", str(project / "ex"))
    assert query(
        project,
        "select contact_id, strftime(started_at at time zone 'UTC', "
        "'%Y-%m-%d %H:%M') from contacts order by 1",
    ) == [("K1", "2026-10-04 00:15"), ("K2", "2026-10-03 12:15"), ("K3", "2026-11-01 06:30")]


def test_keys_loaded_earlier_are_found_whatever_the_order_of_ids(project):
    write(project / "ex" / "accounts.csv", ACCOUNTS)
    write(
        project / "ex" / "contacts_1.csv",
        CONTACTS_HEADER
        + (
            "K5,A1,debtor,call,outbound,2026-10-03 10:15:00,answered,\n"
            "K1,A1,debtor,call,outbound,2026-10-03 10:16:00,answered,\n"
            "K9,A1,debtor,call,outbound,2026-10-03 10:17:00,answered,\n"
        ),
    )
    write(
        project / "ex" / "contacts_2.csv",
        CONTACTS_HEADER
        + (
            "K9,A9,debtor,call,outbound,2026-10-04 10:15:00,answered,\n"  # 2 loaded, max of range
            "K3,A1,debtor,call,outbound,2026-10-04 10:16:00,answered,\n"  # 3 new
            "K1,A1,debtor,call,outbound,2026-10-04 10:17:00,answered,\n"  # 4 loaded, min of range
            "K3,A9,debtor,call,outbound,2026-10-04 10:18:00,answered,\n"  # 5 repeats line 3
            "K0,A1,debtor,fax,outbound,2026-10-04 10:19:00,answered,\n"  # 6 bad channel
            "K4,A9,debtor,call,outbound,2026-10-04 10:20:00,answered,\n"  # 7 unknown account
        ),
    )
    result = audit(project, "ingest", str(project / "ex"))
    assert result.exit_code == EXIT_REJECTED_ROWS
    assert "6 read, 1 loaded, 5 rejected" in result.stderr
    rejects = query(
        project,
        "select line_no, column_name, value, reason from rejects order by line_no",
    )
    first = str((project / "ex" / "contacts_1.csv").resolve())
    assert rejects == [
        (2, "contact_id", "K9", f"duplicate contact_id: already loaded from {first} line 4"),
        (4, "contact_id", "K1", f"duplicate contact_id: already loaded from {first} line 3"),
        (5, "contact_id", "K3", "duplicate contact_id: first seen on line 3 of this file"),
        (6, "channel", "fax", rejects[3][3]),
        (
            7,
            "account_id",
            "A9",
            "unknown account_id: load the accounts file first or fix the id",
        ),
    ]
    assert query(project, "select contact_id, load_id, line_no from contacts order by 1") == [
        ("K1", 2, 3),
        ("K3", 3, 3),
        ("K5", 2, 2),
        ("K9", 2, 4),
    ]


def test_a_composite_key_loaded_earlier_is_a_duplicate(project):
    write(project / "ex" / "accounts.csv", ACCOUNTS)
    header = "account_id,installment_no,due_date,amount_due\n"
    write(project / "ex" / "installments_1.csv", header + "A2,1,2026-03-01,100\n")
    write(
        project / "ex" / "installments_2.csv",
        header
        + (
            "A1,1,2026-02-15,100\n"  # 2 new
            "A2,1,2026-03-01,100\n"  # 3 loaded
            "A2,2,2026-04-01,100\n"  # 4 new: same account, next installment
        ),
    )
    result = audit(project, "ingest", str(project / "ex"))
    assert result.exit_code == EXIT_REJECTED_ROWS
    assert query(project, "select line_no, value, reason from rejects") == [
        (
            3,
            "A2/1",
            "duplicate account_id/installment_no: already loaded from "
            f"{(project / 'ex' / 'installments_1.csv').resolve()} line 2",
        )
    ]
    assert query(project, "select account_id, installment_no from installments order by 1, 2") == [
        ("A1", 1),
        ("A2", 1),
        ("A2", 2),
    ]


def test_a_bad_byte_after_the_header_stops_with_its_offset_and_loads_nothing(project):
    write(project / "ex" / "accounts.csv", ACCOUNTS)
    header = "记录编号,合同号,联系方式,联系时间\n".encode("gb18030")
    good = "K1,A1,电话,2026-10-03 10:00:00\n".encode("gb18030")
    (project / "ex" / "催收记录_2026-10.csv").write_bytes(header + good + b"K2,A1,\xff\xff,x\n")
    result = audit(project, "ingest", str(project / "ex"))
    assert result.exit_code == EXIT_ERROR
    assert isinstance(result.exception, SystemExit)  # a clean message, not a traceback
    offset = len(header) + len(good) + len(b"K2,A1,")
    assert f"error: {project / 'ex'}/催收记录_2026-10.csv: not valid gb18030 at byte {offset};" in (
        result.stderr
    )
    assert not (project / "warehouse" / "current.duckdb").exists()


def test_line_numbers_count_quoted_newlines_of_earlier_batches(project, monkeypatch):
    monkeypatch.setattr("audit.ingest.BATCH_ROWS", 2)
    write(project / "ex" / "accounts.csv", ACCOUNTS)
    write(
        project / "ex" / "contacts.csv",
        CONTACTS_HEADER
        + (
            "K1,A1,debtor,call,outbound,2026-10-03 10:15:00,answered,\n"  # line 2, batch 1
            'K2,A1,debtor,call,outbound,2026-10-03 10:16:00,answered,"a\nb\nc"\n'  # lines 3-5
            "K3,A1,debtor,fax,outbound,2026-10-03 10:17:00,answered,\n"  # 6, batch 2
            'K4,A1,debtor,call,outbound,2026-10-03 10:18:00,answered,"d\ne"\n'  # lines 7-8
            "K5,A1,debtor,call,outbound,2026-10-03 10:19:00,answered,\n"  # 9, batch 3
            "K6,A1,debtor,fax,outbound,2026-10-03 10:20:00,answered,\n"  # 10
        ),
    )
    audit(project, "ingest", str(project / "ex"))
    assert query(project, "select contact_id, line_no from contacts order by 1") == [
        ("K1", 2),
        ("K2", 3),
        ("K4", 7),
        ("K5", 9),
    ]
    assert query(project, "select line_no, value from rejects order by 1") == [
        (6, "fax"),
        (10, "fax"),
    ]
