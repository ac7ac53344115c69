"""Pack uk_conc: each rule at its boundaries, worked out from RULES.md and CONC 7.

Accounts are in Europe/London. Timestamps carry their offset: in October 2026 the
UK is on BST (+01:00) until 01:00 UTC on Sunday 25 October, then on GMT; in March
2026 it moves from GMT to BST at 01:00 UTC on Sunday 29 March. 2026-10-05 is a
Monday and 2026-10-10 a Saturday.
"""

from __future__ import annotations

from datetime import date, time

from conftest import connect, load, make_config
from conftest import rule_violations as violations

OCTOBER = date(2026, 10, 1)
MARCH = date(2026, 3, 1)


def account(account_id: str, customer_id: str = "P1", **extra) -> dict:
    return {
        "account_id": account_id,
        "customer_id": customer_id,
        "principal": "1000",
        "origination_date": "2025-01-01",
        "regime": "uk_conc",
        "timezone": "Europe/London",
        "currency": "GBP",
        **extra,
    }


def contact(contact_id: str, started_at: str, account_id: str = "U1", **extra) -> dict:
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


def event(event_id: str, event_type: str, effective_at: str, **extra) -> dict:
    return {"event_id": event_id, "event_type": event_type, "effective_at": effective_at, **extra}


# ---------------------------------------------------------------- UK-CONC-TIME


def test_reasonable_hours_are_08_to_21_inclusive(con, config):
    load(con, config, "accounts", [account("U1")])
    load(
        con,
        config,
        "contacts",
        [
            contact("at_07_59_59", "2026-10-05T07:59:59+01:00"),
            contact("at_08_00_00", "2026-10-05T08:00:00+01:00"),
            contact("at_21_00_00", "2026-10-05T21:00:00+01:00"),
            contact("at_21_00_01", "2026-10-05T21:00:01+01:00"),
        ],
    )
    got = violations(con, config, "UK-CONC-TIME")
    assert sorted(got) == ["at_07_59_59", "at_21_00_01"]
    assert got["at_07_59_59"]["local_time"].time() == time(7, 59, 59)


def test_time_rule_protects_customers_including_guarantors(con, config):
    load(con, config, "accounts", [account("U1")])
    load(
        con,
        config,
        "contacts",
        [
            contact("guarantor", "2026-10-05T22:00:00+01:00", party="guarantor", person_id="G1"),
            contact(
                "sms_to_debtor", "2026-10-05T22:00:00+01:00", channel="sms", call_result="sent"
            ),
            contact("relative", "2026-10-05T22:00:00+01:00", party="relative"),
            contact(
                "inbound", "2026-10-05T22:00:00+01:00", direction="inbound", call_result="answered"
            ),
            contact(
                "letter", "2026-10-05T22:00:00+01:00", channel="letter", call_result="completed"
            ),
        ],
    )
    assert sorted(violations(con, config, "UK-CONC-TIME")) == ["guarantor", "sms_to_debtor"]


def test_time_on_the_autumn_clock_change_uses_gmt_after_01_00_utc(con, config):
    load(con, config, "accounts", [account("U1")])
    load(
        con,
        config,
        "contacts",
        [
            # Saturday 24 October, still BST (+01:00)
            contact("sat_08_30_bst", "2026-10-24T07:30:00Z"),
            contact("sat_21_30_bst", "2026-10-24T20:30:00Z"),
            # Sunday 25 October, GMT from 01:00 UTC
            contact("sun_07_30_gmt", "2026-10-25T07:30:00Z"),
            contact("sun_08_00_gmt", "2026-10-25T08:00:00Z"),
            contact("sun_20_30_gmt", "2026-10-25T20:30:00Z"),
            contact("sun_21_00_01_gmt", "2026-10-25T21:00:01Z"),
        ],
    )
    got = violations(con, config, "UK-CONC-TIME")
    assert sorted(got) == ["sat_21_30_bst", "sun_07_30_gmt", "sun_21_00_01_gmt"]
    assert got["sun_07_30_gmt"]["local_time"].time() == time(7, 30)
    assert got["sat_21_30_bst"]["local_time"].time() == time(21, 30)


