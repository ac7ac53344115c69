"""Reference passes the benchmark's ratios are taken against.

Each reads the published warehouse (read-only) and answers one question over
every outbound call or contact, in the account's own time zone:

- a bare DuckDB scan of the contact columns the rules read;
- one correct Reg F 7-in-7 pass (FACTS.md): calls per (person, debt, local day),
  a window over the daily counts for days d-6 .. d-1, plus the call's rank
  within day d; a call is counted when it is the 8th or later in its window;
- the same 7-in-7 check done the toolkit's way (US-REGF-7IN7's method): units
  (person, debt) whose calls in a 7-day block and the block before cannot
  exceed 7 are cleared with hash aggregates, and only the rest is windowed;
- one quiet-hours pass: outbound contacts before 08:00 or after 21:00 local;
- the same two checks written the plain way in polars (IANA conversion per
  zone, group-by, rolling window), which must give the same counts.

The DuckDB passes turn UTC into local time through a (zone, 15-minute slot)
offset table, as the toolkit does; polars converts every row.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

RULE_COLUMNS = [
    "contact_id",
    "account_id",
    "person_id",
    "party",
    "channel",
    "direction",
    "started_at",
    "phone_number",
    "call_result",
    "conversation",
    "collector_id",
    "agency_id",
    "debts_discussed",
    "note",
]

OFFSETS = """
create or replace temp table bench_offsets as
with zones as (select distinct timezone as zone from wh.accounts),
bounds as (
    select epoch_us(min(started_at)) // 900000000 - 96 as lo,
           epoch_us(max(started_at)) // 900000000 + 97 as hi
    from wh.contacts
)
select zone, range as slot,
       epoch_us(timezone(zone, to_timestamp(range * 900))) - range * 900000000 as offset_us
from zones, bounds, range(bounds.lo, bounds.hi)
"""

LOCAL_CONTACTS = """
select c.contact_id, c.account_id,
       coalesce(c.person_id, 'phone:' || c.phone_number, 'contact:' || c.contact_id)
           as person_key,
       c.started_at,
       make_timestamp(epoch_us(c.started_at) + o.offset_us) as local_at
from wh.contacts as c
join wh.accounts as a on a.account_id = c.account_id
join bench_offsets as o on o.zone = a.timezone and o.slot = epoch_us(c.started_at) // 900000000
where c.direction = 'outbound' and {channel}
"""

CALLS = "c.channel in ('call', 'ringless_voicemail')"
CONTACTS = "c.channel <> 'letter'"

# the window itself (FACTS.md): calls per (person, debt, local day), the calls of days
# d-6 .. d-1 from a window over the daily counts, plus the call's rank within day d
WINDOW = """
per_day as (
    select person_key, account_id, day_no, count(*) as n
    from {calls} group by all
),
before as (
    select *, coalesce(sum(n) over (
        partition by person_key, account_id order by day_no
        range between 6 preceding and 1 preceding), 0) as n_before
    from per_day
),
ranked as (
    select c.*, b.n_before + row_number() over (
        partition by c.person_key, c.account_id, c.day_no
        order by c.started_at, c.contact_id) as n_window
    from {calls} as c
    join before as b using (person_key, account_id, day_no)
)"""

SEVEN_IN_SEVEN = f"""
with calls as (
    select *, local_at::date - date '1970-01-01' as day_no
    from ({LOCAL_CONTACTS.format(channel=CALLS)})
),
{WINDOW.format(calls="calls")}
select count(*) from ranked where n_window > 7
"""

# US-REGF-7IN7's method over the same calls (queries/rules/us_regf/us_regf_7in7.sql):
# a window d-6 .. d lies within the 7-day blocks of d and d-6, so a unit whose calls
# in a block and the block before add up to at most 7 has no window over the limit
SEVEN_IN_SEVEN_TOOLKIT = f"""
-- materialized: read twice, and localizing every call twice costs more than keeping it
with calls as materialized (
    select *,
        local_at::date - date '1970-01-01' as day_no,
        (local_at::date - date '1970-01-01') // 7 as block_no,
        hash(person_key, account_id) as unit_key
    from ({LOCAL_CONTACTS.format(channel=CALLS)})
),
per_block as (
    select unit_key, block_no, count(*) as n from calls group by all
),
candidate_blocks as (
    select b.unit_key, b.block_no
    from per_block as b
    left join per_block as p on p.unit_key = b.unit_key and p.block_no = b.block_no - 1
    where b.n + coalesce(p.n, 0) > 7
),
needed_blocks as (
    select distinct unit_key, block_no from (
        select unit_key, block_no from candidate_blocks
        union all
        select unit_key, block_no - 1 from candidate_blocks
    )
),
candidate_calls as (
    select c.* from calls as c join needed_blocks as n using (unit_key, block_no)
),
{WINDOW.format(calls="candidate_calls")}
-- only in a candidate block are all of a window's calls at hand
select count(*)
from ranked as r
semi join candidate_blocks as k using (unit_key, block_no)
where r.n_window > 7
"""

QUIET_HOURS = f"""
select count(*)
from ({LOCAL_CONTACTS.format(channel=CONTACTS)})
where local_at::time < time '08:00' or local_at::time > time '21:00'
"""

SCAN = "select " + ", ".join(f"max({c})" for c in RULE_COLUMNS) + " from wh.contacts"


# the passes that answer the same question as another, and must give its count
SAME_COUNT = {
    "duckdb 7-in-7, toolkit's method": "duckdb 7-in-7 single pass",
    "polars 7-in-7 (plain)": "duckdb 7-in-7 single pass",
    "polars quiet hours (plain)": "duckdb quiet hours single pass",
}


@dataclass
class Ref:
    name: str
    rows: int
    seconds: float
    note: str = ""


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    """The pass's count (1 for the scan, whose one row is not a count)."""
    row = con.sql(sql).fetchall()[0]
    return row[0] if isinstance(row[0], int) else 1


