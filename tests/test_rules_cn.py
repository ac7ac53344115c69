"""Pack cn: each rule at its boundaries, expected values worked out from RULES.md.

Naive timestamps are local time in Asia/Shanghai (the default source_timezone);
October 2026 is evaluated unless a test says otherwise. 2026-10-05 is a Monday.
"""

from __future__ import annotations

from datetime import date, time

import pytest

from audit.errors import QueryError
from conftest import connect, load, make_config
from conftest import rule_violations as violations

OCTOBER = date(2026, 10, 1)


def account(account_id: str, customer_id: str = "P1", **extra) -> dict:
    return {
        "account_id": account_id,
        "customer_id": customer_id,
        "principal": "1000",
        "origination_date": "2026-01-01",
        **extra,
    }


def contact(contact_id: str, started_at: str, account_id: str = "A1", **extra) -> dict:
    row = {
        "contact_id": contact_id,
        "account_id": account_id,
        "party": "debtor",
        "channel": "call",
        "started_at": started_at,
    }
    row.update(extra)
    return row


def conversation(contact_id: str, started_at: str, account_id: str = "A1", **extra) -> dict:
    return contact(contact_id, started_at, account_id, call_result="answered", **extra)


def unanswered(contact_id: str, started_at: str, account_id: str = "A1", **extra) -> dict:
    extra.setdefault("call_result", "no_answer")
    return contact(contact_id, started_at, account_id, **extra)


# ---------------------------------------------------------------- CN-HOURS


def test_hours_quiet_period_starts_at_22_and_ends_before_08(con, config):
    load(con, config, "accounts", [account("A1")])
    load(
        con,
        config,
        "contacts",
        [
            unanswered("at_21_59_59", "2026-10-05 21:59:59"),
            unanswered("at_22_00_00", "2026-10-05 22:00:00"),
            unanswered("at_07_59_59", "2026-10-06 07:59:59"),
            unanswered("at_08_00_00", "2026-10-06 08:00:00"),
        ],
    )
    got = violations(con, config, "CN-HOURS")
    assert sorted(got) == ["at_07_59_59", "at_22_00_00"]
    assert got["at_22_00_00"]["local_time"].time() == time(22, 0, 0)
    assert got["at_22_00_00"]["timezone"] == "Asia/Shanghai"


def test_hours_covers_every_outbound_channel_and_party_but_not_inbound_letters_or_servicing(
    con, config
):
    load(con, config, "accounts", [account("A1")])
    load(
        con,
        config,
        "contacts",
        [
            contact("sms_to_debtor", "2026-10-05 23:00:00", channel="sms", call_result="sent"),
            unanswered("call_to_relative", "2026-10-05 23:00:00", party="relative"),
            conversation("inbound", "2026-10-05 23:00:00", direction="inbound"),
            contact("letter", "2026-10-05 23:00:00", channel="letter"),
            unanswered("servicing", "2026-10-05 23:00:00", purpose="servicing"),
        ],
    )
    assert sorted(violations(con, config, "CN-HOURS")) == ["call_to_relative", "sms_to_debtor"]


def test_hours_must_hold_in_every_candidate_zone(con, config):
    # Asia/Tokyo is one hour ahead of Asia/Shanghai all year
    load(con, config, "accounts", [account("A1", alt_timezones="Asia/Tokyo")])
    load(
        con,
        config,
        "contacts",
        [
            unanswered("tokyo_21_59_59", "2026-10-05 20:59:59"),
            unanswered("tokyo_22_00_00", "2026-10-05 21:00:00"),
            unanswered("tokyo_08_00_shanghai_07_00", "2026-10-06 07:00:00"),
        ],
    )
    got = violations(con, config, "CN-HOURS")
    assert sorted(got) == ["tokyo_08_00_shanghai_07_00", "tokyo_22_00_00"]
    assert got["tokyo_22_00_00"]["timezone"] == "Asia/Tokyo"
    assert got["tokyo_22_00_00"]["local_time"].time() == time(22, 0, 0)
    assert got["tokyo_08_00_shanghai_07_00"]["timezone"] == "Asia/Shanghai"


