"""Scenarios taken from the requirements of the Chinese standards behind pack cn.

Each test is a small story a compliance officer would recognise, named for the
requirement it pins down and citing it as the rule catalogue (RULES.md, pack cn)
states it. Confidence of these citations is "secondary": the figures come from
reliable secondary reports of the texts. Naive timestamps are Beijing time
(Asia/Shanghai); 2026-10-12 is a Monday.

- GB/T 45251-2025, collection contact frequency: at most 3 active effective voice
  conversations with a debtor per day, the lender and all its agencies together.
- GB/T 45251-2025 and the China Banking Association collection guideline (2026),
  collection hours: no collection contact from 22:00 to 08:00.
- China Banking Association collection guideline (2026), unanswered calls: at most
  6 unanswered call attempts to one number per day.
- NIFA overdue debt collection self-regulatory convention (2018) and GB/T
  45251-2025, pre-agreed contacts: an emergency contact or relative may be contacted
  only when the debtor cannot be reached (reachability window: 7 x 24 h, a policy
  parameter).
"""

from __future__ import annotations

from datetime import date

from conftest import load, rule_violations

OCTOBER = date(2026, 10, 1)


def flagged(con, config, rule_id: str) -> list[str]:
    return list(rule_violations(con, config, rule_id, OCTOBER))


def loan(account_id: str, customer_id: str, agency_id: str | None = None) -> dict:
    row = {
        "account_id": account_id,
        "customer_id": customer_id,
        "principal": "8000",
        "origination_date": "2026-03-01",
        "product": "cash_loan",
    }
    if agency_id:
        row["agency_id"] = agency_id
    return row


def call(contact_id: str, account_id: str, started_at: str, result: str, **extra) -> dict:
    return {
        "contact_id": contact_id,
        "account_id": account_id,
        "party": "debtor",
        "channel": "call",
        "started_at": started_at,
        "call_result": result,
        "phone_number": "13912345678",
        **extra,
    }


def test_gbt_45251_lender_and_agency_share_the_daily_limit_of_3_conversations(con, config):
    """GB/T 45251-2025, frequency: 3 effective conversations a day per debtor in total.

    Ms Wang has a cash loan collected in house and a consumer loan placed with an
    agency. On Monday the lender speaks to her at 09:30 and 14:00; the agency at
    10:15 and 16:40. The agency's second conversation is her 4th that day.
    """
    load(con, config, "accounts", [loan("CASH1", "WANG"), loan("CONS1", "WANG", "AGY1")])
    load(
        con,
        config,
        "contacts",
        [
            call("lender_0930", "CASH1", "2026-10-12 09:30:00", "answered"),
            call("agency_1015", "CONS1", "2026-10-12 10:15:00", "answered", agency_id="AGY1"),
            call("lender_1400", "CASH1", "2026-10-12 14:00:00", "answered"),
            call("agency_1640", "CONS1", "2026-10-12 16:40:00", "answered", agency_id="AGY1"),
        ],
    )
    assert flagged(con, config, "CN-FREQ-CONVERSATION") == ["agency_1640"]


def test_gbt_45251_ai_voice_conversations_count_like_human_ones(con, config):
    """GB/T 45251-2025, frequency: robot (AI voice) conversations are conversations too.

    Two AI reminder calls are answered in the morning, a collector speaks to the
    debtor after lunch (3rd) and the robot calls again in the evening (4th).
    """
    load(con, config, "accounts", [loan("L1", "LI")])
    load(
        con,
        config,
        "contacts",
        [
            call("ai_0900", "L1", "2026-10-12 09:00:00", "answered", is_ai_voice="true"),
            call("ai_1100", "L1", "2026-10-12 11:00:00", "answered", is_ai_voice="true"),
            call("human_1330", "L1", "2026-10-12 13:30:00", "answered"),
            call("ai_1900", "L1", "2026-10-12 19:00:00", "answered", is_ai_voice="true"),
        ],
    )
    assert flagged(con, config, "CN-FREQ-CONVERSATION") == ["ai_1900"]


