"""contact_activity and complaints on hand-made rows (METRICS.md).

Portfolio time zone Asia/Shanghai (+08:00).
"""

from __future__ import annotations

from datetime import date

import pytest

from audit import metrics
from conftest import connect, load, make_config, metric_note

JAN, FEB, MAR, APR = (date(2026, m, 1) for m in range(1, 5))


def accounts(con, config, agencies: dict[str, str | None], closed: tuple[str, ...] = ()):
    """Accounts originated 2026-01-10 with two instalments (02-15, 03-15) of 100."""
    load(
        con,
        config,
        "accounts",
        [
            {
                "account_id": a,
                "customer_id": "C" + a[1:],
                "agency_id": agency,
                "principal": "200",
                "origination_date": "2026-01-10",
            }
            for a, agency in agencies.items()
        ],
    )
    load(
        con,
        config,
        "installments",
        [
            {"account_id": a, "installment_no": n, "due_date": d, "amount_due": "100"}
            for a in agencies
            for n, d in ((1, "2026-02-15"), (2, "2026-03-15"))
        ],
    )
    if closed:
        load(
            con,
            config,
            "payments",
            [
                {"payment_id": "pay" + a, "account_id": a, "paid_at": "2026-01-20", "amount": "200"}
                for a in closed
            ],
        )


# ------------------------------------------------------------------ contact activity

CONTACTS = [
    # id, account, channel, direction, call_result, party, collector, agency, started_at, conv
    ("c1", "P1", "call", "outbound", "answered", "debtor", "U1", "AG1", "03-02T10:00", None),
    ("c2", "P1", "call", "outbound", "no_answer", "debtor", "U1", "AG1", "03-03T10:00", None),
    ("c3", "P2", "call", "outbound", "busy", "debtor", "U2", "AG1", "03-03T11:00", None),
    ("c4", "P2", "ringless_voicemail", "outbound", "voicemail", "debtor", "U2", "AG1",
     "03-04T11:00", None),
    ("c5", "P3", "letter", "outbound", "completed", "debtor", None, None, "03-05T09:00", None),
    ("c6", "P3", "sms", "outbound", "delivered", "debtor", None, None, "03-05T09:30", None),
    ("c7", "P4", "call", "outbound", "answered", "relative", "U1", "AG1", "03-06T10:00", None),
    ("c8", "P4", "visit", "outbound", "completed", "debtor", "U3", None, "03-07T15:00", "true"),
    ("c9", "P5", "call", "inbound", "answered", "debtor", "U1", "AG1", "03-08T10:00", None),
    ("c11", "P6", "call", "outbound", "rejected", "debtor", "U2", "AG1", "03-09T10:00", None),
]  # fmt: skip


@pytest.fixture(scope="module")
def activity(tmp_path_factory):
    config = make_config(tmp_path_factory.mktemp("activity"))
    con = connect(config)
    accounts(con, config, {f"P{i}": None for i in range(1, 7)})
    rows = [
        {
            "contact_id": cid,
            "account_id": a,
            "channel": channel,
            "direction": direction,
            "call_result": result,
            "party": party,
            "collector_id": collector,
            "agency_id": agency,
            "started_at": f"2026-{at}:00+08:00",
            "conversation": conv,
        }
        for cid, a, channel, direction, result, party, collector, agency, at, conv in CONTACTS
    ]
    # 2026-03-31T16:30Z is 04-01 00:30 in Shanghai: an April contact
    rows.append(
        {
            "contact_id": "c10",
            "account_id": "P5",
            "channel": "call",
            "direction": "outbound",
            "call_result": "answered",
            "party": "debtor",
            "collector_id": "U1",
            "agency_id": "AG1",
            "started_at": "2026-03-31T16:30:00Z",
        }
    )
    load(con, config, "contacts", rows)
    metrics.compute(con, config, APR)
    yield {
        (r[0], r[1], r[2]): r[3:]
        for r in con.execute(
            "select month, dimension, dimension_value, attempts, calls, connected_calls, "
            "conversations, rpc, accounts_attempted, accounts_with_rpc, rpc_per_attempt, "
            "rpc_per_connected_call, penetration from contact_activity"
        ).fetchall()
    }
    con.close()


def test_contact_activity_portfolio(activity):
    # March, outbound only (c9 is inbound, c10 is April local time):
    # attempts c1 c2 c3 c4 c5 c6 c7 c8 c11 = 9 (the letter c5 included)
    # calls (call + ringless voicemail) c1 c2 c3 c4 c7 c11 = 6
    # connected: c1 answered, c2 no_answer, c4 voicemail, c7 answered, c11 rejected = 5 (c3 busy)
    # conversations: c1, c7 (answered), c8 (visit, conversation = true) = 3
    # rpc (conversation with the debtor): c1, c8 = 2 (c7 reached a relative)
    # accounts attempted P1 P2 P3 P4 P6 = 5; with rpc P1, P4 = 2
    assert activity[(MAR, "portfolio", "ALL")] == (9, 6, 5, 3, 2, 5, 2, 2 / 9, 2 / 5, 2 / 5)
    assert activity[(APR, "portfolio", "ALL")] == (1, 1, 1, 1, 1, 1, 1, 1.0, 1.0, 1.0)


