from datetime import date

from audit import rules
from conftest import load


def test_us_time_rule_flags_only_outside_hours(con, config):
    load(
        con,
        config,
        "accounts",
        [
            {
                "account_id": "A1",
                "customer_id": "P1",
                "principal": "100",
                "origination_date": "2026-01-01",
                "regime": "us_regf",
                "timezone": "America/New_York",
            },
        ],
    )
    load(
        con,
        config,
        "contacts",
        [
            {
                "contact_id": "early",
                "account_id": "A1",
                "party": "debtor",
                "channel": "call",
                "started_at": "2026-10-05T07:59:59-04:00",
                "call_result": "no_answer",
            },
            {
                "contact_id": "ok8",
                "account_id": "A1",
                "party": "debtor",
                "channel": "call",
                "started_at": "2026-10-05T08:00:00-04:00",
                "call_result": "no_answer",
            },
        ],
    )
    rules.evaluate(con, config, date(2026, 10, 1))
    got = con.sql("select rule_id, contact_id from violations").fetchall()
    assert got == [("US-REGF-TIME", "early")]
