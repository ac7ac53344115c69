"""Worked examples of the official interpretation of Regulation F as test cases.

Each test encodes one example of 12 CFR part 1006, Supplement I (official
interpretations), named by its comment number, with the same weekdays: 2026 has
the calendar of the examples from March on (Wed 1 April, Thu 13 August, Tue 6
October, Mon 9 November, Mon 1 June). The pack reports the presumption of a
violation; factors that may rebut it are left to the reviewer and appear as risk
flags where the pack has one.

Where RULES.md reads the data more narrowly than the commentary, the test follows
RULES.md and says so (see test_call_counts_toward_its_own_debt_only).
"""

from __future__ import annotations

from datetime import date

import pytest
from test_rules_us_regf import LA, NY, RegF, at

DENVER = "America/Denver"


@pytest.fixture
def regf(con, config):
    return RegF(con, config)


def days(month: str, day_times: list[tuple[int, str]], zone: str = NY) -> list[str]:
    return [at(f"{month}-{d:02d} {t}", zone) for d, t in day_times]


# ------------------------------------------------------ 1006.6(b)(1): times


def test_comment_6b1i_1_electronic_communication_is_timed_when_sent(regf):
    # an email sent at 21:00:01 is after 9 p.m. even if read the next morning
    found = (
        regf.contact("late", at("2026-10-06 21:00:01"), channel="email")
        .contact("ok", at("2026-10-06 20:59:59"), channel="email")
        .run()
    )
    assert found["US-REGF-TIME"] == {"late"}


def test_comment_6b1i_2i_eastern_phone_pacific_address(regf):
    # convenient: after 11:00 Eastern (08:00 Pacific) and before 21:00 Eastern
    regf.account(timezone=LA, alt_timezones=[NY])
    found = regf.calls(
        "c",
        [
            at("2026-10-06 10:59:59"),  # 07:59:59 Pacific
            at("2026-10-06 11:00:00"),
            at("2026-10-06 21:00:00"),
            at("2026-10-06 21:00:01"),  # after 9 p.m. Eastern
        ],
    ).run()
    assert found["US-REGF-TIME"] == {"c1", "c4"}
    assert found.row("US-REGF-TIME", "c1")["timezone"] == LA
    assert found.row("US-REGF-TIME", "c4")["timezone"] == NY


def test_comment_6b1i_2ii_eastern_and_mountain_phones(regf):
    # convenient: after 10:00 Eastern (08:00 Mountain) and before 21:00 Eastern
    regf.account(alt_timezones=[DENVER])
    found = regf.calls(
        "c", [at("2026-10-06 09:59:59"), at("2026-10-06 10:00:00"), at("2026-10-06 21:00:01")]
    ).run()
    assert found["US-REGF-TIME"] == {"c1", "c3"}


def test_comment_6b1_1i_tuesdays_and_thursdays_through_year_end(regf):
    regf.event(
        "E",
        "inconvenient_time",
        at("2026-10-01 09:00:00"),
        window="Tue,Thu",
        ended_at=at("2027-01-01 00:00:00"),
    )
    found = regf.calls(
        "c", [at("2026-10-06 10:00:00"), at("2026-10-07 10:00:00"), at("2026-10-08 10:00:00")]
    ).run()  # Tue, Wed, Thu
    assert found["US-REGF-INCONV"] == {"c1", "c3"}


def test_comment_6b1_1ii_weekdays_3_to_5_and_weekends(regf):
    regf.event("E1", "inconvenient_time", at("2026-10-01 09:00:00"), window="Mon-Fri 15:00-17:00")
    regf.event("E2", "inconvenient_time", at("2026-10-01 09:00:00"), window="Sat,Sun")
    found = regf.calls(
        "c",
        [
            at("2026-10-07 15:30:00"),  # Wed in the window
            at("2026-10-07 17:00:00"),  # Wed, window over
            at("2026-10-10 10:00:00"),  # Sat
            at("2026-10-12 10:00:00"),  # Mon morning
        ],
    ).run()
    assert found["US-REGF-INCONV"] == {"c1", "c3"}