def test_time_on_the_spring_clock_change_uses_bst_after_01_00_utc(con, config):
    load(con, config, "accounts", [account("U1")])
    load(
        con,
        config,
        "contacts",
        [
            # Saturday 28 March, GMT
            contact("sat_07_30_gmt", "2026-03-28T07:30:00Z"),
            # Sunday 29 March, BST (+01:00) from 01:00 UTC
            contact("sun_07_59_59_bst", "2026-03-29T06:59:59Z"),
            contact("sun_08_00_bst", "2026-03-29T07:00:00Z"),
            contact("sun_08_30_bst", "2026-03-29T07:30:00Z"),
            contact("sun_21_00_bst", "2026-03-29T20:00:00Z"),
            contact("sun_21_00_01_bst", "2026-03-29T20:00:01Z"),
        ],
    )
    got = violations(con, config, "UK-CONC-TIME", month=MARCH)
    assert sorted(got) == ["sat_07_30_gmt", "sun_07_59_59_bst", "sun_21_00_01_bst"]
    assert got["sun_07_59_59_bst"]["local_time"].time() == time(7, 59, 59)


def test_time_must_be_reasonable_in_every_candidate_zone(con, config):
    load(con, config, "accounts", [account("U1", alt_timezones="America/New_York")])
    load(
        con,
        config,
        "contacts",
        [
            contact("ny_07_30", "2026-10-05T12:30:00+01:00"),
            contact("ny_08_00", "2026-10-05T13:00:00+01:00"),
        ],
    )
    got = violations(con, config, "UK-CONC-TIME")
    assert sorted(got) == ["ny_07_30"]
    assert got["ny_07_30"]["timezone"] == "America/New_York"
    assert got["ny_07_30"]["local_time"].time() == time(7, 30)


def test_reasonable_hours_are_policy_parameters(tmp_path):
    config = make_config(tmp_path, rules={"uk_conc": {"UK-CONC-TIME": {"latest": "20:00"}}})
    con = connect(config)
    load(con, config, "accounts", [account("U1")])
    load(
        con,
        config,
        "contacts",
        [
            contact("at_20_00", "2026-10-05T20:00:00+01:00"),
            contact("at_20_30", "2026-10-05T20:30:00+01:00"),
        ],
    )
    assert sorted(violations(con, config, "UK-CONC-TIME")) == ["at_20_30"]
    con.close()


# ---------------------------------------------------------------- UK-CONC-PREF


def test_contact_inside_an_inconvenient_window_is_flagged(con, config):
    load(con, config, "accounts", [account("U1"), account("U2")])
    load(
        con,
        config,
        "account_events",
        [
            event(
                "EV1",
                "inconvenient_time",
                "2026-10-01T00:00:00+01:00",
                account_id="U1",
                window="Mon-Fri 15:00-17:00",
            ),
        ],
    )
    load(
        con,
        config,
        "contacts",
        [
            contact("mon_14_59_59", "2026-10-05T14:59:59+01:00"),
            contact("mon_15_00_00", "2026-10-05T15:00:00+01:00"),
            contact("mon_16_59_59", "2026-10-05T16:59:59+01:00"),
            contact("mon_17_00_00", "2026-10-05T17:00:00+01:00"),
            contact("sat_15_30", "2026-10-10T15:30:00+01:00"),
            # the request is the customer's, whichever of their debts the contact is about
            contact("other_account", "2026-10-05T16:00:00+01:00", "U2"),
            contact("relative", "2026-10-05T16:00:00+01:00", party="relative"),
            contact(
                "letter", "2026-10-05T16:00:00+01:00", channel="letter", call_result="completed"
            ),
            contact(
                "inbound", "2026-10-05T16:00:00+01:00", direction="inbound", call_result="answered"
            ),
        ],
    )
    got = violations(con, config, "UK-CONC-PREF")
    assert sorted(got) == ["mon_15_00_00", "mon_16_59_59", "other_account"]
    assert got["mon_15_00_00"]["detail"] == "EV1"
    assert "Mon-Fri 15:00-17:00" in got["mon_15_00_00"]["evidence"]