def _timed(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[int, float]:
    started = time.perf_counter()
    return _count(con, sql), time.perf_counter() - started


def _connect(db: Path, memory_limit: str) -> duckdb.DuckDBPyConnection:
    """An in-memory session on the warehouse at ``db`` (read-only) with the offset table."""
    con = duckdb.connect(":memory:")
    con.execute("set enable_progress_bar = false")
    if memory_limit:
        con.execute(f"set memory_limit = '{memory_limit}'")
    con.execute(f"attach '{db}' as wh (read_only)")
    con.execute(OFFSETS)
    # join in the order written (contacts, accounts, offsets): left to itself the
    # planner joins the offsets on the slot alone first, six rows per contact
    con.execute("set disabled_optimizers = 'join_order'")
    return con


def window_pass(db: Path, memory_limit: str = "") -> tuple[int, float, float]:
    """One correct 7-in-7 window pass over the warehouse at ``db``: (count, seconds, CPU
    seconds of the process, DuckDB's threads included)."""
    con = _connect(db, memory_limit)
    try:
        cpu_started = time.process_time()
        rows, seconds = _timed(con, SEVEN_IN_SEVEN)
        return rows, seconds, time.process_time() - cpu_started
    finally:
        con.close()


def measure(
    db: Path,
    memory_limit: str = "",
    polars: bool = True,
    repeats: int = 3,
    window: tuple[int, float, str] | None = None,
) -> list[Ref]:
    """The reference passes over the warehouse at ``db``.

    The scan and the single 7-in-7 pass, the compute ratios' yardsticks, run once
    each, first in the process, as the compute they are compared with runs once in
    its own; ``window`` (count, seconds, note) gives the 7-in-7 pass timed already,
    next to the compute. The passes compared engine with engine (the toolkit's 7-in-7
    method and quiet-hours pass against the polars ones) are short, so one timing of
    each moves their ratio by a fifth: they run ``repeats`` times, in turns, and the
    median counts.
    """
    con = _connect(db, memory_limit)
    refs = []
    rows, secs = _timed(con, SCAN)
    refs.append(Ref("duckdb scan of rule columns", rows, secs, f"{len(RULE_COLUMNS)} columns"))
    if window is None:
        seven, secs = _timed(con, SEVEN_IN_SEVEN)
        window = (seven, secs, "calls over the limit")
    seven = window[0]
    refs.append(Ref("duckdb 7-in-7 single pass", *window))
    passes: dict[str, Callable[[], int]] = {
        "duckdb 7-in-7, toolkit's method": lambda: _count(con, SEVEN_IN_SEVEN_TOOLKIT),
        "duckdb quiet hours single pass": lambda: _count(con, QUIET_HOURS),
    }
    if polars:
        passes.update(_polars(con))
    counts: dict[str, set[int]] = {name: set() for name in passes}
    counts["duckdb 7-in-7 single pass"] = {seven}
    seconds: dict[str, list[float]] = {name: [] for name in passes}
    for _ in range(repeats):
        for name, run in passes.items():
            started = time.perf_counter()
            counts[name].add(run())
            seconds[name].append(time.perf_counter() - started)
    con.close()
    for name in passes:
        like = SAME_COUNT.get(name)
        if like is None:
            note = "contacts outside 08-21"
        else:
            note = "same count" if counts[name] == counts[like] else "COUNT DIFFERS"
        if repeats > 1:
            note += f", median of {repeats}"
        rows = min(counts[name]) if len(counts[name]) == 1 else -1
        refs.append(Ref(name, rows, statistics.median(seconds[name]), note))
    return refs


def _polars(con: duckdb.DuckDBPyConnection) -> dict[str, Callable[[], int]]:
    """The two polars passes, over the two tables read into memory here (untimed)."""
    import polars as pl

    # the two tables as they are stored, in memory before the clock starts
    contacts = (
        con.sql(
            "select contact_id, account_id, person_id, phone_number, channel, direction, "
            "timezone('UTC', started_at) as started_at from wh.contacts"
        )
        .pl()
        .with_columns(pl.col("started_at").dt.replace_time_zone("UTC"))
    )
    accounts = con.sql("select account_id, timezone from wh.accounts").pl()
    return {
        "polars 7-in-7 (plain)": lambda: plain_seven_in_seven(contacts, accounts),
        "polars quiet hours (plain)": lambda: plain_quiet_hours(contacts, accounts),
    }


def _localize(frame):
    """Local wall-clock time of ``started_at`` (UTC) in each row's ``timezone``."""
    import polars as pl

    parts = [
        part.with_columns(
            local_at=pl.col("started_at").dt.convert_time_zone(zone).dt.replace_time_zone(None)
        )
        for (zone,), part in frame.group_by("timezone")
    ]
    return pl.concat(parts)


def _outbound(contacts, accounts, channels: list[str] | None):
    """Outbound contacts (of ``channels``, else all but letters) with their account's zone."""
    import polars as pl

    out = contacts.filter(pl.col("direction") == "outbound")
    out = out.filter(
        pl.col("channel").is_in(channels) if channels else pl.col("channel") != "letter"
    )
    return out.join(accounts, on="account_id")


def plain_seven_in_seven(contacts, accounts) -> int:
    import polars as pl

    keys = ["person_key", "account_id"]
    calls = _outbound(contacts, accounts, ["call", "ringless_voicemail"]).with_columns(
        person_key=pl.coalesce(
            "person_id", "phone:" + pl.col("phone_number"), "contact:" + pl.col("contact_id")
        )
    )
    local = _localize(calls).with_columns(local_date=pl.col("local_at").dt.date())
    daily = local.group_by([*keys, "local_date"]).agg(n=pl.len()).sort([*keys, "local_date"])
    window = daily.rolling("local_date", period="7d", group_by=keys).agg(
        in_window=pl.col("n").sum()
    )
    before = daily.join(window, on=[*keys, "local_date"]).select(
        *keys, "local_date", n_before=pl.col("in_window") - pl.col("n")
    )
    ranked = (
        local.join(before, on=[*keys, "local_date"])
        .sort(["started_at", "contact_id"])
        .with_columns(
            n_window=pl.col("n_before") + pl.int_range(1, pl.len() + 1).over([*keys, "local_date"])
        )
    )
    return ranked.filter(pl.col("n_window") > 7).height


def plain_quiet_hours(contacts, accounts) -> int:
    import polars as pl

    local = _localize(_outbound(contacts, accounts, None))
    local_time = pl.col("local_at").dt.time()
    quiet = (local_time < dt.time(8, 0)) | (local_time > dt.time(21, 0))
    return local.filter(quiet).height


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.baselines DB [--window-only] ...``: the passes as JSON.

    The benchmark runs the passes in a process of their own: a stage started from a
    process that has held gigabytes reports them as its own peak (the kernel's
    high-water mark of resident memory survives into the child it starts).
    """
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="python -m benchmarks.baselines")
    parser.add_argument("db", type=Path)
    parser.add_argument("--memory-limit", default="")
    parser.add_argument("--window-only", action="store_true", help="only the 7-in-7 pass")
    parser.add_argument("--skip-polars", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--window", help="JSON [count, seconds, note] of the 7-in-7 pass timed already"
    )
    args = parser.parse_args(argv)
    if args.window_only:
        rows, seconds, cpu_seconds = window_pass(args.db, args.memory_limit)
        print(json.dumps({"rows": rows, "seconds": seconds, "cpu_seconds": cpu_seconds}))
        return 0
    refs = measure(
        args.db,
        memory_limit=args.memory_limit,
        polars=not args.skip_polars,
        repeats=args.repeats,
        window=tuple(json.loads(args.window)) if args.window else None,
    )
    print(json.dumps([r.__dict__ for r in refs]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