def test_contact_activity_by_agency_of_the_contact(activity):
    # AG1: c1 c2 c3 c4 c7 c11 -> 6 attempts, 6 calls, 5 connected, conversations c1 c7,
    # rpc c1; accounts P1 P2 P4 P6 = 4, with rpc P1
    assert activity[(MAR, "agency", "AG1")] == (6, 6, 5, 2, 1, 4, 1, 1 / 6, 1 / 5, 1 / 4)
    # in-house (no agency): c5 c6 c8 -> no call at all: rpc per connected call is null
    assert activity[(MAR, "agency", "in_house")] == (3, 0, 0, 1, 1, 2, 1, 1 / 3, None, 1 / 2)


def test_contact_activity_by_collector(activity):
    assert activity[(MAR, "collector", "U1")] == (3, 3, 3, 2, 1, 2, 1, 1 / 3, 1 / 3, 1 / 2)
    assert activity[(MAR, "collector", "U2")] == (3, 3, 2, 0, 0, 2, 0, 0.0, 0.0, 0.0)
    assert activity[(MAR, "collector", "U3")] == (1, 0, 0, 1, 1, 1, 1, 1.0, None, 1.0)
    # no collector (letter and sms) -> 'none'
    assert activity[(MAR, "collector", "none")] == (2, 0, 0, 0, 0, 1, 0, 0.0, None, 0.0)


def test_months_without_outbound_contacts_are_absent(activity):
    assert {k[0] for k in activity} == {MAR, APR}


# ------------------------------------------------------------------ complaints

EVENTS = [
    # id, account, person, type, effective_at, category
    ("e1", "Q1", None, "complaint", "2026-02-10T10:00:00+08:00", "conduct"),
    ("e2", "Q1", None, "complaint", "2026-02-11T10:00:00+08:00", "conduct"),
    ("e3", "Q3", None, "complaint", "2026-02-20T10:00:00+08:00", "fees"),
    ("e4", "Q4", None, "complaint", "2026-02-05T10:00:00+08:00", "fees"),
    # 2026-01-31T16:30Z is 02-01 00:30 in Shanghai: a February complaint
    ("e5", "Q2", None, "complaint", "2026-01-31T16:30:00Z", None),
    ("e6", None, "C3", "complaint", "2026-02-15T10:00:00+08:00", "privacy"),
    ("e7", "Q1", None, "dispute", "2026-02-12T10:00:00+08:00", None),
    ("e8", "Q3", None, "complaint", "2026-01-20T10:00:00+08:00", "fees"),
]


@pytest.fixture(scope="module")
def complaints(tmp_path_factory):
    config = make_config(tmp_path_factory.mktemp("complaints"))
    con = connect(config)
    # Q4 pays everything on 01-20: closed at the end of January
    accounts(con, config, {"Q1": "AG1", "Q2": "AG1", "Q3": None, "Q4": "AG2"}, closed=("Q4",))
    load(
        con,
        config,
        "account_events",
        [
            {
                "event_id": eid,
                "account_id": a,
                "person_id": person,
                "event_type": kind,
                "effective_at": at,
                "category": category,
            }
            for eid, a, person, kind, at, category in EVENTS
        ],
    )
    metrics.compute(con, config, MAR)
    yield {
        (r[0], r[1], r[2], r[3]): r[4:]
        for r in con.execute(
            "select month, dimension, dimension_value, category, complaints, accounts, "
            "active_accounts, per_1000_accounts from complaints"
        ).fetchall()
    }
    con.close()


def test_complaints_per_1000_active_accounts(complaints):
    # February: active at S = 01-31: Q1, Q2, Q3 (Q4 closed) -> 3
    # complaints e1 e2 e3 e4 e5 e6 = 6 (e7 is a dispute; e5 is February in local time)
    # distinct accounts Q1 Q3 Q4 Q2 = 4 (e6 names a person, not an account)
    # per 1,000 = 6 / 3 x 1000 = 2000
    assert complaints[(FEB, "portfolio", "ALL", "ALL")] == (6, 4, 3, 2000.0)
    assert complaints[(FEB, "portfolio", "ALL", "conduct")] == (2, 1, 3, pytest.approx(2000 / 3))
    assert complaints[(FEB, "portfolio", "ALL", "fees")] == (2, 2, 3, pytest.approx(2000 / 3))
    assert complaints[(FEB, "portfolio", "ALL", "none")] == (1, 1, 3, pytest.approx(1000 / 3))
    assert complaints[(FEB, "portfolio", "ALL", "privacy")] == (1, 0, 3, pytest.approx(1000 / 3))


def test_complaints_by_agency(complaints):
    # AG1: active Q1, Q2 = 2; complaints e1 e2 e5 = 3 on 2 accounts -> 1500 per 1,000
    assert complaints[(FEB, "agency", "AG1", "ALL")] == (3, 2, 2, 1500.0)
    assert complaints[(FEB, "agency", "AG1", "conduct")] == (2, 1, 2, 1000.0)
    assert complaints[(FEB, "agency", "in_house", "ALL")] == (1, 1, 1, 1000.0)
    # AG2 has no account active at S (Q4 closed): no row although Q4 complained (e4)
    assert not [k for k in complaints if k[2] == "AG2"]
    # the person-level complaint e6 is in no agency
    assert not [k for k in complaints if k[1] == "agency" and k[3] == "privacy"]