def test_hours_quiet_start_is_a_parameter(tmp_path):
    config = make_config(tmp_path, rules={"cn": {"CN-HOURS": {"quiet_start": "21:00"}}})
    con = connect(config)
    load(con, config, "accounts", [account("A1")])
    load(
        con,
        config,
        "contacts",
        [unanswered("at_20_59", "2026-10-05 20:59:59"), unanswered("at_21_00", "2026-10-05 21:00")],
    )
    assert sorted(violations(con, config, "CN-HOURS")) == ["at_21_00"]
    con.close()


# ---------------------------------------------------------------- CN-FREQ-CONVERSATION


def test_fourth_conversation_of_the_day_across_accounts_and_agencies_is_flagged(con, config):
    load(con, config, "accounts", [account("A1"), account("A2", agency_id="G1")])
    load(
        con,
        config,
        "contacts",
        [
            conversation("conv1_lender", "2026-10-05 09:00:00", "A1"),
            conversation("conv2_agency", "2026-10-05 10:00:00", "A2", agency_id="G1"),
            # none of these is an active conversation with the debtor
            unanswered("no_answer", "2026-10-05 10:30:00", "A1"),
            conversation("inbound", "2026-10-05 10:45:00", "A1", direction="inbound"),
            conversation("with_relative", "2026-10-05 10:50:00", "A1", party="relative"),
            contact("sms", "2026-10-05 10:55:00", "A1", channel="sms", call_result="delivered"),
            conversation("conv3_lender", "2026-10-05 11:00:00", "A1"),
            conversation("conv4_agency", "2026-10-05 12:00:00", "A2", agency_id="G1"),
            conversation("conv5_ai", "2026-10-05 13:00:00", "A1", is_ai_voice="true"),
        ],
    )
    got = violations(con, config, "CN-FREQ-CONVERSATION")
    assert sorted(got) == ["conv4_agency", "conv5_ai"]
    assert got["conv4_agency"]["evidence_count"] == 4
    assert got["conv5_ai"]["evidence_count"] == 5
    assert got["conv4_agency"]["window_start"] == date(2026, 10, 5)


def test_three_conversations_a_day_are_allowed_and_the_count_restarts_at_local_midnight(
    con, config
):
    load(con, config, "accounts", [account("A1")])
    load(
        con,
        config,
        "contacts",
        [
            conversation("d1_1", "2026-10-05 09:00:00"),
            conversation("d1_2", "2026-10-05 15:00:00"),
            conversation("d1_3", "2026-10-05 23:59:59"),
            conversation("d2_1", "2026-10-06 00:00:00"),
        ],
    )
    assert violations(con, config, "CN-FREQ-CONVERSATION") == {}


def test_conversation_ties_are_ordered_by_contact_id(con, config):
    load(con, config, "accounts", [account("A1")])
    load(
        con,
        config,
        "contacts",
        [conversation(f"c{i}", "2026-10-05 10:00:00") for i in (4, 3, 2, 1)],
    )
    assert sorted(violations(con, config, "CN-FREQ-CONVERSATION")) == ["c4"]


def test_conversations_before_the_month_count_toward_the_local_day(con, config):
    # Tokyo's 1 October begins at 23:00 on 30 September in Shanghai, before the month
    # starts in the portfolio zone; those three conversations still count.
    load(con, config, "accounts", [account("A1", timezone="Asia/Tokyo")])
    load(
        con,
        config,
        "contacts",
        [
            conversation("sep30_2310_shanghai", "2026-09-30 23:10:00"),
            conversation("sep30_2320_shanghai", "2026-09-30 23:20:00"),
            conversation("sep30_2330_shanghai", "2026-09-30 23:30:00"),
            conversation("oct01_fourth_in_tokyo", "2026-10-01 09:00:00"),
        ],
    )
    got = violations(con, config, "CN-FREQ-CONVERSATION")
    assert sorted(got) == ["oct01_fourth_in_tokyo"]
    assert got["oct01_fourth_in_tokyo"]["window_start"] == date(2026, 10, 1)
    assert got["oct01_fourth_in_tokyo"]["timezone"] == "Asia/Tokyo"


