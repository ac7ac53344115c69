"""Roll rates of a real portfolio: the UCI "default of credit card clients" data.

    python -m benchmarks.uci_taiwan [path/to/uci_taiwan_credit_card_default.csv]

30,000 Taiwanese credit cards, April-September 2005 (Yeh & Lien 2009, CC BY
4.0). The file holds, per card and month, the repayment status PAY_x
(months of payment delay; -2, -1, 0 = no delay) and the statement balance
BILL_AMTx. It becomes month-end ``account_snapshots``:

- as_of_date: the month's last day; PAY_6/BILL_AMT6 = April 2005 ...
  PAY_0/BILL_AMT1 = September 2005.
- dpd = 30 x months of delay; status <= 0 -> dpd 0.
- outstanding_balance = the statement balance, 0 when it is negative (a
  credit balance owes nothing). A card with nothing to pay is therefore
  CLOSED that month (METRICS.md: is_closed = outstanding_balance = 0).
- overdue_amount: the data has no arrears amount; a card with dpd > 0 is
  taken to owe its whole statement balance, a card with dpd 0 nothing. This
  is an upper bound and matters only for recovery, not for roll rates.
- 27 balance cells of this mirror are written in scientific notation
  (``1.00E+05``); they are read as the number they show (100,000), which
  may round the original value.
- accounts: principal = the credit limit (LIMIT_BAL), currency TWD; the data
  has no origination date, so 2005-04-01 stands in (vintage is meaningless
  here).

Everything is vectorized with polars and loaded through the normal ingest
validation; the roll rates come from the metrics engine's SQL.
"""

from __future__ import annotations

import hashlib
import sys
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from audit import config as config_mod
from audit import ingest, metrics, schema, warehouse

DATA = Path(__file__).resolve().parent.parent.parent / "shared/data/public"
CSV = DATA / "uci_taiwan_credit_card_default.csv"

# (status column, balance column, month end), oldest first
MONTHS = (
    ("PAY_6", "BILL_AMT6", date(2005, 4, 30)),
    ("PAY_5", "BILL_AMT5", date(2005, 5, 31)),
    ("PAY_4", "BILL_AMT4", date(2005, 6, 30)),
    ("PAY_3", "BILL_AMT3", date(2005, 7, 31)),
    ("PAY_2", "BILL_AMT2", date(2005, 8, 31)),
    ("PAY_0", "BILL_AMT1", date(2005, 9, 30)),
)
THROUGH = date(2005, 9, 1)


def read(path: Path = CSV) -> pl.DataFrame:
    """The CSV, amounts as whole numbers (a few cells of the mirror read ``1.00E+05``)."""
    amounts = [f"{kind}_AMT{i}" for kind in ("BILL", "PAY") for i in range(1, 7)]
    raw = pl.read_csv(path, schema_overrides=dict.fromkeys(amounts, pl.Float64))
    return raw.with_columns(pl.col(amounts).round(0).cast(pl.Int64))


def to_accounts(raw: pl.DataFrame) -> pl.DataFrame:
    return raw.select(
        ("uci-" + pl.col("ID").cast(pl.String)).alias("account_id"),
        ("uci-" + pl.col("ID").cast(pl.String)).alias("customer_id"),
        pl.lit("credit_card").alias("product"),
        pl.lit("TWD").alias("currency"),
        pl.col("LIMIT_BAL").cast(pl.String).alias("principal"),
        pl.lit("2005-04-01").alias("origination_date"),
    )


