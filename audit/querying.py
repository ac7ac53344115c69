"""``audit query``: read-only SQL or saved queries against the published warehouse."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import IO, Any

import duckdb
import polars as pl

from audit import queries
from audit.config import Config
from audit.errors import QueryError
from audit.warehouse import Warehouse

_READ_ONLY = {"SELECT", "EXPLAIN", "PRAGMA"}


def saved_queries() -> list[tuple[str, str]]:
    """(name, first header line) of every saved query."""
    out = []
    for name in queries.names():
        doc = queries.header(queries.text(name)).splitlines()
        out.append((name, doc[0] if doc else ""))
    return out


def resolve(sql_or_name: str) -> tuple[str, str]:
    """(label, sql): a saved query by name, else the text itself."""
    if sql_or_name.replace("_", "").isalnum() and sql_or_name in queries.names():
        return sql_or_name, queries.select_sql(sql_or_name)
    return "query", sql_or_name


def check_read_only(sql: str) -> None:
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(f"cannot parse the query: {exc}") from None
    if not statements:
        raise QueryError("the query is empty")
    for st in statements:
        kind = st.type.name
        if kind not in _READ_ONLY:
            raise QueryError(
                f"audit query is read-only and refuses {kind} statements; "
                "the warehouse changes only through `audit ingest` and `audit run`"
            )


def run(config: Config, sql_or_name: str, params: dict[str, str]) -> pl.DataFrame:
    label, sql = resolve(sql_or_name)
    check_read_only(sql)
    bound = _coerce_params(queries.bind(sql, params, label))
    con = Warehouse(config).connect_read()
    try:
        statements = duckdb.extract_statements(sql)
        for st in statements[:-1]:
            con.execute(st.query, _subset(st.query, bound)).fetchall()
        last = statements[-1].query
        return con.sql(last, params=_subset(last, bound) or None).pl()
    except duckdb.Error as exc:
        raise QueryError(f"{label}: {exc}") from None
    finally:
        con.close()


def _subset(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    used = queries.parameters(sql)
    return {k: v for k, v in params.items() if k in used}


def _coerce_params(params: dict[str, str]) -> dict[str, Any]:
    """Command-line values are text; whole numbers become numbers, the rest stays text.

    Dates and timestamps stay text and DuckDB casts them where the query compares
    them with a DATE or TIMESTAMP column.
    """
    out: dict[str, Any] = {}
    for k, v in params.items():
        try:
            out[k] = int(v)
        except ValueError:
            try:
                out[k] = float(v) if v.replace(".", "", 1).lstrip("-").isdigit() else v
            except ValueError:
                out[k] = v
    return out


def write(frame: pl.DataFrame, fmt: str, output: Path | None, stdout: IO[str] = sys.stdout) -> None:
    if fmt == "parquet":
        if output is None:
            if stdout.isatty():
                raise QueryError("parquet is binary: give --output FILE or redirect stdout")
            buf = io.BytesIO()
            frame.write_parquet(buf)
            stdout.flush()
            sys.stdout.buffer.write(buf.getvalue())
            return
        frame.write_parquet(output)
        return
    if fmt == "csv":
        text = frame.write_csv()
    elif fmt == "json":
        text = frame.write_json() + "\n"
    else:
        with pl.Config(
            tbl_rows=-1,
            tbl_cols=-1,
            fmt_str_lengths=80,
            tbl_width_chars=200,
            tbl_hide_dataframe_shape=True,
            tbl_hide_column_data_types=False,
        ):
            text = f"{frame}\n({frame.height} rows)\n"
    if output is None:
        stdout.write(text)
    else:
        Path(output).write_text(text, encoding="utf-8")


def runs(config: Config) -> pl.DataFrame:
    """Every run attempt (run_log.jsonl), last state per run, newest first."""
    log = Warehouse(config).run_log_path
    columns = [
        "run_id",
        "month",
        "status",
        "started_at",
        "finished_at",
        "warehouse_version",
        "contacts",
        "violations",
        "error",
    ]
    if not log.exists():
        return pl.DataFrame(schema=dict.fromkeys(columns, pl.String))
    frame = pl.read_ndjson(log, infer_schema_length=None)
    for col in columns:
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None).alias(col))
    return (
        frame.select(columns)
        .group_by("run_id", maintain_order=True)
        .last()
        .sort("started_at", descending=True)
    )
