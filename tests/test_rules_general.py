"""Pack general (every regime): each rule at its boundaries, worked out from RULES.md.

Naive timestamps are local time in Asia/Shanghai (the default source_timezone);
October 2026 is evaluated.
"""

from __future__ import annotations

from datetime import date

from conftest import load
from conftest import rule_violations as violations

OCTOBER = date(2026, 10, 1)


def account(account_id: str, customer_id: str = "P1", **extra) -> dict:
    return {
        "account_id": account_id,
        "customer_id": customer_id,
        "principal": "200",
        "origination_date": "2026-07-01",
        **extra,
    }


def instalment(account_id: str, no: int, due_date: str, amount: str = "100") -> dict:
    return {
        "account_id": account_id,
        "installment_no": str(no),
        "due_date": due_date,
        "amount_due": amount,
    }


def payment(payment_id: str, account_id: str, paid_at: str, amount: str) -> dict:
    return {
        "payment_id": payment_id,
        "account_id": account_id,
        "paid_at": paid_at,
        "amount": amount,
    }


def call(contact_id: str, started_at: str, account_id: str = "A1", **extra) -> dict:
    row = {
        "contact_id": contact_id,
        "account_id": account_id,
        "party": "debtor",
        "channel": "call",
        "started_at": started_at,
        "call_result": "no_answer",
    }
    row.update(extra)
    return row


# ---------------------------------------------------------------- GEN-PAID-OFF


def test_paid_off_from_the_instant_the_total_due_is_reached(con, config):
    # total_due = 200; cum_paid reaches 200 at 2026-10-10 12:00:00
    load(con, config, "accounts", [account("A1")])
    load(
        con,
        config,
        "installments",
        [instalment("A1", 1, "2026-08-05"), instalment("A1", 2, "2026-09-05")],
    )
    load(
        con,
        config,
        "payments",
        [
            payment("p1", "A1", "2026-09-01 10:00:00", "100"),
            payment("p2", "A1", "2026-10-10 12:00:00", "100"),
        ],
    )
    load(
        con,
        config,
        "contacts",
        [
            call("one_second_before", "2026-10-10 11:59:59"),
            call("at_payoff_instant", "2026-10-10 12:00:00"),
            call("days_later", "2026-10-12 10:00:00"),
            call("to_relative", "2026-10-12 10:01:00", party="relative"),
            call("servicing", "2026-10-12 10:02:00", purpose="servicing"),
            call("inbound", "2026-10-12 10:03:00", direction="inbound", call_result="answered"),
            call("letter", "2026-10-12 10:04:00", channel="letter", call_result="completed"),
        ],
    )
    got = violations(con, config, "GEN-PAID-OFF")
    assert sorted(got) == ["at_payoff_instant", "days_later", "to_relative"]
    assert "paid 200.00 of 200.00" in got["days_later"]["evidence"]


def test_a_reversal_reopens_the_debt_and_overpayment_closes_it(con, config):
    load(con, config, "accounts", [account("A1"), account("A2")])
    load(
        con,
        config,
        "installments",
        [instalment("A1", 1, "2026-08-05", "200"), instalment("A2", 1, "2026-08-05", "200")],
    )
    load(
        con,
        config,
        "payments",
        [
            payment("p1", "A1", "2026-10-01 10:00:00", "200"),
            payment("p1_reversal", "A1", "2026-10-03 10:00:00", "-50"),
            payment("p2", "A2", "2026-10-01 10:00:00", "250"),
        ],
    )
    load(
        con,
        config,
        "contacts",
        [
            call("a1_paid_oct02", "2026-10-02 10:00:00", "A1"),
            call("a1_reversed_oct04", "2026-10-04 10:00:00", "A1"),
            call("a2_overpaid", "2026-10-04 10:00:00", "A2"),
        ],
    )
    assert sorted(violations(con, config, "GEN-PAID-OFF")) == ["a1_paid_oct02", "a2_overpaid"]


def test_paid_off_between_a_payment_and_its_reversal(con, config):
    # total_due 100; paid on 5 Oct, reversed on 8 Oct: repaid only in between
    load(con, config, "accounts", [account("A1")])
    load(con, config, "installments", [instalment("A1", 1, "2026-09-05")])
    load(
        con,
        config,
        "payments",
        [
            payment("p1", "A1", "2026-10-05 10:00:00", "100"),
            payment("p1_reversal", "A1", "2026-10-08 10:00:00", "-100"),
        ],
    )
    load(
        con,
        config,
        "contacts",
        [
            call("oct01_unpaid", "2026-10-01 10:00:00"),
            call("oct06_repaid", "2026-10-06 10:00:00"),
            call("oct09_reversed", "2026-10-09 10:00:00"),
        ],
    )
    assert sorted(violations(con, config, "GEN-PAID-OFF")) == ["oct06_repaid"]


def test_paid_off_ignores_accounts_without_a_schedule(con, config):
    load(con, config, "accounts", [account("A1")])
    load(con, config, "payments", [payment("p1", "A1", "2026-09-01 10:00:00", "500")])
    load(con, config, "contacts", [call("c1", "2026-10-05 10:00:00")])
    assert violations(con, config, "GEN-PAID-OFF") == {}