def test_conversations_are_counted_in_each_candidate_zone(con, config):
    # Shanghai days: 5 Oct has 3, 6 Oct has 1. Tokyo (+1 h) day 6 Oct has all 4.
    load(con, config, "accounts", [account("A1", alt_timezones="Asia/Tokyo")])
    load(
        con,
        config,
        "contacts",
        [
            conversation("c1", "2026-10-05 23:10:00"),
            conversation("c2", "2026-10-05 23:20:00"),
            conversation("c3", "2026-10-05 23:30:00"),
            conversation("c4", "2026-10-06 00:30:00"),
        ],
    )
    got = violations(con, config, "CN-FREQ-CONVERSATION")
    assert sorted(got) == ["c4"]
    assert got["c4"]["timezone"] == "Asia/Tokyo"
    assert got["c4"]["window_start"] == date(2026, 10, 6)
    assert got["c4"]["local_time"].time() == time(1, 30)


def test_conversations_about_other_accounts_are_dated_in_the_judged_zone(con, config):
    # A1 is in Shanghai only, A2 in Tokyo only; on Tokyo's 6 October the debtor had
    # c1-c3 (about A1) and then c4 (about A2): c4 is the 4th in its own zone.
    load(
        con,
        config,
        "accounts",
        [account("A1"), account("A2", timezone="Asia/Tokyo")],
    )
    load(
        con,
        config,
        "contacts",
        [
            conversation("c1", "2026-10-05 23:10:00", "A1"),
            conversation("c2", "2026-10-05 23:20:00", "A1"),
            conversation("c3", "2026-10-05 23:30:00", "A1"),
            conversation("c4", "2026-10-06 00:30:00", "A2"),
        ],
    )
    assert sorted(violations(con, config, "CN-FREQ-CONVERSATION")) == ["c4"]


def test_a_zone_that_is_not_the_contacts_own_does_not_judge_it(con, config):
    # the mirror case: c1-c3 about A2 (Tokyo only), c4 about A1 (Shanghai only). Tokyo's
    # 6 October holds all four, but c4 is judged in Shanghai, where it is the 1st on 6 Oct.
    load(
        con,
        config,
        "accounts",
        [account("A1"), account("A2", timezone="Asia/Tokyo")],
    )
    load(
        con,
        config,
        "contacts",
        [
            conversation("c1", "2026-10-05 23:10:00", "A2"),
            conversation("c2", "2026-10-05 23:20:00", "A2"),
            conversation("c3", "2026-10-05 23:30:00", "A2"),
            conversation("c4", "2026-10-06 00:30:00", "A1"),
        ],
    )
    assert violations(con, config, "CN-FREQ-CONVERSATION") == {}


def test_conversations_on_accounts_of_other_regimes_are_not_counted(con, config):
    load(
        con,
        config,
        "accounts",
        [account("A1"), account("US1", regime="us_regf", timezone="Asia/Shanghai")],
    )
    load(
        con,
        config,
        "contacts",
        [
            conversation("us_conv", "2026-10-05 08:30:00", "US1"),
            conversation("c1", "2026-10-05 09:00:00"),
            conversation("c2", "2026-10-05 10:00:00"),
            conversation("c3", "2026-10-05 11:00:00"),
        ],
    )
    assert violations(con, config, "CN-FREQ-CONVERSATION") == {}


# ---------------------------------------------------------------- CN-FREQ-UNANSWERED


def test_seventh_unanswered_call_to_one_number_is_flagged(con, config):
    # two debtors share the number; busy, failed and not_in_service are attempts too
    load(con, config, "accounts", [account("A1", "P1"), account("B1", "P2")])
    number = "13800138000"
    results = ["no_answer", "voicemail", "rejected", "busy", "failed", "not_in_service"]
    rows = [
        unanswered(
            f"u{i + 1}",
            f"2026-10-05 1{i}:00:00",
            "A1" if i % 2 else "B1",
            phone_number=number,
            call_result=result,
        )
        for i, result in enumerate(results)
    ]
    rows += [
        conversation("answered", "2026-10-05 16:10:00", phone_number=number),
        conversation(
            "answered_hung_up", "2026-10-05 16:15:00", phone_number=number, conversation="false"
        ),
        unanswered("other_number", "2026-10-05 16:20:00", phone_number="13900139000"),
        contact(
            "sms", "2026-10-05 16:30:00", channel="sms", phone_number=number, call_result="sent"
        ),
        unanswered(
            "rvm",
            "2026-10-05 16:40:00",
            channel="ringless_voicemail",
            phone_number=number,
            call_result="voicemail",
        ),
        unanswered("inbound", "2026-10-05 16:45:00", direction="inbound", phone_number=number),
        # the same number written differently
        unanswered("u7", "2026-10-05 17:00:00", "B1", phone_number="138-0013 8000"),
        unanswered("u8", "2026-10-05 18:00:00", phone_number=number),
    ]
    load(con, config, "contacts", rows)
    got = violations(con, config, "CN-FREQ-UNANSWERED")
    assert sorted(got) == ["u7", "u8"]
    assert got["u7"]["evidence_count"] == 7
    assert got["u8"]["evidence_count"] == 8