def to_snapshots(raw: pl.DataFrame) -> pl.DataFrame:
    frames = []
    for status, balance, month_end in MONTHS:
        dpd = pl.when(pl.col(status) > 0).then(pl.col(status) * 30).otherwise(0)
        outstanding = pl.when(pl.col(balance) > 0).then(pl.col(balance)).otherwise(0)
        frames.append(
            raw.select(
                ("uci-" + pl.col("ID").cast(pl.String)).alias("account_id"),
                pl.lit(month_end.isoformat()).alias("as_of_date"),
                dpd.cast(pl.String).alias("dpd"),
                pl.when(dpd > 0)
                .then(outstanding)
                .otherwise(0)
                .cast(pl.String)
                .alias("overdue_amount"),
                outstanding.cast(pl.String).alias("outstanding_balance"),
            )
        )
    return pl.concat(frames)


def load_frame(con, config, entity: str, frame: pl.DataFrame, source: str) -> ingest.FileResult:
    """Load a frame of text columns through the ingest validation (one transaction)."""
    columns = schema.ENTITIES[entity].column_names
    batch = frame.select(
        *(
            pl.col(c).cast(pl.String) if c in frame.columns else pl.lit(None, pl.String).alias(c)
            for c in columns
        ),
        pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias(ingest.LINE),
        pl.lit(None, pl.String).alias(ingest.EXTRA),
    )
    digest = hashlib.sha256(batch.write_csv().encode()).hexdigest()
    result = ingest.FileResult(path=Path(source), entity=entity, load_id=None)
    return ingest.load_batches(
        con, config, entity, [batch], result, source_file=source, sha256=digest
    )


def load(con, config, raw: pl.DataFrame) -> list[ingest.FileResult]:
    ingest._ensure_zone_table(con)
    return [
        load_frame(con, config, "accounts", to_accounts(raw), "uci:accounts"),
        load_frame(con, config, "account_snapshots", to_snapshots(raw), "uci:snapshots"),
    ]


def matrix(con, month: date, rate: str = "account_rate") -> pl.DataFrame:
    """The portfolio roll-rate matrix of ``month`` (S = the previous month end).

    One row per from_bucket with its number of accounts at S, one column per
    to_bucket in bucket order; an empty cell is 0.
    """
    if rate not in ("account_rate", "balance_rate"):
        raise ValueError(rate)
    cells = con.sql(
        f"select from_bucket, from_bucket_order, from_accounts, to_bucket, {rate} as rate "
        "from roll_rates where month = $m and dimension = 'portfolio'",
        params={"m": month},
    ).pl()
    buckets = con.sql("select bucket from metric_buckets order by bucket_order").pl()["bucket"]
    wide = cells.pivot(
        on="to_bucket", index=["from_bucket", "from_bucket_order", "from_accounts"], values="rate"
    ).sort("from_bucket_order")
    return wide.select(
        pl.col("from_bucket"),
        pl.col("from_accounts").alias("accounts"),
        *(pl.col(b).fill_null(0.0) if b in wide.columns else pl.lit(0.0).alias(b) for b in buckets),
    )


def markdown(frame: pl.DataFrame) -> str:
    """A markdown table: counts with thousands separators, rates as percentages."""
    head = ["from \\ to", "accounts at S", *frame.columns[2:]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in frame.iter_rows():
        cells = [row[0], f"{row[1]:,}", *(f"{v:.2%}" if v else "." for v in row[2:])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = argv if argv is not None else sys.argv[1:]
    path = Path(args[0]) if args else CSV
    config = config_mod.parse({"portfolio": {"currency": "TWD"}}, base=Path("."))
    with duckdb.connect(":memory:") as con:
        warehouse.configure(con, config)
        warehouse.create_schema(con)
        for r in load(con, config, read(path)):
            print(f"loaded {r.entity}: {r.rows_loaded:,} rows, {r.rows_rejected} rejected")
        metrics.compute(con, config, THROUGH)
        september = date(2005, 9, 1)
        print("\nRoll rates by number of accounts, August 2005 -> September 2005\n")
        print(markdown(matrix(con, september)))
        print("\nRoll rates by outstanding balance at S, August 2005 -> September 2005\n")
        print(markdown(matrix(con, september, "balance_rate")))


if __name__ == "__main__":
    main()
