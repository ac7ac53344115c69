"""account_month extended from the stored table equals account_month computed in full.

The portfolio is the hand-made one of test_metrics_portfolio.py (its expected
states are worked out there). Schedule accounts with a row at the end of March
or April: A, B, B2, C, D, E, F30, F90 (eight; S1 and S2 take their state from
snapshots, N1 has no source, G is originated in June).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from test_metrics_portfolio import APR, MAR, MAY, build, state

from conftest import connect, load, make_config, metric_note

SCHEDULE_ACCOUNTS = 8


def fresh(tmp_path, name: str, **metrics_params):
    """A warehouse with the portfolio loaded and nothing computed."""
    path = tmp_path / name
    path.mkdir()
    config = make_config(path, metrics=metrics_params) if metrics_params else make_config(path)
    con = connect(config)
    build(con, config)
    return con, config


def account_month_note(con, config, through: date) -> str:
    return metric_note(con, config, through, "account_month")


def table(con) -> list[tuple]:
    return con.execute("select * from account_month order by account_id, month").fetchall()


def payment(pid: str, account: str, at: str, amount: str) -> dict:
    return {"payment_id": pid, "account_id": account, "paid_at": at, "amount": amount}


def instalment(account: str, no: int, due: str, amount: str) -> dict:
    return {"account_id": account, "installment_no": no, "due_date": due, "amount_due": amount}


def full_after(tmp_path, loads: list[tuple[str, list[dict]]], through: date) -> list[tuple]:
    """account_month computed once, from scratch, on the portfolio plus ``loads``."""
    con, config = fresh(tmp_path, "full")
    for entity, rows in loads:
        load(con, config, entity, rows)
    assert account_month_note(con, config, through) == "computed in full"
    rows = table(con)
    con.close()
    return rows


def extended_after(tmp_path, loads: list[tuple[str, list[dict]]]):
    """account_month computed through April, ``loads`` loaded, then through May: (con, note)."""
    con, config = fresh(tmp_path, "inc")
    account_month_note(con, config, APR)
    for entity, rows in loads:
        load(con, config, entity, rows)
    return con, account_month_note(con, config, MAY)


def test_later_months_extend_the_stored_table(tmp_path):
    con, config = fresh(tmp_path, "inc")
    assert account_month_note(con, config, MAR) == "computed in full"
    note = account_month_note(con, config, MAY)
    assert note == f"extended from 2026-03: {SCHEDULE_ACCOUNTS} accounts kept their stored rows"
    assert table(con) == full_after(tmp_path, [], MAY)
    # the hand-worked states of test_metrics_portfolio.py hold on the extended table:
    # A paid 60 of the 100 due 02-10, so that instalment sets dpd (May 31 - Feb 10)
    assert state(con, "A")[MAY][:3] == (110, "M4", Decimal("240.00"))


def test_a_stored_table_with_text_buckets_is_extended_as_it_is(tmp_path):
    # a warehouse written before the bucket columns became ENUMs holds them as text;
    # the extension appends the new months' labels to it as text
    con, config = fresh(tmp_path, "inc")
    account_month_note(con, config, MAR)
    for column in ("bucket", "bucket_at_start"):
        con.execute(f"alter table account_month alter {column} type varchar")
    note = account_month_note(con, config, MAY)
    assert note == f"extended from 2026-03: {SCHEDULE_ACCOUNTS} accounts kept their stored rows"
    assert table(con) == full_after(tmp_path, [], MAY)
    assert con.execute(
        "select data_type from duckdb_columns() where table_name = 'account_month' "
        "and column_name = 'bucket'"
    ).fetchall() == [("VARCHAR",)]
    assert state(con, "A")[MAY][:3] == (110, "M4", Decimal("240.00"))


def test_the_same_month_again_keeps_every_schedule_account(tmp_path):
    con, config = fresh(tmp_path, "inc")
    account_month_note(con, config, MAY)
    before = table(con)
    note = account_month_note(con, config, MAY)
    assert note == f"extended from 2026-05: {SCHEDULE_ACCOUNTS} accounts kept their stored rows"
    assert table(con) == before


def test_a_payment_dated_in_a_stored_month_recomputes_its_account(tmp_path):
    # A: 100 due on 02-10, 03-10 and 04-10; 60 paid on 03-05, now 40 more on 03-20, so
    # the 02-10 instalment is paid and the 03-10 one sets dpd: May 31 - Mar 10 = 82
    late = [("payments", [payment("pA2", "A", "2026-03-20T10:00:00+08:00", "40.00")])]
    con, note = extended_after(tmp_path, late)
    assert note == f"extended from 2026-04: {SCHEDULE_ACCOUNTS - 1} accounts kept their stored rows"
    assert state(con, "A")[MAR][:3] == (21, "M1", Decimal("100.00"))  # Mar 31 - Mar 10
    assert state(con, "A")[MAY][:3] == (82, "M3", Decimal("200.00"))
    assert table(con) == full_after(tmp_path, late, MAY)


def test_a_payment_in_a_new_month_extends_a_kept_account(tmp_path):
    # B2: 300 due by 04-15, 200 paid on 04-01 (end of April: 100 overdue since 04-15,
    # dpd 15, M1); 100 more on 05-10 pays it off: CLOSED in May, paid_in_month 100
    new = [("payments", [payment("pB2b", "B2", "2026-05-10T10:00:00+08:00", "100.00")])]
    con, note = extended_after(tmp_path, new)
    assert note == f"extended from 2026-04: {SCHEDULE_ACCOUNTS} accounts kept their stored rows"
    may = con.execute(
        "select bucket, paid_in_month, is_closed, bucket_at_start, dpd_at_start "
        "from account_month where account_id = 'B2' and month = $m",
        {"m": MAY},
    ).fetchall()
    assert may == [("CLOSED", Decimal("100.00"), True, "M1", 15)]
    assert table(con) == full_after(tmp_path, new, MAY)


def test_a_payment_just_inside_the_margin_recomputes_its_account(tmp_path):
    # made on 05-01 local: after April, but within the day's margin of the zone
    # conversion, so the account is computed again (safe) and the result is the same
    new = [("payments", [payment("pB2c", "B2", "2026-05-01T10:00:00+08:00", "100.00")])]
    con, note = extended_after(tmp_path, new)
    assert note == f"extended from 2026-04: {SCHEDULE_ACCOUNTS - 1} accounts kept their stored rows"
    assert table(con) == full_after(tmp_path, new, MAY)


def new_account(account: str, product: str | None, agency: str | None) -> list[tuple]:
    row = {
        "account_id": account,
        "customer_id": "cust-" + account,
        "product": product,
        "agency_id": agency,
        "principal": "100",
        "origination_date": "2026-02-10",
    }
    return [("accounts", [row]), ("installments", [instalment(account, 1, "2026-03-10", "100")])]


def test_new_instalments_and_new_accounts_are_computed_in_full(tmp_path):
    loads = [
        # C gets a fourth instalment: its total due, and so every month's balance, moves
        ("installments", [instalment("C", 4, "2026-05-05", "50")]),
        # H: originated 2026-02-10, one instalment of 100 due 2026-03-10
        *new_account("H", "cash", None),
    ]
    con, note = extended_after(tmp_path, loads)
    assert note == f"extended from 2026-04: {SCHEDULE_ACCOUNTS - 1} accounts kept their stored rows"
    assert {r[0] for r in con.execute("select account_id from account_month").fetchall()} >= {"H"}
    assert table(con) == full_after(tmp_path, loads, MAY)


def column_type(con, column: str) -> str:
    return con.execute(
        "select data_type from duckdb_columns() where table_name = 'account_month' "
        "and column_name = $c",
        {"c": column},
    ).fetchall()[0][0]


@pytest.mark.parametrize(
    ("product", "agency", "products", "agencies"),
    [
        # the portfolio has products card and cash and agencies AG1 and AG2
        ("boat", None, "ENUM('boat', 'card', 'cash')", "ENUM('AG1', 'AG2')"),
        ("cash", "AG0", "ENUM('card', 'cash')", "ENUM('AG0', 'AG1', 'AG2')"),
    ],
)
def test_a_new_product_or_agency_computes_in_full(tmp_path, product, agency, products, agencies):
    # product and agency_id are ENUMs of the values loaded when the table was written:
    # a value they lack cannot be appended, so the table is written again with it
    con, config = fresh(tmp_path, "inc")
    account_month_note(con, config, APR)
    assert column_type(con, "product") == "ENUM('card', 'cash')"
    assert column_type(con, "agency_id") == "ENUM('AG1', 'AG2')"
    for entity, rows in new_account("H", product, agency):
        load(con, config, entity, rows)
    assert account_month_note(con, config, MAY) == "computed in full"
    assert (column_type(con, "product"), column_type(con, "agency_id")) == (products, agencies)
    got = con.execute(
        "select product, agency_id from account_month where account_id = 'H' and month = $m",
        {"m": MAY},
    ).fetchall()
    assert got == [(product, agency)]
    assert table(con) == full_after(tmp_path, new_account("H", product, agency), MAY)
    # the labels compare and sort as text
    assert con.execute(
        "select distinct product from account_month where product > 'bz' order by product"
    ).fetchall() == [("card",), ("cash",)]


def test_other_parameters_code_or_an_earlier_month_compute_in_full(tmp_path):
    con, config = fresh(tmp_path, "inc")
    account_month_note(con, config, APR)
    # other parameters: a stored default_dpd of 90 says nothing about 60
    other = make_config(tmp_path / "inc", metrics={"default_dpd": 60})
    assert account_month_note(con, other, MAY) == "computed in full"
    assert account_month_note(con, config, MAY) == "computed in full"
    # other code: the stored basis no longer matches the queries
    con.execute("update metric_basis set basis_sha256 = 'older code' where step = 'account_month'")
    assert account_month_note(con, config, MAY) == "computed in full"
    # an earlier month than the stored table holds
    assert account_month_note(con, config, MAR) == "computed in full"
    assert con.execute("select max(month) from account_month").fetchall() == [(MAR,)]


def test_an_account_older_than_the_calendar_computes_in_full(tmp_path):
    # the calendar starts at the oldest origination (S1's snapshots from 2025-12 aside):
    # an account originated in 2025-06 moves its first month
    old = {
        "account_id": "O1",
        "customer_id": "cust-O1",
        "product": "cash",
        "agency_id": None,
        "principal": "100",
        "origination_date": "2025-06-10",
    }
    loads = [("accounts", [old]), ("installments", [instalment("O1", 1, "2025-07-10", "100")])]
    con, note = extended_after(tmp_path, loads)
    assert note == "computed in full"
    assert con.execute("select min(month) from account_month").fetchall() == [(date(2025, 6, 1),)]