def test_comment_6b1_2i_respond_once_to_a_consumer_email_in_the_window(regf):
    # the consumer e-mails at 15:30 on Wednesday, inside 15:00-17:00: one reply by
    # e-mail before 17:00 is allowed; a second unprompted e-mail is not; a reply to
    # a further consumer e-mail is allowed again
    regf.event("E", "inconvenient_time", at("2026-10-01 09:00:00"), window="Mon-Fri 15:00-17:00")
    found = (
        regf.contact("in1", at("2026-10-07 15:30:00"), channel="email", direction="inbound")
        .contact("reply1", at("2026-10-07 15:40:00"), channel="email")
        .contact("extra", at("2026-10-07 15:50:00"), channel="email")
        .contact("in2", at("2026-10-07 16:00:00"), channel="email", direction="inbound")
        .contact("reply2", at("2026-10-07 16:10:00"), channel="email")
        .contact("call", at("2026-10-07 16:20:00"))  # another medium: not a reply
        .contact("next_day", at("2026-10-08 15:10:00"), channel="email")
        .run()
    )
    assert found["US-REGF-INCONV"] == {"extra", "call", "next_day"}


# --------------------------------------------- 1006.14(b): call frequencies


def test_comment_14b_1_ringless_voicemail_is_a_call_and_a_text_is_not(regf):
    regf.calls("c", [at(f"2026-10-0{d} 10:00:00") for d in range(1, 8)])
    regf.contact("sms", at("2026-10-07 11:00:00"), channel="sms")
    regf.contact(
        "rvm", at("2026-10-07 12:00:00"), channel="ringless_voicemail", call_result="voicemail"
    )
    assert regf.run()["US-REGF-7IN7"] == {"rvm"}


def test_comment_14b2i_1i_seven_calls_in_seven_days_then_day_eight(regf):
    # Wed Apr 1 call with a limited-content message, six more unanswered calls
    # Thu Apr 2 .. Tue Apr 7, the next call Wed Apr 8: presumed compliant
    regf.contact("apr1", at("2026-04-01 10:00:00"), call_result="voicemail")
    regf.calls(
        "c",
        days(
            "2026-04",
            [
                (2, "10:00:00"),
                (3, "10:00:00"),
                (4, "10:00:00"),
                (5, "10:00:00"),
                (6, "10:00:00"),
                (7, "10:00:00"),
            ],
        ),
    )
    regf.contact("apr8", at("2026-04-08 10:00:00"))
    found = regf.run(date(2026, 4, 1))
    assert found["US-REGF-7IN7"] == set()
    assert found["US-REGF-POSTCONV"] == set()


def test_comment_14b2i_1ii_consumer_call_on_thursday_next_call_a_week_later(regf):
    # Thu Aug 13 the consumer calls and talks; the collector's next call on Thu
    # Aug 20 is presumed compliant, while one on Wed Aug 19 would be in the 7 days
    regf.conversation(
        "in", at("2026-08-13 10:00:00"), at("2026-08-13 10:15:00"), direction="inbound"
    )
    regf.contact("aug19", at("2026-08-19 10:00:00"))
    regf.contact("aug20", at("2026-08-20 10:00:00"))
    found = regf.run(date(2026, 8, 1))
    assert found["US-REGF-POSTCONV"] == {"aug19"}


def test_comment_14b2i_1iii_location_calls_to_a_third_party(regf):
    # Tue Oct 6 .. Mon Oct 12: seven unanswered calls to one third party to locate
    # the consumer are presumed compliant
    loc = {"party": "third_party", "person_id": "T1", "purpose": "location_info"}
    regf.calls("t", [at(f"2026-10-{d:02d} 10:00:00") for d in range(6, 13)], **loc)
    found = regf.run()
    assert found["US-REGF-7IN7"] == set()
    assert found["US-REGF-LOC"] == set()


def test_comment_14b2i_2i_six_calls_on_one_day_is_concentrated_but_compliant(regf):
    # Wed Apr 1 one call, Fri Apr 3 six calls: presumed compliant; the concentration
    # is a factor that may rebut it (RULES.md flags 6 a day)
    regf.contact("apr1", at("2026-04-01 10:00:00"), call_result="voicemail")
    regf.calls("f", [at(f"2026-04-03 {h:02d}:00:00") for h in range(10, 16)])
    found = regf.run(date(2026, 4, 1))
    assert found["US-REGF-7IN7"] == set()
    assert found["RISK-CONCENTRATED"] == {"f6"}


