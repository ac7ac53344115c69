"""account_month and the rate tables on a hand-made portfolio, January-May 2026.

Every expected value below is worked out by hand from METRICS.md; the
arithmetic is in the comments. Portfolio time zone: Asia/Shanghai (+08:00).
Instalments are 100.00 each unless stated.

account  product agency  origination  schedule (due dates)        payments (local time)
A        cash    AG1     2026-01-10   02-10, 03-10, 04-10          03-05 60.00 (partial)
B        cash    -       2026-01-15   02-15, 03-15, 04-15          03-31 23:59:59 200.00
B2       card    AG1     2026-01-15   02-15, 03-15, 04-15          04-01 00:00:00 200.00
C        card    -       2026-01-05   02-05, 03-05, 04-05          02-05 100, 03-05 100, 03-20 -100
D        cash    AG2     2026-01-20   02-20, 03-20, 04-20          02-10 300.00 (pays off early)
E        card    AG2     2026-01-31   02-28, 03-31                 none (originated on a month end)
F30      cash    -       2026-02-01   03-01, 06-01                 none
F90      (none)  AG1     2026-02-01   03-02, 06-01                 none
S1       card    AG1     2025-12-01   snapshots Feb, Mar (x2), Apr 04-10 500.00
S2       cash    -       2026-02-15   snapshots Apr, May           none
N1       cash    AG1     2026-01-10   neither schedule nor snapshots
G        cash    AG1     2026-06-15   06-15 (after the last month)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from audit import metrics
from conftest import connect, load, make_config

THROUGH = date(2026, 5, 1)
JAN, FEB, MAR, APR, MAY = (date(2026, m, 1) for m in range(1, 6))

ACCOUNTS = [
    ("A", "cash", "AG1", "2026-01-10"),
    ("B", "cash", None, "2026-01-15"),
    ("B2", "card", "AG1", "2026-01-15"),
    ("C", "card", None, "2026-01-05"),
    ("D", "cash", "AG2", "2026-01-20"),
    ("E", "card", "AG2", "2026-01-31"),
    ("F30", "cash", None, "2026-02-01"),
    ("F90", None, "AG1", "2026-02-01"),
    ("S1", "card", "AG1", "2025-12-01"),
    ("S2", "cash", None, "2026-02-15"),
    ("N1", "cash", "AG1", "2026-01-10"),
    ("G", "cash", "AG1", "2026-06-15"),
]

SCHEDULES = {
    "A": ["2026-02-10", "2026-03-10", "2026-04-10"],
    "B": ["2026-02-15", "2026-03-15", "2026-04-15"],
    "B2": ["2026-02-15", "2026-03-15", "2026-04-15"],
    "C": ["2026-02-05", "2026-03-05", "2026-04-05"],
    "D": ["2026-02-20", "2026-03-20", "2026-04-20"],
    "E": ["2026-02-28", "2026-03-31"],
    "F30": ["2026-03-01", "2026-06-01"],
    "F90": ["2026-03-02", "2026-06-01"],
    # S1 also has a schedule; its snapshots win, so this instalment is ignored
    "S1": ["2026-02-01"],
    "G": ["2026-06-15"],
}

PAYMENTS = [
    ("pA", "A", "2026-03-05T10:00:00+08:00", "60.00"),
    ("pB", "B", "2026-03-31T23:59:59+08:00", "200.00"),
    # 2026-03-31 16:00 UTC is 2026-04-01 00:00 in Shanghai: an April payment
    ("pB2", "B2", "2026-03-31T16:00:00Z", "200.00"),
    ("pC1", "C", "2026-02-05T09:00:00+08:00", "100.00"),
    ("pC2", "C", "2026-03-05T09:00:00+08:00", "100.00"),
    ("rC2", "C", "2026-03-20T09:00:00+08:00", "-100.00"),
    ("pD", "D", "2026-02-10", "300.00"),
    ("pS1", "S1", "2026-04-10T12:00:00+08:00", "500.00"),
]

SNAPSHOTS = [
    # account, as_of_date, dpd, overdue, outstanding
    ("S1", "2026-02-28", 0, "0", "500"),
    ("S1", "2026-03-15", 20, "100", "500"),  # superseded by the month-end one
    ("S1", "2026-03-31", 45, "100", "500"),
    ("S1", "2026-04-30", 0, "0", "0"),
    ("S2", "2026-04-30", 65, "200", "800"),
    ("S2", "2026-05-31", 95, "300", "800"),
]


def build(con, config) -> None:
    load(
        con,
        config,
        "accounts",
        [
            {
                "account_id": a,
                "customer_id": "cust-" + a,
                "product": product,
                "agency_id": agency,
                "principal": "300",
                "origination_date": orig,
            }
            for a, product, agency, orig in ACCOUNTS
        ],
    )
    load(
        con,
        config,
        "installments",
        [
            {"account_id": a, "installment_no": i + 1, "due_date": d, "amount_due": "100.00"}
            for a, dues in SCHEDULES.items()
            for i, d in enumerate(dues)
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
    load(
        con,
        config,
        "account_snapshots",
        [
            {
                "account_id": a,
                "as_of_date": d,
                "dpd": dpd,
                "overdue_amount": od,
                "outstanding_balance": out,
            }
            for a, d, dpd, od, out in SNAPSHOTS
        ],
    )


def computed(tmp_path, **metrics_params):
    config = make_config(tmp_path, metrics=metrics_params) if metrics_params else None
    config = config or make_config(tmp_path)
    con = connect(config)
    build(con, config)
    metrics.compute(con, config, THROUGH)
    return con


@pytest.fixture(scope="module")
def pf(tmp_path_factory):
    con = computed(tmp_path_factory.mktemp("portfolio"))
    yield con
    con.close()


def rows(con, sql, params=None):
    return con.execute(sql, params or {}).fetchall()


def state(con, account):
    """{month: (dpd, bucket, overdue, outstanding, paid_in_month, is_closed, is_default)}."""
    return {
        r[0]: r[1:]
        for r in rows(
            con,
            "select month, dpd, bucket, overdue_amount, outstanding_balance, paid_in_month, "
            "is_closed, is_default from account_month where account_id = $a order by month",
            {"a": account},
        )
    }


def D(x) -> Decimal:
    return Decimal(str(x)).quantize(Decimal("0.01"))


# ------------------------------------------------------------------ account_month


def test_partial_payment_does_not_reset_dpd(pf):
    # A: 03-05 pays 60 of the first instalment (due 02-10).
    # Feb: cum_due 100, paid 0 -> overdue 100; oldest unpaid #1 -> 02-28 - 02-10 = 18 (M1)
    # Mar: cum_due 200, paid 60 -> overdue 140; #1 (cum 100 > 60) -> 03-31 - 02-10 = 49 (M2)
    # Apr: cum_due 300 -> overdue 240; 04-30 - 02-10 = 79 (M3)
    # May: 05-31 - 02-10 = 110 (M4) > 90 -> default
    assert state(pf, "A") == {
        JAN: (0, "M0", D(0), D(300), D(0), False, False),
        FEB: (18, "M1", D(100), D(300), D(0), False, False),
        MAR: (49, "M2", D(140), D(240), D(60), False, False),
        APR: (79, "M3", D(240), D(240), D(0), False, False),
        MAY: (110, "M4", D(240), D(240), D(0), False, True),
    }


def test_payment_at_the_last_second_of_the_month_cures_it(pf):
    # B: 200 paid 03-31 23:59:59 local covers #1 and #2: Mar overdue 0 -> dpd 0 (M0)
    # Apr: cum_due 300, paid 200; #1 (100) and #2 (200) are not > 200, #3 (300) is:
    #      04-30 - 04-15 = 15 (M1); May: 05-31 - 04-15 = 46 (M2)
    assert state(pf, "B") == {
        JAN: (0, "M0", D(0), D(300), D(0), False, False),
        FEB: (13, "M1", D(100), D(300), D(0), False, False),  # 02-28 - 02-15
        MAR: (0, "M0", D(0), D(100), D(200), False, False),
        APR: (15, "M1", D(100), D(100), D(0), False, False),
        MAY: (46, "M2", D(100), D(100), D(0), False, False),
    }


def test_payment_just_after_midnight_local_counts_in_the_next_month(pf):
    # B2 pays at 2026-03-31T16:00Z = 04-01 00:00 Shanghai: still 200 overdue on 03-31,
    # oldest unpaid #1 due 02-15 -> 03-31 - 02-15 = 44 (M2); April as B.
    got = state(pf, "B2")
    assert got[MAR] == (44, "M2", D(200), D(300), D(0), False, False)
    assert got[APR] == (15, "M1", D(100), D(100), D(200), False, False)


def test_reversal_reopens_arrears(pf):
    # C: paid #1 on 02-05 and #2 on 03-05, then the 03-05 payment is reversed on 03-20.
    # Mar: cum_due 200, cum_paid 100 -> overdue 100; #2 (cum 200 > 100) due 03-05 -> 26 (M1)
    #      paid_in_month = 100 - 100 = 0
    # Apr: overdue 200, 04-30 - 03-05 = 56 (M2); May: 05-31 - 03-05 = 87 (M3), not default
    assert state(pf, "C") == {
        JAN: (0, "M0", D(0), D(300), D(0), False, False),
        FEB: (0, "M0", D(0), D(200), D(100), False, False),
        MAR: (26, "M1", D(100), D(200), D(0), False, False),
        APR: (56, "M2", D(200), D(200), D(0), False, False),
        MAY: (87, "M3", D(200), D(200), D(0), False, False),
    }


def test_paying_off_early_closes_the_account(pf):
    # D pays the whole 300 on 02-10: cum_paid 300 >= total_due 300 from February on
    got = state(pf, "D")
    assert got[JAN] == (0, "M0", D(0), D(300), D(0), False, False)
    for month in (FEB, MAR, APR, MAY):
        assert got[month][:4] == (0, "CLOSED", D(0), D(0))
        assert got[month][5:] == (True, False)
    assert got[FEB][4] == D(300)


def test_account_originated_on_the_last_day_of_a_month(pf):
    # E: originated 01-31, so it has a January row (origination <= E = 01-31).
    # Feb: #1 due 02-28 unpaid at the end of 02-28: overdue 100 but dpd = 02-28 - 02-28 = 0 (M0)
    # Mar: 03-31 - 02-28 = 31 (M2: edge 30 vs 31); Apr 61 (M3); May 92 (M4, default)
    assert state(pf, "E") == {
        JAN: (0, "M0", D(0), D(200), D(0), False, False),
        FEB: (0, "M0", D(100), D(200), D(0), False, False),
        MAR: (31, "M2", D(200), D(200), D(0), False, False),
        APR: (61, "M3", D(200), D(200), D(0), False, False),
        MAY: (92, "M4", D(200), D(200), D(0), False, True),
    }


def test_bucket_and_default_edges(pf):
    # F30 (#1 due 03-01): Mar 30 -> M1 (1-30); Apr 60 -> M2; May 31+30+30 = 91 -> M4, default
    # F90 (#1 due 03-02): Mar 29 -> M1; Apr 59 -> M2; May 90 -> M3 (61-90), not default
    f30 = {m: v[:2] + v[6:] for m, v in state(pf, "F30").items()}
    f90 = {m: v[:2] + v[6:] for m, v in state(pf, "F90").items()}
    assert f30 == {
        FEB: (0, "M0", False),
        MAR: (30, "M1", False),
        APR: (60, "M2", False),
        MAY: (91, "M4", True),
    }
    assert f90 == {
        FEB: (0, "M0", False),
        MAR: (29, "M1", False),
        APR: (59, "M2", False),
        MAY: (90, "M3", False),
    }


def test_snapshot_accounts_take_their_state_from_the_snapshots(pf):
    # S1: rows only for the snapshot months Feb-Apr (none in Jan or May); the month-end
    # snapshot of March supersedes the 03-15 one; its own instalment (due 02-01) is ignored.
    # April: outstanding 0 -> closed; paid_in_month from payments (500 on 04-10).
    assert state(pf, "S1") == {
        FEB: (0, "M0", D(0), D(500), D(0), False, False),
        MAR: (45, "M2", D(100), D(500), D(0), False, False),
        APR: (0, "CLOSED", D(0), D(0), D(500), True, False),
    }
    # S2: dpd 65 -> M3; 95 -> M4 and default (95 > 90)
    assert state(pf, "S2") == {
        APR: (65, "M3", D(200), D(800), D(0), False, False),
        MAY: (95, "M4", D(300), D(800), D(0), False, True),
    }
    sources = dict(rows(pf, "select account_id, any_value(source) from account_month group by 1"))
    assert sources["S1"] == "snapshot" and sources["A"] == "schedule"


def test_accounts_without_a_source_or_not_yet_originated_have_no_rows(pf):
    got = rows(pf, "select count(*) from account_month where account_id in ('N1', 'G')")
    assert got == [(0,)]
    months = rows(pf, "select min(month), max(month), count(distinct month) from account_month")
    assert months == [(JAN, MAY, 5)]


def test_account_month_key_is_unique_and_extras_are_consistent(pf):
    dupes = rows(pf, "select account_id, month from account_month group by all having count(*) > 1")
    assert dupes == []
    # cum_due / cum_paid of A in March: 200 due, 60 paid; oldest unpaid instalment due 02-10
    got = rows(
        pf,
        "select cum_due, cum_paid, total_due, oldest_unpaid_due_date, month_end, product, "
        "agency_id from account_month where account_id = 'A' and month = $m",
        {"m": MAR},
    )
    assert got == [(D(200), D(60), D(300), date(2026, 2, 10), date(2026, 3, 31), "cash", "AG1")]


def test_state_at_the_start_of_the_month(pf):
    got = {
        (r[0], r[1]): r[2:]
        for r in rows(
            pf,
            "select account_id, month, is_active_at_start, bucket_at_start, dpd_at_start, "
            "overdue_at_start, balance_at_start from account_month",
        )
    }
    # A in April: its March row (dpd 49, M2, overdue 140, outstanding 240)
    assert got[("A", APR)] == (True, "M2", 49, D(140), D(240))
    # D in March: closed at S (paid off in February) -> not active, bucket CLOSED at S
    assert got[("D", MAR)] == (False, "CLOSED", 0, D(0), D(0))
    # first row of an account, and a snapshot account without a snapshot at S
    assert got[("A", JAN)] == (False, None, None, None, None)
    assert got[("S2", APR)] == (False, None, None, None, None)


# ------------------------------------------------------------------ roll rates


def roll(con, month, dimension="portfolio", value="ALL"):
    return {
        (r[0], r[1]): r[2:]
        for r in rows(
            con,
            "select from_bucket, to_bucket, accounts, balance, account_rate, balance_rate "
            "from roll_rates where month = $m and dimension = $d and dimension_value = $v",
            {"m": month, "d": dimension, "v": value},
        )
    }


def test_roll_rates_april(pf):
    # Active at S = 03-31 (not closed): A M2 (bal 240), B M0 (100), B2 M2 (300), C M1 (200),
    # E M2 (200), F30 M1 (200), F90 M1 (200), S1 M2 (500). D is closed; S2 has no March row.
    # At E = 04-30: A M3, B M1, B2 M1, C M2, E M3, F30 M2, F90 M2, S1 CLOSED.
    # from M2: 4 accounts, balance 240 + 300 + 200 + 500 = 1240
    #   -> M3 {A, E}: 2/4, (240 + 200)/1240;  -> M1 {B2}: 1/4, 300/1240;  -> CLOSED {S1}: 500/1240
    got = roll(pf, APR)
    assert got == {
        ("M0", "M1"): (1, D(100), 1.0, 1.0),
        ("M1", "M2"): (3, D(600), 1.0, 1.0),
        ("M2", "M1"): (1, D(300), 0.25, pytest.approx(300 / 1240)),
        ("M2", "M3"): (2, D(440), 0.5, pytest.approx(440 / 1240)),
        ("M2", "CLOSED"): (1, D(500), 0.25, pytest.approx(500 / 1240)),
    }


def test_roll_rates_may(pf):
    # Active at S = 04-30: A M3 (240), B M1 (100), B2 M1 (100), C M2 (200), E M3 (200),
    # F30 M2 (200), F90 M2 (200), S2 M3 (800); D and S1 are closed.
    # At E: A M4, B M2, B2 M2, C M3, E M4, F30 M4, F90 M3, S2 M4.
    got = roll(pf, MAY)
    assert got == {
        ("M1", "M2"): (2, D(200), 1.0, 1.0),
        ("M2", "M3"): (2, D(400), pytest.approx(2 / 3), pytest.approx(400 / 600)),
        ("M2", "M4"): (1, D(200), pytest.approx(1 / 3), pytest.approx(200 / 600)),
        ("M3", "M4"): (3, D(1240), 1.0, 1.0),
    }


def test_roll_rate_rows_sum_to_one(pf):
    sums = rows(
        pf,
        "select month, dimension, dimension_value, from_bucket, sum(account_rate), "
        "sum(balance_rate) from roll_rates group by all",
    )
    assert sums
    for *_, account_sum, balance_sum in sums:
        assert account_sum == pytest.approx(1.0)
        assert balance_sum == pytest.approx(1.0)


def test_roll_rates_agency_and_product_cuts(pf):
    # May, AG1: A M3->M4, B2 M1->M2, F90 M2->M3 (S1 closed at S)
    assert roll(pf, MAY, "agency", "AG1") == {
        ("M1", "M2"): (1, D(100), 1.0, 1.0),
        ("M2", "M3"): (1, D(200), 1.0, 1.0),
        ("M3", "M4"): (1, D(240), 1.0, 1.0),
    }
    # in-house (no agency): B M1->M2, C M2->M3, F30 M2->M4, S2 M3->M4
    assert roll(pf, MAY, "agency", "in_house") == {
        ("M1", "M2"): (1, D(100), 1.0, 1.0),
        ("M2", "M3"): (1, D(200), 0.5, 0.5),
        ("M2", "M4"): (1, D(200), 0.5, 0.5),
        ("M3", "M4"): (1, D(800), 1.0, 1.0),
    }
    # product missing -> 'none': F90 alone
    assert roll(pf, MAY, "product", "none") == {("M2", "M3"): (1, D(200), 1.0, 1.0)}
    # card: B2 M1->M2, C M2->M3, E M3->M4
    assert set(roll(pf, MAY, "product", "card")) == {("M1", "M2"), ("M2", "M3"), ("M3", "M4")}


def test_no_roll_rates_without_accounts_active_at_start(pf):
    # January has no S state (nothing was originated by 2025-12-31)
    assert rows(pf, "select count(*) from roll_rates where month = $m", {"m": JAN}) == [(0,)]
    assert rows(pf, "select count(*) from cure_rates where month = $m", {"m": JAN}) == [(0,)]
    assert rows(pf, "select count(*) from default_rates where month = $m", {"m": JAN}) == [(0,)]
    assert rows(pf, "select count(*) from recovery where month = $m", {"m": JAN}) == [(0,)]


# ------------------------------------------------------------------ cure rates


def cure(con, month, dimension="portfolio", value="ALL"):
    return {
        r[0]: r[1:]
        for r in rows(
            con,
            "select from_bucket, accounts, cured, cure_rate from cure_rates "
            "where month = $m and dimension = $d and dimension_value = $v",
            {"m": month, "d": dimension, "v": value},
        )
    }


def test_cure_rates(pf):
    # March: M1 at S = 02-28: A (18), B (13), B2 (13); at 03-31 only B has dpd 0 -> 1/3.
    # E is M0 at S (overdue but dpd 0) and is not in the population.
    assert cure(pf, MAR) == {
        "M1": (3, 1, pytest.approx(1 / 3)),
        "ALL": (3, 1, pytest.approx(1 / 3)),
    }
    # April: M1 at S: C, F30, F90 -> none cured; M2: A, B2, E, S1 -> S1 closed = cured (1/4)
    assert cure(pf, APR) == {
        "M1": (3, 0, 0.0),
        "M2": (4, 1, 0.25),
        "ALL": (7, 1, pytest.approx(1 / 7)),
    }


def test_cure_rate_cut_without_delinquent_accounts_is_absent(pf):
    # March, AG2: D closed, E M0 at S -> no account in M1 or worse -> no row at all
    assert cure(pf, MAR, "agency", "AG2") == {}
    # April, AG2: E in M2 at S, still M3 at E
    assert cure(pf, APR, "agency", "AG2") == {"M2": (1, 0, 0.0), "ALL": (1, 0, 0.0)}


# ------------------------------------------------------------------ recovery


def recovery(con, month, dimension="portfolio", value="ALL"):
    got = rows(
        con,
        "select delinquent_accounts, overdue_at_start, recovered_amount, recovery_rate "
        "from recovery where month = $m and dimension = $d and dimension_value = $v",
        {"m": month, "d": dimension, "v": value},
    )
    return got[0] if got else None


def test_recovery_is_capped_at_the_overdue_amount(pf):
    # March: overdue at S = 02-28 > 0: A 100, B 100, B2 100, E 100 (E is M0 but overdue)
    # paid in March: A 60, B 200, B2 0, E 0
    # recovered = min(100, 60) + min(100, 200) + 0 + 0 = 160; rate 160 / 400
    assert recovery(pf, MAR) == (4, D(400), D(160), 0.4)


def test_recovery_april_and_cuts(pf):
    # overdue at S = 03-31: A 140, B2 200, C 100, E 200, F30 100, F90 100, S1 100 -> 940
    # paid in April: B2 200 -> min(200, 200) = 200; S1 500 -> min(100, 500) = 100
    assert recovery(pf, APR) == (7, D(940), D(300), pytest.approx(300 / 940))
    # bucket at S: M1 = C, F30, F90 (300, nothing paid); M2 = A, B2, E, S1 (640, 300)
    assert recovery(pf, APR, "bucket", "M1") == (3, D(300), D(0), 0.0)
    assert recovery(pf, APR, "bucket", "M2") == (4, D(640), D(300), pytest.approx(300 / 640))
    # agency AG1: A 140, B2 200, F90 100, S1 100 = 540, recovered 300
    assert recovery(pf, APR, "agency", "AG1") == (4, D(540), D(300), pytest.approx(300 / 540))
    assert recovery(pf, APR, "agency", "in_house") == (2, D(200), D(0), 0.0)  # C, F30
    assert recovery(pf, APR, "product", "none") == (1, D(100), D(0), 0.0)  # F90
    # card: B2 200 (200 back), C 100, E 200, S1 100 (100 back) -> 300 / 600
    assert recovery(pf, APR, "product", "card") == (4, D(600), D(300), 0.5)


# ------------------------------------------------------------------ default rates


def defaults(con, month, dimension="portfolio", value="ALL"):
    got = rows(
        con,
        "select performing_at_start, new_defaults, default_rate from default_rates "
        "where month = $m and dimension = $d and dimension_value = $v",
        {"m": month, "d": dimension, "v": value},
    )
    return got[0] if got else None


def test_default_rates(pf):
    # April: performing at S (dpd <= 90, not closed): A, B, B2, C, E, F30, F90, S1 = 8;
    # the worst dpd at 04-30 is 79 -> no new default; the row is there with rate 0
    assert defaults(pf, APR) == (8, 0, 0.0)
    # May: performing at S: A 79, B 15, B2 15, C 56, E 61, F30 60, F90 59, S2 65 = 8
    # dpd at 05-31 > 90: A 110, E 92, F30 91, S2 95 (F90 is exactly 90, C 87) -> 4 / 8
    assert defaults(pf, MAY) == (8, 4, 0.5)
    # AG1 in May: A, B2, F90 -> only A defaults
    assert defaults(pf, MAY, "agency", "AG1") == (3, 1, pytest.approx(1 / 3))
    # AG2 in May: D closed; E performing (61) and defaults (92)
    assert defaults(pf, MAY, "agency", "AG2") == (1, 1, 1.0)
    assert defaults(pf, MAY, "product", "none") == (1, 0, 0.0)


def test_default_dpd_parameter_changes_the_results(tmp_path):
    con = computed(tmp_path, default_dpd=60)
    # May with default_dpd 60: performing at S (dpd <= 60): B 15, B2 15, C 56, F30 60, F90 59
    # (A 79, E 61, S2 65 are already over 60) = 5; new (dpd > 60 at E): C 87, F30 91, F90 90
    assert defaults(con, MAY) == (5, 3, 0.6)
    # is_default follows the parameter: C in May (87) is now in default
    got = rows(
        con,
        "select is_default from account_month where account_id = 'C' and month = $m",
        {"m": MAY},
    )
    assert got == [(True,)]
    params = dict(rows(con, "select name, value from metric_params"))
    assert params["default_dpd"] == "60"
    con.close()


def test_bucket_edges_parameter_changes_labels_and_rates(tmp_path):
    con = computed(tmp_path, bucket_edges=[15, 30])
    # edges (15, 30): M0 = 0, M1 = 1-15, M2 = 16-30, M3+ > 30, then CLOSED
    labels = [r[0] for r in rows(con, "select bucket from metric_buckets order by bucket_order")]
    assert labels == ["M0", "M1", "M2", "M3+", "CLOSED"]
    # A: Feb 18 -> M2 (16-30); B: Feb 13 -> M1; E: Mar 31 -> M3+
    got = dict(
        rows(
            con,
            "select account_id, bucket from account_month where month = $m "
            "and account_id in ('A', 'B')",
            {"m": FEB},
        )
    )
    assert got == {"A": "M2", "B": "M1"}
    # March roll, from M2 (A alone, dpd 18 at S): A is 49 at E -> M3+
    assert roll(con, MAR)[("M2", "M3+")] == (1, D(300), 1.0, 1.0)
    con.close()


# ------------------------------------------------------------------ vintage


def vintage(con, cohort, dimension="portfolio", value="ALL"):
    return {
        r[0]: r[1:]
        for r in rows(
            con,
            "select mob, accounts, defaulted_accounts, cum_default_rate from vintage "
            "where origination_month = $v and dimension = $d and dimension_value = $dv",
            {"v": cohort, "d": dimension, "dv": value},
        )
    }


def test_vintage_cumulative_default(pf):
    # January cohort (with a source): A, B, B2, C, D, E = 6. dpd > 90 first at May
    # (mob 4) for A (110) and E (92) -> 0, 0, 0, 0, then 2/6
    assert vintage(pf, JAN) == {
        0: (6, 0, 0.0),
        1: (6, 0, 0.0),
        2: (6, 0, 0.0),
        3: (6, 0, 0.0),
        4: (6, 2, pytest.approx(2 / 6)),
    }
    # February cohort: F30, F90, S2; F30 (91) and S2 (95) in May = mob 3; no mob 4 (beyond data)
    assert vintage(pf, FEB) == {
        0: (3, 0, 0.0),
        1: (3, 0, 0.0),
        2: (3, 0, 0.0),
        3: (3, 2, pytest.approx(2 / 3)),
    }
    # December 2025 cohort (S1): mob 0 is before the first month with data -> absent
    assert sorted(vintage(pf, date(2025, 12, 1))) == [1, 2, 3, 4, 5]
    # agency cut, January cohort, AG2: D and E; E defaults at mob 4
    assert vintage(pf, JAN, "agency", "AG2")[4] == (2, 1, 0.5)