def test_inconvenient_window_applies_from_receipt_until_it_ends(con, config):
    load(con, config, "accounts", [account("U1")])
    load(
        con,
        config,
        "account_events",
        [
            event(
                "EV1",
                "inconvenient_time",
                "2026-10-03T12:00:00+01:00",
                account_id="U1",
                ended_at="2026-10-11T00:00:00+01:00",
                window="Sat,Sun",
            ),
        ],
    )
    load(
        con,
        config,
        "contacts",
        [
            contact("sat03_before_receipt", "2026-10-03T11:59:59+01:00"),
            contact("sat03_at_receipt", "2026-10-03T12:00:00+01:00"),
            contact("sat10", "2026-10-10T10:00:00+01:00"),
            contact("sun11_after_end", "2026-10-11T10:00:00+01:00"),
        ],
    )
    assert sorted(violations(con, config, "UK-CONC-PREF")) == ["sat03_at_receipt", "sat10"]


def test_contact_through_an_opted_out_medium_is_flagged(con, config):
    load(
        con,
        config,
        "accounts",
        [account("U1"), account("U2", "P2"), account("U3", "P3"), account("U4", "P4")],
    )
    load(
        con,
        config,
        "account_events",
        [
            event(
                "SMS_OFF",
                "medium_optout",
                "2026-10-05T12:00:00+01:00",
                account_id="U1",
                channel="sms",
            ),
            event(
                "CALL_OFF",
                "medium_optout",
                "2026-10-01T00:00:00+01:00",
                account_id="U2",
                channel="call",
                phone_number="07700 900123",
            ),
            event(
                "LETTER_OFF",
                "medium_optout",
                "2026-10-01T00:00:00+01:00",
                account_id="U3",
                channel="letter",
            ),
            event(
                "EMAIL_OFF",
                "medium_optout",
                "2026-10-01T00:00:00+01:00",
                person_id="P4",
                channel="email",
            ),
        ],
    )
    load(
        con,
        config,
        "contacts",
        [
            contact("sms_before", "2026-10-05T11:59:59+01:00", channel="sms", call_result="sent"),
            contact(
                "sms_at_receipt", "2026-10-05T12:00:00+01:00", channel="sms", call_result="sent"
            ),
            contact("call_not_barred", "2026-10-06T12:00:00+01:00"),
            contact(
                "rvm_to_barred_number",
                "2026-10-06T12:00:00+01:00",
                "U2",
                channel="ringless_voicemail",
                phone_number="07700900123",
                call_result="voicemail",
            ),
            contact(
                "call_to_barred_number",
                "2026-10-06T12:00:00+01:00",
                "U2",
                phone_number="07700-900-123",
            ),
            contact(
                "call_to_other_number",
                "2026-10-06T12:00:00+01:00",
                "U2",
                phone_number="07700 900999",
            ),
            contact(
                "letter_barred",
                "2026-10-06T12:00:00+01:00",
                "U3",
                channel="letter",
                call_result="completed",
            ),
            contact(
                "email_person_event",
                "2026-10-06T12:00:00+01:00",
                "U4",
                channel="email",
                call_result="sent",
            ),
        ],
    )
    got = violations(con, config, "UK-CONC-PREF")
    assert sorted(got) == [
        "call_to_barred_number",
        "email_person_event",
        "letter_barred",
        "rvm_to_barred_number",
        "sms_at_receipt",
    ]
    assert got["letter_barred"]["detail"] == "LETTER_OFF"


def test_a_guarantors_request_protects_the_guarantor_only(con, config):
    load(con, config, "accounts", [account("U1")])
    load(
        con,
        config,
        "account_events",
        [
            event(
                "EV1",
                "inconvenient_time",
                "2026-10-01T00:00:00+01:00",
                account_id="U1",
                person_id="G1",
                window="Mon 09:00-12:00",
            ),
        ],
    )
    load(
        con,
        config,
        "contacts",
        [
            contact("guarantor", "2026-10-05T10:00:00+01:00", party="guarantor", person_id="G1"),
            contact("debtor", "2026-10-05T10:00:00+01:00"),
        ],
    )
    assert sorted(violations(con, config, "UK-CONC-PREF")) == ["guarantor"]