def test_comment_14b2i_2ii_two_voicemails_within_five_minutes(regf):
    found = (
        regf.contact("v1", at("2026-10-06 10:00:00"), call_result="voicemail")
        .contact("v2", at("2026-10-06 10:04:00"), call_result="voicemail")
        .run()
    )
    assert found["RISK-RAPID"] == {"v2"}
    assert found["US-REGF-7IN7"] == set()


def test_comment_14b2i_3i_misdirected_calls_are_not_calls_to_the_consumer(regf):
    # Mon Oct 5 and Wed Oct 7 unanswered calls to a number; on Thu Oct 8 the collector
    # learns it is someone else's: no call has yet been placed to the consumer. Seven
    # calls to the right number Thu Oct 8 .. Sun Oct 11 are therefore compliant.
    wrong = "+13055550123"
    regf.contact("mon", at("2026-10-05 10:00:00"), phone_number=wrong)
    regf.contact("wed", at("2026-10-07 10:00:00"), phone_number=wrong)
    regf.event("WN", "wrong_number", at("2026-10-08 09:00:00"), phone_number=wrong)
    regf.calls(
        "c",
        days(
            "2026-10",
            [
                (8, "10:00:00"),
                (8, "14:00:00"),
                (9, "10:00:00"),
                (9, "14:00:00"),
                (10, "10:00:00"),
                (10, "14:00:00"),
                (11, "10:00:00"),
            ],
        ),
    )
    assert regf.run()["US-REGF-7IN7"] == set()


def test_comment_14b2ii_1i_eight_calls_from_wednesday_to_tuesday(regf):
    # Wed Apr 1 one call; Thu Apr 2, Fri Apr 3, Mon Apr 6 two each; Tue Apr 7 one:
    # eight calls in the 7 days from Apr 1, the Tuesday call is presumed a violation
    regf.contact("apr1", at("2026-04-01 10:00:00"), call_result="voicemail")
    regf.calls(
        "c",
        days(
            "2026-04",
            [
                (2, "10:00:00"),
                (2, "15:00:00"),
                (3, "10:00:00"),
                (3, "15:00:00"),
                (6, "10:00:00"),
                (6, "15:00:00"),
            ],
        ),
    )
    regf.contact("apr7", at("2026-04-07 10:00:00"))
    found = regf.run(date(2026, 4, 1))
    assert found["US-REGF-7IN7"] == {"apr7"}
    row = found.row("US-REGF-7IN7", "apr7")
    assert (row["window_start"], row["window_end"], row["evidence_count"]) == (
        date(2026, 4, 1),
        date(2026, 4, 7),
        8,
    )


def test_comment_14b2ii_1ii_call_before_the_friday_after_a_conversation(regf):
    # Tue Aug 11 unanswered call; Fri Aug 14 call and conversation: any call about the
    # debt before Fri Aug 21 is presumed a violation
    regf.contact("aug11", at("2026-08-11 10:00:00"))
    regf.conversation("aug14", at("2026-08-14 10:00:00"), at("2026-08-14 10:20:00"))
    regf.contact("aug20", at("2026-08-20 20:00:00"))
    regf.contact("aug21", at("2026-08-21 08:00:00"))
    found = regf.run(date(2026, 8, 1))
    assert found["US-REGF-POSTCONV"] == {"aug20"}
    assert found.row("US-REGF-POSTCONV", "aug20")["window_end"] == date(2026, 8, 20)


def test_comment_14b2ii_2ivA_redial_after_a_dropped_call_is_still_presumed(regf):
    # a dropped settlement call redialled at once: a factor that may rebut the
    # presumption, which the pack still reports for review
    regf.conversation("aug14", at("2026-08-14 10:00:00"), at("2026-08-14 10:20:00"))
    regf.contact("redial", at("2026-08-14 10:21:00"), call_result="answered")
    found = regf.run(date(2026, 8, 1))
    assert found["US-REGF-POSTCONV"] == {"redial"}


def test_comment_14b3i_3i_call_back_on_monday(regf):
    # Fri Apr 3 conversation, the consumer says "call back on Monday": the Monday
    # Apr 6 call has the consumer's prior consent and is not counted
    regf.conversation("fri", at("2026-04-03 10:00:00"), at("2026-04-03 10:10:00"))
    regf.event("CON", "consent_to_call", at("2026-04-03 10:09:00"))
    regf.contact("mon", at("2026-04-06 10:00:00"))
    assert regf.run(date(2026, 4, 1))["US-REGF-POSTCONV"] == set()


