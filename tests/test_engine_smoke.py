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


def test_spans_group_consecutive_months_and_cut_them_by_size():
    d = date
    months = [d(2026, 1, 1), d(2026, 2, 1), d(2026, 3, 1), d(2026, 5, 1), d(2026, 6, 1)]
    assert rules.spans(months) == [months[:3], months[3:]]
    # 4 + 5 = 9 fits a limit of 10; adding March's 3 would make 12: cut before March
    sizes = dict(zip(months, [4, 5, 3, 20, 1], strict=True))
    assert rules.spans(months, sizes, max_contacts=10) == [
        [d(2026, 1, 1), d(2026, 2, 1)],
        [d(2026, 3, 1)],
        [d(2026, 5, 1)],  # larger than the limit on its own: a span of one month
        [d(2026, 6, 1)],
    ]
    # exactly at the limit stays together
    assert rules.spans(months[:2], sizes, max_contacts=9) == [months[:2]]