def test_six_unanswered_calls_a_day_are_allowed(con, config):
    load(con, config, "accounts", [account("A1"), account("US1", "P2", regime="us_regf")])
    rows = [
        unanswered(f"u{i}", f"2026-10-05 1{i}:00:00", phone_number="13800138000") for i in range(6)
    ]
    # calls about debts of other regimes are not counted
    rows.append(unanswered("us_call", "2026-10-05 09:00:00", "US1", phone_number="13800138000"))
    rows.append(unanswered("next_day", "2026-10-06 00:00:00", phone_number="13800138000"))
    load(con, config, "contacts", rows)
    assert violations(con, config, "CN-FREQ-UNANSWERED") == {}


def test_unanswered_calls_are_dated_in_each_zone_of_the_call_judged(con, config):
    # six calls about B1 (Tokyo only) at Tokyo 00:10-00:35 on 6 Oct, i.e. 5 Oct in
    # Shanghai; then one call about A1 (Shanghai only) and one about B2 (Tokyo only)
    # at 00:40 Shanghai = 01:40 Tokyo on 6 Oct. Only B2's call is judged in Tokyo.
    load(
        con,
        config,
        "accounts",
        [
            account("A1"),
            account("B1", "P2", timezone="Asia/Tokyo"),
            account("B2", "P2", timezone="Asia/Tokyo"),
        ],
    )
    number = "13800138000"
    rows = [
        unanswered(f"b{i}", f"2026-10-05 23:{10 + i * 5}:00", "B1", phone_number=number)
        for i in range(6)
    ]
    rows += [
        unanswered("a1_shanghai_only", "2026-10-06 00:40:00", "A1", phone_number=number),
        unanswered("b2_tokyo_only", "2026-10-06 00:40:00", "B2", phone_number=number),
    ]
    load(con, config, "contacts", rows)
    got = violations(con, config, "CN-FREQ-UNANSWERED")
    assert sorted(got) == ["b2_tokyo_only"]
    # both 00:40 calls follow the six in Tokyo; contact_id breaks the tie
    assert got["b2_tokyo_only"]["evidence_count"] == 8


def test_unanswered_calls_of_a_day_split_across_two_utc_weeks_are_counted_together(con, config):
    # the rule clears numbers by their calls in 7-day blocks of UTC days (blocks start
    # on Thursdays at 00:00 UTC); Shanghai's Thursday 8 October begins eight hours
    # before its block: three calls before 08:00 local, four after, seven in the day
    load(con, config, "accounts", [account("A1")])
    number = "13800138000"
    rows = [
        unanswered(f"early{h}", f"2026-10-08 0{h}:00:00", phone_number=number) for h in (5, 6, 7)
    ]
    rows += [
        unanswered(f"late{h}", f"2026-10-08 {h}:00:00", phone_number=number)
        for h in (9, 10, 11, 12)
    ]
    # six calls split the same way on the next Thursday are within the limit
    rows += [
        unanswered(f"next{h}", f"2026-10-15 0{h}:00:00", phone_number=number) for h in (5, 6, 7)
    ]
    rows += [
        unanswered(f"next{h}", f"2026-10-15 {h}:00:00", phone_number=number) for h in (9, 10, 11)
    ]
    load(con, config, "contacts", rows)
    got = violations(con, config, "CN-FREQ-UNANSWERED")
    assert sorted(got) == ["late12"]
    assert got["late12"]["evidence_count"] == 7