def test_comment_14b3i_3ii_consent_ends_with_the_monday_conversation(regf):
    # same, the Monday call reaches the consumer: the consent is used up; a call on
    # Wed Apr 8 counts and is presumed a violation
    regf.conversation("fri", at("2026-04-03 10:00:00"), at("2026-04-03 10:10:00"))
    regf.event("CON", "consent_to_call", at("2026-04-03 10:09:00"))
    regf.conversation("mon", at("2026-04-06 10:00:00"), at("2026-04-06 10:10:00"))
    regf.contact("wed", at("2026-04-08 10:00:00"))
    found = regf.run(date(2026, 4, 1))
    assert found["US-REGF-POSTCONV"] == {"wed"}


def test_comment_14b3i_3iii_consent_by_email_covers_seven_days(regf):
    # Mon Jun 1 .. Wed Jun 3 three unanswered calls; consent received by e-mail on
    # Thu Jun 4; eight unanswered calls Mon Jun 8 .. Wed Jun 10 are excluded. Calls
    # from Thu Jun 11 count again: eight that day, the 8th presumed a violation.
    regf.calls("a", days("2026-06", [(1, "10:00:00"), (2, "10:00:00"), (3, "10:00:00")]))
    regf.event("CON", "consent_to_call", at("2026-06-04 09:00:00"))
    regf.calls(
        "b",
        days(
            "2026-06",
            [
                (8, "09:00:00"),
                (8, "12:00:00"),
                (8, "15:00:00"),
                (9, "09:00:00"),
                (9, "12:00:00"),
                (9, "15:00:00"),
                (10, "09:00:00"),
                (10, "12:00:00"),
            ],
        ),
    )
    regf.calls("d", [at(f"2026-06-11 {h:02d}:00:00") for h in range(9, 17)])
    found = regf.run(date(2026, 6, 1))
    assert found["US-REGF-7IN7"] == {"d8"}
    assert found.row("US-REGF-7IN7", "d8")["window_start"] == date(2026, 6, 5)


def test_comment_14b3ii_1_unconnected_calls_do_not_count(regf):
    # busy and not-in-service do not connect; an answered call that drops, a call
    # that rings unanswered and a call that reaches voicemail all connect
    regf.contact("c1", at("2026-10-06 09:00:00"), call_result="answered")
    for i, result in enumerate(
        ["no_answer", "voicemail", "no_answer", "voicemail", "no_answer", "voicemail"], start=2
    ):
        regf.contact(f"c{i}", at(f"2026-10-06 {9 + i:02d}:00:00"), call_result=result)
    regf.contact("busy", at("2026-10-06 17:00:00"), call_result="busy")
    regf.contact("nis", at("2026-10-06 17:30:00"), call_result="not_in_service")
    regf.contact("c8", at("2026-10-06 18:00:00"), call_result="voicemail")
    assert regf.run()["US-REGF-7IN7"] == {"c8"}


def test_comment_14b4_2i_seven_calls_toward_each_of_three_debts(regf):
    # 21 unanswered calls in 7 days, seven counted toward each of a medical debt and
    # credit card debts A and B: presumed compliant
    regf.account("MED").account("CCA").account("CCB")
    for debt in ("MED", "CCA", "CCB"):
        regf.calls(debt, [at(f"2026-10-{d:02d} 10:00:00") for d in range(5, 12)], debt)
    assert regf.run()["US-REGF-7IN7"] == set()


def test_comment_14b4_2ii_limited_content_message_counts_toward_one_debt(regf):
    # a voicemail meant for both debts is counted toward the one it is recorded on
    regf.account("MED").account("CC")
    regf.calls("cc", [at(f"2026-10-{d:02d} 10:00:00") for d in range(5, 12)], "CC")
    regf.contact("lcm", at("2026-10-11 12:00:00"), "MED", call_result="voicemail")
    assert regf.run()["US-REGF-7IN7"] == set()


