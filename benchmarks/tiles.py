"""Grow a generated portfolio by copies with renamed ids, written by DuckDB in bulk.

    python -m benchmarks.tiles exports/tile_0 9

writes ``exports/tile_1`` .. ``exports/tile_9`` beside ``tile_0``: each a copy of
its accounts, schedules, payments, events and contacts whose ids (account,
customer, person, payment, event, contact, recording) carry the suffix ``-T<k>``
and whose phone numbers have their digits after the third character rotated by
k, so that copies never share a debt, a person or a number. Agencies and
collectors are shared and stay in ``tile_0`` only. The piece must have been
generated with ``audit sample --no-vendor-file`` (all files UTF-8).
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

IDS = {"account_id", "customer_id", "person_id", "payment_id", "event_id", "contact_id",
       "recording_id"}  # fmt: skip
PHONES = {"phone", "phone_number"}
SHARED = {"agencies.csv", "collectors.csv", "ground_truth.csv"}


def _expr(column: str, k: int) -> str:
    quoted = f'"{column}"'
    if column in IDS:
        return f"{quoted} || '-T{k}'"
    if column in PHONES:
        digits = "0123456789"
        rotated = digits[k % 10 :] + digits[: k % 10]
        return f"left({quoted}, 3) || translate(substr({quoted}, 4), '{digits}', '{rotated}')"
    if column == "debts_discussed":
        return rf"regexp_replace({quoted}, '(A\d+)', '\1-T{k}', 'g')"
    return quoted


def copy_tile(con: duckdb.DuckDBPyConnection, piece: Path, k: int) -> None:
    out = piece.parent / f"tile_{k}"
    out.mkdir(exist_ok=True)
    for src in sorted(piece.glob("*.csv")):
        if src.name in SHARED:
            continue
        rel = con.sql(
            f"select * from read_csv('{src}', all_varchar = true, header = true)"
        )  # every column kept as text, so values are copied exactly
        select = ", ".join(f'{_expr(c, k)} as "{c}"' for c in rel.columns)
        con.execute(
            f"copy (select {select} from read_csv('{src}', all_varchar = true, header = true)) "
            f"to '{out / src.name}' (header true, quote '\"')"
        )


def main(argv: list[str]) -> int:
    piece, copies = Path(argv[0]), int(argv[1])
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    for k in range(1, copies + 1):
        copy_tile(con, piece, k)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