def test_unanswered_calls_before_the_month_count_toward_the_local_day(con, config):
    # America/New_York's 30 September runs into 1 October in Shanghai
    load(con, config, "accounts", [account("A1", timezone="America/New_York")])
    rows = [
        unanswered(f"sep{i}", f"2026-09-30T0{i}:00:00-04:00", phone_number="13800138000")
        for i in range(1, 7)
    ]
    rows.append(unanswered("oct_seventh", "2026-09-30T13:00:00-04:00", phone_number="13800138000"))
    load(con, config, "contacts", rows)
    got = violations(con, config, "CN-FREQ-UNANSWERED")
    assert sorted(got) == ["oct_seventh"]
    assert got["oct_seventh"]["window_start"] == date(2026, 9, 30)


# ---------------------------------------------------------------- CN-THIRD-PARTY


def test_third_party_and_employer_contacts_are_flagged(con, config):
    load(con, config, "accounts", [account("A1")])
    load(
        con,
        config,
        "contacts",
        [
            unanswered("third_party_call", "2026-10-05 10:00:00", party="third_party"),
            contact(
                "employer_sms",
                "2026-10-05 10:01:00",
                party="employer",
                channel="sms",
                call_result="sent",
            ),
            conversation(
                "employer_location",
                "2026-10-05 10:02:00",
                party="employer",
                purpose="location_info",
            ),
            unanswered("emergency_contact", "2026-10-05 10:03:00", party="emergency_contact"),
            unanswered("debtor", "2026-10-05 10:04:00"),
            conversation(
                "inbound_third_party",
                "2026-10-05 10:05:00",
                party="third_party",
                direction="inbound",
            ),
            contact(
                "letter_to_employer", "2026-10-05 10:06:00", party="employer", channel="letter"
            ),
        ],
    )
    assert sorted(violations(con, config, "CN-THIRD-PARTY")) == [
        "employer_location",
        "employer_sms",
        "third_party_call",
    ]


# ---------------------------------------------------------------- CN-CONTACT-REACHABLE


def test_pre_agreed_contact_within_7_x_24_hours_of_a_right_party_contact_is_flagged(con, config):
    load(con, config, "accounts", [account("A1"), account("A2")])
    load(
        con,
        config,
        "contacts",
        [
            unanswered("before_rpc", "2026-10-01 09:00:00", party="emergency_contact"),
            # the debtor called in about the other account: a right-party contact
            conversation("rpc", "2026-10-01 10:00:00", "A2", direction="inbound"),
            unanswered("same_day", "2026-10-01 15:00:00", party="relative"),
            unanswered("at_168h", "2026-10-08 10:00:00", party="emergency_contact"),
            unanswered("at_168h_1s", "2026-10-08 10:00:01", party="emergency_contact"),
        ],
    )
    got = violations(con, config, "CN-CONTACT-REACHABLE")
    assert sorted(got) == ["at_168h", "same_day"]
    assert got["at_168h"]["detail"] == "rpc"


def test_only_right_party_conversations_show_the_debtor_reachable(con, config):
    load(con, config, "accounts", [account("A1"), account("B1", "P2")])
    load(
        con,
        config,
        "contacts",
        [
            unanswered("debtor_no_answer", "2026-10-05 09:00:00"),
            conversation("spouse_conversation", "2026-10-05 09:10:00", party="spouse"),
            conversation("other_debtor_rpc", "2026-10-05 09:20:00", "B1"),
            unanswered("emergency", "2026-10-05 10:00:00", party="emergency_contact"),
        ],
    )
    assert violations(con, config, "CN-CONTACT-REACHABLE") == {}


def test_a_right_party_contact_at_the_same_instant_does_not_count(con, config):
    load(con, config, "accounts", [account("A1")])
    load(
        con,
        config,
        "contacts",
        [
            conversation("rpc", "2026-10-05 10:00:00"),
            unanswered("emergency", "2026-10-05 10:00:00", party="emergency_contact"),
        ],
    )
    assert violations(con, config, "CN-CONTACT-REACHABLE") == {}


def test_a_right_party_contact_in_the_previous_month_counts(con, config):
    load(con, config, "accounts", [account("A1")])
    load(
        con,
        config,
        "contacts",
        [
            conversation("rpc_sep28", "2026-09-28 12:00:00"),
            unanswered("emergency_oct02", "2026-10-02 12:00:00", party="emergency_contact"),
            unanswered("emergency_oct06", "2026-10-06 12:00:00", party="emergency_contact"),
        ],
    )
    # 96 h and 192 h after the right-party contact
    assert sorted(violations(con, config, "CN-CONTACT-REACHABLE")) == ["emergency_oct02"]


