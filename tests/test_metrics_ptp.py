"""Promise-to-pay outcomes on hand-made promises (METRICS.md, "Promise to pay").

Portfolio time zone Asia/Shanghai (+08:00); default ptp_grace_days 3 and
ptp_tolerance 1.0 unless a test changes them.

promise account agency  contact (local)     ptp_date amount  payments (local)
K1      P1      AG1     03-10 10:00         03-20    100     03-23 23:30 100 (last grace day)
K2      P2      AG1     03-12 09:00         03-25    100     03-26 99.99 (one cent short)
K3      P3      -       03-05 15:00         03-10     50     03-05 08:00 20 (same day, earlier);
                                                             03-14 00:30 50 (one day too late)
K4      P4      AG2     03-01 10:00         03-05    100     03-04 100 (keeps K4 and K5)
K5      P4      AG2     03-02 10:00         03-06    100
K6      P5      AG2     04-01 01:00         04-02     30     03-31 23:30 30 (the day before)
K8      P6      -       03-29 10:00         03-30     10     none
not promises: outcome promise_to_pay with ptp_amount 0 (P1), outcome none with ptp fields (P1)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from audit import metrics
from conftest import connect, load, make_config

MAR, APR = date(2026, 3, 1), date(2026, 4, 1)

AGENCIES = {"P1": "AG1", "P2": "AG1", "P3": None, "P4": "AG2", "P5": "AG2", "P6": None}

PROMISES = [
    # contact_id, account, started_at, ptp_date, ptp_amount, outcome, contact agency
    ("K1", "P1", "2026-03-10T10:00:00+08:00", "2026-03-20", "100.00", "promise_to_pay", "AGX"),
    ("K2", "P2", "2026-03-12T09:00:00+08:00", "2026-03-25", "100.00", "promise_to_pay", None),
    ("K3", "P3", "2026-03-05T15:00:00+08:00", "2026-03-10", "50.00", "promise_to_pay", None),
    ("K4", "P4", "2026-03-01T10:00:00+08:00", "2026-03-05", "100.00", "promise_to_pay", None),
    ("K5", "P4", "2026-03-02T10:00:00+08:00", "2026-03-06", "100.00", "promise_to_pay", None),
    # 2026-03-31T17:00Z is 04-01 01:00 in Shanghai
    ("K6", "P5", "2026-03-31T17:00:00Z", "2026-04-02", "30.00", "promise_to_pay", None),
    ("K8", "P6", "2026-03-29T10:00:00+08:00", "2026-03-30", "10.00", "promise_to_pay", None),
    ("X1", "P1", "2026-03-10T11:00:00+08:00", "2026-03-20", "0.00", "promise_to_pay", None),
    ("X2", "P1", "2026-03-10T12:00:00+08:00", "2026-03-20", "100.00", "none", None),
]

PAYMENTS = [
    ("p1", "P1", "2026-03-23T23:30:00+08:00", "100.00"),
    ("p2", "P2", "2026-03-26T12:00:00+08:00", "99.99"),
    ("p3a", "P3", "2026-03-05T08:00:00+08:00", "20.00"),
    ("p3b", "P3", "2026-03-14T00:30:00+08:00", "50.00"),
    ("p4", "P4", "2026-03-04T12:00:00+08:00", "100.00"),
    # 2026-03-31T15:30Z is 03-31 23:30 in Shanghai: before K6's contact date (04-01)
    ("p5", "P5", "2026-03-31T15:30:00Z", "30.00"),
]


def build(con, config):
    load(
        con,
        config,
        "accounts",
        [
            {
                "account_id": a,
                "customer_id": "c" + a,
                "product": "cash",
                "agency_id": agency,
                "principal": "100",
                "origination_date": "2026-01-01",
            }
            for a, agency in AGENCIES.items()
        ],
    )
    load(
        con,
        config,
        "installments",
        [
            {"account_id": a, "installment_no": 1, "due_date": "2026-02-01", "amount_due": "100"}
            for a in AGENCIES
        ],
    )
    load(
        con,
        config,
        "contacts",
        [
            {
                "contact_id": cid,
                "account_id": a,
                "party": "debtor",
                "channel": "call",
                "direction": "outbound",
                "started_at": at,
                "call_result": "answered",
                "outcome": outcome,
                "ptp_amount": amount,
                "ptp_date": ptp_date,
                "agency_id": agency,
            }
            for cid, a, at, ptp_date, amount, outcome, agency in PROMISES
        ],
    )
    load(
        con,
        config,
        "payments",
        [
            {"payment_id": pid, "account_id": a, "paid_at": at, "amount": amount}
            for pid, a, at, amount in PAYMENTS
        ],
    )


def ptp(tmp_path, through=APR, **params):
    config = make_config(tmp_path, metrics=params)
    con = connect(config)
    build(con, config)
    metrics.compute(con, config, through)
    got = {
        (r[0], r[1], r[2]): r[3:]
        for r in con.execute(
            "select month, dimension, dimension_value, promises_due, promises_kept, kept_rate, "
            "amount_promised, amount_kept, promises_open from ptp"
        ).fetchall()
    }
    con.close()
    return got


@pytest.fixture(scope="module")
def default(tmp_path_factory):
    return ptp(tmp_path_factory.mktemp("ptp"))


def test_promises_kept_on_the_last_grace_day_and_missed_by_one_cent(default):
    got = default
    # March promises: K1, K2, K3, K4, K5, K8 (X1 has no amount, X2 is not a promise)
    # kept: K1 (100 on 03-23 = 03-20 + 3), K4 and K5 (one payment keeps both)
    # not kept: K2 (99.99 < 100), K3 (20 in the window; the 03-14 payment is a day late), K8
    # amount_promised = 100 + 100 + 50 + 100 + 100 + 10 = 460
    # amount_kept = 100 + 99.99 + 20 + 100 + 100 + 0 = 419.99
    assert got[(MAR, "portfolio", "ALL")] == (6, 3, 0.5, Decimal("460.00"), Decimal("419.99"), 0)


def test_promise_window_starts_on_the_local_contact_date(default):
    got = default
    # K6: contact 04-01 01:00 local, due in April; the 30 paid at 03-31 23:30 local is
    # before the window (it would count if dates were taken in UTC: both on 03-31)
    assert got[(APR, "portfolio", "ALL")] == (1, 0, 0.0, Decimal("30.00"), Decimal("0.00"), 0)


def test_ptp_agency_cut_uses_the_accounts_agency(default):
    got = default
    # K1's contact names agency AGX but its account is with AG1: AG1 = K1 (kept), K2 -> 1/2
    assert got[(MAR, "agency", "AG1")] == (
        2,
        1,
        0.5,
        Decimal("200.00"),
        Decimal("199.99"),
        0,
    )
    assert (MAR, "agency", "AGX") not in got
    # in-house: K3, K8 -> 0/2, kept amount 20
    assert got[(MAR, "agency", "in_house")] == (2, 0, 0.0, Decimal("60.00"), Decimal("20.00"), 0)
    assert got[(MAR, "agency", "AG2")] == (2, 2, 1.0, Decimal("200.00"), Decimal("200.00"), 0)
    assert got[(MAR, "product", "cash")][:2] == (6, 3)


def test_grace_days_parameter(tmp_path):
    got = ptp(tmp_path, ptp_grace_days=2)
    # K1's window now ends 03-22: the 03-23 payment no longer keeps it -> K4, K5 = 2/6;
    # amount kept drops by K1's 100: 319.99
    assert got[(MAR, "portfolio", "ALL")][:2] == (6, 2)
    assert got[(MAR, "portfolio", "ALL")][4] == Decimal("319.99")


def test_tolerance_parameter(tmp_path):
    got = ptp(tmp_path, ptp_tolerance=0.9999)
    # K2: 99.99 >= 0.9999 x 100.00 = 99.99 -> kept; K1, K2, K4, K5 = 4/6
    assert got[(MAR, "portfolio", "ALL")][:3] == (6, 4, pytest.approx(4 / 6))


def test_promises_still_in_their_window_are_counted_as_open(tmp_path):
    got = ptp(tmp_path, through=MAR)
    # computed through March: K8 (03-30 + 3 = 04-02) can still be kept
    assert got[(MAR, "portfolio", "ALL")][5] == 1
    assert (APR, "portfolio", "ALL") not in got
