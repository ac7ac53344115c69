"""Which months a run checks: contacts counted by their month in portfolio_timezone."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from audit import pipeline


def _contacts(zone: str, instants: list[str]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"set TimeZone = '{zone}'")
    con.execute("create table contacts (started_at timestamptz)")
    for instant in instants:
        con.execute("insert into contacts values ($t::timestamptz)", {"t": instant})
    return con


@pytest.mark.parametrize(
    ("zone", "last_of_september", "first_of_october"),
    [
        # 2026-10-01 00:00 local is 2026-09-30 16:00 UTC in Shanghai (+08:00) ...
        ("Asia/Shanghai", "2026-09-30 15:59:59+00", "2026-09-30 16:00:00+00"),
        # ... 18:15 UTC in Kathmandu (+05:45, a quarter-hour offset) ...
        ("Asia/Kathmandu", "2026-09-30 18:14:59+00", "2026-09-30 18:15:00+00"),
        # ... and 2026-10-01 04:00 UTC in New York (-04:00, summer time)
        ("America/New_York", "2026-10-01 03:59:59.999999+00", "2026-10-01 04:00:00+00"),
    ],
)
def test_contacts_are_counted_in_their_local_month(zone, last_of_september, first_of_october):
    con = _contacts(
        zone,
        [
            "2026-08-15 12:00:00+00",
            last_of_september,
            last_of_september,
            first_of_october,
            "2026-11-02 00:00:00+00",  # after the run month: not counted
        ],
    )
    assert pipeline._months_to_evaluate(con, date(2026, 10, 1)) == {
        date(2026, 8, 1): 1,
        date(2026, 9, 1): 2,
        date(2026, 10, 1): 1,
    }


def test_months_already_checked_are_left_out_but_the_run_month_stays():
    con = _contacts(
        "Asia/Shanghai",
        ["2026-08-15 12:00:00+00", "2026-09-15 12:00:00+00", "2026-10-15 12:00:00+00"],
    )
    con.execute("create table rule_months (month date)")
    con.execute("insert into rule_months values ('2026-08-01'), ('2026-10-01')")
    assert pipeline._months_to_evaluate(con, date(2026, 10, 1)) == {
        date(2026, 9, 1): 1,
        date(2026, 10, 1): 1,
    }
    # a run month without contacts is still checked (with nothing to find); a month
    # without contacts before it is not
    assert pipeline._months_to_evaluate(con, date(2026, 12, 1)) == {
        date(2026, 9, 1): 1,
        date(2026, 12, 1): 0,
    }