def test_paid_off_applies_to_every_regime(con, config):
    load(
        con,
        config,
        "accounts",
        [
            account("US1", regime="us_regf", timezone="America/New_York"),
            account("UK1", "P2", regime="uk_conc"),
        ],
    )
    load(
        con,
        config,
        "installments",
        [instalment("US1", 1, "2026-08-05"), instalment("UK1", 1, "2026-08-05")],
    )
    load(
        con,
        config,
        "payments",
        [
            payment("p1", "US1", "2026-09-01 10:00:00", "100"),
            payment("p2", "UK1", "2026-09-01 10:00:00", "100"),
        ],
    )
    load(
        con,
        config,
        "contacts",
        [
            call("us_call", "2026-10-05 10:00:00", "US1"),
            call("uk_call", "2026-10-05 10:00:00", "UK1"),
        ],
    )
    assert sorted(violations(con, config, "GEN-PAID-OFF")) == ["uk_call", "us_call"]


# ---------------------------------------------------------------- GEN-NOT-DUE


def test_an_instalment_due_today_is_not_yet_overdue(con, config):
    # due: 100 on 5 Sep, 100 on 5 Oct; paid 100 on 5 Sep.
    # 5 Oct: due before = 100, paid = 100 -> nothing overdue -> violation
    # 6 Oct: due before = 200, paid = 100 -> 100 overdue -> compliant
    load(con, config, "accounts", [account("A1")])
    load(
        con,
        config,
        "installments",
        [instalment("A1", 1, "2026-09-05"), instalment("A1", 2, "2026-10-05")],
    )
    load(con, config, "payments", [payment("p1", "A1", "2026-09-05 10:00:00", "100")])
    load(
        con,
        config,
        "contacts",
        [
            call("due_today", "2026-10-05 23:59:59"),
            call("day_after_due", "2026-10-06 00:00:00"),
            call("due_today_servicing", "2026-10-05 10:00:00", purpose="servicing"),
        ],
    )
    got = violations(con, config, "GEN-NOT-DUE")
    assert sorted(got) == ["due_today"]
    assert "due before 2026-10-05" in got["due_today"]["evidence"]


def test_only_payments_before_the_contact_instant_count(con, config):
    # 100 overdue since 6 Sep, paid at 7 Oct 12:00:00
    load(con, config, "accounts", [account("A1")])
    load(con, config, "installments", [instalment("A1", 1, "2026-09-05")])
    load(con, config, "payments", [payment("p1", "A1", "2026-10-07 12:00:00", "100")])
    load(
        con,
        config,
        "contacts",
        [
            call("at_payment_instant", "2026-10-07 12:00:00"),
            call("one_second_after", "2026-10-07 12:00:01"),
        ],
    )
    assert sorted(violations(con, config, "GEN-NOT-DUE")) == ["one_second_after"]


def test_nothing_overdue_between_a_payment_and_its_reversal(con, config):
    # 100 due on 5 Sep (5 Oct's instalment is 100 more); paid 100 on 3 Oct, reversed 8 Oct
    load(con, config, "accounts", [account("A1")])
    load(
        con,
        config,
        "installments",
        [instalment("A1", 1, "2026-09-05"), instalment("A1", 2, "2026-10-15")],
    )
    load(
        con,
        config,
        "payments",
        [
            payment("p1", "A1", "2026-10-03 10:00:00", "100"),
            payment("p1_reversal", "A1", "2026-10-08 10:00:00", "-100"),
        ],
    )
    load(
        con,
        config,
        "contacts",
        [
            call("oct01_overdue", "2026-10-01 10:00:00"),
            call("oct06_nothing_overdue", "2026-10-06 10:00:00"),
            call("oct09_overdue_again", "2026-10-09 10:00:00"),
        ],
    )
    assert sorted(violations(con, config, "GEN-NOT-DUE")) == ["oct06_nothing_overdue"]


def test_instalments_of_one_day_and_payments_of_one_instant_count_together(con, config):
    # two instalments of 60 and 40 due on 5 Sep; 30 + 70 paid at the same instant on
    # 1 Oct 10:00 (times are Asia/Shanghai, the account's zone)
    # 5 Sep 10:00: nothing is due before 5 Sep -> nothing overdue -> violation
    # 6 Sep 10:00: due before 100, paid 0 -> 100 overdue -> compliant
    # 1 Oct 10:00: the payments at that very instant are not yet made -> compliant
    # 1 Oct 10:00:01: due 100, paid 100 -> nothing overdue -> violation
    load(con, config, "accounts", [account("A1")])
    load(
        con,
        config,
        "installments",
        [
            instalment("A1", 1, "2026-09-05", "60"),
            instalment("A1", 2, "2026-09-05", "40"),
            instalment("A1", 3, "2026-11-05"),
        ],
    )
    load(
        con,
        config,
        "payments",
        [
            payment("p1", "A1", "2026-10-01 10:00:00", "30"),
            payment("p2", "A1", "2026-10-01 10:00:00", "70"),
        ],
    )
    load(
        con,
        config,
        "contacts",
        [
            call("sep05_nothing_due_before", "2026-09-05 10:00:00"),
            call("sep06_overdue", "2026-09-06 10:00:00"),
            call("oct01_at_the_payments", "2026-10-01 10:00:00"),
            call("oct01_after_the_payments", "2026-10-01 10:00:01"),
        ],
    )
    got = {
        **violations(con, config, "GEN-NOT-DUE", date(2026, 9, 1)),
        **violations(con, config, "GEN-NOT-DUE", date(2026, 10, 1)),
    }
    assert sorted(got) == ["oct01_after_the_payments", "sep05_nothing_due_before"]
    evidence = got["oct01_after_the_payments"]["evidence"]
    assert "due before 2026-10-01 (local date in Asia/Shanghai) 100.00" in evidence
    assert "paid before the contact 100.00" in evidence


