"""Pack us_regf: every rule at its boundaries, expected values worked out from RULES.md.

Times are written as wall-clock time in the zone named (``at("2026-10-05 07:59:59")`` is
New York time), so each case reads the way the rule is stated. October 2026 dates:
Thu 1, Fri 2, Sat 3, Sun 4, Mon 5, Tue 6, Wed 7, Thu 8, ... New York is UTC-4 until
01:59:59 on Sun 1 November, then UTC-5; it was UTC-5 until 01:59:59 on Sun 8 March.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from audit import rules
from conftest import connect, load, make_config

NY = "America/New_York"
LA = "America/Los_Angeles"
OCT = date(2026, 10, 1)


def at(local: str, zone: str = NY) -> str:
    """ISO instant of a wall-clock time in a zone (DST resolved by the IANA database)."""
    return datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone)).isoformat()


class RegF:
    """A small Reg F portfolio: accounts, contacts and events, then one monthly run."""

    def __init__(self, con, config):
        self.con, self.config = con, config
        self.accounts: list[dict] = []
        self.contacts: list[dict] = []
        self.events: list[dict] = []

    def account(self, account_id="A1", customer_id="P1", timezone=NY, **fields):
        self.accounts.append(
            {
                "account_id": account_id,
                "customer_id": customer_id,
                "principal": "1000",
                "origination_date": "2025-01-01",
                "regime": "us_regf",
                "timezone": timezone,
                **fields,
            }
        )
        return self

    def contact(self, contact_id, started_at, account_id="A1", **fields):
        row = {
            "contact_id": contact_id,
            "account_id": account_id,
            "party": "debtor",
            "channel": "call",
            "direction": "outbound",
            "started_at": started_at,
            "call_result": "no_answer",
            "phone_number": "+12125550100",
            **fields,
        }
        if row["channel"] in ("sms", "email"):
            row["call_result"] = fields.get("call_result", "sent")
        if row["channel"] == "letter":
            row["call_result"] = fields.get("call_result", "completed")
        self.contacts.append(row)
        return self

    def conversation(self, contact_id, started_at, ended_at, account_id="A1", **fields):
        return self.contact(
            contact_id, started_at, account_id, call_result="answered", ended_at=ended_at, **fields
        )

    def calls(self, prefix, times, account_id="A1", **fields):
        for i, t in enumerate(times, start=1):
            self.contact(f"{prefix}{i}", t, account_id, **fields)
        return self

    def event(self, event_id, event_type, effective_at, account_id="A1", **fields):
        self.events.append(
            {
                "event_id": event_id,
                "account_id": account_id,
                "event_type": event_type,
                "effective_at": effective_at,
                **fields,
            }
        )
        return self

    def run(self, month: date = OCT) -> Found:
        if not self.accounts:
            self.account()
        load(self.con, self.config, "accounts", self.accounts)
        if self.contacts:
            load(self.con, self.config, "contacts", self.contacts)
        if self.events:
            load(self.con, self.config, "account_events", self.events)
        rules.evaluate(self.con, self.config, month)
        return Found(self.con)


class Found:
    """What a run reported: contact ids per rule, and the rows themselves."""

    def __init__(self, con):
        self.rows: dict[str, dict[str, dict]] = defaultdict(dict)
        for table in ("violations", "risk_flags"):
            rel = con.sql(
                f"select rule_id, contact_id, timezone, local_time, evidence_count, "
                f"window_start, window_end, detail, evidence from {table}"
            )
            for row in rel.fetchall():
                record = dict(zip(rel.columns, row, strict=True))
                self.rows[record["rule_id"]][record["contact_id"]] = record

    def __getitem__(self, rule_id: str) -> set[str]:
        return set(self.rows[rule_id])

    def row(self, rule_id: str, contact_id: str) -> dict:
        return self.rows[rule_id][contact_id]


@pytest.fixture
def regf(con, config):
    return RegF(con, config)


def daily(start_day: int, days: int, time="12:00:00", month="2026-10", zone=NY) -> list[str]:
    """One instant a day at ``time`` for ``days`` days from ``month``-``start_day``."""
    return [at(f"{month}-{d:02d} {time}", zone) for d in range(start_day, start_day + days)]


# ---------------------------------------------------------------- US-REGF-TIME


def test_time_boundaries_are_allowed_and_a_second_outside_violates(regf):
    found = regf.calls(
        "t",
        [
            at("2026-10-05 07:59:59"),  # t1 violates
            at("2026-10-05 08:00:00"),  # t2 allowed
            at("2026-10-05 21:00:00"),  # t3 allowed
            at("2026-10-05 21:00:01"),  # t4 violates
        ],
    ).run()
    assert found["US-REGF-TIME"] == {"t1", "t4"}
    assert "07:59:59" in found.row("US-REGF-TIME", "t1")["evidence"]


def test_time_inbound_letter_and_third_party_are_not_violations(regf):
    found = (
        regf.contact("inbound", at("2026-10-05 22:30:00"), direction="inbound")
        .contact("letter", at("2026-10-05 22:30:00"), channel="letter")
        .contact("relative", at("2026-10-05 22:30:00"), party="relative")
        .contact("spouse", at("2026-10-05 22:30:00"), party="spouse")
        .contact("sms", at("2026-10-05 21:30:00"), channel="sms")
        .run()
    )
    # the consumer includes a spouse; an SMS is timed when it is sent
    assert found["US-REGF-TIME"] == {"spouse", "sms"}


def test_time_two_candidate_zones_must_both_allow_the_call(regf):
    regf.account(alt_timezones=[LA])
    found = regf.calls(
        "z",
        [
            at("2026-10-05 10:59:59"),  # 07:59:59 in Los Angeles: violates there
            at("2026-10-05 11:00:00"),  # 08:00:00 in Los Angeles: allowed in both
        ],
    ).run()
    assert found["US-REGF-TIME"] == {"z1"}
    assert found.row("US-REGF-TIME", "z1")["timezone"] == LA


def test_time_on_the_spring_forward_day_uses_daylight_time(regf):
    # 8 March 2026, New York is UTC-4 from 07:00 UTC: 11:59:59Z is 07:59:59 local,
    # 12:30Z is 08:30 local (it would be 07:30 under standard time)
    found = regf.calls("m", ["2026-03-08T11:59:59+00:00", "2026-03-08T12:30:00+00:00"]).run(
        date(2026, 3, 1)
    )
    assert found["US-REGF-TIME"] == {"m1"}


def test_time_on_the_fall_back_day_uses_standard_time(regf):
    # 1 November 2026, New York is UTC-5 from 06:00 UTC: 12:59:59Z is 07:59:59 local
    # (08:59:59 under daylight time) and 13:00Z is 08:00:00 local
    found = regf.calls("n", ["2026-11-01T12:59:59+00:00", "2026-11-01T13:00:00+00:00"]).run(
        date(2026, 11, 1)
    )
    assert found["US-REGF-TIME"] == {"n1"}


# ---------------------------------------------------------------- US-REGF-INCONV


def test_inconvenient_window_start_included_end_excluded(regf):
    regf.event("E1", "inconvenient_time", at("2026-10-01 09:00:00"), window="Mon-Fri 15:00-17:00")
    found = regf.calls(
        "w",
        [
            at("2026-10-05 14:59:59"),  # Mon, before the window
            at("2026-10-05 15:00:00"),  # Mon, first second of the window: violates
            at("2026-10-05 16:59:59"),  # Mon, last second: violates
            at("2026-10-05 17:00:00"),  # Mon, end excluded
            at("2026-10-10 15:30:00"),  # Sat, not a listed day
        ],
    ).run()
    assert found["US-REGF-INCONV"] == {"w2", "w3"}
    assert found.row("US-REGF-INCONV", "w2")["detail"] == "E1"


def test_inconvenient_window_applies_from_receipt_until_ended_at(regf):
    regf.event(
        "E1",
        "inconvenient_time",
        at("2026-10-06 09:00:00"),
        ended_at=at("2026-10-08 09:00:00"),
        window="15:00-17:00",
    )
    found = regf.calls(
        "w",
        [
            at("2026-10-05 15:30:00"),  # before receipt
            at("2026-10-06 15:30:00"),  # in force: violates
            at("2026-10-07 15:30:00"),  # in force: violates
            at("2026-10-08 15:30:00"),  # after ended_at
        ],
    ).run()
    assert found["US-REGF-INCONV"] == {"w2", "w3"}


def test_inconvenient_window_ignores_inbound_letters_and_others(regf):
    regf.event("E1", "inconvenient_time", at("2026-10-01 09:00:00"), window="Mon 15:00-17:00")
    found = (
        regf.contact("inbound", at("2026-10-05 15:30:00"), direction="inbound")
        .contact("letter", at("2026-10-05 15:30:00"), channel="letter")
        .contact("employer", at("2026-10-05 15:30:00"), party="employer")
        .contact("email", at("2026-10-05 15:30:00"), channel="email")
        .run()
    )
    assert found["US-REGF-INCONV"] == {"email"}


def test_inconvenient_window_in_any_candidate_zone_and_for_any_debt(regf):
    # the consumer said Monday 08:00-09:00 is inconvenient; a call at 11:30 in New
    # York is 08:30 in Los Angeles. The statement protects the consumer on every debt.
    regf.account("A1", alt_timezones=[LA]).account("A2", alt_timezones=[LA])
    regf.event("E1", "inconvenient_time", at("2026-10-01 09:00:00"), window="Mon 08:00-09:00")
    found = (
        regf.contact("a1", at("2026-10-05 11:30:00"), "A1")
        .contact("a2", at("2026-10-05 11:30:00"), "A2")
        .contact("late", at("2026-10-05 12:00:00"), "A1")  # 09:00 in Los Angeles
        .run()
    )
    assert found["US-REGF-INCONV"] == {"a1", "a2"}
    assert found.row("US-REGF-INCONV", "a1")["timezone"] == LA


# ---------------------------------------------------------------- US-REGF-7IN7


def test_seventh_call_is_allowed_and_eighth_violates(regf):
    # Oct 1..7 one call a day, then an 8th call on Oct 7: calls dated Oct 1..7 = 8
    found = regf.calls("c", [*daily(1, 7), at("2026-10-07 18:00:00")]).run()
    assert found["US-REGF-7IN7"] == {"c8"}
    row = found.row("US-REGF-7IN7", "c8")
    assert row["evidence_count"] == 8
    assert (row["window_start"], row["window_end"]) == (date(2026, 10, 1), date(2026, 10, 7))
    assert row["evidence"] == (
        "8th counted call to this person about A1 in 2026-10-01..2026-10-07 "
        "(America/New_York); at most 7 in 7 consecutive days"
    )


def test_eighth_call_on_day_eight_starts_a_new_window(regf):
    # Oct 1..7 seven calls, the next on Oct 8: Oct 2..8 holds 7
    found = regf.calls("c", daily(1, 8)).run()
    assert found["US-REGF-7IN7"] == set()


def test_every_call_beyond_seven_violates(regf):
    # ten calls on Oct 5: the 8th, 9th and 10th violate
    times = [at(f"2026-10-05 {h:02d}:00:00") for h in range(9, 19)]
    found = regf.calls("c", times).run()
    assert found["US-REGF-7IN7"] == {"c8", "c9", "c10"}
    assert found.row("US-REGF-7IN7", "c10")["evidence_count"] == 10


def test_connected_results_count_and_unconnected_do_not(regf):
    results = ["answered", "no_answer", "voicemail", "rejected", "no_answer", "no_answer"]
    for i, result in enumerate(results, start=1):
        regf.contact(f"c{i}", at(f"2026-10-05 {8 + i:02d}:00:00"), call_result=result)
    regf.contact("busy", at("2026-10-05 15:00:00"), call_result="busy")
    regf.contact("failed", at("2026-10-05 15:10:00"), call_result="failed")
    regf.contact("nis", at("2026-10-05 15:20:00"), call_result="not_in_service")
    regf.contact("c7", at("2026-10-05 16:00:00"))  # 7th counted call
    regf.contact(
        "rvm", at("2026-10-05 17:00:00"), channel="ringless_voicemail", call_result="voicemail"
    )
    found = regf.run()
    # the busy, failed and not-in-service calls are not counted: the ringless
    # voicemail is the 8th counted call
    assert found["US-REGF-7IN7"] == {"rvm"}


def test_busy_call_is_not_counted(regf):
    regf.calls("c", daily(1, 7)).contact("busy", at("2026-10-07 18:00:00"), call_result="busy")
    assert regf.run()["US-REGF-7IN7"] == set()


def test_call_to_the_attorney_is_not_counted(regf):
    regf.calls("c", daily(1, 7))
    regf.contact("atty", at("2026-10-07 18:00:00"), party="attorney", person_id="P1")
    assert regf.run()["US-REGF-7IN7"] == set()


def test_sms_email_and_inbound_calls_are_not_counted(regf):
    regf.calls("c", daily(1, 7))
    regf.contact("sms", at("2026-10-07 18:00:00"), channel="sms")
    regf.contact("email", at("2026-10-07 18:10:00"), channel="email")
    regf.contact("in", at("2026-10-07 18:20:00"), direction="inbound", call_result="answered")
    assert regf.run()["US-REGF-7IN7"] == set()


@pytest.mark.parametrize("event_day", [1, 9])
def test_misdirected_calls_are_removed_before_or_after_the_event(regf, event_day):
    # 8 calls Oct 1..7; two went to a number that is not the debtor's
    regf.calls("c", [*daily(1, 6), at("2026-10-07 18:00:00")])
    regf.contact("wrong", at("2026-10-03 13:00:00"), phone_number="+12125550199")
    regf.event(
        "WN", "wrong_number", at(f"2026-10-{event_day:02d} 08:00:00"), phone_number="+12125550199"
    )
    assert regf.run()["US-REGF-7IN7"] == set()


def test_without_the_wrong_number_event_the_same_calls_violate(regf):
    regf.calls("c", [*daily(1, 6), at("2026-10-07 18:00:00")])
    regf.contact("wrong", at("2026-10-03 13:00:00"), phone_number="+12125550199")
    # 8 counted calls dated Oct 1..7: the last one (c7 at 18:00 on Oct 7) is the 8th
    assert regf.run()["US-REGF-7IN7"] == {"c7"}


def test_all_numbers_of_the_person_are_pooled(regf):
    times = daily(1, 8, time="09:00:00")
    for i, t in enumerate(times[:4], start=1):
        regf.contact(f"h{i}", t, phone_number="+12125550100")
    regf.contact("m1", at("2026-10-04 10:00:00"), phone_number="+19175550100")
    regf.contact("m2", at("2026-10-05 10:00:00"), phone_number="+19175550100")
    regf.contact("m3", at("2026-10-06 10:00:00"), phone_number="+19175550100")
    regf.contact("m4", at("2026-10-07 10:00:00"), phone_number="+19175550100")
    # Oct 1..7: h1..h4 (Oct 1..4) and m1..m4 (Oct 4..7) = 8; m4 is the 8th
    assert regf.run()["US-REGF-7IN7"] == {"m4"}


def test_each_debt_and_each_person_has_its_own_count(regf):
    regf.account("A1").account("A2")
    regf.calls("a", daily(1, 7), "A1").calls("b", daily(1, 7), "A2")
    regf.calls("s", daily(1, 4, time="13:00:00"), "A1", party="spouse", person_id="S1")
    # 7 about A1 and 7 about A2 to the debtor, 4 to the spouse: nobody gets an 8th
    assert regf.run()["US-REGF-7IN7"] == set()


def test_look_back_window_spans_the_month_boundary(regf):
    # Sep 26, 27, 28 and 29 (noon, New York), then Oct 1 x2 and Oct 2 x2:
    # window Sep 26..Oct 2 holds 8 when the second Oct 2 call is placed
    september = daily(26, 4, month="2026-09")
    october = [
        at("2026-10-01 10:00:00"),
        at("2026-10-01 11:00:00"),
        at("2026-10-02 10:00:00"),
        at("2026-10-02 11:00:00"),
    ]
    found = regf.calls("s", september).calls("o", october).run()
    assert found["US-REGF-7IN7"] == {"o4"}
    row = found.row("US-REGF-7IN7", "o4")
    assert (row["window_start"], row["evidence_count"]) == (date(2026, 9, 26), 8)


def test_month_boundary_inside_a_local_day(regf):
    # the October run starts at 00:00 on Oct 1 in Shanghai = 12:00 on Sep 30 in New
    # York: four morning calls that day belong to September, four afternoon calls to
    # October, and the fourth afternoon call is the 8th on that local day
    morning = [at(f"2026-09-30 {h:02d}:00:00") for h in (8, 9, 10, 11)]
    afternoon = [at(f"2026-09-30 {h:02d}:00:00") for h in (13, 14, 15, 16)]
    found = regf.calls("am", morning).calls("pm", afternoon).run()
    assert found["US-REGF-7IN7"] == {"pm4"}


def test_look_back_grows_with_a_longer_window(tmp_path):
    # a firm's 30-day window: contacts are staged from 33 days before the month, so
    # seven calls on 5..11 September and one on 2 October make 8 in Sep 3..Oct 2
    config = make_config(tmp_path, rules={"us_regf": {"US-REGF-7IN7": {"window_days": 30}}})
    assert rules.lookback_days(config) == 33
    con = connect(config)
    try:
        found = RegF(con, config).calls("s", daily(5, 7, month="2026-09"))
        found = found.calls("o", [at("2026-10-02 10:00:00")]).run()
    finally:
        con.close()
    assert found["US-REGF-7IN7"] == {"o1"}
    assert found.row("US-REGF-7IN7", "o1")["window_start"] == date(2026, 9, 3)


def test_look_back_by_default_is_the_longest_window_plus_three_days(config, tmp_path):
    # 7-day windows (7-in-7, post-conversation, CN pre-agreed contacts); RISK-RAPID's
    # minutes count in whole days
    assert rules.lookback_days(config) == 10
    minutes = {"us_regf": {"RISK-RAPID": {"window_minutes": 14 * 1440 + 1}}}
    assert rules.lookback_days(make_config(tmp_path, rules=minutes)) == 18


def test_calls_before_the_month_are_not_reported(regf):
    # 8 calls Sep 20..26 violate in September, not in an October run
    found = regf.calls("s", [*daily(20, 7, month="2026-09"), at("2026-09-26 18:00:00")]).run()
    assert found["US-REGF-7IN7"] == set()


def test_local_day_on_the_fall_back_day(regf):
    # 04:30 UTC on 2 November is 23:30 on 1 November in New York (UTC-5 by then).
    # Calls on Oct 26..Nov 1 (7) plus that call: 8 dated Oct 26..Nov 1.
    times = [*daily(26, 6, time="12:00:00"), at("2026-11-01 12:00:00")]
    found = regf.calls("c", [*times, "2026-11-02T04:30:00+00:00"]).run(date(2026, 11, 1))
    assert found["US-REGF-7IN7"] == {"c8"}
    assert found.row("US-REGF-7IN7", "c8")["window_end"] == date(2026, 11, 1)


def test_local_day_on_the_spring_forward_day(regf):
    # Mar 2..8 one call a day at noon. 04:30 UTC on 9 March is 00:30 on 9 March in
    # New York (UTC-4 since the 8th): dated Mar 9, window Mar 3..9 holds 7.
    # 03:30 UTC on 9 March is 23:30 on 8 March: window Mar 2..8 holds 8.
    base = daily(2, 7, month="2026-03")
    found = regf.calls("c", [*base, "2026-03-09T04:30:00+00:00"]).run(date(2026, 3, 1))
    assert found["US-REGF-7IN7"] == set()


def test_local_day_late_on_the_spring_forward_day(regf):
    base = daily(2, 7, month="2026-03")
    found = regf.calls("c", [*base, "2026-03-09T03:30:00+00:00"]).run(date(2026, 3, 1))
    assert found["US-REGF-7IN7"] == {"c8"}


def test_two_candidate_zones_are_counted_separately(regf):
    # Oct 1..7 at noon New York, then 01:30 on Oct 8 in New York = 22:30 on Oct 7 in
    # Los Angeles: in New York Oct 2..8 holds 7, in Los Angeles Oct 1..7 holds 8
    regf.account(alt_timezones=[LA])
    found = regf.calls("c", [*daily(1, 7), at("2026-10-08 01:30:00")]).run()
    assert found["US-REGF-7IN7"] == {"c8"}
    row = found.row("US-REGF-7IN7", "c8")
    assert row["timezone"] == LA
    assert row["window_end"] == date(2026, 10, 7)


def test_consent_covers_calls_through_day_seven(regf):
    # 7 calls on Oct 1; consent received Oct 1 at 18:00 (day 1), so calls through
    # Oct 7 (day 7) are not counted; the call on Oct 8 counts: with Oct 2..8 holding
    # only it, no violation. Without consent the Oct 2 call would already be the 8th.
    regf.calls("c", [at(f"2026-10-01 {h:02d}:00:00") for h in range(9, 16)])
    regf.event("CON", "consent_to_call", at("2026-10-01 18:00:00"))
    regf.calls("k", daily(2, 6, time="10:00:00"))  # Oct 2..7
    regf.contact("day8", at("2026-10-08 10:00:00"))
    assert regf.run()["US-REGF-7IN7"] == set()


def test_consent_day_seven_is_counted_in_each_candidate_zone(regf):
    # consent received at 01:30 on Oct 2 in New York = 22:30 on Oct 1 in Los Angeles:
    # day 7 is Oct 8 in New York but Oct 7 in Los Angeles. Eight calls on Oct 8 between
    # 10:00 and 17:00 New York time (07:00-14:00 in Los Angeles) are all covered in New
    # York and none in Los Angeles, where the 8th violates.
    regf.account(alt_timezones=[LA])
    regf.event("CON", "consent_to_call", at("2026-10-02 01:30:00"))
    found = regf.calls("c", [at(f"2026-10-08 {h:02d}:00:00") for h in range(10, 18)]).run()
    assert found["US-REGF-7IN7"] == {"c8"}
    assert found.row("US-REGF-7IN7", "c8")["timezone"] == LA


def test_consent_ends_at_its_ended_at(regf):
    # 7 calls on Oct 1, consent at 18:00 ending Oct 2 at noon: the 11:00 call on
    # Oct 2 is covered, the 13:00 call is the 8th counted call in Oct 1..2
    regf.calls("c", [at(f"2026-10-01 {h:02d}:00:00") for h in range(9, 16)])
    regf.event(
        "CON", "consent_to_call", at("2026-10-01 18:00:00"), ended_at=at("2026-10-02 12:00:00")
    )
    regf.contact("covered", at("2026-10-02 11:00:00"))
    regf.contact("after", at("2026-10-02 13:00:00"))
    assert regf.run()["US-REGF-7IN7"] == {"after"}


def test_consent_expires_at_the_next_conversation(regf):
    # 7 calls on Oct 1; consent received at 18:00. On Oct 2 the collector calls back
    # at 10:00 and talks (covered: it is the expiring conversation's own call); its
    # 14:00 call is counted: Oct 1..2 holds 8 counted calls.
    regf.calls("c", [at(f"2026-10-01 {h:02d}:00:00") for h in range(9, 16)])
    regf.event("CON", "consent_to_call", at("2026-10-01 18:00:00"))
    regf.conversation("talk", at("2026-10-02 10:00:00"), at("2026-10-02 10:05:00"))
    regf.contact("next", at("2026-10-02 14:00:00"))
    found = regf.run()
    assert found["US-REGF-7IN7"] == {"next"}
    # and the 14:00 call also falls in the quiet period after that conversation
    assert found["US-REGF-POSTCONV"] == {"next"}


def test_consent_is_for_one_debt_and_one_person(regf):
    regf.account("A1").account("A2")
    regf.calls("c", [at(f"2026-10-01 {h:02d}:00:00") for h in range(9, 16)], "A2")
    regf.event("CON", "consent_to_call", at("2026-10-01 18:00:00"), "A1")
    regf.contact("a2", at("2026-10-02 10:00:00"), "A2")
    # consent about A1 does not cover the 8th call about A2
    assert regf.run()["US-REGF-7IN7"] == {"a2"}


def test_consent_revoked_ends_the_exclusion(regf):
    regf.calls("c", [at(f"2026-10-01 {h:02d}:00:00") for h in range(9, 16)])
    regf.event("CON", "consent_to_call", at("2026-10-01 18:00:00"))
    regf.event("REV", "consent_revoked", at("2026-10-02 12:00:00"))
    regf.contact("covered", at("2026-10-02 11:00:00"))
    regf.contact("after", at("2026-10-02 13:00:00"))
    assert regf.run()["US-REGF-7IN7"] == {"after"}


# ---------------------------------------------------------------- US-REGF-POSTCONV


def test_call_on_day_seven_after_a_conversation_violates_and_day_eight_does_not(regf):
    # conversation Mon Oct 5 (day 1) 10:00-10:10: day 7 is Sun Oct 11
    regf.conversation("talk", at("2026-10-05 10:00:00"), at("2026-10-05 10:10:00"))
    regf.contact("day7", at("2026-10-11 20:59:59"))
    regf.contact("day8", at("2026-10-12 08:00:00"))
    found = regf.run()
    assert found["US-REGF-POSTCONV"] == {"day7"}
    row = found.row("US-REGF-POSTCONV", "day7")
    assert (row["window_start"], row["window_end"], row["evidence_count"]) == (
        date(2026, 10, 5),
        date(2026, 10, 11),
        7,
    )
    assert row["detail"] == "talk"


def test_call_later_on_the_conversation_day_violates_and_earlier_does_not(regf):
    regf.contact("before", at("2026-10-05 09:00:00"))
    regf.conversation("talk", at("2026-10-05 10:00:00"), at("2026-10-05 10:10:00"))
    regf.contact("during", at("2026-10-05 10:09:00"))  # before the conversation ended
    regf.contact("later", at("2026-10-05 15:00:00"))
    found = regf.run()
    assert found["US-REGF-POSTCONV"] == {"later"}
    assert found.row("US-REGF-POSTCONV", "later")["evidence_count"] == 1


def test_consumer_initiated_conversation_starts_the_quiet_period(regf):
    regf.conversation(
        "inbound", at("2026-10-05 10:00:00"), at("2026-10-05 10:10:00"), direction="inbound"
    )
    regf.contact("next", at("2026-10-07 10:00:00"))
    assert regf.run()["US-REGF-POSTCONV"] == {"next"}


def test_conversation_about_another_debt_via_debts_discussed(regf):
    regf.account("A1").account("A2").account("A3")
    regf.conversation(
        "talk", at("2026-10-05 10:00:00"), at("2026-10-05 10:10:00"), "A1", debts_discussed=["A2"]
    )
    regf.contact("a2", at("2026-10-07 10:00:00"), "A2")  # discussed: violates
    regf.contact("a3", at("2026-10-07 10:00:00"), "A3")  # not discussed
    found = regf.run()
    assert found["US-REGF-POSTCONV"] == {"a2"}
    assert found.row("US-REGF-POSTCONV", "a2")["detail"] == "talk"


def test_uncounted_calls_in_the_quiet_period_are_not_violations(regf):
    regf.conversation("talk", at("2026-10-05 10:00:00"), at("2026-10-05 10:10:00"))
    regf.contact("busy", at("2026-10-06 10:00:00"), call_result="busy")
    regf.contact("atty", at("2026-10-06 11:00:00"), party="attorney", person_id="L1")
    regf.contact("sms", at("2026-10-06 12:00:00"), channel="sms")
    regf.contact("wrong", at("2026-10-06 13:00:00"), phone_number="+12125550199")
    regf.event("WN", "wrong_number", at("2026-10-20 09:00:00"), phone_number="+12125550199")
    assert regf.run()["US-REGF-POSTCONV"] == set()


def test_conversation_with_another_person_does_not_quiet_the_debtor(regf):
    regf.conversation(
        "spouse",
        at("2026-10-05 10:00:00"),
        at("2026-10-05 10:10:00"),
        party="spouse",
        person_id="S1",
    )
    regf.contact("debtor", at("2026-10-06 10:00:00"))
    regf.contact("spouse2", at("2026-10-06 11:00:00"), party="spouse", person_id="S1")
    assert regf.run()["US-REGF-POSTCONV"] == {"spouse2"}


def test_conversation_before_the_month_reaches_into_it(regf):
    # Mon Sep 28 is day 1; day 7 is Sun Oct 4, day 8 Mon Oct 5
    regf.conversation("talk", at("2026-09-28 10:00:00"), at("2026-09-28 10:10:00"))
    regf.contact("oct4", at("2026-10-04 10:00:00"))
    regf.contact("oct5", at("2026-10-05 10:00:00"))
    assert regf.run()["US-REGF-POSTCONV"] == {"oct4"}


def test_call_back_with_consent_is_not_counted(regf):
    # Fri Oct 2 conversation; the consumer asks for a call back (consent received
    # during it). The Monday call is covered and has a conversation, which ends the
    # consent; a Wednesday call is counted and falls in Monday's quiet period.
    regf.conversation("fri", at("2026-10-02 10:00:00"), at("2026-10-02 10:10:00"))
    regf.event("CON", "consent_to_call", at("2026-10-02 10:08:00"))
    regf.conversation("mon", at("2026-10-05 10:00:00"), at("2026-10-05 10:10:00"))
    regf.contact("wed", at("2026-10-07 10:00:00"))
    found = regf.run()
    assert found["US-REGF-POSTCONV"] == {"wed"}
    assert found.row("US-REGF-POSTCONV", "wed")["detail"] == "mon"


# ---------------------------------------------------------------- US-REGF-CEASE


def test_cease_request_bars_every_channel_except_notices(regf):
    regf.account("A1").account("A2")
    regf.event("CR", "cease_request", at("2026-10-05 12:00:00"), "A1")
    found = (
        regf.contact("before", at("2026-10-05 11:59:59"), "A1")
        .contact("call", at("2026-10-05 12:00:01"), "A1")
        .contact("letter", at("2026-10-06 09:00:00"), "A1", channel="letter")
        .contact("notice", at("2026-10-06 09:00:00"), "A1", channel="letter", purpose="notice")
        .contact("other", at("2026-10-06 10:00:00"), "A2")
        .contact(
            "named", at("2026-10-06 11:00:00"), "A2", call_result="answered", debts_discussed=["A1"]
        )
        .contact("inbound", at("2026-10-06 12:00:00"), "A1", direction="inbound")
        .contact("atty", at("2026-10-06 13:00:00"), "A1", party="attorney", person_id="L1")
        .run()
    )
    assert found["US-REGF-CEASE"] == {"call", "letter", "named"}
    assert found.row("US-REGF-CEASE", "letter")["detail"] == "CR"


def test_refuse_to_pay_is_a_cease_and_an_oral_request_is_not(regf):
    regf.account("A1").account("A2")
    regf.event("RP", "refuse_to_pay", at("2026-10-05 12:00:00"), "A1")
    regf.event("ORAL", "cease_request", at("2026-10-05 12:00:00"), "A2", channel="call")
    found = (
        regf.contact("a1", at("2026-10-06 10:00:00"), "A1")
        .contact("a2", at("2026-10-06 10:00:00"), "A2")
        .run()
    )
    assert found["US-REGF-CEASE"] == {"a1"}


# ---------------------------------------------------------------- US-REGF-ATTY


def test_attorney_representation_bars_contact_with_the_debtor_until_ended(regf):
    regf.account("A1").account("A2")
    regf.event(
        "AR",
        "attorney_represented",
        at("2026-10-05 12:00:00"),
        "A1",
        ended_at=at("2026-10-20 12:00:00"),
    )
    found = (
        regf.contact("before", at("2026-10-05 11:00:00"), "A1")
        .contact("sms", at("2026-10-06 10:00:00"), "A1", channel="sms")
        .contact("call", at("2026-10-06 11:00:00"), "A1")
        .contact("attorney", at("2026-10-06 12:00:00"), "A1", party="attorney", person_id="L1")
        .contact("letter", at("2026-10-06 13:00:00"), "A1", channel="letter")
        .contact("inbound", at("2026-10-06 14:00:00"), "A1", direction="inbound")
        .contact("other_debt", at("2026-10-06 15:00:00"), "A2")
        .contact("after", at("2026-10-20 12:00:01"), "A1")
        .run()
    )
    assert found["US-REGF-ATTY"] == {"sms", "call"}


# ---------------------------------------------------------------- US-REGF-MEDIUM


def test_opt_out_of_calls_bars_ringless_voicemail_on_every_debt(regf):
    regf.account("A1").account("A2")
    regf.event("OPT", "medium_optout", at("2026-10-05 12:00:00"), "A1", channel="call")
    found = (
        regf.contact("before", at("2026-10-05 11:00:00"), "A1")
        .contact(
            "rvm",
            at("2026-10-06 10:00:00"),
            "A1",
            channel="ringless_voicemail",
            call_result="voicemail",
        )
        .contact("call_a2", at("2026-10-06 11:00:00"), "A2")
        .contact("sms", at("2026-10-06 12:00:00"), "A1", channel="sms")
        .contact("notice", at("2026-10-06 13:00:00"), "A1", purpose="notice")
        .run()
    )
    assert found["US-REGF-MEDIUM"] == {"rvm", "call_a2"}


def test_opt_out_of_ringless_voicemail_or_of_one_number_is_narrow(regf):
    regf.event("RVM", "medium_optout", at("2026-10-05 12:00:00"), channel="ringless_voicemail")
    regf.event(
        "NUM",
        "medium_optout",
        at("2026-10-05 12:00:00"),
        channel="sms",
        phone_number="+19175550100",
    )
    found = (
        regf.contact("call", at("2026-10-06 10:00:00"))
        .contact("rvm", at("2026-10-06 11:00:00"), channel="ringless_voicemail")
        .contact("sms_other", at("2026-10-06 12:00:00"), channel="sms")
        .contact(
            "sms_barred", at("2026-10-06 13:00:00"), channel="sms", phone_number="+19175550100"
        )
        .run()
    )
    assert found["US-REGF-MEDIUM"] == {"rvm", "sms_barred"}


def test_one_reply_to_a_contact_the_person_started_is_allowed(regf):
    regf.event("OPT", "medium_optout", at("2026-10-05 12:00:00"), channel="sms")
    found = (
        regf.contact("in", at("2026-10-07 09:00:00"), channel="sms", direction="inbound")
        .contact("reply", at("2026-10-07 09:05:00"), channel="sms")
        .contact("again", at("2026-10-07 09:30:00"), channel="sms")
        .run()
    )
    assert found["US-REGF-MEDIUM"] == {"again"}


def test_the_one_reply_may_answer_a_contact_long_before_the_month(regf):
    # the person's sms of 20 August is weeks before October's look-back: the first
    # sms after it (2 October) is the one reply allowed, the next one is not
    regf.event("OPT", "medium_optout", at("2026-08-01 12:00:00"), channel="sms")
    found = (
        regf.contact("in", at("2026-08-20 09:00:00"), channel="sms", direction="inbound")
        .contact("reply", at("2026-10-02 09:05:00"), channel="sms")
        .contact("again", at("2026-10-03 09:30:00"), channel="sms")
        .run()
    )
    assert found["US-REGF-MEDIUM"] == {"again"}


# ---------------------------------------------------------------- US-REGF-3P


def test_conversation_with_a_third_party_unless_for_location(regf):
    found = (
        regf.conversation(
            "relative", at("2026-10-05 10:00:00"), None, party="relative", person_id="R1"
        )
        .conversation(
            "locate",
            at("2026-10-05 11:00:00"),
            None,
            party="relative",
            person_id="R2",
            purpose="location_info",
        )
        .conversation(
            "employer_in", at("2026-10-05 12:00:00"), None, party="employer", direction="inbound"
        )
        .conversation("guarantor", at("2026-10-05 13:00:00"), None, party="guarantor")
        .conversation("spouse", at("2026-10-05 14:00:00"), None, party="spouse")
        .conversation("unknown", at("2026-10-05 15:00:00"), None, party="unknown")
        .contact("unanswered", at("2026-10-05 16:00:00"), party="third_party")
        .run()
    )
    assert found["US-REGF-3P"] == {"relative", "employer_in"}


# ---------------------------------------------------------------- US-REGF-LOC


def test_second_location_conversation_with_the_same_third_party_violates(regf):
    loc = {"party": "emergency_contact", "purpose": "location_info"}
    found = (
        regf.conversation("first", at("2026-10-05 10:00:00"), None, person_id="E1", **loc)
        .conversation("second", at("2026-10-08 10:00:00"), None, person_id="E1", **loc)
        .conversation("other", at("2026-10-08 11:00:00"), None, person_id="E2", **loc)
        .contact("unanswered", at("2026-10-09 10:00:00"), person_id="E2", **loc)
        .run()
    )
    assert found["US-REGF-LOC"] == {"second"}
    row = found.row("US-REGF-LOC", "second")
    assert (row["evidence_count"], row["detail"]) == (2, "first")
    assert found["US-REGF-3P"] == set()


def test_location_conversation_months_ago_counts_and_a_call_back_is_allowed(regf):
    loc = {"party": "third_party", "purpose": "location_info", "person_id": "T1"}
    found = (
        regf.conversation("june", at("2026-06-10 10:00:00"), None, **loc)
        .conversation("callback", at("2026-10-05 10:00:00"), None, direction="inbound", **loc)
        .conversation("again", at("2026-10-06 10:00:00"), None, **loc)
        .run()
    )
    assert found["US-REGF-LOC"] == {"again"}
    assert found.row("US-REGF-LOC", "again")["evidence_count"] == 3


# ---------------------------------------------------------------- risk flags


def test_rapid_unanswered_calls_to_one_number(regf):
    found = (
        regf.contact("r1", at("2026-10-05 10:00:00"))
        .contact("r2", at("2026-10-05 10:05:00"))  # 5:00 after r1: flagged
        .contact("r3", at("2026-10-05 10:10:01"))  # 5:01 after r2
        .contact("r4", at("2026-10-05 10:12:00"), call_result="answered")
        .contact("r5", at("2026-10-05 10:20:00"), phone_number="+19175550100")
        .run()
    )
    assert found["RISK-RAPID"] == {"r2"}
    assert found.row("RISK-RAPID", "r2")["detail"] == "r1"
    assert found["US-REGF-7IN7"] == set()


def test_concentrated_calls_to_one_number_on_one_day(regf):
    regf.account("A1", "P1").account("A2", "P2")
    six = [at(f"2026-10-05 {h:02d}:00:00") for h in range(9, 15)]
    five = [at(f"2026-10-06 {h:02d}:00:00") for h in range(9, 14)]
    found = regf.calls("a", six, "A1").calls("b", five, "A2", phone_number="+19175550100").run()
    assert found["RISK-CONCENTRATED"] == {"a6"}
    assert found.row("RISK-CONCENTRATED", "a6")["evidence_count"] == 6
    # flags are not violations
    assert found["US-REGF-7IN7"] == set()


# ---------------------------------------------------------------- cross-check


@pytest.mark.parametrize("seed", [20261005, 7, 1006])
def test_call_frequency_rules_match_a_direct_reading_of_rules_md(regf, seed):
    """Random call logs, checked against RULES.md counting rules 3 and 4 written out
    call by call (busy calls and calls to the attorney are never counted)."""
    import random

    rng = random.Random(seed)
    zones = {"A1": [NY, LA], "A2": [NY]}
    regf.account("A1", alt_timezones=[LA]).account("A2")
    calls = []  # (contact_id, account, person, instant, counted, conversation)
    for i in range(260):
        account = rng.choice(["A1", "A2"])
        person = rng.choice(["P1", "P1", "P1", "S1"])
        day = rng.randint(20, 30 + 31)  # Sep 20 .. Oct 31
        when = datetime(2026, 9, 1, tzinfo=ZoneInfo("UTC")) + timedelta(
            days=day - 1, hours=rng.randint(11, 27), minutes=rng.randint(0, 59)
        )
        result = rng.choices(["no_answer", "answered", "busy"], [6, 2, 1])[0]
        party = "debtor" if person == "P1" else rng.choice(["spouse", "attorney"])
        fields = {"party": party, "call_result": result}
        if person != "P1":
            fields["person_id"] = person
        cid = f"r{i:03d}"
        regf.contact(cid, when.isoformat(), account, ended_at=when.isoformat(), **fields)
        counted = result != "busy" and party != "attorney"
        calls.append((cid, account, person, when, counted, result == "answered"))

    # the October run covers October in the portfolio time zone (Asia/Shanghai)
    month_start = datetime(2026, 10, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    month_end = datetime(2026, 11, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    expected_7in7, expected_postconv = set(), set()
    for cid, account, person, when, counted, _ in calls:
        if not counted or not month_start <= when < month_end:
            continue
        for zone in zones[account]:
            day = when.astimezone(ZoneInfo(zone)).date()
            same_unit = [c for c in calls if c[1] == account and c[2] == person]
            n = sum(
                1
                for c in same_unit
                if c[4]
                and (c[3], c[0]) <= (when, cid)
                and 0 <= (day - c[3].astimezone(ZoneInfo(zone)).date()).days <= 6
            )
            if n > 7:
                expected_7in7.add(cid)
            for c in same_unit:  # conversations: t0 = ended_at = started_at here
                if c[5] and c[3] < when:
                    d0 = c[3].astimezone(ZoneInfo(zone)).date()
                    if (day - d0).days <= 6:
                        expected_postconv.add(cid)
    found = regf.run()
    assert expected_7in7, "the random log should hold some 7-in-7 violations"
    assert found["US-REGF-7IN7"] == expected_7in7
    assert found["US-REGF-POSTCONV"] == expected_postconv
