"""violation_summary (METRICS.md "Violations") for two months checked in one pass.

Naive timestamps are Asia/Shanghai local time (the default source and portfolio
zone). CN-HOURS flags outbound contacts from 22:00 to before 08:00 local time.
"""

from __future__ import annotations

from datetime import date

import pytest

from audit import queries, rules
from conftest import load

SEPTEMBER, OCTOBER = date(2026, 9, 1), date(2026, 10, 1)


def _contact(contact_id, started_at, account_id, **extra):
    return {
        "contact_id": contact_id,
        "account_id": account_id,
        "party": "debtor",
        "channel": "call",
        "call_result": "no_answer",
        "started_at": started_at,
        **extra,
    }


@pytest.fixture
def evaluated(con, config):
    load(con, config, "agencies", [{"agency_id": "AG1", "name": "Agency One"}])
    load(
        con,
        config,
        "accounts",
        [
            {"account_id": a, "customer_id": f"P{a}", "principal": "1000",
             "origination_date": "2026-01-01", "regime": "cn"}
            for a in ("A1", "A2")
        ],
    )  # fmt: skip
    load(
        con,
        config,
        "contacts",
        [
            # September: one quiet-hours call, one daytime call
            _contact("s1", "2026-09-30 23:30:00", "A1", agency_id="AG1"),
            _contact("s2", "2026-09-15 10:00:00", "A2"),
            # October: one quiet-hours call (half an hour after September ended)
            _contact("o1", "2026-10-01 00:30:00", "A1", agency_id="AG1"),
            _contact("o2", "2026-10-02 10:00:00", "A1", agency_id="AG1"),
            _contact("o3", "2026-10-03 10:00:00", "A2"),
            # a letter is not an outbound contact: no part of the denominator
            _contact("o4", "2026-10-04 10:00:00", "A2", channel="letter", call_result=None),
            # an inbound call is not one either
            _contact("o5", "2026-10-05 23:00:00", "A2", direction="inbound"),
        ],
    )
    rules.evaluate(con, config, [SEPTEMBER, OCTOBER])
    return con


def _summary(con, month, dimension, value, rule_id="CN-HOURS"):
    rel = con.sql(
        "select * from violation_summary where month = $m and rule_id = $r "
        "and dimension = $d and dimension_value = $v",
        params={"m": month, "r": rule_id, "d": dimension, "v": value},
    )
    rows = queries.fetch_dicts(rel)
    assert len(rows) == 1
    return rows[0]


def test_each_finding_is_filed_under_its_contacts_month(evaluated):
    rows = evaluated.sql(
        "select month, contact_id from violations where rule_id = 'CN-HOURS' order by all"
    ).fetchall()
    assert rows == [(SEPTEMBER, "s1"), (OCTOBER, "o1")]


def test_portfolio_rate_counts_outbound_contacts_of_the_month_only(evaluated):
    october = _summary(evaluated, OCTOBER, "portfolio", "ALL")
    # outbound contacts in October, letters excluded: o1, o2, o3
    assert october["contacts"] == 3
    assert october["violations"] == 1
    assert october["per_10k_contacts"] == pytest.approx(10000 / 3)
    assert october["accounts_contacted"] == 2
    assert october["accounts_with_violation"] == 1
    assert october["share_accounts_with_violation"] == pytest.approx(0.5)
    september = _summary(evaluated, SEPTEMBER, "portfolio", "ALL")
    assert (september["contacts"], september["violations"]) == (2, 1)


def test_agency_cut_uses_the_agency_on_the_contact(evaluated):
    agency = _summary(evaluated, OCTOBER, "agency", "AG1")
    assert (agency["contacts"], agency["violations"]) == (2, 1)
    assert agency["per_10k_contacts"] == pytest.approx(5000.0)
    in_house = _summary(evaluated, OCTOBER, "agency", "in_house")
    assert (in_house["contacts"], in_house["violations"]) == (1, 0)
    assert in_house["per_10k_contacts"] == 0


def test_evaluating_a_month_again_alone_gives_the_same_summary(evaluated, config):
    before = evaluated.sql(
        "select * from violation_summary where month = $m order by all", params={"m": OCTOBER}
    ).fetchall()
    rules.evaluate(evaluated, config, OCTOBER)
    after = evaluated.sql(
        "select * from violation_summary where month = $m order by all", params={"m": OCTOBER}
    ).fetchall()
    assert after == before
    # September, not evaluated again, is left as it was
    assert _summary(evaluated, SEPTEMBER, "portfolio", "ALL")["violations"] == 1


def test_regime_cut_counts_each_regimes_outbound_contacts_and_violations(con, config):
    load(
        con,
        config,
        "accounts",
        [
            {"account_id": "A1", "customer_id": "PA1", "principal": "1000",
             "origination_date": "2026-01-01", "regime": "cn"},
            {"account_id": "B1", "customer_id": "PB1", "principal": "1000",
             "origination_date": "2026-01-01", "regime": "uk_conc",
             "timezone": "Europe/London"},
        ],
    )  # fmt: skip
    load(
        con,
        config,
        "contacts",
        [
            # cn: a call at 23:30 Shanghai (CN-HOURS), a daytime call, a letter
            _contact("c1", "2026-10-02 23:30:00", "A1"),
            _contact("c2", "2026-10-03 10:00:00", "A1"),
            _contact("c3", "2026-10-04 10:00:00", "A1", channel="letter", call_result=None),
            # uk_conc: a call at 22:00 in London (UK-CONC-TIME: after 21:00), one at noon
            _contact("u1", "2026-10-06T22:00:00+01:00", "B1"),
            _contact("u2", "2026-10-07T12:00:00+01:00", "B1"),
        ],
    )
    rules.evaluate(con, config, OCTOBER)

    def cut(rule_id):
        return {
            row["dimension_value"]: (
                row["contacts"], row["accounts_contacted"],
                row["violations"], row["accounts_with_violation"],
            )
            for row in queries.fetch_dicts(con.sql(
                "select * from violation_summary where month = $m and rule_id = $r "
                "and dimension = 'regime'", params={"m": OCTOBER, "r": rule_id},
            ))
        }  # fmt: skip

    # (outbound contacts without letters, accounts contacted, violations, accounts)
    assert cut("ALL") == {"cn": (2, 1, 1, 1), "uk_conc": (2, 1, 1, 1)}
    # a rule has rows only for the regimes it governs
    assert cut("CN-HOURS") == {"cn": (2, 1, 1, 1)}
    assert cut("UK-CONC-TIME") == {"uk_conc": (2, 1, 1, 1)}
    portfolio = _summary(con, OCTOBER, "portfolio", "ALL", rule_id="ALL")
    assert (portfolio["contacts"], portfolio["violations"]) == (4, 2)