def test_reachable_window_is_a_parameter(tmp_path):
    config = make_config(
        tmp_path, rules={"cn": {"CN-CONTACT-REACHABLE": {"debtor_reachable_days": 3}}}
    )
    con = connect(config)
    load(con, config, "accounts", [account("A1")])
    load(
        con,
        config,
        "contacts",
        [
            conversation("rpc", "2026-10-01 12:00:00"),
            unanswered("at_72h", "2026-10-04 12:00:00", party="relative"),
            unanswered("at_96h", "2026-10-05 12:00:00", party="relative"),
        ],
    )
    assert sorted(violations(con, config, "CN-CONTACT-REACHABLE")) == ["at_72h"]
    con.close()


# ---------------------------------------------------------------- CN-CONTACT-REFUSED


def test_contact_after_a_contact_refused_event_is_flagged_until_it_ends(con, config):
    load(con, config, "accounts", [account("A1")])
    load(
        con,
        config,
        "contacts",
        [
            unanswered(
                "e1_before", "2026-10-03 11:59:59", party="emergency_contact", person_id="E1"
            ),
            unanswered(
                "e1_at_event", "2026-10-03 12:00:00", party="emergency_contact", person_id="E1"
            ),
            unanswered(
                "e1_later", "2026-10-20 12:00:00", party="emergency_contact", person_id="E1"
            ),
            unanswered("e2_while", "2026-10-07 12:00:00", party="relative", person_id="E2"),
            unanswered("e2_after_end", "2026-10-08 12:00:00", party="relative", person_id="E2"),
            unanswered("other_person", "2026-10-07 12:00:00", party="relative", person_id="E3"),
            conversation(
                "e1_calls_in",
                "2026-10-21 12:00:00",
                party="emergency_contact",
                person_id="E1",
                direction="inbound",
            ),
        ],
    )
    load(
        con,
        config,
        "account_events",
        [
            {
                "event_id": "EV1",
                "account_id": "A1",
                "person_id": "E1",
                "event_type": "contact_refused",
                "effective_at": "2026-10-03 12:00:00",
            },
            {
                "event_id": "EV2",
                "person_id": "E2",
                "event_type": "contact_refused",
                "effective_at": "2026-10-01 00:00:00",
                "ended_at": "2026-10-08 12:00:00",
            },
        ],
    )
    got = violations(con, config, "CN-CONTACT-REFUSED")
    assert sorted(got) == ["e1_at_event", "e1_later", "e2_while"]
    assert got["e1_later"]["detail"] == "EV1"


def test_contact_after_a_refusal_on_an_earlier_contact_is_flagged(con, config):
    load(con, config, "accounts", [account("A1")])
    load(
        con,
        config,
        "contacts",
        [
            # refused in July, long before the look-back window
            conversation(
                "refusal_july",
                "2026-07-10 10:00:00",
                party="third_party",
                person_id="T1",
                outcome="third_party_refused",
            ),
            conversation(
                "refusal_oct",
                "2026-10-02 10:00:00",
                party="relative",
                person_id="R1",
                outcome="third_party_refused",
            ),
            unanswered("t1_again", "2026-10-05 10:00:00", party="third_party", person_id="T1"),
            unanswered("r1_again", "2026-10-02 10:30:00", party="relative", person_id="R1"),
            unanswered("r2", "2026-10-02 10:30:00", party="relative", person_id="R2"),
        ],
    )
    got = violations(con, config, "CN-CONTACT-REFUSED")
    assert sorted(got) == ["r1_again", "t1_again"]
    assert got["r1_again"]["detail"] == "refusal_oct"


def test_refusal_rule_does_not_assess_the_debtor(con, config):
    load(con, config, "accounts", [account("A1")])
    load(con, config, "contacts", [unanswered("debtor_call", "2026-10-05 10:00:00")])
    load(
        con,
        config,
        "account_events",
        [
            {
                "event_id": "EV1",
                "account_id": "A1",
                "event_type": "contact_refused",
                "effective_at": "2026-10-01 00:00:00",
            },
            {
                "event_id": "EV2",
                "person_id": "P1",
                "event_type": "contact_refused",
                "effective_at": "2026-10-01 00:00:00",
            },
        ],
    )
    assert violations(con, config, "CN-CONTACT-REFUSED") == {}