def test_gbt_45251_no_collection_between_22_and_8(con, config):
    """GB/T 45251-2025 / CBA 2026, hours: no collection contact 22:00-08:00, any channel.

    An agency's dialler starts at 07:45, an SMS reminder goes out at 22:05 and a
    collector's last call is at 21:58. The debtor's own call back at 22:30 is fine.
    """
    load(con, config, "accounts", [loan("L1", "ZHAO", "AGY1")])
    load(
        con,
        config,
        "contacts",
        [
            call("dialler_0745", "L1", "2026-10-12 07:45:00", "no_answer", agency_id="AGY1"),
            call("collector_2158", "L1", "2026-10-12 21:58:00", "answered"),
            {
                "contact_id": "sms_2205",
                "account_id": "L1",
                "party": "debtor",
                "channel": "sms",
                "started_at": "2026-10-12 22:05:00",
                "call_result": "delivered",
            },
            call(
                "debtor_calls_back_2230",
                "L1",
                "2026-10-12 22:30:00",
                "answered",
                direction="inbound",
            ),
        ],
    )
    assert flagged(con, config, "CN-HOURS") == ["dialler_0745", "sms_2205"]


def test_cba_2026_at_most_6_unanswered_attempts_per_number_per_day(con, config):
    """CBA collection guideline (2026): at most 6 unanswered attempts to one number a day.

    A predictive dialler rings the debtor's mobile every hour from 09:00 to 16:00
    (8 attempts) and nobody picks up: the 7th (15:00) and 8th (16:00) break the limit.
    """
    load(con, config, "accounts", [loan("L1", "SUN")])
    load(
        con,
        config,
        "contacts",
        [
            call(f"ring_{h:02d}00", "L1", f"2026-10-12 {h:02d}:00:00", "no_answer")
            for h in range(9, 17)
        ],
    )
    assert flagged(con, config, "CN-FREQ-UNANSWERED") == ["ring_1500", "ring_1600"]


def test_nifa_2018_emergency_contact_only_when_the_debtor_cannot_be_reached(con, config):
    """NIFA convention (2018) / GB/T 45251-2025: pre-agreed contacts are a last resort.

    Mr Chen answered the collector on Monday morning. On Tuesday the collector rings
    his mother (a relative) and his emergency contact anyway: both are violations,
    because he was demonstrably reachable the day before.
    """
    load(con, config, "accounts", [loan("L1", "CHEN")])
    load(
        con,
        config,
        "contacts",
        [
            call("chen_answers_mon", "L1", "2026-10-12 10:00:00", "answered"),
            call(
                "mother_tue",
                "L1",
                "2026-10-13 10:00:00",
                "answered",
                party="relative",
                person_id="CHEN_MOTHER",
                phone_number="13700000001",
            ),
            call(
                "emergency_tue",
                "L1",
                "2026-10-13 10:30:00",
                "no_answer",
                party="emergency_contact",
                person_id="CHEN_EC",
                phone_number="13700000002",
            ),
        ],
    )
    assert flagged(con, config, "CN-CONTACT-REACHABLE") == ["emergency_tue", "mother_tue"]


def test_nifa_2018_emergency_contact_allowed_after_the_debtor_went_silent(con, config):
    """NIFA convention (2018): when the debtor cannot be reached, the contact may be used.

    Mr Zhou last spoke to the lender on 1 October; every call since went unanswered.
    On 12 October (11 days later) the collector calls his emergency contact: allowed.
    """
    load(con, config, "accounts", [loan("L1", "ZHOU")])
    rows = [call("zhou_answers", "L1", "2026-10-01 10:00:00", "answered")]
    rows += [
        call(f"no_answer_{d}", "L1", f"2026-10-{d:02d} 10:00:00", "no_answer") for d in range(2, 12)
    ]
    rows.append(
        call(
            "emergency_contact",
            "L1",
            "2026-10-12 10:00:00",
            "answered",
            party="emergency_contact",
            person_id="ZHOU_EC",
            phone_number="13700000003",
        )
    )
    load(con, config, "contacts", rows)
    assert flagged(con, config, "CN-CONTACT-REACHABLE") == []
