"""The metrics engine: account_month and the rate tables of METRICS.md, in SQL.

Each step is one query in ``queries/metrics/`` materialized as the table of
the same name (``create or replace``), in the fixed order of :data:`STEPS`:
a step reads the canonical tables and the steps before it. Helper steps are
temp tables: the calendar, a time-zone offset table, net payments per day and
the start/end state of each account per month. Every table covers every
month from the first month with data through ``through_month``.

All work is set-based SQL; Python only binds parameters and times the steps.
Parameters come from the configuration (``[metrics]`` and
``portfolio.portfolio_timezone``) and are recorded in ``metric_params``.

Two steps read every month of history and are extended rather than recomputed
when they can be: account_month (every account at every month end since the
oldest origination) and contact_activity (every contact). ``metric_basis``
records, per step, what its stored table was computed from: the text of its
queries, its parameters, its months and the last load it saw. When that still
holds, only what input loaded since can have changed is computed again:

- account_month: a schedule account none of whose inputs changed keeps its
  stored rows and only gets rows for the new months, computed from its stored
  state at the last month; every other account is computed in full
  (``account_month_seeds`` picks the accounts kept);
- contact_activity: the new months and the months of contacts loaded since
  (``contact_activity_months``).

Canonical tables only grow, so the result is the table a full computation
gives. The other tables are always recomputed (they read these two).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from audit import queries, warehouse
from audit.config import Config


@dataclass(frozen=True)
class Step:
    name: str  # the query and the table it becomes
    temp: bool = False  # a helper, not an output analysts rely on
    doc: str = ""


STEPS: tuple[Step, ...] = (
    Step("metric_accounts", temp=True, doc="accounts with an integer key and their source"),
    Step("metric_months", temp=True, doc="calendar: first month with data .. through_month"),
    Step("metric_tz_offsets", temp=True, doc="portfolio time-zone offset per 15-minute slot"),
    Step("metric_buckets", doc="bucket labels and dpd ranges in force"),
    Step("metric_payments", temp=True, doc="payments per account key and local date"),
    Step("account_month", doc="month-end delinquency state per account"),
    Step("roll_rates", doc="bucket i at S -> bucket j at E"),
    Step("cure_rates", doc="M1+ at S -> dpd 0 or closed at E"),
    Step("recovery", doc="overdue at S recovered in the month"),
    Step("default_rates", doc="performing at S -> defaulted at E"),
    Step("vintage", doc="cumulative ever-default by months on book"),
    Step("ptp", doc="promises to pay due, kept, amounts"),
    Step("contact_activity", doc="outbound attempts, calls, connects, RPC"),
    Step("complaints", doc="complaints per 1,000 active accounts"),
    Step("metric_params", doc="parameters the tables were computed with"),
)

OUTPUT_TABLES: tuple[str, ...] = tuple(s.name for s in STEPS if not s.temp)


@dataclass
class StepResult:
    name: str
    rows: int
    seconds: float
    note: str = ""  # how an extended step was computed (in full, or extended)


# account_month's label columns: bucket and bucket_at_start an ENUM of the bucket
# labels in force, product and agency_id one of the values in metric_accounts, each in
# text order (they compare and sort as the text they replace). Writing 13.5M copies of
# a short text costs about 1.4 CPU s a column at 10M contacts, an ENUM about 0.3; the
# account's values are cast once per account, before the join. The types are
# temporary; a table created from one keeps the values in its own column type.
ACCOUNT_MONTH_LABELS = (
    ("bucket_label", "select bucket from metric_buckets order by bucket"),
    (
        "product_label",
        "select distinct product from metric_accounts where product is not null order by product",
    ),
    (
        "agency_label",
        "select distinct agency_id from metric_accounts where agency_id is not null "
        "order by agency_id",
    ),
)


@dataclass(frozen=True)
class Basis:
    """What an extended step's stored rows depend on besides the data."""

    queries: tuple[str, ...]  # whose text
    params: tuple[str, ...]  # which parameters
    # the temporary ENUM types its label columns are written as: (name, query for the
    # values). Rows with a value a stored column type lacks cannot be appended, so the
    # values are part of the basis and a new one means a computation in full.
    labels: tuple[tuple[str, str], ...] = ()


EXTENDED: dict[str, Basis] = {
    "account_month": Basis(
        (
            "metric_accounts",
            "metric_months",
            "metric_tz_offsets",
            "metric_buckets",
            "metric_payments",
            "account_month_seeds",
            "account_month",
        ),
        ("portfolio_timezone", "bucket_edges", "default_dpd"),
        labels=ACCOUNT_MONTH_LABELS,
    ),
    "contact_activity": Basis(
        ("metric_months", "metric_tz_offsets", "contact_activity_months", "contact_activity"),
        ("portfolio_timezone",),
    ),
}

SEEDS_TABLE = """
create or replace temp table account_month_seeds (
    account_key integer, account_id varchar,
    cum_due decimal(18, 2), cum_paid decimal(18, 2), total_due decimal(18, 2)
)"""

BASIS_TABLE = """
create table if not exists metric_basis (
    step varchar primary key,
    basis_sha256 varchar,
    first_month date,
    last_month date,
    last_load_id integer,
    computed_at timestamptz
)"""

RECORD_BASIS = """
insert or replace into metric_basis
select
    $step,
    $basis,
    min(month),
    max(month),
    (select coalesce(max(load_id), 0) from loads)::integer,
    now()
from metric_months"""


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def parameters(config: Config, through_month: date) -> dict[str, Any]:
    """Every named parameter the metric queries take, from the configuration."""
    m = config.metrics
    return {
        "through_month": first_of_month(through_month),
        "portfolio_timezone": config.portfolio.portfolio_timezone,
        "bucket_edges": [int(e) for e in m.bucket_edges],
        "default_dpd": int(m.default_dpd),
        "ptp_grace_days": int(m.ptp_grace_days),
        "ptp_tolerance": float(m.ptp_tolerance),
    }