# ---------------------------------------------------------------- CN-RECORDING


def test_collection_conversations_and_visits_need_a_recording(con, config):
    load(con, config, "accounts", [account("A1")])
    load(
        con,
        config,
        "contacts",
        [
            conversation("conversation_unrecorded", "2026-10-05 10:00:00"),
            conversation("conversation_recorded", "2026-10-05 10:01:00", recording_id="R1"),
            conversation("inbound_unrecorded", "2026-10-05 10:02:00", direction="inbound"),
            unanswered("no_answer_unrecorded", "2026-10-05 10:03:00"),
            unanswered("voicemail_unrecorded", "2026-10-05 10:04:00", call_result="voicemail"),
            conversation("servicing_unrecorded", "2026-10-05 10:05:00", purpose="servicing"),
            contact(
                "visit_unrecorded", "2026-10-05 10:06:00", channel="visit", call_result="completed"
            ),
            contact(
                "visit_recorded",
                "2026-10-05 10:07:00",
                channel="visit",
                call_result="completed",
                recording_id="R2",
            ),
            contact("sms", "2026-10-05 10:08:00", channel="sms", call_result="sent"),
        ],
    )
    assert sorted(violations(con, config, "CN-RECORDING")) == [
        "conversation_unrecorded",
        "inbound_unrecorded",
        "visit_unrecorded",
    ]


# ---------------------------------------------------------------- CN-ABUSE


def test_abuse_lexicon_matches_english_words_and_chinese_substrings(con, config):
    load(con, config, "accounts", [account("A1")])
    notes = {
        "warrant": "Told him a warrant will be issued.",
        "warranty": "Discussed the extended warranty on the phone.",
        "upper_case": "WE WILL HAVE YOU ARRESTED",
        "curly_apostrophe": "you’ll regret this",
        "double_space": "said he would beat  you",
        "scumbag_no_word": "talked about scumbags in the news",
        "lao_lai": "你这个老赖",
        "longest_term": "再不还就爆通讯录",
        "polite": "客户承诺周五还款 / promised to pay on Friday",
        "sql_and_html": "<b>'; drop table contacts; --</b>",
    }
    load(
        con,
        config,
        "contacts",
        [
            contact(cid, "2026-10-05 10:00:00", note=note, call_result="answered")
            for cid, note in notes.items()
        ]
        + [
            contact(
                "inbound_idiot",
                "2026-10-05 11:00:00",
                direction="inbound",
                call_result="answered",
                note="you idiot",
            )
        ],
    )
    got = violations(con, config, "CN-ABUSE")
    assert sorted(got) == [
        "curly_apostrophe",
        "double_space",
        "inbound_idiot",
        "lao_lai",
        "longest_term",
        "upper_case",
        "warrant",
    ]
    assert got["warrant"]["detail"] == "warrant"
    assert got["upper_case"]["detail"] == "arrested"
    assert got["curly_apostrophe"]["detail"] == "you'll regret"
    assert got["longest_term"]["detail"] == "爆通讯录"
    assert got["lao_lai"]["evidence"].endswith("老赖 (insult)")


def test_abuse_lists_every_matched_term_in_order(con, config):
    load(con, config, "accounts", [account("A1")])
    load(
        con,
        config,
        "contacts",
        [contact("c1", "2026-10-05 10:00:00", note="废物! you idiot, 废物, loser")],
    )
    got = violations(con, config, "CN-ABUSE")
    assert got["c1"]["detail"] == "废物, idiot, loser"
    assert got["c1"]["evidence_count"] == 3


