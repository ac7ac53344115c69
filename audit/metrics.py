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
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from audit import queries
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
        queries.materialize(con, step.name, step.name, params, temp=step.temp)
        rows = con.execute(f"select count(*) from {step.name}").fetchall()[0][0]
        results.append(StepResult(step.name, rows, time.perf_counter() - started))
    return results