def bucket_labels(config: Config) -> list[str]:
    """M0, M1, ..., M<n+1>+, CLOSED for the configured edges (same as metric_buckets)."""
    n = len(config.metrics.bucket_edges)
    return ["M0", *(f"M{i}" for i in range(1, n + 1)), f"M{n + 1}+", "CLOSED"]


def compute(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    through_month: date,
    progress: Callable[[Step], None] | None = None,
) -> list[StepResult]:
    """Materialize every metric table for every month through ``through_month``."""
    params = parameters(config, through_month)
    results = []
    for step in STEPS:
        if progress:
            progress(step)
        started = time.perf_counter()
        note = ""
        if step.name in EXTENDED:
            note = _extend(con, step.name, params)
        else:
            queries.materialize(con, step.name, step.name, params, temp=step.temp)
        rows = con.execute(f"select count(*) from {step.name}").fetchall()[0][0]
        results.append(StepResult(step.name, rows, time.perf_counter() - started, note))
    return results


def _label_types(con: duckdb.DuckDBPyConnection, step: str) -> dict[str, list[str]]:
    """Make the step's temporary ENUM types; their values by type name."""
    values = {}
    for name, select in EXTENDED[step].labels:
        queries.execute(
            con, f"drop type if exists {name};\ncreate temp type {name} as enum ({select})"
        )
        values[name] = con.execute(f"select enum_range(null::{name})").fetchall()[0][0]
    return values


def _basis_sha(step: str, params: dict[str, Any], labels: dict[str, list[str]]) -> str:
    basis = EXTENDED[step]
    text = {
        "queries": {name: queries.text(name) for name in basis.queries},
        "params": {k: params[k] for k in basis.params},
        "labels": labels,
    }
    return hashlib.sha256(json.dumps(text, sort_keys=True).encode()).hexdigest()


def _stored_basis(con: duckdb.DuckDBPyConnection, step: str, sha: str) -> tuple[date, int] | None:
    """(last month, last load seen) of the step's stored table when it can be extended."""
    if not (warehouse.has_table(con, "metric_basis") and warehouse.has_table(con, step)):
        return None
    row = con.execute(
        "select b.last_month, b.last_load_id from metric_basis as b "
        "where b.step = $step and b.basis_sha256 = $sha "
        "and b.first_month = (select min(month) from metric_months) "
        "and b.last_month <= (select max(month) from metric_months)",
        {"step": step, "sha": sha},
    ).fetchall()
    return row[0] if row else None


def _extend(con: duckdb.DuckDBPyConnection, step: str, params: dict[str, Any]) -> str:
    """Materialize an extended step, from its stored table when it can; say how."""
    sha = _basis_sha(step, params, _label_types(con, step))
    stored = _stored_basis(con, step, sha)
    materialize = {"account_month": _account_month, "contact_activity": _contact_activity}[step]
    note = materialize(con, params, stored)
    queries.execute(con, BASIS_TABLE)
    queries.execute(con, RECORD_BASIS, {"step": step, "basis": sha})
    return note


def _account_month(
    con: duckdb.DuckDBPyConnection, params: dict[str, Any], stored: tuple[date, int] | None
) -> str:
    # its label types were made with the basis (_label_types); its joins are written
    # accounts and buckets on the right; its 25 columns cost more to compress fully
    # than the table is worth keeping small
    with queries.joins_as_written(con), queries.light_compression(con):
        if stored is None:
            queries.execute(con, SEEDS_TABLE)
            queries.materialize(
                con, "account_month", "account_month", {**params, "seed_month": None}
            )
            note = "computed in full"
        else:
            seed_month, watermark = stored
            seed_params = {**params, "seed_month": seed_month, "watermark": watermark}
            queries.materialize(
                con, "account_month_seeds", "account_month_seeds", seed_params, temp=True
            )
            kept = con.execute("select count(*) from account_month_seeds").fetchall()[0][0]
            # every account not kept is computed again from its first month
            queries.execute(
                con,
                "delete from account_month as m where not exists "
                "(select 1 from account_month_seeds as k where k.account_id = m.account_id)",
            )
            _insert(con, "account_month", {**params, "seed_month": seed_month})
            note = f"extended from {seed_month:%Y-%m}: {kept} accounts kept their stored rows"
    con.execute("drop table account_month_seeds")
    return note


def _contact_activity(
    con: duckdb.DuckDBPyConnection, params: dict[str, Any], stored: tuple[date, int] | None
) -> str:
    month_params = {
        **params,
        "stored_last_month": stored[0] if stored else None,
        "watermark": stored[1] if stored else None,
    }
    queries.materialize(
        con, "contact_activity_months", "contact_activity_months", month_params, temp=True
    )
    if stored is None:
        queries.materialize(con, "contact_activity", "contact_activity", params)
        note = "computed in full"
    else:
        queries.execute(
            con,
            "delete from contact_activity "
            "where month in (select month from contact_activity_months)",
        )
        _insert(con, "contact_activity", params)
        months = [m for (m,) in con.execute("from contact_activity_months select month").fetchall()]
        listed = ", ".join(f"{m:%Y-%m}" for m in months) or "none"
        note = f"extended from {stored[0]:%Y-%m}: months computed {listed}"
    con.execute("drop table contact_activity_months")
    return note


def _insert(con: duckdb.DuckDBPyConnection, table: str, params: dict[str, Any]) -> None:
    """Append the rows of the query named ``table`` to the table of that name."""
    sql = queries.select_sql(table)
    queries.execute(con, f"insert into {table} by name\n{sql}", params, table)