def test_nothing_due_yet_is_flagged_and_no_schedule_is_not_assessed(con, config):
    load(con, config, "accounts", [account("A1"), account("A2")])
    load(con, config, "installments", [instalment("A1", 1, "2026-11-05")])
    load(
        con,
        config,
        "contacts",
        [
            call("before_first_due", "2026-10-10 10:00:00", "A1"),
            call("no_schedule", "2026-10-10 10:00:00", "A2"),
        ],
    )
    assert sorted(violations(con, config, "GEN-NOT-DUE")) == ["before_first_due"]


def test_not_due_is_judged_in_every_candidate_zone(con, config):
    # 6 Oct 10:00 in Shanghai is still 5 Oct 19:00 in Los Angeles, where the
    # instalment due on 5 Oct is not yet overdue.
    load(con, config, "accounts", [account("A1", alt_timezones="America/Los_Angeles")])
    load(
        con,
        config,
        "installments",
        [instalment("A1", 1, "2026-09-05"), instalment("A1", 2, "2026-10-05")],
    )
    load(con, config, "payments", [payment("p1", "A1", "2026-09-05 10:00:00", "100")])
    load(
        con,
        config,
        "contacts",
        [call("la_oct05", "2026-10-06 10:00:00"), call("la_oct06", "2026-10-06 15:00:00")],
    )
    got = violations(con, config, "GEN-NOT-DUE")
    assert sorted(got) == ["la_oct05"]
    assert got["la_oct05"]["timezone"] == "America/Los_Angeles"


# ---------------------------------------------------------------- GEN-DECEASED-BANKRUPT


def test_contact_with_the_debtor_after_an_account_event_is_flagged(con, config):
    load(con, config, "accounts", [account("A1"), account("A2")])
    load(
        con,
        config,
        "account_events",
        [
            {
                "event_id": "EV1",
                "account_id": "A1",
                "event_type": "deceased",
                "effective_at": "2026-10-05 12:00:00",
            },
        ],
    )
    load(
        con,
        config,
        "contacts",
        [
            call("before", "2026-10-05 11:59:59"),
            call("at_receipt", "2026-10-05 12:00:00"),
            call("later", "2026-10-20 12:00:00"),
            call("to_relative", "2026-10-20 12:00:00", party="relative"),
            call("servicing", "2026-10-20 12:00:00", purpose="servicing"),
            call("notice", "2026-10-20 12:00:00", purpose="notice"),
            call("other_account", "2026-10-20 12:00:00", "A2"),
        ],
    )
    got = violations(con, config, "GEN-DECEASED-BANKRUPT")
    assert sorted(got) == ["at_receipt", "later"]
    assert got["later"]["detail"] == "EV1"


def test_a_person_event_covers_all_their_accounts_until_it_ends(con, config):
    load(con, config, "accounts", [account("B1", "P2"), account("B2", "P2"), account("C1", "P3")])
    load(
        con,
        config,
        "account_events",
        [
            {
                "event_id": "EV2",
                "person_id": "P2",
                "event_type": "bankruptcy",
                "effective_at": "2026-10-01 00:00:00",
                "ended_at": "2026-10-10 00:00:00",
            },
        ],
    )
    load(
        con,
        config,
        "contacts",
        [
            call("b1_during", "2026-10-08 10:00:00", "B1"),
            call("b2_during", "2026-10-09 23:59:59", "B2"),
            call("b2_at_end", "2026-10-10 00:00:00", "B2"),
            call("other_person", "2026-10-08 10:00:00", "C1"),
        ],
    )
    assert sorted(violations(con, config, "GEN-DECEASED-BANKRUPT")) == ["b1_during", "b2_during"]


def test_an_event_about_someone_else_does_not_bar_the_debtor(con, config):
    # the guarantor died, not the debtor
    load(con, config, "accounts", [account("A1")])
    load(
        con,
        config,
        "account_events",
        [
            {
                "event_id": "EV1",
                "account_id": "A1",
                "person_id": "G1",
                "event_type": "deceased",
                "effective_at": "2026-10-01 00:00:00",
            },
        ],
    )
    load(con, config, "contacts", [call("debtor_call", "2026-10-05 10:00:00")])
    assert violations(con, config, "GEN-DECEASED-BANKRUPT") == {}