# ---------------------------------------------------------------- UK-CONC-3P


def test_collection_conversations_with_third_parties_are_flagged(con, config):
    load(con, config, "accounts", [account("U1")])
    answered = {"call_result": "answered"}
    load(
        con,
        config,
        "contacts",
        [
            contact("third_party", "2026-10-05T10:00:00+01:00", party="third_party", **answered),
            contact(
                "employer_inbound",
                "2026-10-05T10:01:00+01:00",
                party="employer",
                direction="inbound",
                **answered,
            ),
            contact("relative", "2026-10-05T10:02:00+01:00", party="relative", **answered),
            contact(
                "relative_location_only",
                "2026-10-05T10:03:00+01:00",
                party="relative",
                purpose="location_info",
                **answered,
            ),
            contact("relative_no_answer", "2026-10-05T10:04:00+01:00", party="relative"),
            contact("spouse", "2026-10-05T10:05:00+01:00", party="spouse", **answered),
            contact(
                "emergency_contact",
                "2026-10-05T10:06:00+01:00",
                party="emergency_contact",
                **answered,
            ),
            contact("debtor", "2026-10-05T10:07:00+01:00", **answered),
        ],
    )
    assert sorted(violations(con, config, "UK-CONC-3P")) == [
        "employer_inbound",
        "relative",
        "third_party",
    ]


# ---------------------------------------------------------------- UK-CONC-VULN-VISIT


def test_visits_to_a_vulnerable_customer_are_flagged(con, config):
    load(con, config, "accounts", [account("U1"), account("U2")])
    load(
        con,
        config,
        "account_events",
        [
            event(
                "V1",
                "vulnerable",
                "2026-10-03T00:00:00+01:00",
                account_id="U1",
                ended_at="2026-10-20T00:00:00+01:00",
            ),
        ],
    )
    visit = {"channel": "visit", "call_result": "completed"}
    load(
        con,
        config,
        "contacts",
        [
            contact("visit_before", "2026-10-02T23:59:59+01:00", **visit),
            contact("visit_at_flag", "2026-10-03T00:00:00+01:00", **visit),
            contact("visit_other_account", "2026-10-06T10:00:00+01:00", "U2", **visit),
            contact("call_not_visit", "2026-10-06T10:00:00+01:00"),
            contact("visit_to_relative", "2026-10-06T10:00:00+01:00", party="relative", **visit),
            contact("visit_after_end", "2026-10-20T00:00:00+01:00", **visit),
        ],
    )
    got = violations(con, config, "UK-CONC-VULN-VISIT")
    assert sorted(got) == ["visit_at_flag", "visit_other_account"]
    assert got["visit_at_flag"]["detail"] == "V1"


def test_a_vulnerable_guarantor_is_a_customer_too(con, config):
    load(con, config, "accounts", [account("U1")])
    load(
        con,
        config,
        "account_events",
        [event("V1", "vulnerable", "2026-10-01T00:00:00+01:00", account_id="U1", person_id="G1")],
    )
    visit = {"channel": "visit", "call_result": "completed"}
    load(
        con,
        config,
        "contacts",
        [
            contact(
                "guarantor", "2026-10-05T10:00:00+01:00", party="guarantor", person_id="G1", **visit
            ),
            contact("debtor", "2026-10-05T10:00:00+01:00", **visit),
        ],
    )
    assert sorted(violations(con, config, "UK-CONC-VULN-VISIT")) == ["guarantor"]


def test_uk_rules_do_not_apply_to_other_regimes(con, config):
    load(con, config, "accounts", [account("CN1", regime="cn")])
    load(con, config, "contacts", [contact("cn_night", "2026-10-05T23:00:00+01:00", "CN1")])
    assert violations(con, config, "UK-CONC-TIME") == {}