def test_complaints_zero_and_absent_rows(complaints):
    # January: nothing active at S (2025-12-31) -> no rows, though e8 is a January complaint
    assert not [k for k in complaints if k[0] == JAN]
    # March: Q1, Q2, Q3 active, no complaint -> the 'ALL' rows are there with 0
    assert complaints[(MAR, "portfolio", "ALL", "ALL")] == (0, 0, 3, 0.0)
    assert complaints[(MAR, "agency", "AG1", "ALL")] == (0, 0, 2, 0.0)
    assert [k for k in complaints if k[0] == MAR and k[3] != "ALL"] == []


def _calls(rows: list[tuple[str, str, str, str]]) -> list[dict]:
    """Outbound calls (id, account, local Shanghai time, call_result) to the debtor."""
    return [
        {
            "contact_id": cid,
            "account_id": a,
            "channel": "call",
            "direction": "outbound",
            "call_result": result,
            "party": "debtor",
            "started_at": f"2026-{at}:00+08:00",
            "conversation": "true" if result == "answered" else None,
        }
        for cid, a, at, result in rows
    ]


def _portfolio_activity(con) -> dict:
    """{month: (attempts, conversations, accounts_attempted, accounts_with_rpc)}."""
    return {
        r[0]: r[1:]
        for r in con.execute(
            "select month, attempts, conversations, accounts_attempted, accounts_with_rpc "
            "from contact_activity where dimension = 'portfolio' order by month"
        ).fetchall()
    }


def test_a_later_computation_redoes_new_months_and_months_with_late_contacts(tmp_path):
    first = [("m1", "P1", "02-10T10:00", "answered"), ("m2", "P1", "03-03T10:00", "no_answer")]
    # loaded after the first computation: late February calls (one at the first instant
    # of the month) and April's (one at its last minute)
    later = [
        ("late0", "P1", "02-01T00:00", "busy"),
        ("late", "P2", "02-20T10:00", "answered"),
        ("a1", "P2", "04-02T10:00", "busy"),
        ("a2", "P1", "04-30T23:59", "no_answer"),
    ]

    def activity_note(con, config, through):
        return metric_note(con, config, through, "contact_activity")

    config = make_config(tmp_path / "inc")
    con = connect(config)
    accounts(con, config, {"P1": None, "P2": None})
    load(con, config, "contacts", _calls(first))
    assert activity_note(con, config, MAR) == "computed in full"
    load(con, config, "contacts", _calls(later))
    note = activity_note(con, config, APR)
    assert note == "extended from 2026-03: months computed 2026-02, 2026-04"
    # February: m1, late0 and late, two accounts each with a conversation;
    # March: m2 alone, no conversation; April: a1 and a2, two accounts
    assert _portfolio_activity(con) == {
        FEB: (3, 2, 2, 2),
        MAR: (1, 0, 1, 0),
        APR: (2, 0, 2, 0),
    }
    assert activity_note(con, config, APR) == "extended from 2026-04: months computed none"

    once = make_config(tmp_path / "once")
    con_once = connect(once)
    accounts(con_once, once, {"P1": None, "P2": None})
    load(con_once, once, "contacts", _calls(first + later))
    assert activity_note(con_once, once, APR) == "computed in full"
    every_row = "select * from contact_activity order by all"
    assert con.execute(every_row).fetchall() == con_once.execute(every_row).fetchall()


@pytest.mark.parametrize(
    ("zone", "last_of_march", "first_of_april"),
    [
        # New York is on daylight time (-04:00) at the end of March
        ("America/New_York", "2026-04-01T03:59:59Z", "2026-04-01T04:00:00Z"),
        # Kathmandu is +05:45 all year: its midnight is a quarter past the UTC hour
        ("Asia/Kathmandu", "2026-03-31T18:14:59Z", "2026-03-31T18:15:00Z"),
    ],
)
def test_a_contact_counts_in_its_month_in_the_portfolio_zone(
    tmp_path, zone, last_of_march, first_of_april
):
    config = make_config(tmp_path, portfolio={"portfolio_timezone": zone})
    con = connect(config)
    accounts(con, config, {"P1": None})
    load(
        con,
        config,
        "contacts",
        [
            {
                "contact_id": cid,
                "account_id": "P1",
                "channel": "sms",
                "direction": "outbound",
                "party": "debtor",
                "started_at": at,
            }
            for cid, at in (("last", last_of_march), ("first", first_of_april))
        ],
    )
    metrics.compute(con, config, APR)
    attempts = con.execute(
        "select month, attempts from contact_activity where dimension = 'portfolio' order by month"
    ).fetchall()
    # one second before local midnight is March's, local midnight is April's
    assert attempts == [(MAR, 1), (APR, 1)]
