"""Roll rates on real data: the UCI Taiwan credit-card file as month-end snapshots.

The file is converted by benchmarks/uci_taiwan.py (documented there), loaded
through the ingest validation, and the engine's roll_rates are compared with
a roll-rate matrix computed here directly from the CSV with polars, written
from METRICS.md without reading the SQL.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import pairwise

import polars as pl
import pytest

from audit import metrics
from benchmarks import uci_taiwan
from conftest import PUBLIC_DATA, connect, make_config

CSV = PUBLIC_DATA / "uci_taiwan_credit_card_default.csv"

pytestmark = pytest.mark.skipif(not CSV.exists(), reason=f"{CSV} is not available")

# status column and balance column of each month, April ... September 2005
MONTHS = [
    (date(2005, 4, 1), "PAY_6", "BILL_AMT6"),
    (date(2005, 5, 1), "PAY_5", "BILL_AMT5"),
    (date(2005, 6, 1), "PAY_4", "BILL_AMT4"),
    (date(2005, 7, 1), "PAY_3", "BILL_AMT3"),
    (date(2005, 8, 1), "PAY_2", "BILL_AMT2"),
    (date(2005, 9, 1), "PAY_0", "BILL_AMT1"),
]


@pytest.fixture(scope="module")
def uci(tmp_path_factory):
    config = make_config(tmp_path_factory.mktemp("uci"), portfolio={"currency": "TWD"})
    con = connect(config)
    results = uci_taiwan.load(con, config, uci_taiwan.read(CSV))
    assert [(r.rows_loaded, r.rows_rejected) for r in results] == [(30_000, 0), (180_000, 0)]
    metrics.compute(con, config, date(2005, 9, 1))
    yield con
    con.close()


def expected_roll_rates() -> dict[tuple[date, str, str], tuple[int, Decimal, float, float]]:
    """Roll-rate cells straight from the CSV, for every pair of consecutive months."""
    raw = pl.read_csv(CSV, infer_schema=False)
    # read every number as written (a few cells say 1.00E+05)
    raw = raw.with_columns(pl.all().cast(pl.Float64).round(0).cast(pl.Int64))

    def state(status: str, bill: str, tag: str) -> list[pl.Expr]:
        balance = pl.max_horizontal(pl.col(bill), pl.lit(0))
        months_late = pl.col(status)
        bucket = (
            pl.when(balance == 0)
            .then(pl.lit("CLOSED"))  # nothing outstanding (METRICS.md: is_closed)
            .when(months_late <= 0)
            .then(pl.lit("M0"))  # dpd 0
            .when(months_late <= 6)  # 1..6 months = dpd 30..180 -> M1..M6
            .then(pl.lit("M") + months_late.cast(pl.String))
            .otherwise(pl.lit("M7+"))  # more than 180 days
        )
        return [bucket.alias(f"bucket_{tag}"), balance.alias(f"balance_{tag}")]

    out = {}
    for (_, s_status, s_bill), (month, e_status, e_bill) in pairwise(MONTHS):
        pairs = raw.select(*state(s_status, s_bill, "s"), *state(e_status, e_bill, "e"))
        active = pairs.filter(pl.col("bucket_s") != "CLOSED")
        cells = active.group_by("bucket_s", "bucket_e").agg(
            pl.len().alias("n"), pl.col("balance_s").sum().alias("bal")
        )
        totals = active.group_by("bucket_s").agg(
            pl.len().alias("n_from"), pl.col("balance_s").sum().alias("bal_from")
        )
        for r in cells.join(totals, on="bucket_s").iter_rows(named=True):
            out[(month, r["bucket_s"], r["bucket_e"])] = (
                r["n"],
                Decimal(r["bal"]).quantize(Decimal("0.01")),
                r["n"] / r["n_from"],
                r["bal"] / r["bal_from"],
            )
    return out


def test_roll_rates_match_an_independent_polars_computation(uci):
    got = {
        (m, f, t): (n, bal, rate, bal_rate)
        for m, f, t, n, bal, rate, bal_rate in uci.execute(
            "select month, from_bucket, to_bucket, accounts, balance, account_rate, balance_rate "
            "from roll_rates where dimension = 'portfolio'"
        ).fetchall()
    }
    want = expected_roll_rates()
    assert set(got) == set(want)
    for key, (n, bal, rate, bal_rate) in want.items():
        assert got[key][:2] == (n, bal), key
        assert got[key][2] == pytest.approx(rate, abs=1e-12), key
        assert got[key][3] == pytest.approx(bal_rate, abs=1e-12), key
    # five transitions, May ... September
    assert sorted({k[0] for k in got}) == [m for m, _, _ in MONTHS[1:]]


def test_uci_account_month_comes_from_the_snapshots(uci):
    # 30,000 cards x 6 months, all from snapshots; account 1 (PAY_0 = 2, BILL_AMT1 = 3913)
    # is 60 days past due in September 2005: M2
    assert uci.execute(
        "select count(*), count(distinct account_id), min(source), max(source) from account_month"
    ).fetchall() == [(180_000, 30_000, "snapshot", "snapshot")]
    assert uci.execute(
        "select dpd, bucket, outstanding_balance from account_month "
        "where account_id = 'uci-1' and month = '2005-09-01'"
    ).fetchall() == [(60, "M2", Decimal("3913.00"))]


def test_aug_to_sep_matrix_as_printed_in_the_docs(uci):
    wide = uci_taiwan.matrix(uci, date(2005, 9, 1))
    # the August M0 row: every rate of a row sums to 1
    for row in wide.iter_rows():
        assert sum(row[2:]) == pytest.approx(1.0)
    assert wide.columns[2:] == ["M0", "M1", "M2", "M3", "M4", "M5", "M6", "M7+", "CLOSED"]
    # August M0: 22,471 cards (not closed, no delay), from the independent computation
    want = expected_roll_rates()
    m0 = {k[2]: v for k, v in want.items() if k[:2] == (date(2005, 9, 1), "M0")}
    assert wide.row(0)[:2] == ("M0", sum(v[0] for v in m0.values()))
    assert wide.row(0)[2] == pytest.approx(m0["M0"][2])
    assert "| M0 | 22,471 |" in uci_taiwan.markdown(wide)