def test_abuse_lexicon_is_a_parameter_and_terms_are_literal(tmp_path):
    lexicon = tmp_path / "my_lexicon.csv"
    lexicon.write_text("term,lang,category\na.b,en,test\nC++,en,test\n", encoding="utf-8")
    config = make_config(tmp_path, rules={"cn": {"CN-ABUSE": {"lexicon": str(lexicon)}}})
    con = connect(config)
    load(con, config, "accounts", [account("A1")])
    load(
        con,
        config,
        "contacts",
        [
            contact("dot_literal", "2026-10-05 10:00:00", note="see a.b now"),
            contact("dot_not_wildcard", "2026-10-05 10:00:00", note="see axb now"),
            contact("plus_literal", "2026-10-05 10:00:00", note="we use c++"),
            contact("default_term", "2026-10-05 10:00:00", note="you idiot"),
        ],
    )
    assert sorted(violations(con, config, "CN-ABUSE")) == ["dot_literal", "plus_literal"]
    con.close()


def test_an_empty_lexicon_is_an_error_not_a_clean_bill(tmp_path):
    lexicon = tmp_path / "empty.csv"
    lexicon.write_text("term,lang,category\n", encoding="utf-8")
    config = make_config(tmp_path, rules={"cn": {"CN-ABUSE": {"lexicon": str(lexicon)}}})
    con = connect(config)
    load(con, config, "accounts", [account("A1")])
    load(con, config, "contacts", [contact("c1", "2026-10-05 10:00:00", note="you idiot")])
    with pytest.raises(QueryError, match="lexicon is empty"):
        violations(con, config, "CN-ABUSE")
    con.close()


# ---------------------------------------------------------------- CN-UNCERTIFIED


def test_uncertified_collectors_by_local_date(con, config):
    load(
        con,
        config,
        "collectors",
        [
            {"collector_id": "K_until_oct04", "certified_until": "2026-10-04"},
            {"collector_id": "K_until_oct05", "certified_until": "2026-10-05"},
            {"collector_id": "K_never"},
        ],
    )
    load(con, config, "accounts", [account("A1")])
    load(
        con,
        config,
        "contacts",
        [
            unanswered("expired_day_before", "2026-10-05 10:00:00", collector_id="K_until_oct04"),
            unanswered("last_certified_day", "2026-10-05 23:59:59", collector_id="K_until_oct05"),
            # midnight in Shanghai is still 5 October in UTC: the local date counts
            unanswered("first_day_after", "2026-10-06 00:00:00", collector_id="K_until_oct05"),
            unanswered("never_certified", "2026-10-05 10:00:00", collector_id="K_never"),
            unanswered("unknown_collector", "2026-10-05 10:00:00", collector_id="K_missing"),
            contact("automated_sms", "2026-10-05 10:00:00", channel="sms", call_result="sent"),
        ],
    )
    got = violations(con, config, "CN-UNCERTIFIED")
    assert sorted(got) == [
        "expired_day_before",
        "first_day_after",
        "never_certified",
        "unknown_collector",
    ]
    assert got["unknown_collector"]["detail"] == "K_missing"


def test_certification_must_cover_the_local_date_in_every_candidate_zone(con, config):
    load(con, config, "collectors", [{"collector_id": "K1", "certified_until": "2026-10-05"}])
    load(con, config, "accounts", [account("A1", alt_timezones="Asia/Tokyo")])
    load(
        con,
        config,
        "contacts",
        [
            # 23:30 in Shanghai is already 6 October in Tokyo
            unanswered("tokyo_oct06", "2026-10-05 23:30:00", collector_id="K1"),
            unanswered("tokyo_oct05", "2026-10-05 22:59:59", collector_id="K1"),
        ],
    )
    got = violations(con, config, "CN-UNCERTIFIED")
    assert sorted(got) == ["tokyo_oct06"]
    assert got["tokyo_oct06"]["timezone"] == "Asia/Tokyo"


# ---------------------------------------------------------------- engine scope


def test_cn_rules_report_only_cn_accounts_in_the_month(con, config):
    load(
        con,
        config,
        "accounts",
        [account("A1"), account("UK1", "P2", regime="uk_conc", timezone="Asia/Shanghai")],
    )
    load(
        con,
        config,
        "contacts",
        [
            unanswered("uk_night", "2026-10-05 23:00:00", "UK1"),
            unanswered("september_night", "2026-09-29 23:00:00"),
            unanswered("november_night", "2026-11-01 23:00:00"),
            unanswered("october_night", "2026-10-31 23:00:00"),
        ],
    )
    assert sorted(violations(con, config, "CN-HOURS")) == ["october_night"]