def test_comment_14b4_2iii_conversation_about_one_debt_only(regf):
    # Mon Nov 9 conversation solely about the medical debt: a call about the credit
    # card debt the next day is not in a quiet period, one about the medical debt is
    regf.account("MED").account("CC")
    regf.conversation("nov9", at("2026-11-09 10:00:00"), at("2026-11-09 10:10:00"), "MED")
    regf.contact("cc", at("2026-11-10 10:00:00"), "CC")
    regf.contact("med", at("2026-11-10 11:00:00"), "MED")
    assert regf.run(date(2026, 11, 1))["US-REGF-POSTCONV"] == {"med"}


def test_comment_14b4_2iv_conversation_about_both_debts(regf):
    regf.account("MED").account("CC")
    regf.conversation(
        "nov9", at("2026-11-09 10:00:00"), at("2026-11-09 10:10:00"), "MED", debts_discussed=["CC"]
    )
    regf.contact("cc", at("2026-11-10 10:00:00"), "CC")
    regf.contact("med", at("2026-11-10 11:00:00"), "MED")
    assert regf.run(date(2026, 11, 1))["US-REGF-POSTCONV"] == {"cc", "med"}


def test_comment_14b4_2v_general_conversation_counted_toward_one_debt(regf):
    # Nov 9-11: two unanswered calls counted toward the medical debt, four toward the
    # credit card; Thu Nov 12 a general conversation the collector counts toward the
    # medical debt (its account_id). A medical call on Nov 13 is in the quiet
    # period, a credit card call is not.
    regf.account("MED").account("CC")
    regf.calls("m", days("2026-11", [(9, "10:00:00"), (10, "10:00:00")]), "MED")
    regf.calls(
        "c",
        days("2026-11", [(9, "11:00:00"), (10, "11:00:00"), (11, "10:00:00"), (11, "11:00:00")]),
        "CC",
    )
    regf.conversation("nov12", at("2026-11-12 10:00:00"), at("2026-11-12 10:10:00"), "MED")
    regf.contact("med13", at("2026-11-13 10:00:00"), "MED")
    regf.contact("cc13", at("2026-11-13 11:00:00"), "CC")
    found = regf.run(date(2026, 11, 1))
    assert found["US-REGF-POSTCONV"] == {"med13"}
    assert found["US-REGF-7IN7"] == set()


def test_comment_14b4_2vi_consumer_raises_another_debt(regf):
    # Mon Nov 9 the collector calls about the medical debt; the consumer talks about
    # the credit card debt instead. Conversation: both debts. Call: medical only.
    regf.account("MED").account("CC")
    cc_times = [
        (4, "10:00:00"),
        (5, "10:00:00"),
        (6, "10:00:00"),
        (7, "10:00:00"),
        (8, "10:00:00"),
        (8, "15:00:00"),
    ]
    regf.calls("cc", days("2026-11", cc_times), "CC")
    regf.calls("med", [at("2026-11-08 12:00:00")], "MED")
    regf.conversation(
        "nov9", at("2026-11-09 10:00:00"), at("2026-11-09 10:10:00"), "MED", debts_discussed=["CC"]
    )
    regf.contact("cc10", at("2026-11-10 10:00:00"), "CC")
    found = regf.run(date(2026, 11, 1))
    # the Nov 10 credit card call follows a conversation about that debt
    assert found["US-REGF-POSTCONV"] == {"cc10"}
    # and it is only the 7th credit card call in Nov 4..10: the Nov 9 call was
    # placed about the medical debt and counts there
    assert found["US-REGF-7IN7"] == set()


def test_call_counts_toward_its_own_debt_only(regf):
    # Comment 14(b)(4)-1.i and -2.iv count a call in which the collector discusses two
    # debts as a call about each. The data cannot tell who raised a debt in
    # debts_discussed, so RULES.md (counting rule 1) counts the call toward its
    # account_id only: seven credit card calls plus a medical call that also
    # discussed the credit card debt is not an 8th credit card call here.
    regf.account("MED").account("CC")
    regf.calls("cc", [at(f"2026-11-0{d} 10:00:00") for d in range(2, 9)], "CC")  # 7 calls
    regf.conversation(
        "both", at("2026-11-08 12:00:00"), at("2026-11-08 12:10:00"), "MED", debts_discussed=["CC"]
    )
    assert regf.run(date(2026, 11, 1))["US-REGF-7IN7"] == set()
