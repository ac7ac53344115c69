"""Deterministic synthetic sample data with known injected conduct problems.

``generate()`` writes a small but realistic consumer-instalment portfolio
(accounts, schedules, payments, account events, collectors, agencies and one
contact log per month, one of them a GB18030 export with Chinese headers)
plus ``ground_truth.csv``: every (rule, contact) that the rules of
RULES.md should report.

How the data stays exact:

* The *background* is built to break no rule. Contacts are drawn only while
  the account is overdue (from the schedule and the payments), between
  09:00 and 19:59 local time in every candidate zone, and then passed
  through a sieve of conservative checks (hours, overdue amount, events that
  stop or restrict contact, per-day and per-number limits, Reg F spacing,
  pre-agreed contacts only while the debtor is unreachable). Every rule is
  monotone in the contacts (dropping a contact never creates a violation),
  so a sieve that checks against the larger candidate set is safe.
* Each injected *scenario* lives on its own accounts, customers, people and
  phone numbers, so it cannot interact with the background or with another
  scenario; its contacts are listed with exactly the rules they trigger.

Everything is vectorised (numpy, polars); Python loops run over months,
zones, scenario types and event types only. The same arguments give
byte-identical files.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
import yaml

from audit.schema import CALL_RESULTS, CHANNELS, DIRECTIONS, OUTCOMES, PARTIES, PURPOSES

__all__ = ["SampleSummary", "generate"]

DAY = 86_400
HOUR = 3_600
NONE = -1
FAR = np.int64(2**62)  # "never" as an instant
PROFILE = Path(__file__).parent / "profiles" / "cn_contacts_gb18030.yaml"

ZONES = (
    "Asia/Shanghai",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Europe/London",
)
SHANGHAI, NEW_YORK, CHICAGO, DENVER, LOS_ANGELES, LONDON = range(len(ZONES))
US_ZONES = np.array([NEW_YORK, CHICAGO, DENVER, LOS_ANGELES])
US_ALT = {NEW_YORK: LOS_ANGELES, CHICAGO: NEW_YORK, DENVER: LOS_ANGELES, LOS_ANGELES: NEW_YORK}
US_AREA = {NEW_YORK: "212", CHICAGO: "312", DENVER: "303", LOS_ANGELES: "213"}

REGIME_NAMES = ("cn", "us_regf", "uk_conc")
CN, US, UK = range(3)
CURRENCY = ("CNY", "USD", "GBP")
PRODUCTS = ("phone", "appliance", "car", "cash_loan")
PHONE, APPLIANCE, CAR, CASH = range(4)

P = {name: i for i, name in enumerate(PARTIES)}
CH = {name: i for i, name in enumerate(CHANNELS)}
RES = {name: i for i, name in enumerate(CALL_RESULTS)}
OUT = {name: i for i, name in enumerate(OUTCOMES)}
PUR = {name: i for i, name in enumerate(PURPOSES)}
OUTBOUND, INBOUND = DIRECTIONS.index("outbound"), DIRECTIONS.index("inbound")
CALLS = (CH["call"], CH["ringless_voicemail"])
CONNECTED = tuple(RES[r] for r in ("answered", "no_answer", "voicemail", "rejected"))

# People around a customer: person index = kind * n_customers + customer.
PERSON_KINDS = (
    "debtor",
    "emergency",
    "relative",
    "guarantor",
    "attorney",
    "employer",
    "third",
    "spouse",
    "stranger",
    "debtor2",
    "relative2",
)
KIND = {name: i for i, name in enumerate(PERSON_KINDS)}
KIND_PARTY = np.array(
    [
        P[p]
        for p in (
            "debtor",
            "emergency_contact",
            "relative",
            "guarantor",
            "attorney",
            "employer",
            "third_party",
            "spouse",
            "unknown",
            "debtor",
            "relative",
        )
    ]
)
KIND_SUFFIX = ("", "EC1", "RL1", "GU1", "AT1", "EM1", "TP1", "SP1", "", "", "RL2")

# Account behaviours
ON_TIME, LATE, PARTIAL, DEFAULT, PREPAY, SC_DEFAULT, SC_PAID_OFF, SC_CURRENT = range(8)

# Background contact kinds
(
    K_SMS,
    K_AI,
    K_CALL,
    K_IN,
    K_IM,
    K_VISIT,
    K_LETTER,
    K_REL,
    K_GUAR,
    K_EMAIL,
    K_RVM,
    K_LOC,
    K_CALL2,
    K_XSMS,
    K_REMIND,
    K_NOTICE,
    K_ATTY,
    K_WRONG,
) = range(18)

COMPLAINT_CATEGORIES = (
    "contact_frequency",
    "collector_conduct",
    "fees_and_charges",
    "already_paid",
    "privacy",
    "wrong_amount",
)
WINDOWS = (  # (text, ISO weekdays, start minute, end minute): start included, end excluded
    ("Mon-Fri 09:00-12:00", (1, 2, 3, 4, 5), 9 * 60, 12 * 60),
    ("Sat,Sun", (6, 7), 0, 24 * 60),
    ("Mon-Fri 17:00-20:00", (1, 2, 3, 4, 5), 17 * 60, 20 * 60),
    ("Tue,Thu", (2, 4), 0, 24 * 60),
    ("12:00-14:00", (1, 2, 3, 4, 5, 6, 7), 12 * 60, 14 * 60),
    ("Sun", (7,), 0, 24 * 60),
)


# ---------------------------------------------------------------- summary


@dataclass
class SampleSummary:
    """What ``generate`` wrote."""

    out_dir: Path
    files: dict[str, int]  # file name -> data rows
    injected: dict[str, int]  # rule id -> (rule, contact) rows in ground_truth.csv
    scenarios: dict[str, int]  # scenario -> instances
    seconds: float = 0.0
    contacts: int = 0

    def __str__(self) -> str:
        lines = [f"sample data in {self.out_dir} ({self.seconds:.1f} s)"]
        lines += [f"  {name}: {rows:,} rows" for name, rows in self.files.items()]
        lines.append("injected problems per rule:")
        lines += [f"  {rule}: {n}" for rule, n in sorted(self.injected.items())]
        return "\n".join(lines)


# ---------------------------------------------------------------- small helpers


def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, stream])


def _pos_in_group(counts: np.ndarray) -> np.ndarray:
    """0, 1, ... within each group of np.repeat(x, counts)."""
    counts = counts.astype(np.int64)
    starts = np.cumsum(counts) - counts
    return np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(starts, counts)


def _group_starts(keys: list[np.ndarray]) -> np.ndarray:
    """True where a new group starts in arrays already sorted by ``keys``."""
    n = len(keys[0])
    start = np.zeros(n, bool)
    if n:
        start[0] = True
        for k in keys:
            start[1:] |= k[1:] != k[:-1]
    return start


def _rank_in_group(keys: list[np.ndarray], order_key: np.ndarray) -> np.ndarray:
    """0-based rank of each row within its group (ordered by order_key, then row)."""
    n = len(order_key)
    if not n:
        return np.zeros(0, np.int64)
    order = np.lexsort((np.arange(n), order_key, *reversed(keys)))
    start = _group_starts([k[order] for k in keys])
    idx = np.arange(n)
    first = np.maximum.accumulate(np.where(start, idx, 0))
    rank = np.empty(n, np.int64)
    rank[order] = idx - first
    return rank


def _prev_in_group(keys: list[np.ndarray], t: np.ndarray) -> np.ndarray:
    """For each row, the largest t of another row of the same group that is <= t
    and comes earlier in (t, row) order; -FAR when none."""
    n = len(t)
    if not n:
        return np.zeros(0, np.int64)
    order = np.lexsort((np.arange(n), t, *reversed(keys)))
    start = _group_starts([k[order] for k in keys])
    ts = t[order]
    prev = np.r_[-FAR, ts[:-1]]
    prev[start] = -FAR
    out = np.empty(n, np.int64)
    out[order] = prev
    return out


def _asof_last(
    q_grp: np.ndarray, q_key: np.ndarray, e_grp: np.ndarray, e_key: np.ndarray
) -> np.ndarray:
    """Largest e_key <= q_key among events of the same group; -FAR when none."""
    nq = len(q_grp)
    if not nq:
        return np.zeros(0, np.int64)
    if not len(e_grp):
        return np.full(nq, -FAR)
    grp = np.concatenate([q_grp, e_grp])
    key = np.concatenate([q_key, e_key]).astype(np.int64)
    flag = np.concatenate([np.ones(nq, np.int8), np.zeros(len(e_grp), np.int8)])
    order = np.lexsort((flag, key, grp))
    g = grp[order]
    k = key[order]
    is_event = order >= nq
    start = _group_starts([g])
    rank = np.cumsum(start) - 1
    lo = k.min()
    span = np.int64(k.max() - lo + 2)
    val = np.where(is_event, k - lo + 1, 0) + rank * span
    run = np.maximum.accumulate(val) - rank * span
    res = np.where(run > 0, run - 1 + lo, -FAR)
    out = np.empty(nq, np.int64)
    out[order[~is_event]] = res[~is_event]
    return out


_GRID_START = 1_420_070_400  # 2015-01-01T00:00Z
_GRID_HOURS = 24 * 366 * 25  # through 2039
_grid_cache: list[np.ndarray] = []


def _offset_grid() -> np.ndarray:
    """UTC offset (seconds) of every zone for every UTC hour 2015-2039.

    The zones used here change offset only on whole UTC hours, so an hourly
    grid is exact; it turns millions of conversions into array lookups.
    """
    if not _grid_cache:
        hours = pl.Series(_GRID_START + np.arange(_GRID_HOURS, dtype=np.int64) * HOUR)
        rows = []
        for name in ZONES:
            local = (
                pl.from_epoch(hours, time_unit="s")
                .dt.replace_time_zone("UTC")
                .dt.convert_time_zone(name)
                .dt.replace_time_zone(None)
                .dt.epoch("s")
            )
            rows.append((local - hours).cast(pl.Int32).to_numpy())
        _grid_cache.append(np.vstack(rows))
    return _grid_cache[0]


def _offset_at(utc: np.ndarray, zone: np.ndarray) -> np.ndarray:
    idx = (np.asarray(utc, np.int64) - _GRID_START) // HOUR
    if len(idx) and (idx.min() < 0 or idx.max() >= _GRID_HOURS):
        raise ValueError("dates must fall between 2015 and 2039")
    return _offset_grid()[zone, idx].astype(np.int64)


def _to_local(utc: np.ndarray, zone: np.ndarray) -> np.ndarray:
    """UTC seconds -> local wall-clock seconds (as if UTC) in each row's zone."""
    utc = np.asarray(utc, np.int64)
    return utc + _offset_at(utc, zone)


def _to_utc(local: np.ndarray, zone: np.ndarray) -> np.ndarray:
    """Local wall-clock seconds in each row's zone -> UTC seconds (a time skipped by a
    DST change moves forward, a repeated one takes the first instant)."""
    local = np.asarray(local, np.int64)
    u = local - _offset_at(local, zone)
    for _ in range(2):
        u = local - _offset_at(u, zone)
    back = _to_local(u, zone) != local
    if back.any():  # ambiguous or skipped: settle on the earlier offset's reading
        alt = local - _offset_at(u - 2 * HOUR, zone)
        u = np.where(back, np.minimum(u, alt), u)
    return u


def _add_months(day: np.ndarray, k: np.ndarray | int) -> np.ndarray:
    """Same day of month k months later (days 29-31 become the 28th)."""
    d = np.asarray(day, np.int64).astype("datetime64[D]")
    m = d.astype("datetime64[M]")
    dom = (d - m.astype("datetime64[D]")).astype(np.int64) + 1
    m2 = m + np.asarray(k, np.int64)
    return m2.astype("datetime64[D]").astype(np.int64) + np.minimum(dom, 28) - 1


def _month_first_day(month_index: np.ndarray | int) -> np.ndarray:
    """Month index (months since 1970-01) -> day number of its first day."""
    return (
        np.asarray(month_index, np.int64)
        .astype("datetime64[M]")
        .astype("datetime64[D]")
        .astype(np.int64)
    )


def _weekday(day: np.ndarray) -> np.ndarray:
    """ISO weekday, Monday = 1."""
    return (np.asarray(day, np.int64) + 3) % 7 + 1


def _secs(hhmm: str) -> int:
    parts = [int(x) for x in hhmm.split(":")]
    parts += [0] * (3 - len(parts))
    return parts[0] * HOUR + parts[1] * 60 + parts[2]


def _choice(rng: np.random.Generator, n: int, probs: dict[int, float]) -> np.ndarray:
    keys = np.array(list(probs))
    p = np.array(list(probs.values()), float)
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


def _pick(rng: np.random.Generator, options: list[tuple[int, np.ndarray | float]], n: int):
    """Per row, one of the option codes with the row's (unnormalised) weights."""
    weights = [np.broadcast_to(np.asarray(w, float), (n,)) for _, w in options]
    total = np.sum(weights, axis=0)
    u = rng.random(n) * total
    out = np.full(n, options[-1][0], np.int64)
    chosen = total <= 0
    cum = np.zeros(n)
    for (code, _), w in zip(options, weights, strict=True):
        cum = cum + w
        sel = ~chosen & (u < cum)
        out[sel] = code
        chosen |= sel
    return out


# ---------------------------------------------------------------- the window


@dataclass(frozen=True)
class _Window:
    months: tuple[str, ...]
    month_days: np.ndarray  # first local (Shanghai) day of each month, plus the day after
    start_utc: int
    end_utc: int
    zone_offsets: dict[int, int]  # zone -> UTC offset in seconds in the middle of the window

    @property
    def first_day(self) -> int:
        return int(self.month_days[0])

    @property
    def end_day(self) -> int:
        return int(self.month_days[-1])


def _window(end_month: str, months: int) -> _Window:
    try:
        year, month = (int(x) for x in end_month.split("-"))
        if not 1 <= month <= 12:
            raise ValueError
    except ValueError:
        raise ValueError(f"end_month must look like 2026-10, got {end_month!r}") from None
    if months < 1:
        raise ValueError("months must be at least 1")
    last = (year - 1970) * 12 + month - 1
    idx = np.arange(last - months + 1, last + 2)
    days = _month_first_day(idx)
    names = tuple(str(np.datetime64(int(i), "M")) for i in idx[:-1])
    sh = np.array([SHANGHAI, SHANGHAI])
    start, end = _to_utc(np.array([days[0], days[-1]]) * DAY, sh)
    mid = datetime.fromtimestamp(int((start + end) // 2), UTC)
    offsets = {
        z: int(mid.astimezone(ZoneInfo(n)).utcoffset().total_seconds()) for z, n in enumerate(ZONES)
    }
    return _Window(names, days, int(start), int(end), offsets)


# ---------------------------------------------------------------- accounts


@dataclass
class _Accounts:
    """Column arrays; index = account number."""

    cust: np.ndarray
    product: np.ndarray
    principal: np.ndarray  # cents
    term: np.ndarray
    orig: np.ndarray  # local day
    agency: np.ndarray  # -1 = in-house
    beh: np.ndarray
    stop_after: np.ndarray  # instalments paid by a defaulter
    payoff_local: np.ndarray  # local seconds of a scenario payoff, or -1
    unreachable: np.ndarray
    scenario: np.ndarray

    def __len__(self) -> int:
        return len(self.cust)

    @staticmethod
    def concat(parts: list[_Accounts]) -> _Accounts:
        return _Accounts(
            **{
                f: np.concatenate([getattr(p, f) for p in parts])
                for f in _Accounts.__dataclass_fields__
            }
        )


@dataclass
class _Customers:
    regime: np.ndarray
    zone: np.ndarray
    alt: np.ndarray  # -1 = none

    def __len__(self) -> int:
        return len(self.regime)

    @staticmethod
    def concat(parts: list[_Customers]) -> _Customers:
        return _Customers(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in ("regime", "zone", "alt"))
        )


def _principal(rng: np.random.Generator, product: np.ndarray, regime: np.ndarray) -> np.ndarray:
    lo = np.array([2_000, 1_000, 50_000, 1_000])[product]
    hi = np.array([12_000, 20_000, 250_000, 50_000])[product]
    units = rng.uniform(lo, hi) / np.array([1.0, 7.0, 9.0])[regime]
    return (np.round(units / 10) * 10).astype(np.int64) * 100


def _term(rng: np.random.Generator, product: np.ndarray) -> np.ndarray:
    choices = np.array([[6, 12, 24, 12], [3, 6, 12, 6], [12, 24, 24, 12], [3, 6, 9, 12]])
    return choices[product, rng.integers(0, 4, len(product))]


def _background_portfolio(
    rng: np.random.Generator, n_acc: int, win: _Window
) -> tuple[_Accounts, _Customers]:
    n_cust = max(1, round(n_acc / 1.08))
    n_cust = max(n_cust, (n_acc + 1) // 2)
    second = rng.choice(n_cust, n_acc - n_cust, replace=False)
    cust = np.concatenate([np.arange(n_cust), second])
    regime = _choice(rng, n_cust, {CN: 0.80, US: 0.14, UK: 0.06})
    zone = np.full(n_cust, SHANGHAI)
    us = regime == US
    zone[us] = US_ZONES[_choice(rng, int(us.sum()), {0: 0.4, 1: 0.25, 2: 0.1, 3: 0.25})]
    zone[regime == UK] = LONDON
    alt = np.full(n_cust, NONE)
    with_alt = us & (rng.random(n_cust) < 0.25)
    alt[with_alt] = (
        np.vectorize(US_ALT.get, otypes=[np.int64])(zone[with_alt]) if with_alt.any() else []
    )
    customers = _Customers(regime, zone, alt)

    product = _choice(rng, n_acc, {PHONE: 0.30, APPLIANCE: 0.25, CAR: 0.10, CASH: 0.35})
    acc_regime = regime[cust]
    beh = _choice(
        rng, n_acc, {ON_TIME: 0.42, LATE: 0.26, PARTIAL: 0.07, DEFAULT: 0.17, PREPAY: 0.08}
    )
    term = _term(rng, product)
    orig = rng.integers(win.first_day - 400, win.end_day - 20, n_acc)
    placed = ((beh == DEFAULT) | (beh == PARTIAL)) & (rng.random(n_acc) < 0.5)
    placed |= (beh == LATE) & (rng.random(n_acc) < 0.15)
    agency = np.full(n_acc, NONE)
    agency[placed] = np.array([0, 2, 3])[acc_regime[placed]]
    cn_placed = placed & (acc_regime == CN)
    agency[cn_placed] = rng.integers(0, 2, int(cn_placed.sum()))
    unreachable = ((beh == DEFAULT) & (rng.random(n_acc) < 0.35)) | (
        (beh == PARTIAL) & (rng.random(n_acc) < 0.1)
    )
    accounts = _Accounts(
        cust=cust,
        product=product,
        principal=_principal(rng, product, acc_regime),
        term=term,
        orig=orig,
        agency=agency,
        beh=beh,
        stop_after=rng.integers(0, term),
        payoff_local=np.full(n_acc, NONE),
        unreachable=unreachable,
        scenario=np.zeros(n_acc, bool),
    )
    return accounts, customers


# ---------------------------------------------------------------- schedule and payments


@dataclass
class _Schedule:
    acc: np.ndarray
    k: np.ndarray
    due: np.ndarray  # local day
    amount: np.ndarray  # cents
    paid_at: np.ndarray  # UTC instant the instalment became fully paid, FAR if not (in window)


@dataclass
class _Payments:
    acc: np.ndarray
    t: np.ndarray
    amount: np.ndarray  # cents, negative = reversal
    channel: np.ndarray  # index into per-regime channel names


def _schedule(acc: _Accounts) -> _Schedule:
    n = len(acc)
    rate = np.array([0.006, 0.005, 0.004, 0.012])[acc.product]
    total = np.round(acc.principal * (1 + rate * acc.term) / 100).astype(np.int64) * 100
    a = np.repeat(np.arange(n), acc.term)
    k = _pos_in_group(acc.term) + 1
    due = _add_months(acc.orig[a], k)
    each = total // acc.term
    amount = each[a].copy()
    last = k == acc.term[a]
    amount[last] = (total - each * (acc.term - 1))[a[last]]
    return _Schedule(a, k, due, amount, np.full(len(a), FAR))


def _payments(
    rng: np.random.Generator,
    acc: _Accounts,
    cus: _Customers,
    sch: _Schedule,
    win: _Window,
    overrides: list[tuple[np.ndarray, int, np.ndarray]],
) -> _Payments:
    """Payments of every behaviour; sets sch.paid_at (the instant each instalment is settled)."""
    n = len(sch.acc)
    a = sch.acc
    beh = acc.beh[a]
    zone = cus.zone[acc.cust[a]]
    tod = rng.integers(8 * HOUR, 22 * HOUR, n)
    lag = -rng.integers(0, 5, n)
    u = rng.random(n)
    late = (
        ((beh == LATE) & (u < 0.4))
        | ((beh == PARTIAL) & (u < 0.5))
        | ((beh == DEFAULT) & (u < 0.3))
    )
    lag[late] = np.minimum(2 + rng.geometric(0.07, int(late.sum())), 60)
    exact = beh >= SC_DEFAULT  # scenario accounts pay like clockwork: two days early, 15:00
    lag[exact] = -2
    tod[exact] = 15 * HOUR
    local = (sch.due + lag) * DAY + tod
    first_row = np.r_[0, np.cumsum(acc.term)[:-1]]
    for accs, k, when in overrides:
        local[first_row[accs] + k - 1] = when
    t = _to_utc(local, zone)
    # settle instalments in order, at least a minute apart
    base = t.min() if n else 0
    q = t - base - 60 * sch.k
    rank = np.cumsum(_group_starts([a])) - 1
    span = np.int64(q.max() - q.min() + 1) if n else 1
    q = np.maximum.accumulate(q - q.min() + rank * span) - rank * span + q.min()
    t = q + base + 60 * sch.k

    paid = np.ones(n, bool)
    stop = acc.stop_after[a]
    paid[(beh == DEFAULT) | (beh == SC_DEFAULT)] = (sch.k <= stop)[
        (beh == DEFAULT) | (beh == SC_DEFAULT)
    ]

    # prepayers: on time until instalment j, then one payment for the rest
    lump_rows = np.zeros(n, bool)
    lump_at = np.full(len(acc), FAR)
    pre = np.flatnonzero((acc.beh == PREPAY) & (acc.term > 1))
    if len(pre):
        j = rng.integers(1, acc.term[pre])
        row_j = first_row[pre] + j - 1
        lump_local = (sch.due[row_j] + rng.integers(3, 20, len(pre))) * DAY + rng.integers(
            9 * HOUR, 21 * HOUR, len(pre)
        )
        lump_at[pre] = np.maximum(_to_utc(lump_local, zone[row_j]), t[row_j] + HOUR)
        jj = np.zeros(len(acc), np.int64)
        jj[pre] = j
        lump_rows = (jj[a] > 0) & (sch.k > jj[a])
    po = np.flatnonzero(acc.beh == SC_PAID_OFF)
    if len(po):
        lump_at[po] = _to_utc(acc.payoff_local[po], cus.zone[acc.cust[po]])
        lump_rows |= (beh == SC_PAID_OFF) & (t >= lump_at[a])
    paid &= ~lump_rows

    # partial payers: some instalments in two parts
    split = paid & (beh == PARTIAL) & (rng.random(n) < 0.5)
    part1 = (sch.amount * rng.uniform(0.3, 0.7, n) / 100).astype(np.int64) * 100
    part1_t = _to_utc((sch.due + rng.integers(-3, 3, n)) * DAY + tod, zone)
    part1_t = np.minimum(part1_t, t - HOUR)

    rows_a, rows_t, rows_amt = [], [], []
    single = paid & ~split
    rows_a += [a[single], a[split], a[split]]
    rows_t += [t[single], part1_t[split], t[split]]
    rows_amt += [sch.amount[single], part1[split], (sch.amount - part1)[split]]
    # lump payments
    lump_amt = np.bincount(a[lump_rows], weights=sch.amount[lump_rows], minlength=len(acc))
    has_lump = lump_amt > 0
    rows_a.append(np.flatnonzero(has_lump))
    rows_t.append(lump_at[has_lump])
    rows_amt.append(lump_amt[has_lump].astype(np.int64))
    # defaulters who still send a little now and then (never enough to cure)
    dflt = np.flatnonzero(
        (acc.beh == DEFAULT) & (acc.stop_after < acc.term) & (rng.random(len(acc)) < 0.3)
    )
    if len(dflt):
        miss = first_row[dflt] + acc.stop_after[dflt]
        amt = (sch.amount[miss] * rng.uniform(0.1, 0.3, len(dflt)) / 100).astype(
            np.int64
        ) * 100 + 100
        when = _to_utc(
            (sch.due[miss] + rng.integers(15, 120, len(dflt))) * DAY
            + rng.integers(9 * HOUR, 21 * HOUR, len(dflt)),
            zone[miss],
        )
        rows_a.append(dflt)
        rows_t.append(when)
        rows_amt.append(amt)
    # a few returned payments: reversal, then paid again
    rev = np.flatnonzero(single & (beh <= DEFAULT) & (rng.random(n) < 0.01))
    if len(rev):
        r_t = t[rev] + rng.integers(1, 4, len(rev)) * DAY
        rows_a += [a[rev], a[rev]]
        rows_t += [r_t, r_t + rng.integers(3, 6, len(rev)) * DAY]
        rows_amt += [-sch.amount[rev], sch.amount[rev]]

    pa = np.concatenate(rows_a)
    pt = np.concatenate(rows_t)
    pam = np.concatenate(rows_amt)
    keep = pt < win.end_utc
    pay = _Payments(pa[keep], pt[keep], pam[keep], rng.integers(0, 4, int(keep.sum())))

    settled = np.where(paid, t, FAR)
    settled[lump_rows] = lump_at[a[lump_rows]]
    settled[settled >= win.end_utc] = FAR
    sch.paid_at = settled
    return pay


# ---------------------------------------------------------------- overdue periods


@dataclass
class _Segments:
    """Periods in the window during which an account is overdue: instalment k is
    the oldest one unpaid and its due date has passed."""

    acc: np.ndarray
    row: np.ndarray  # schedule row of the oldest unpaid instalment
    start: np.ndarray  # UTC
    end: np.ndarray  # UTC (payment that settles it, or the window end)
    cured: np.ndarray  # ends with a payment inside the window
    first_day: np.ndarray  # first local day a contact may be made
    last_day: np.ndarray  # last local day a contact may be made


def _segments(acc: _Accounts, cus: _Customers, sch: _Schedule, win: _Window) -> _Segments:
    zone = cus.zone[acc.cust[sch.acc]]
    overdue_from = _to_utc((sch.due + 1) * DAY, zone)
    prev = np.r_[-FAR, sch.paid_at[:-1]]
    prev[sch.k == 1] = -FAR
    start = np.maximum(np.maximum(overdue_from, prev), win.start_utc)
    end = np.minimum(sch.paid_at, win.end_utc)
    keep = (start < end) & ~acc.scenario[sch.acc]
    rows = np.flatnonzero(keep)
    z = zone[rows]
    first = _to_local(start[rows], z) // DAY + 1
    last = _to_local(end[rows] - 1, z) // DAY
    cured = sch.paid_at[rows] < FAR
    last = np.where(cured, last - 1, last)
    ok = last >= first
    rows = rows[ok]
    return _Segments(sch.acc[rows], rows, start[rows], end[rows], cured[ok], first[ok], last[ok])


# ---------------------------------------------------------------- agencies and collectors


AGENCIES = (  # id, name, licence, regime served
    ("AG01", "华信资产管理有限公司", "沪金催备字(2024)第0132号", CN),
    ("AG02", "鼎和商务咨询服务有限公司", "粤金催备字(2023)第0457号", CN),
    ("AG03", "Summit Recovery Partners LLC", "NMLS 2283140", US),
    ("AG04", "Harbour Credit Services Ltd", "FRN 812345", UK),
)
HOUSE = len(AGENCIES)  # pool index of in-house staff


@dataclass
class _Collectors:
    agency: np.ndarray  # -1 in-house
    certified_until: np.ndarray  # local day, -1 = never certified
    hired_on: np.ndarray
    pool_start: np.ndarray  # per pool (agencies, then in-house)
    pool_size: np.ndarray
    expired: int
    untrained: int
    unknown: int  # an id that is not in collectors.csv

    def __len__(self) -> int:
        return len(self.agency)


def _collectors(rng: np.random.Generator, n_accounts: int, win: _Window) -> _Collectors:
    sizes = [
        max(4, n_accounts // 8_000),
        max(4, n_accounts // 10_000),
        max(3, n_accounts // 25_000),
        max(3, n_accounts // 50_000),
        max(8, n_accounts // 4_000),
    ]
    agency = np.concatenate([np.full(s, a if a < HOUSE else NONE) for a, s in enumerate(sizes)])
    agency = np.r_[agency, NONE, NONE]  # one whose certificate lapsed, one never certified
    n = len(agency)
    certified = win.end_day + rng.integers(430, 1_100, n)
    hired = win.first_day - rng.integers(60, 1_500, n)
    certified[n - 2] = win.first_day - 1
    certified[n - 1] = NONE
    hired[n - 1] = win.first_day - 30
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    return _Collectors(agency, certified, hired, starts, np.array(sizes), n - 2, n - 1, n)


def _pick_collector(rng: np.random.Generator, col: _Collectors, agency: np.ndarray) -> np.ndarray:
    pool = np.where(agency < 0, HOUSE, agency)
    return col.pool_start[pool] + (rng.random(len(pool)) * col.pool_size[pool]).astype(np.int64)


# ---------------------------------------------------------------- contacts as column arrays

CONTACT_FIELDS = {
    "acc": np.int32,
    "person": np.int32,  # kind * customers + customer
    "num": np.int32,  # number dialled or texted (same numbering as people), -1 none
    "party": np.int8,
    "channel": np.int8,
    "direction": np.int8,
    "t": np.int64,  # UTC seconds
    "dur": np.int32,  # seconds, -1 = no end time
    "coll": np.int32,  # collector index, -1 none
    "result": np.int8,
    "conv": np.bool_,
    "outcome": np.int8,
    "ptp_amount": np.int64,
    "ptp_day": np.int32,
    "purpose": np.int8,
    "disc": np.int32,  # account discussed as well, -1 none
    "ai": np.bool_,
    "rec": np.bool_,
    "note": np.int32,  # index into the note list, -1 none
    "kind": np.int8,
    "seg": np.int32,  # overdue segment of a background contact, -1 none
    "tag": np.int32,  # scenario contact number, -1 background
}


def _empty_contacts(n: int) -> dict[str, np.ndarray]:
    out = {}
    for name, dtype in CONTACT_FIELDS.items():
        out[name] = np.zeros(n, bool) if dtype is np.bool_ else np.full(n, NONE, dtype)
    return out


def _take(c: dict[str, np.ndarray], sel: np.ndarray) -> dict[str, np.ndarray]:
    return {k: v[sel] for k, v in c.items()}


def _concat(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {
        k: np.concatenate([p[k] for p in parts]).astype(dtype, copy=False)
        for k, dtype in CONTACT_FIELDS.items()
    }


# ---------------------------------------------------------------- notes

NOTE_POOLS: dict[str, tuple[str, ...]] = {
    "zh_conv": (
        "客户表示本月工资晚发，月底前还款",
        "客户称资金周转困难，申请延期还款",
        "已告知逾期金额及罚息，客户表示理解",
        "客户对账单金额有疑问，已解释还款明细",
        "客户同意先还部分欠款",
        "客户称已安排家人代为还款",
        "客户要求稍后回电",
        "提醒客户按时还款，避免影响个人信用记录",
        "客户称近期失业，正在找工作",
        "客户态度配合，确认还款账户",
        "客户说：好的👌 月底还",
        '客户称"下周一"还款，已记录',
        "第一次沟通客户在开会\n约定下午再联系",
    ),
    "zh_ptp": (
        "客户承诺按约定日期还款",
        "客户承诺发工资后一次性还清逾期金额",
        "客户同意本周内还款",
    ),
    "zh_noanswer": ("", "", "无人接听", "电话无人接听，稍后再拨", "对方挂断"),
    "zh_sms": (
        "【示例消费金融】尊敬的客户，您的分期账单已逾期，请尽快还款，如已还款请忽略。",
        "【示例消费金融】您本期应还款项尚未结清，可通过APP或银行转账还款。",
    ),
    "zh_remind": ("【示例消费金融】温馨提示：您的本期账单即将到期，请按时还款。",),
    "zh_ai": ("智能语音提醒：账单已逾期", "AI外呼，客户已收听还款提醒"),
    "zh_visit": ("上门拜访，客户在家，沟通还款计划", "<b>已核实</b>客户居住地址，面谈还款安排"),
    "zh_visit_none": ("上门未见到客户，留下联系函",),
    "zh_relative": (
        "联系紧急联系人，请其转告客户回电",
        "亲属表示会提醒客户",
        "亲属称与客户联系较少",
    ),
    "zh_inbound": ("客户来电询问还款方式", "客户来电告知已安排还款", "客户来电申请调整还款日"),
    "zh_letter": ("寄送逾期提醒函",),
    "zh_notice": ("寄送停止催收确认函",),
    "zh_im": ("微信发送还款提醒",),
    "zh_guarantor": ("联系担保人，告知借款人逾期情况",),
    "zh_wrong": ("接听人称不认识客户，号码错误",),
    "zh_attorney": ("与客户委托律师沟通账户情况",),
    "en_conv": (
        "Customer agreed to a payment plan starting next month",
        "Discussed balance and options; customer will call back",
        "Customer disputes late fee, explained the charges",
        "Customer says paycheck delayed, will pay Friday",
        "Verified identity, reviewed account status",
        'Customer said "maybe next week, honestly"',
        "O'Brien; payment ref 12,345 confirmed",
        "'; DROP TABLE contacts; -- pasted from CRM",
        "Thanks 🙏 will pay soon",
    ),
    "en_ptp": (
        "Customer promised payment by the agreed date",
        "Promise to pay the past-due amount",
    ),
    "en_noanswer": ("", "", "No answer", "Rang out, will retry"),
    "en_voicemail": ("Left voicemail with callback number", "Left a brief message to call back"),
    "en_sms": ("Reminder: your instalment is past due. Pay in the app or call us.",),
    "en_remind": ("Reminder: your instalment is due in 3 days.",),
    "en_email": ("Emailed account statement and payment options",),
    "en_visit": ("Field visit, spoke with customer about affordability",),
    "en_visit_none": ("Field visit, nobody home, card left",),
    "en_inbound": (
        "Customer called in to ask about payoff amount",
        "Customer called to set up a plan",
    ),
    "en_letter": ("Mailed past-due notice",),
    "en_notice": ("Mailed acknowledgement of the request to stop contact",),
    "en_location": (
        "Asked contact for customer's current phone number; no debt details disclosed",
    ),
    "en_attorney": ("Spoke with the customer's attorney about the account",),
    "en_wrong": ("Person who answered does not know the customer; wrong number",),
    "en_relative": ("Asked the contact to pass on a callback request",),
}
NOTES: tuple[str, ...] = tuple(n for pool in NOTE_POOLS.values() for n in pool)
_POOL_AT: dict[str, tuple[int, int]] = {}
_i = 0
for _name, _pool in NOTE_POOLS.items():
    _POOL_AT[_name] = (_i, len(_pool))
    _i += len(_pool)
del _i, _name, _pool


_EMPTY_NOTE = np.array([not n for n in NOTES])


def _notes(rng: np.random.Generator, pool: str, n: int) -> np.ndarray:
    start, size = _POOL_AT[pool]
    idx = start + rng.integers(0, size, n)
    return np.where(_EMPTY_NOTE[idx], NONE, idx)


# ---------------------------------------------------------------- events

EVENT_FIELDS = ("acc", "cust", "person", "type", "t", "end", "channel", "num", "window", "cat")


def _empty_events(n: int) -> dict[str, np.ndarray]:
    return {k: np.full(n, NONE, np.int64) for k in EVENT_FIELDS}


def _concat_events(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([p[k] for p in parts]) for k in EVENT_FIELDS}


EVENT_DETAIL = {
    "cease_request": ("Written request to stop all contact", "客户书面要求停止催收"),
    "refuse_to_pay": ("Customer wrote that they refuse to pay", "客户书面表示拒绝还款"),
    "attorney_represented": ("Letter from the customer's attorney", "客户已委托律师"),
    "dispute": ("Customer disputes the balance", "客户对欠款金额有异议"),
    "consent_to_call": ("Customer asked to be called back this week", "客户同意本周内来电"),
    "consent_revoked": ("Customer withdrew consent to calls", "客户撤回来电同意"),
    "medium_optout": ("Customer asked not to be contacted this way", "客户要求不再通过该方式联系"),
    "inconvenient_time": ("Customer said these times are inconvenient", "客户告知不便联系的时段"),
    "wrong_number": ("Number does not belong to the customer", "号码非客户本人"),
    "contact_refused": ("Contact person asked not to be called again", "联系人要求不再联系"),
    "bankruptcy": ("Bankruptcy filing notified", "收到破产申请通知"),
    "deceased": ("Death of the customer notified by family", "家属告知客户已去世"),
    "vulnerable": ("Customer disclosed a serious illness", "客户告知身患重病"),
    "complaint": ("Complaint received", "收到客户投诉"),
    "hardship_plan": ("Hardship plan agreed", "已达成困难还款计划"),
}
EVENT_TYPE_LIST = tuple(EVENT_DETAIL)
EV = {name: i for i, name in enumerate(EVENT_TYPE_LIST)}
STOP_ALL = (EV["deceased"], EV["bankruptcy"], EV["cease_request"], EV["refuse_to_pay"])


def _hours_window(cus: _Customers, win: _Window, cust: np.ndarray):
    """Local (primary zone) [lo, hi) seconds of day inside 09:00-20:00 in every candidate zone."""
    off = np.array([win.zone_offsets[z] for z in range(len(ZONES))])
    zone = cus.zone[cust]
    alt = cus.alt[cust]
    d = np.where(alt >= 0, off[np.maximum(alt, 0)] - off[zone], 0)
    return 9 * HOUR - np.minimum(d, 0), 20 * HOUR - np.maximum(d, 0)


def _longest_segment(seg: _Segments, n_acc: int) -> tuple[np.ndarray, np.ndarray]:
    """Per account, the index of its longest overdue segment (or -1) and its length."""
    length = seg.end - seg.start
    order = np.lexsort((-length, seg.acc))
    first = _group_starts([seg.acc[order]])
    best = np.full(n_acc, NONE)
    best[seg.acc[order][first]] = order[first]
    size = np.where(best >= 0, length[np.maximum(best, 0)], 0)
    return best, size


def _background_events(
    rng: np.random.Generator,
    acc: _Accounts,
    cus: _Customers,
    seg: _Segments,
    win: _Window,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Events on background accounts, and the contacts they bring with them
    (notice letters, calls to an attorney, the call that found a wrong number)."""
    n = len(acc)
    best, size = _longest_segment(seg, n)
    regime = cus.regime[acc.cust]
    eligible = (best >= 0) & (size >= 12 * DAY) & ~acc.scenario
    parts, extra = [], []

    def when(sel: np.ndarray, lo: float = 0.25, hi: float = 0.6) -> np.ndarray:
        s = seg.start[best[sel]]
        e = seg.end[best[sel]]
        return s + ((e - s) * rng.uniform(lo, hi, len(sel))).astype(np.int64)

    def add(sel, etype, t, *, person_level=None, end=None, **cols):
        ev = _empty_events(len(sel))
        ev["acc"] = sel.copy()
        ev["cust"] = acc.cust[sel]
        if person_level is not None:
            ev["acc"][person_level] = NONE
            ev["person"][person_level] = acc.cust[sel][person_level]
        ev["type"][:] = EV[etype]
        ev["t"] = t
        if end is not None:
            ev["end"] = np.where(end < win.end_utc, end, NONE)
        for k, v in cols.items():
            ev[k] = np.asarray(v, np.int64)
        parts.append(ev)

    probs = {  # per regime cn, us, uk
        "complaint": (0.10, 0.10, 0.12),
        "hardship_plan": (0.05, 0.04, 0.06),
        "dispute": (0.03, 0.05, 0.03),
        "consent_to_call": (0.0, 0.10, 0.0),
        "cease_request": (0.02, 0.06, 0.05),
        "refuse_to_pay": (0.0, 0.02, 0.0),
        "attorney_represented": (0.0, 0.04, 0.0),
        "medium_optout": (0.02, 0.06, 0.06),
        "inconvenient_time": (0.03, 0.08, 0.08),
        "wrong_number": (0.04, 0.04, 0.04),
        "contact_refused": (0.06, 0.0, 0.0),
        "vulnerable": (0.01, 0.01, 0.10),
        "bankruptcy": (0.01, 0.015, 0.015),
        "deceased": (0.006, 0.006, 0.006),
    }
    chosen = {}
    for etype, p in probs.items():
        chosen[etype] = np.flatnonzero(eligible & (rng.random(n) < np.array(p)[regime]))
    stopped = np.zeros(n, bool)
    for etype in (
        "cease_request",
        "refuse_to_pay",
        "attorney_represented",
        "bankruptcy",
        "deceased",
    ):
        sel = chosen[etype][~stopped[chosen[etype]]]  # one ending event per account
        stopped[sel] = True
        chosen[etype] = sel

    sel = chosen["complaint"]
    add(
        sel,
        "complaint",
        when(sel, 0.05, 0.95),
        cat=rng.integers(0, len(COMPLAINT_CATEGORIES), len(sel)),
    )
    sel = chosen["hardship_plan"]
    t = when(sel, 0.1, 0.5)
    add(sel, "hardship_plan", t, end=t + rng.integers(60, 120, len(sel)) * DAY)
    sel = chosen["dispute"]
    add(sel, "dispute", when(sel, 0.1, 0.9))
    sel = chosen["consent_to_call"]
    t = when(sel, 0.1, 0.8)
    add(sel, "consent_to_call", t)
    rev = sel[rng.random(len(sel)) < 0.3]
    if len(rev):
        add(rev, "consent_revoked", t[np.isin(sel, rev)] + rng.integers(2, 6, len(rev)) * DAY)
    for etype in ("cease_request", "refuse_to_pay", "bankruptcy", "deceased"):
        sel = chosen[etype]
        t = when(sel)
        person_level = (rng.random(len(sel)) < 0.5) if etype in ("bankruptcy", "deceased") else None
        add(sel, etype, t, person_level=person_level)
        if etype in ("cease_request", "refuse_to_pay") and len(sel):
            z = cus.zone[acc.cust[sel]]
            day = _to_local(t, z) // DAY + rng.integers(1, 4, len(sel))
            letter = _empty_contacts(len(sel))
            letter["acc"] = sel
            letter["person"] = acc.cust[sel]
            letter["party"][:] = P["debtor"]
            letter["channel"][:] = CH["letter"]
            letter["direction"][:] = OUTBOUND
            letter["t"] = _to_utc(day * DAY + 11 * HOUR, z)
            letter["result"][:] = RES["completed"]
            letter["outcome"][:] = OUT["none"]
            letter["purpose"][:] = PUR["notice"]
            letter["kind"][:] = K_NOTICE
            extra.append(letter)
    sel = chosen["attorney_represented"]
    t = when(sel)
    add(sel, "attorney_represented", t)
    if len(sel):
        lo, hi = _hours_window(cus, win, acc.cust[sel])
        z = cus.zone[acc.cust[sel]]
        day = _to_local(t, z) // DAY + rng.integers(1, 4, len(sel))
        call = _empty_contacts(len(sel))
        call["acc"] = sel
        call["person"] = KIND["attorney"] * len(cus) + acc.cust[sel]
        call["num"] = call["person"]
        call["party"][:] = P["attorney"]
        call["channel"][:] = CH["call"]
        call["direction"][:] = OUTBOUND
        call["t"] = _to_utc(
            day * DAY + lo + ((hi - lo) * rng.uniform(0.2, 0.8, len(sel))).astype(np.int64), z
        )
        call["result"][:] = RES["answered"]
        call["conv"][:] = True
        call["outcome"][:] = OUT["none"]
        call["purpose"][:] = PUR["collection"]
        call["kind"][:] = K_ATTY
        extra.append(call)
    sel = chosen["medium_optout"]
    medium = _choice(rng, len(sel), {CH["sms"]: 0.5, CH["email"]: 0.25, CH["call"]: 0.25})
    medium = np.where((regime[sel] == CN) & (medium == CH["email"]), CH["sms"], medium)
    num = np.where((medium == CH["call"]) & (rng.random(len(sel)) < 0.5), acc.cust[sel], NONE)
    add(
        sel,
        "medium_optout",
        when(sel, 0.05, 0.6),
        person_level=rng.random(len(sel)) < 0.5,
        channel=medium,
        num=num,
    )
    sel = chosen["inconvenient_time"]
    add(
        sel,
        "inconvenient_time",
        when(sel, 0.05, 0.5),
        window=rng.integers(0, len(WINDOWS), len(sel)),
    )
    sel = chosen["wrong_number"]
    if len(sel):
        lo, hi = _hours_window(cus, win, acc.cust[sel])
        z = cus.zone[acc.cust[sel]]
        s = seg.start[best[sel]]
        e = seg.end[best[sel]]
        day = _to_local(s + ((e - s) * rng.uniform(0.2, 0.7, len(sel))).astype(np.int64), z) // DAY
        t = _to_utc(
            day * DAY + lo + HOUR + ((hi - lo - 2 * HOUR) * rng.random(len(sel))).astype(np.int64),
            z,
        )
        stranger = KIND["stranger"] * len(cus) + acc.cust[sel]
        add(sel, "wrong_number", t, num=stranger)
        call = _empty_contacts(len(sel))
        call["acc"] = sel
        call["num"] = stranger
        call["person"] = stranger
        call["party"][:] = P["unknown"]
        call["channel"][:] = CH["call"]
        call["direction"][:] = OUTBOUND
        call["t"] = t - 30 * 60
        call["result"][:] = RES["answered"]
        call["conv"][:] = True
        call["outcome"][:] = OUT["wrong_number"]
        call["purpose"][:] = PUR["collection"]
        call["kind"][:] = K_WRONG
        extra.append(call)
    sel = chosen["contact_refused"]
    t = when(sel, 0.3, 0.7)
    add(sel, "contact_refused", t, person=KIND["emergency"] * len(cus) + acc.cust[sel])
    sel = chosen["vulnerable"]
    add(sel, "vulnerable", when(sel, 0.05, 0.9), person_level=rng.random(len(sel)) < 0.7)

    events = _concat_events(parts) if parts else _empty_events(0)
    contacts = _concat(extra) if extra else _empty_contacts(0)
    return events, contacts


# ---------------------------------------------------------------- background contacts

BASE_RATE = (0.42, 0.0, 0.22)  # contact-days per overdue day (cn, -, uk); us: one call per 9+ days


def _expected_contacts(seg: _Segments, regime: np.ndarray, sch: _Schedule, win: _Window) -> float:
    days = (seg.last_day - seg.first_day + 1).astype(float)
    r = regime[seg.acc]
    natural = (
        (days * BASE_RATE[CN] * 1.6)[r == CN].sum()
        + (days * BASE_RATE[UK] * 1.3)[r == UK].sum()
        + (days / 11.5 * 1.5)[r == US].sum()
    )
    in_window = ((sch.due >= win.first_day) & (sch.due < win.end_day)).sum()
    return float(natural + 0.35 * in_window)


def _background_contacts(
    rng: np.random.Generator,
    acc: _Accounts,
    cus: _Customers,
    sch: _Schedule,
    seg: _Segments,
    win: _Window,
    col: _Collectors,
    intensity: float,
) -> dict[str, np.ndarray]:
    regime = cus.regime[acc.cust]
    nseg = len(seg.acc)
    days = seg.last_day - seg.first_day + 1
    r = regime[seg.acc]
    boost = max(1.0, BASE_RATE[CN] * intensity)
    p_two = min(0.9, 0.35 * boost)
    p_extra = min(0.9, 0.2 * boost)

    # contact days: cn and uk at a daily rate, us one call every 9+ days
    rate = np.array(
        [min(1.0, BASE_RATE[CN] * intensity), 0.0, min(1.0, BASE_RATE[UK] * intensity)]
    )[r]
    n_days = np.minimum(np.floor(days * rate + rng.random(nseg)).astype(np.int64), days)
    gap_max = 9 + round(6 / min(1.0, intensity))
    gap = rng.integers(9, gap_max + 1, nseg)
    phase = (rng.random(nseg) * np.minimum(gap, days)).astype(np.int64)
    us = r == US
    n_days[us] = np.maximum(0, (days[us] - phase[us] + gap[us] - 1) // gap[us])
    s_idx = np.repeat(np.arange(nseg), n_days)
    i = _pos_in_group(n_days)
    off = np.where(
        us[s_idx],
        phase[s_idx] + i * gap[s_idx],
        ((i + rng.random(len(i))) * days[s_idx] / np.maximum(n_days[s_idx], 1)).astype(np.int64),
    )
    day = seg.first_day[s_idx] + off
    a = seg.acc[s_idx]
    dpd = day - sch.due[seg.row[s_idx]]
    reg = regime[a]
    unreach = acc.unreachable[a]
    car = acc.product[a] == CAR
    nd = len(day)

    kind = np.full(nd, K_CALL)
    cn = reg == CN
    kind[cn] = _pick(
        rng,
        [
            (K_SMS, 0.2),
            (K_AI, np.where(dpd < 31, 0.16, 0.05)[cn]),
            (K_CALL, 0.42),
            (K_IN, np.where(unreach, 0, 0.05)[cn]),
            (K_IM, np.where(unreach, 0, 0.05)[cn]),
            (K_VISIT, np.where(dpd >= 60, 0.05, 0)[cn]),
            (K_LETTER, np.where(dpd >= 30, 0.03, 0)[cn]),
            (K_GUAR, np.where(car & ~unreach, 0.04, 0)[cn]),
            (K_REL, np.where(unreach & (dpd >= 15), 0.25, 0)[cn]),
        ],
        int(cn.sum()),
    )
    uk = reg == UK
    kind[uk] = _pick(
        rng,
        [
            (K_CALL, 0.5),
            (K_SMS, 0.2),
            (K_EMAIL, 0.1),
            (K_LETTER, np.where(dpd >= 30, 0.06, 0)[uk]),
            (K_VISIT, np.where(dpd >= 60, 0.04, 0)[uk]),
            (K_IN, np.where(unreach, 0, 0.06)[uk]),
        ],
        int(uk.sum()),
    )
    usd = reg == US
    kind[usd] = _pick(
        rng, [(K_CALL, 0.78), (K_RVM, 0.1), (K_IN, np.where(unreach, 0, 0.12)[usd])], int(usd.sum())
    )
    two = np.isin(kind, (K_CALL, K_AI)) & (reg != US) & (rng.random(nd) < p_two) & (reg == CN)
    xsms = ~np.isin(kind, (K_SMS, K_VISIT, K_LETTER)) & (reg != US) & (rng.random(nd) < p_extra)
    count = 1 + two + xsms
    d_idx = np.repeat(np.arange(nd), count)
    j = _pos_in_group(count)
    k = kind[d_idx].copy()
    k[(j == 1) & two[d_idx]] = K_CALL2
    k[(j == count[d_idx] - 1) & xsms[d_idx] & (j > 0)] = K_XSMS
    day_c = day[d_idx]
    seg_c = s_idx[d_idx]
    c_count = count[d_idx]
    jj = j

    # us: a text or e-mail a few days after each call day; unreachable: ask a contact for location
    us_days = np.flatnonzero(usd)
    msg = us_days[rng.random(len(us_days)) < min(1.0, 0.5 * intensity)]
    loc = us_days[unreach[us_days] & (dpd[us_days] >= 30) & (rng.random(len(us_days)) < 0.2)]
    k = np.r_[k, np.where(rng.random(len(msg)) < 0.6, K_SMS, K_EMAIL), np.full(len(loc), K_LOC)]
    day_c = np.r_[day_c, day[msg] + 4, day[loc] + 1]
    seg_c = np.r_[seg_c, s_idx[msg], s_idx[loc]]
    c_count = np.r_[c_count, np.ones(len(msg) + len(loc), np.int64)]
    jj = np.r_[jj, np.zeros(len(msg) + len(loc), np.int64)]
    ok = day_c <= seg.last_day[seg_c]
    k, day_c, seg_c, c_count, jj = k[ok], day_c[ok], seg_c[ok], c_count[ok], jj[ok]

    # servicing reminders a few days before instalments due in the window
    rows = np.flatnonzero(
        (sch.due >= win.first_day + 3)
        & (sch.due < win.end_day)
        & ~acc.scenario[sch.acc]
        & (rng.random(len(sch.due)) < min(1.0, 0.35 * intensity))
    )
    n_rem = len(rows)

    n = len(k) + n_rem
    c = _empty_contacts(n)
    c["kind"] = np.r_[k, np.full(n_rem, K_REMIND)]
    c["seg"] = np.r_[seg_c, np.full(n_rem, NONE)]
    c["acc"] = np.r_[seg.acc[seg_c], sch.acc[rows]]
    a = c["acc"]
    cust = acc.cust[a]
    lo, hi = _hours_window(cus, win, cust)
    frac = np.r_[(jj + 0.15 + 0.7 * rng.random(len(jj))) / c_count, rng.uniform(0.1, 0.9, n_rem)]
    tod = lo + ((hi - lo) * frac).astype(np.int64)
    kind = c["kind"]
    visit = kind == K_VISIT
    tod[visit] = np.maximum(lo, 10 * HOUR)[visit] + (
        rng.random(int(visit.sum())) * 7 * HOUR
    ).astype(np.int64)
    day_all = np.r_[day_c, sch.due[rows] - 3]
    c["t"] = _to_utc(day_all * DAY + tod, cus.zone[cust])
    reg = regime[a]
    unreach = acc.unreachable[a]
    nc = len(cust)
    c["person"] = cust.copy()
    c["num"] = cust.copy()
    c["party"][:] = P["debtor"]
    c["direction"][:] = OUTBOUND
    c["purpose"][:] = PUR["collection"]
    c["outcome"][:] = OUT["none"]
    ch = np.full(nc, CH["call"])
    ch[np.isin(kind, (K_SMS, K_XSMS))] = CH["sms"]
    ch[kind == K_IM] = CH["im"]
    ch[kind == K_VISIT] = CH["visit"]
    ch[kind == K_LETTER] = CH["letter"]
    ch[kind == K_EMAIL] = CH["email"]
    ch[kind == K_RVM] = CH["ringless_voicemail"]
    rem = kind == K_REMIND
    ch[rem] = np.where(
        rng.random(nc) < 0.5, CH["sms"], np.where(reg == CN, CH["app_push"], CH["email"])
    )[rem]
    c["channel"] = ch
    c["purpose"][rem] = PUR["servicing"]
    c["direction"][kind == K_IN] = INBOUND
    c["ai"] = kind == K_AI
    rel = kind == K_REL
    who = np.where(rng.random(nc) < 0.5, KIND["emergency"], KIND["relative"])
    c["person"][rel] = (who * len(cus) + cust)[rel]
    gu = kind == K_GUAR
    c["person"][gu] = (KIND["guarantor"] * len(cus) + cust)[gu]
    lc = kind == K_LOC
    c["person"][lc] = (KIND["emergency"] * len(cus) + cust)[lc]
    c["purpose"][lc] = PUR["location_info"]
    c["num"] = c["person"].copy()
    no_number = np.isin(ch, (CH["visit"], CH["letter"], CH["email"], CH["app_push"]))
    c["num"][no_number] = NONE
    c["party"] = KIND_PARTY[c["person"] // len(cus)]

    # results
    res = np.full(nc, RES["no_answer"])
    call = ch == CH["call"]
    human = call & ~c["ai"]
    res_cn = _choice(
        rng,
        nc,
        {
            RES["answered"]: 0.35,
            RES["no_answer"]: 0.4,
            RES["rejected"]: 0.1,
            RES["busy"]: 0.1,
            RES["failed"]: 0.05,
        },
    )
    res_cn_u = _choice(
        rng,
        nc,
        {
            RES["no_answer"]: 0.5,
            RES["rejected"]: 0.15,
            RES["busy"]: 0.1,
            RES["not_in_service"]: 0.15,
            RES["failed"]: 0.1,
        },
    )
    res_w = _choice(
        rng,
        nc,
        {
            RES["answered"]: 0.27,
            RES["no_answer"]: 0.38,
            RES["voicemail"]: 0.28,
            RES["busy"]: 0.05,
            RES["failed"]: 0.02,
        },
    )
    res_w_u = _choice(
        rng,
        nc,
        {
            RES["no_answer"]: 0.5,
            RES["voicemail"]: 0.3,
            RES["busy"]: 0.1,
            RES["not_in_service"]: 0.1,
        },
    )
    unans = _choice(
        rng,
        nc,
        {RES["no_answer"]: 0.6, RES["rejected"]: 0.2, RES["busy"]: 0.15, RES["failed"]: 0.05},
    )
    ai_res = _choice(rng, nc, {RES["answered"]: 0.25, RES["no_answer"]: 0.6, RES["rejected"]: 0.15})
    rel_res = _choice(
        rng, nc, {RES["answered"]: 0.45, RES["no_answer"]: 0.4, RES["rejected"]: 0.15}
    )
    base = np.where(
        reg == CN, np.where(unreach, res_cn_u, res_cn), np.where(unreach, res_w_u, res_w)
    )
    res[human] = base[human]
    res[c["ai"]] = np.where(unreach, unans, ai_res)[c["ai"]]
    res[kind == K_CALL2] = unans[kind == K_CALL2]
    res[np.isin(kind, (K_REL, K_GUAR))] = rel_res[np.isin(kind, (K_REL, K_GUAR))]
    res[np.isin(kind, (K_IN, K_LOC))] = RES["answered"]
    res[ch == CH["ringless_voicemail"]] = RES["voicemail"]
    msg_res = _choice(rng, nc, {RES["delivered"]: 0.85, RES["sent"]: 0.1, RES["bounced"]: 0.05})
    is_msg = np.isin(ch, (CH["sms"], CH["email"], CH["im"], CH["app_push"]))
    res[is_msg] = msg_res[is_msg]
    res[np.isin(ch, (CH["visit"], CH["letter"]))] = RES["completed"]
    c["result"] = res
    c["conv"] = (np.isin(ch, CALLS) & (res == RES["answered"])) | (
        visit & ~unreach & (rng.random(nc) < 0.6)
    )
    connected = np.isin(ch, CALLS) & np.isin(res, CONNECTED)
    c["rec"] = connected | (ch == CH["visit"])
    dur = np.full(nc, NONE)
    dur[connected] = rng.integers(20, 50, nc)[connected]
    dur[np.isin(ch, CALLS) & ~connected] = rng.integers(0, 6, nc)[np.isin(ch, CALLS) & ~connected]
    dur[c["conv"]] = rng.integers(60, 900, nc)[c["conv"]]
    dur[ch == CH["visit"]] = rng.integers(900, 3600, nc)[ch == CH["visit"]]
    c["dur"] = dur

    staffed = (human | (ch == CH["visit"]) | (ch == CH["im"])) & ~c["ai"]
    c["coll"][staffed] = _pick_collector(rng, col, acc.agency[a[staffed]])
    return c


def _attach_staff(
    rng: np.random.Generator, c: dict[str, np.ndarray], acc: _Accounts, col: _Collectors
):
    """Collectors for contacts made by people (event-driven calls)."""
    need = np.isin(c["kind"], (K_ATTY, K_WRONG)) & (c["coll"] < 0)
    c["coll"][need] = _pick_collector(rng, col, acc.agency[c["acc"][need]])
    conn = np.isin(c["channel"], CALLS) & np.isin(c["result"], CONNECTED)
    c["rec"] |= conn | (c["channel"] == CH["visit"])
    talk = c["conv"] & (c["dur"] < 0)
    c["dur"][talk] = rng.integers(60, 600, int(talk.sum()))


# ---------------------------------------------------------------- the sieve


def _cum_before(
    q_grp: np.ndarray, q_key: np.ndarray, e_grp: np.ndarray, e_key: np.ndarray, e_val: np.ndarray
) -> np.ndarray:
    """Per query, the sum of e_val over events of its group with e_key < q_key.

    Both sides become one sorted int64 key (group, key); queries already in that
    order (the sieve sorts contacts by account and time) make the search cheap.
    """
    if not len(q_grp):
        return np.zeros(0, np.int64)
    lo = min(int(q_key.min()), int(e_key.min(initial=q_key.min())))
    span = max(int(q_key.max()), int(e_key.max(initial=q_key.max()))) - lo + 2
    ec = e_grp.astype(np.int64) * span + (e_key.astype(np.int64) - lo)
    if len(ec) > 1 and not (ec[1:] >= ec[:-1]).all():
        order = np.argsort(ec, kind="stable")
        ec, e_val = ec[order], e_val[order]
    cum = np.r_[0, np.cumsum(e_val, dtype=np.int64)]
    qg = q_grp.astype(np.int64) * span
    qc = qg + (q_key.astype(np.int64) - lo)
    q_order = None
    if len(qc) > 1 and not (qc[1:] >= qc[:-1]).all():
        q_order = np.argsort(qc, kind="stable")
        qc, qg = qc[q_order], qg[q_order]
    res = cum[np.searchsorted(ec, qc, "left")] - cum[np.searchsorted(ec, qg, "left")]
    if q_order is not None:
        out = np.empty_like(res)
        out[q_order] = res
        res = out
    return res


def _overdue_at(
    accs: np.ndarray, t: np.ndarray, day: np.ndarray, sch: _Schedule, pay: _Payments
) -> np.ndarray:
    """GEN-NOT-DUE / GEN-PAID-OFF test, exactly: instalments due before the local
    date minus payments before the instant is positive, and the loan is not repaid."""
    due_before = _cum_before(accs, day, sch.acc, sch.due, sch.amount)
    paid_before = _cum_before(accs, t, pay.acc, pay.t, pay.amount)
    total = np.bincount(sch.acc, weights=sch.amount, minlength=int(accs.max(initial=0)) + 1)
    return (due_before - paid_before > 0) & (paid_before < total[accs].astype(np.int64))


def _in_window(local: np.ndarray, window_idx: np.ndarray) -> np.ndarray:
    """Is local time inside the inconvenient window (WINDOWS index)?"""
    days = np.zeros((len(WINDOWS), 8), bool)
    for w, (_, wd, _, _) in enumerate(WINDOWS):
        days[w, list(wd)] = True
    start = np.array([w[2] for w in WINDOWS])
    end = np.array([w[3] for w in WINDOWS])
    day = local // DAY
    minute = (local % DAY) // 60
    return (
        days[window_idx, _weekday(day)] & (minute >= start[window_idx]) & (minute < end[window_idx])
    )


def _sieve(
    c: dict[str, np.ndarray],
    acc: _Accounts,
    cus: _Customers,
    sch: _Schedule,
    pay: _Payments,
    ev: dict[str, np.ndarray],
    win: _Window,
) -> dict[str, np.ndarray]:
    """Drop every candidate that could break a rule (checks against the candidates
    are stricter than checks against the survivors, since rules are monotone)."""
    nc_total = len(cus)
    n_acc = len(acc)
    key = c["acc"].astype(np.int64) * (1 << 33) + (c["t"] - win.start_utc + (1 << 32))
    c = _take(c, np.argsort(key, kind="stable"))  # by account, then time
    cust = acc.cust[c["acc"]]
    zone = cus.zone[cust]
    alt = cus.alt[cust]
    loc = _to_local(c["t"], zone)
    loc_alt = np.where(alt >= 0, _to_local(c["t"], np.where(alt >= 0, alt, zone)), loc)

    # hours: 09:00-20:00 in every zone, inside the window
    tod, tod_alt = loc % DAY, loc_alt % DAY
    keep = (tod >= 9 * HOUR) & (tod < 20 * HOUR) & (tod_alt >= 9 * HOUR) & (tod_alt < 20 * HOUR)
    keep &= (c["t"] >= win.start_utc) & (c["t"] < win.end_utc)

    # collection contacts only while something is overdue and the debt is not repaid
    idx = np.flatnonzero(keep & (c["direction"] == OUTBOUND) & (c["purpose"] == PUR["collection"]))
    day = np.minimum(loc, loc_alt) // DAY
    keep[idx] = _overdue_at(c["acc"][idx], c["t"][idx], day[idx], sch, pay)

    # events that stop or restrict contact (ended_at ignored: stricter than the rules)
    person_level = ev["acc"] < 0

    def first_time(sel: np.ndarray, by_acc: bool) -> np.ndarray:
        out = np.full(n_acc if by_acc else nc_total, FAR)
        np.minimum.at(out, ev["acc"][sel] if by_acc else ev["cust"][sel], ev["t"][sel])
        return out

    stop = np.isin(ev["type"], STOP_ALL)
    t_stop = np.minimum(
        first_time(stop & ~person_level, True)[c["acc"]],
        first_time(stop & person_level, False)[cust],
    )
    keep &= (c["t"] < t_stop - HOUR) | (c["purpose"] == PUR["notice"])
    atty = first_time((ev["type"] == EV["attorney_represented"]) & ~person_level, True)
    keep &= (c["t"] < atty[c["acc"]] - HOUR) | (c["party"] == P["attorney"])
    # opted-out media: any of the customer's accounts, any number (stricter than the rule)
    for medium, barred in (
        (CH["sms"], (CH["sms"],)),
        (CH["email"], (CH["email"],)),
        (CH["call"], CALLS),
    ):
        t_opt = first_time((ev["type"] == EV["medium_optout"]) & (ev["channel"] == medium), False)
        keep &= ~(np.isin(c["channel"], barred) & (c["t"] >= t_opt[cust] - HOUR))
    # inconvenient times (one window per account in the background), in every zone
    inc = np.flatnonzero(ev["type"] == EV["inconvenient_time"])
    w_of = np.full(n_acc, NONE)
    w_t = np.full(n_acc, FAR)
    w_of[ev["acc"][inc]] = ev["window"][inc]
    w_t[ev["acc"][inc]] = ev["t"][inc]
    wi = w_of[c["acc"]]
    has = np.flatnonzero(wi >= 0)
    hit = _in_window(loc[has], wi[has]) | _in_window(loc_alt[has], wi[has])
    keep[has] &= ~(hit & (c["t"][has] >= w_t[c["acc"][has]] - DAY))
    # no visits to customers flagged vulnerable, ever
    vuln = np.zeros(nc_total, bool)
    vuln[ev["cust"][ev["type"] == EV["vulnerable"]]] = True
    keep &= ~(vuln[cust] & (c["channel"] == CH["visit"]))
    # people who asked not to be contacted: never again
    ref = ev["type"] == EV["contact_refused"]
    if ref.any():
        persons = ev["person"][ref]
        order = np.argsort(persons, kind="stable")
        persons, t_ref = persons[order], ev["t"][ref][order]
        pos = np.clip(np.searchsorted(persons, c["person"]), 0, len(persons) - 1)
        keep &= ~((persons[pos] == c["person"]) & (c["t"] >= t_ref[pos] - HOUR))
    sel = np.flatnonzero(keep)
    c, cust, loc = _take(c, sel), cust[sel], loc[sel]
    keep = np.ones(len(sel), bool)
    regime = cus.regime[cust]

    # Reg F (us accounts only): one location conversation per third party, and a call to
    # a person about a debt only 8+ days after any call to or conversation with them
    us = np.flatnonzero(regime == US)
    u = _take(c, us)
    loc_rank = _rank_in_group(
        [np.where(u["purpose"] == PUR["location_info"], u["person"], -1)], u["t"]
    )
    drop = (u["purpose"] == PUR["location_info"]) & (loc_rank >= 1)
    u_call = np.isin(u["channel"], CALLS) & (u["direction"] == OUTBOUND)
    relevant = u_call | u["conv"]
    prev = _prev_in_group(
        [np.where(relevant, u["person"], -1), np.where(relevant, u["acc"], -1)], u["t"]
    )
    drop |= u_call & (u["t"] - prev < 8 * DAY + HOUR)
    keep[us[drop]] = False

    # numbers and debtors shared by several accounts (one customer, two loans):
    # no two calls within 10 minutes, at most 4 calls a day to a number and at most
    # 2 conversations a day with the debtor. A customer with one loan stays far below
    # these by construction (at most 2 calls a day, 48+ minutes apart).
    per_cust = np.bincount(acc.cust, minlength=nc_total)
    multi = np.flatnonzero((per_cust[cust] > 1) & keep)
    m = _take(c, multi)
    m_call = np.isin(m["channel"], CALLS) & (m["direction"] == OUTBOUND) & (m["num"] >= 0)
    num = np.where(m_call, m["num"], -1)
    prev = _prev_in_group([num], m["t"])
    drop = m_call & (m["t"] - prev < 600)
    m_day = loc[multi] // DAY
    rank = _rank_in_group([num, np.where(m_call, m_day, -1)], m["t"])
    drop |= m_call & (rank >= 4)
    talk = m_call & m["conv"] & (m["party"] == P["debtor"])
    rank = _rank_in_group([np.where(talk, cust[multi], -1), np.where(talk, m_day, -1)], m["t"])
    drop |= talk & (rank >= 2)
    keep[multi[drop]] = False

    # pre-agreed contacts (cn) only when no right-party contact in the previous 7 x 24 h
    rpc = c["conv"] & (c["party"] == P["debtor"]) & keep
    pre = np.flatnonzero(
        keep & (regime == CN) & np.isin(c["party"], (P["emergency_contact"], P["relative"]))
    )
    last = _asof_last(cust[pre], c["t"][pre], cust[rpc], c["t"][rpc])
    keep[pre] = c["t"][pre] - last >= 7 * DAY + HOUR
    return _take(c, np.flatnonzero(keep))


# ---------------------------------------------------------------- outcomes and notes


def _outcomes_and_notes(
    rng: np.random.Generator,
    c: dict[str, np.ndarray],
    acc: _Accounts,
    cus: _Customers,
    sch: _Schedule,
    seg: _Segments,
    pay: _Payments,
) -> None:
    n = len(c["acc"])
    cust = acc.cust[c["acc"]]
    regime = cus.regime[cust]
    zone = cus.zone[cust]
    cn = regime == CN
    kind = c["kind"]
    debtor_talk = c["conv"] & (c["party"] == P["debtor"])

    # promises: kept when the segment ends with a payment within two weeks, else a guess
    s = np.maximum(c["seg"], 0)
    has_seg = c["seg"] >= 0
    pay_t = np.where(has_seg, seg.end[s], FAR)
    cured = has_seg & seg.cured[s]
    kept = debtor_talk & cured & (pay_t - c["t"] <= 14 * DAY) & (rng.random(n) < 0.8)
    loc_day = _to_local(c["t"], zone) // DAY
    pay_day = np.where(cured, _to_local(np.where(cured, pay_t, c["t"]), zone) // DAY, loc_day)
    amount = sch.amount[np.where(has_seg, seg.row[s], 0)]
    other = np.where(
        cn,
        _choice(
            rng,
            n,
            {
                OUT["none"]: 0.35,
                OUT["callback"]: 0.2,
                OUT["refused"]: 0.1,
                OUT["dispute"]: 0.05,
                OUT["promise_to_pay"]: 0.3,
            },
        ),
        _choice(
            rng,
            n,
            {
                OUT["none"]: 0.4,
                OUT["callback"]: 0.25,
                OUT["dispute"]: 0.05,
                OUT["promise_to_pay"]: 0.3,
            },
        ),
    )
    out = np.full(n, OUT["none"])
    out[debtor_talk] = other[debtor_talk]
    out[debtor_talk & ~has_seg & (out == OUT["promise_to_pay"])] = OUT["none"]
    out[kept] = OUT["promise_to_pay"]
    ptp = out == OUT["promise_to_pay"]
    c["ptp_amount"] = np.where(ptp, amount, NONE)
    c["ptp_day"] = np.where(
        kept, pay_day + rng.integers(0, 2, n), np.where(ptp, loc_day + rng.integers(2, 10, n), NONE)
    )
    talk_rel = c["conv"] & np.isin(
        c["party"], (P["emergency_contact"], P["relative"], P["guarantor"])
    )
    out[talk_rel] = np.where(rng.random(n) < 0.7, OUT["none"], OUT["callback"])[talk_rel]
    out[kind == K_WRONG] = OUT["wrong_number"]
    # a pre-agreed contact's last conversation is sometimes a refusal (nobody calls them again)
    pre = np.flatnonzero(np.isin(c["party"], (P["emergency_contact"], P["relative"])))
    last = _rank_in_group([c["person"][pre]], -c["t"][pre]) == 0
    refuse = pre[last & c["conv"][pre] & cn[pre] & (rng.random(len(pre)) < 0.15)]
    out[refuse] = OUT["third_party_refused"]
    c["outcome"] = out

    # debts discussed: cn customers with two accounts, both overdue at the time
    per_cust = np.bincount(acc.cust, minlength=len(cus))
    first = np.full(len(cus), NONE)
    second = np.full(len(cus), NONE)
    order = np.argsort(acc.cust, kind="stable")
    starts = _group_starts([acc.cust[order]])
    first[acc.cust[order][starts]] = order[starts]
    second[acc.cust[order][~starts]] = order[~starts]
    two = per_cust[cust] == 2
    cand = debtor_talk & cn & two & (c["direction"] == OUTBOUND) & (rng.random(n) < 0.3)
    other_acc = np.where(first[cust] == c["acc"], second[cust], first[cust])
    idx = np.flatnonzero(cand & ~acc.scenario[np.maximum(other_acc, 0)])
    if len(idx):
        ok = _overdue_at(other_acc[idx], c["t"][idx], loc_day[idx], sch, pay)
        c["disc"][idx[ok]] = other_acc[idx[ok]]

    # notes
    note = np.full(n, NONE, np.int32)

    def put(sel: np.ndarray, zh: str | None, en: str | None) -> None:
        for is_zh, pool in ((True, zh), (False, en)):
            if pool is None:
                continue
            m = np.flatnonzero(sel & (cn == is_zh))
            note[m] = _notes(rng, pool, len(m))

    calls = np.isin(c["channel"], CALLS)
    put(calls & ~c["conv"] & (c["result"] != RES["voicemail"]), "zh_noanswer", "en_noanswer")
    put(calls & (c["result"] == RES["voicemail"]), "zh_noanswer", "en_voicemail")
    put(debtor_talk, "zh_conv", "en_conv")
    put(debtor_talk & (out == OUT["promise_to_pay"]) & (rng.random(n) < 0.6), "zh_ptp", "en_ptp")
    put(c["direction"] == INBOUND, "zh_inbound", "en_inbound")
    put(np.isin(kind, (K_SMS, K_XSMS)), "zh_sms", "en_sms")
    put(kind == K_REMIND, "zh_remind", "en_remind")
    put(c["ai"], "zh_ai", None)
    put((c["channel"] == CH["visit"]) & c["conv"], "zh_visit", "en_visit")
    put((c["channel"] == CH["visit"]) & ~c["conv"], "zh_visit_none", "en_visit_none")
    put(kind == K_REL, "zh_relative", "en_relative")
    put(kind == K_GUAR, "zh_guarantor", None)
    put(kind == K_LETTER, "zh_letter", "en_letter")
    put(kind == K_NOTICE, "zh_notice", "en_notice")
    put(kind == K_IM, "zh_im", None)
    put(kind == K_EMAIL, None, "en_email")
    put(kind == K_LOC, None, "en_location")
    put(kind == K_ATTY, "zh_attorney", "en_attorney")
    put(kind == K_WRONG, "zh_wrong", "en_wrong")
    c["note"] = note


# ---------------------------------------------------------------- injected scenarios


@dataclass(frozen=True)
class _SC:
    """One contact of a scenario: local day after the anchor and local wall-clock time."""

    day: int
    at: str
    rules: tuple[str, ...] = ()
    why: str = ""
    acct: int = 0
    who: str = "debtor"
    channel: str = "call"
    inbound: bool = False
    result: str | None = "no_answer"
    conv: bool | None = None  # None: a call that was answered
    outcome: str = "none"
    purpose: str = "collection"
    rec: bool = True  # recorded when a call connects or for a visit
    ai: bool = False
    collector: str = "auto"  # auto | house | none | expired | untrained | unknown
    note: str = ""
    discussed: int | None = None


@dataclass(frozen=True)
class _SE:
    """One account event of a scenario."""

    day: int
    at: str
    type: str
    acct: int | None = 0  # None: the event names only the person
    who: str = "debtor"
    channel: str | None = None
    window: str | None = None
    number: str | None = None  # whose number the event names
    end_day: int | None = None


@dataclass(frozen=True)
class _V:
    contacts: tuple[_SC, ...]
    events: tuple[_SE, ...] = ()
    regime: str | None = None
    zone: int | None = None
    alt: int | None = None
    anchor: str | None = None
    monday: bool = False
    placed: tuple[int, ...] = ()


@dataclass(frozen=True)
class _Scenario:
    name: str
    title: str
    regime: str
    variants: tuple[_V, ...]
    accounts: int = 1
    anchor: str = "overdue"  # overdue | paid_off | current_mid | current_due | new


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _c(day: int, at: str, *rules: str, **kw) -> _SC:
    return _SC(day, at, tuple(rules), **kw)


ANSWERED = {"result": "answered"}
SMS = {"channel": "sms", "result": "delivered", "collector": "none"}
EMAIL = {"channel": "email", "result": "sent", "collector": "none"}
LETTER = {"channel": "letter", "result": "completed", "collector": "none"}


STORM = tuple((d, at) for d in range(5) for at in ("10:00", "15:00"))[:9]  # 9 calls in 5 days
SAME_DAY = tuple((0, _clock(9 * 60 + 30 + 45 * n)) for n in range(8))  # 09:30, 10:15, ...


def _series(times, rule: str, first: int, why: str, **per_call) -> tuple[_SC, ...]:
    """Contacts at (day, time); those from index ``first`` on break ``rule``.
    A tuple value in ``per_call`` gives one value per contact."""
    return tuple(
        _c(
            day,
            at,
            *((rule,) if n >= first else ()),
            why=why.format(n=n + 1) if n >= first else "",
            **{k: v[n] if isinstance(v, tuple) else v for k, v in per_call.items()},
        )
        for n, (day, at) in enumerate(times)
    )


def _catalogue() -> tuple[_Scenario, ...]:
    c = _c
    return (
        _Scenario(
            "cn_night_contact",
            "Collection contact in the 22:00-08:00 quiet period (cn)",
            "cn",
            (
                _V((c(0, "23:40", "CN-HOURS", why="call at 23:40 local time"),)),
                _V(
                    (
                        c(0, "21:59:59"),
                        c(
                            2,
                            "22:00:00",
                            "CN-HOURS",
                            why="call at 22:00:00: the quiet period starts at 22:00 inclusive",
                        ),
                    )
                ),
                _V(
                    (
                        c(
                            0,
                            "07:59:59",
                            "CN-HOURS",
                            why="call at 07:59:59, before the quiet period ends at 08:00",
                        ),
                        c(3, "08:00:00"),
                    )
                ),
                _V(
                    (
                        c(
                            0,
                            "22:30",
                            "CN-HOURS",
                            why="collection SMS sent at 22:30 local time",
                            note="【示例消费金融】您的账单已逾期，请尽快还款。",
                            **SMS,
                        ),
                    )
                ),
            ),
        ),
        _Scenario(
            "us_outside_hours",
            "Communication before 08:00 or after 21:00 at the consumer's location (Reg F)",
            "us_regf",
            (
                _V(
                    (
                        c(0, "21:00:00"),
                        c(3, "21:30", "US-REGF-TIME", why="call at 21:30 local time, after 21:00"),
                        c(
                            5,
                            "22:30",
                            inbound=True,
                            conv=True,
                            why="",
                            **ANSWERED,
                            note="Customer called back late in the evening",
                        ),
                    ),
                    zone=NEW_YORK,
                ),
                _V(
                    (
                        c(
                            0,
                            "10:30",
                            "US-REGF-TIME",
                            why=(
                                "call at 10:30 New York time is 07:30 in the alternative "
                                "zone Los Angeles"
                            ),
                        ),
                    ),
                    zone=NEW_YORK,
                    alt=LOS_ANGELES,
                ),
                _V(
                    (
                        c(
                            0,
                            "07:45",
                            "US-REGF-TIME",
                            why="SMS sent at 07:45 local time",
                            note="Reminder: your account is past due.",
                            **SMS,
                        ),
                    ),
                    zone=CHICAGO,
                ),
                _V(
                    (
                        c(
                            0,
                            "22:15",
                            "US-REGF-TIME",
                            who="spouse",
                            why="call to the debtor's spouse (a consumer) at 22:15 local time",
                        ),
                    ),
                    zone=LOS_ANGELES,
                ),
            ),
        ),
        _Scenario(
            "uk_outside_hours",
            "Contact at an unreasonable hour (CONC 7.9.4R)",
            "uk_conc",
            (
                _V((c(0, "21:45", "UK-CONC-TIME", why="call at 21:45 UK time, after 21:00"),)),
                _V((c(0, "07:30", "UK-CONC-TIME", why="call at 07:30 UK time, before 08:00"),)),
            ),
        ),
        _Scenario(
            "us_call_storm",
            "More than 7 calls in 7 days about one debt (Reg F 7-in-7)",
            "us_regf",
            (
                _V(
                    _series(
                        STORM, "US-REGF-7IN7", 7, "counted call no. {n} within 7 days (limit 7)"
                    )
                ),
                _V(
                    (
                        *_series(
                            STORM,
                            "US-REGF-7IN7",
                            7,
                            "counted call no. {n} within 7 days (limit 7); busy calls do not count",
                            result=("no_answer", "no_answer", "voicemail") * 3,
                        ),
                        c(2, "12:30", result="busy"),
                    )
                ),
            ),
        ),
        _Scenario(
            "us_call_after_conversation",
            "Call within 7 days after a telephone conversation (Reg F)",
            "us_regf",
            (
                _V(
                    (
                        c(
                            0,
                            "10:00",
                            outcome="callback",
                            note="Spoke with customer, discussed the balance",
                            **ANSWERED,
                        ),
                        c(
                            0,
                            "16:00",
                            "US-REGF-POSTCONV",
                            why="call later on the day of a conversation",
                        ),
                        c(2, "11:00", "US-REGF-POSTCONV", why="call two days after a conversation"),
                    )
                ),
                _V(
                    (
                        c(
                            0,
                            "10:00",
                            inbound=True,
                            note="Customer called in about the balance",
                            **ANSWERED,
                        ),
                        c(
                            6,
                            "12:00",
                            "US-REGF-POSTCONV",
                            why="call on day 7 counting the conversation's date as day 1",
                        ),
                        c(7, "12:00"),
                    )
                ),
            ),
        ),
        _Scenario(
            "cn_unanswered_storm",
            "More than 6 unanswered calls to one number in a day (cn)",
            "cn",
            (
                _V(
                    _series(
                        SAME_DAY,
                        "CN-FREQ-UNANSWERED",
                        6,
                        "unanswered call no. {n} to the number today (limit 6)",
                        result=("no_answer", "no_answer", "rejected", "no_answer", "busy")
                        + ("no_answer",) * 3,
                    )
                ),
                _V(
                    _series(
                        SAME_DAY,
                        "CN-FREQ-UNANSWERED",
                        6,
                        "unanswered call no. {n} to the number today, both loans (limit 6)",
                        acct=(0, 1) * 4,
                    )
                ),
            ),
            accounts=2,
        ),
        _Scenario(
            "cn_conversation_storm",
            "More than 3 effective conversations with a debtor in a day (cn)",
            "cn",
            (
                _V(
                    (
                        c(0, "09:30", outcome="callback", **ANSWERED),
                        c(0, "12:00", acct=1, **ANSWERED),
                        c(0, "14:30", ai=True, collector="none", **ANSWERED),
                        c(
                            0,
                            "17:00",
                            "CN-FREQ-CONVERSATION",
                            acct=1,
                            why=(
                                "4th outbound conversation with the debtor today across the "
                                "lender and its agency (limit 3)"
                            ),
                            **ANSWERED,
                        ),
                    ),
                    placed=(1,),
                ),
                _V(
                    (
                        c(0, "10:00", **ANSWERED),
                        c(0, "11:30", inbound=True, **ANSWERED),
                        c(0, "13:00", **ANSWERED),
                        c(0, "15:00", outcome="callback", **ANSWERED),
                        c(
                            0,
                            "17:00",
                            "CN-FREQ-CONVERSATION",
                            why=(
                                "4th outbound conversation today; the inbound call does not "
                                "count (limit 3)"
                            ),
                            **ANSWERED,
                        ),
                    )
                ),
            ),
            accounts=2,
        ),
        _Scenario(
            "cn_relative_while_reachable",
            "Pre-agreed contact called while the debtor was reachable (cn)",
            "cn",
            (
                _V(
                    (
                        c(0, "10:00", outcome="callback", **ANSWERED),
                        c(
                            3,
                            "14:00",
                            "CN-CONTACT-REACHABLE",
                            who="emergency",
                            why=(
                                "emergency contact called 3 days after a conversation with "
                                "the debtor"
                            ),
                            note="联系紧急联系人，请其转告客户回电",
                            **ANSWERED,
                        ),
                        c(9, "14:00", who="relative"),
                    )
                ),
                _V(
                    (
                        c(0, "10:00", inbound=True, note="客户来电询问还款方式", **ANSWERED),
                        c(
                            2,
                            "15:00",
                            "CN-CONTACT-REACHABLE",
                            acct=1,
                            who="relative",
                            why=(
                                "relative called about the debtor's other loan 2 days after "
                                "the debtor called in"
                            ),
                        ),
                    )
                ),
                _V(
                    (
                        c(0, "10:00:00", **ANSWERED),
                        c(
                            7,
                            "09:59:00",
                            "CN-CONTACT-REACHABLE",
                            who="emergency",
                            why=(
                                "emergency contact called 1 minute before 7 x 24 h had "
                                "passed since the conversation"
                            ),
                        ),
                        c(7, "10:30:00", who="emergency"),
                    )
                ),
            ),
            accounts=2,
        ),
        _Scenario(
            "cn_contact_after_refusal",
            "Contact person called again after refusing contact (cn)",
            "cn",
            (
                _V(
                    (
                        c(0, "10:00"),
                        c(
                            0,
                            "15:00",
                            who="relative",
                            outcome="third_party_refused",
                            note="亲属表示不愿再被联系",
                            **ANSWERED,
                        ),
                        c(
                            4,
                            "11:00",
                            "CN-CONTACT-REFUSED",
                            who="relative",
                            why="relative called again after saying they refuse further contact",
                        ),
                    )
                ),
                _V(
                    (
                        c(0, "14:00", who="relative", **ANSWERED),
                        c(
                            3,
                            "11:00",
                            "CN-CONTACT-REFUSED",
                            who="relative",
                            why="relative called after a contact_refused event for them",
                        ),
                    ),
                    events=(_SE(1, "09:00", "contact_refused", who="relative"),),
                ),
            ),
        ),
        _Scenario(
            "cn_third_party_contact",
            "Collection contact with a person unrelated to the debt (cn)",
            "cn",
            (
                _V(
                    (
                        c(
                            0,
                            "11:00",
                            "CN-THIRD-PARTY",
                            who="third",
                            why="call to an address-book contact unrelated to the loan",
                            note="询问对方是否认识借款人",
                            **ANSWERED,
                        ),
                    )
                ),
                _V(
                    (
                        c(
                            0,
                            "14:00",
                            "CN-THIRD-PARTY",
                            who="employer",
                            why="call to the debtor's employer",
                        ),
                    )
                ),
                _V(
                    (
                        c(
                            0,
                            "15:00",
                            "CN-THIRD-PARTY",
                            who="third",
                            why="SMS to an address-book contact",
                            note="【示例消费金融】请转告借款人尽快联系我司",
                            **SMS,
                        ),
                    )
                ),
            ),
        ),
        _Scenario(
            "us_contact_after_cease",
            "Contact after a written cease or refusal to pay (Reg F)",
            "us_regf",
            (
                _V(
                    (
                        c(
                            2,
                            "11:00",
                            purpose="notice",
                            note="Mailed acknowledgement of the request to stop contact",
                            **LETTER,
                        ),
                        c(
                            5,
                            "11:00",
                            "US-REGF-CEASE",
                            why="call 5 days after a written cease request",
                        ),
                    ),
                    events=(_SE(0, "09:00", "cease_request"),),
                ),
                _V(
                    (
                        c(
                            3,
                            "10:00",
                            "US-REGF-CEASE",
                            why="collection letter after the consumer refused in writing to pay",
                            note="Mailed past-due notice",
                            **LETTER,
                        ),
                    ),
                    events=(_SE(0, "09:00", "refuse_to_pay"),),
                ),
                _V(
                    (
                        c(
                            4,
                            "12:00",
                            "US-REGF-CEASE",
                            why="e-mail after a written cease request",
                            note="Emailed payment options",
                            **EMAIL,
                        ),
                    ),
                    events=(_SE(0, "09:00", "cease_request"),),
                ),
                _V(
                    (
                        c(
                            3,
                            "11:00",
                            "US-REGF-CEASE",
                            acct=1,
                            discussed=0,
                            why=(
                                "conversation about another loan that also discussed the "
                                "debt under a cease request"
                            ),
                            note="Discussed both loans with the customer",
                            **ANSWERED,
                        ),
                    ),
                    events=(_SE(0, "09:00", "cease_request"),),
                ),
            ),
            accounts=2,
        ),
        _Scenario(
            "us_contact_despite_attorney",
            "Contact with a debtor known to be represented by an attorney (Reg F)",
            "us_regf",
            (
                _V(
                    (
                        c(
                            1,
                            "10:00",
                            who="attorney",
                            note="Spoke with the customer's attorney about the account",
                            **ANSWERED,
                        ),
                        c(
                            3,
                            "11:00",
                            "US-REGF-ATTY",
                            why="call to the debtor after attorney representation was notified",
                        ),
                    ),
                    events=(_SE(0, "09:00", "attorney_represented"),),
                ),
                _V(
                    (
                        c(
                            2,
                            "13:00",
                            "US-REGF-ATTY",
                            why="e-mail to the debtor after attorney representation was notified",
                            note="Emailed account statement",
                            **EMAIL,
                        ),
                    ),
                    events=(_SE(0, "09:00", "attorney_represented"),),
                ),
                _V(
                    (
                        c(
                            3,
                            "11:00",
                            "US-REGF-ATTY",
                            why="call while the attorney still represented the debtor",
                        ),
                        c(14, "11:00"),
                    ),
                    events=(_SE(0, "09:00", "attorney_represented", end_day=5),),
                ),
            ),
        ),
        _Scenario(
            "us_opted_out_medium",
            "Contact through a medium the consumer opted out of (Reg F)",
            "us_regf",
            (
                _V(
                    (
                        c(
                            4,
                            "12:00",
                            "US-REGF-MEDIUM",
                            why="SMS after the consumer opted out of texts",
                            note="Reminder: your account is past due.",
                            **SMS,
                        ),
                    ),
                    events=(_SE(0, "09:00", "medium_optout", acct=None, channel="sms"),),
                ),
                _V(
                    (
                        c(
                            3,
                            "13:00",
                            "US-REGF-MEDIUM",
                            channel="ringless_voicemail",
                            result="voicemail",
                            collector="none",
                            why="ringless voicemail after an opt-out of calls",
                        ),
                    ),
                    events=(_SE(0, "09:00", "medium_optout", channel="call"),),
                ),
                _V(
                    (
                        c(
                            2,
                            "14:00",
                            "US-REGF-MEDIUM",
                            acct=1,
                            why="e-mail about another debt after the consumer opted out of e-mail",
                            note="Emailed payment options",
                            **EMAIL,
                        ),
                    ),
                    events=(_SE(0, "09:00", "medium_optout", acct=None, channel="email"),),
                ),
                _V(
                    (
                        c(
                            2,
                            "11:00",
                            "US-REGF-MEDIUM",
                            who="debtor2",
                            why="call to the work number the consumer asked not to be called on",
                        ),
                        c(12, "11:00"),
                    ),
                    events=(_SE(0, "09:00", "medium_optout", channel="call", number="debtor2"),),
                ),
            ),
            accounts=2,
        ),
        _Scenario(
            "us_inconvenient_time",
            "Contact at a time the consumer said is inconvenient (Reg F)",
            "us_regf",
            (
                _V(
                    (
                        c(
                            1,
                            "10:30",
                            "US-REGF-INCONV",
                            why="call on a Tuesday at 10:30 inside the window Mon-Fri 09:00-12:00",
                        ),
                        c(9, "12:00:00"),
                    ),
                    events=(_SE(-3, "09:00", "inconvenient_time", window="Mon-Fri 09:00-12:00"),),
                    monday=True,
                ),
                _V(
                    (
                        c(
                            5,
                            "11:00",
                            "US-REGF-INCONV",
                            why="SMS on a Saturday; the consumer said weekends are inconvenient",
                            note="Reminder: your account is past due.",
                            **SMS,
                        ),
                    ),
                    events=(_SE(-3, "09:00", "inconvenient_time", window="Sat,Sun"),),
                    monday=True,
                ),
                _V(
                    (
                        c(
                            2,
                            "13:00",
                            "US-REGF-INCONV",
                            why=(
                                "call at 13:00 New York time is 10:00 in the alternative "
                                "zone Los Angeles, inside Mon-Fri 09:00-12:00"
                            ),
                        ),
                    ),
                    events=(_SE(-3, "09:00", "inconvenient_time", window="Mon-Fri 09:00-12:00"),),
                    monday=True,
                    zone=NEW_YORK,
                    alt=LOS_ANGELES,
                ),
            ),
        ),
        _Scenario(
            "us_third_party_disclosure",
            "Conversation about the debt with a third party (Reg F)",
            "us_regf",
            (
                _V(
                    (
                        c(
                            0,
                            "11:00",
                            "US-REGF-3P",
                            who="employer",
                            why="collection conversation with the debtor's employer",
                            note="Spoke with employer about the account",
                            **ANSWERED,
                        ),
                    )
                ),
                _V(
                    (
                        c(
                            0,
                            "15:00",
                            "US-REGF-3P",
                            who="relative",
                            inbound=True,
                            why="a relative called in and the collector discussed the debt",
                            note="Relative called, discussed the balance",
                            **ANSWERED,
                        ),
                    )
                ),
                _V(
                    (
                        c(
                            0,
                            "12:00",
                            "US-REGF-3P",
                            who="emergency",
                            why="collection conversation with an emergency contact",
                            note="Discussed the past-due balance with the contact",
                            **ANSWERED,
                        ),
                    )
                ),
            ),
        ),
        _Scenario(
            "us_repeated_location_calls",
            "More than one location conversation with the same third party (Reg F)",
            "us_regf",
            (
                _V(
                    (
                        c(
                            0,
                            "11:00",
                            who="emergency",
                            purpose="location_info",
                            note="Asked for the customer's current phone number",
                            **ANSWERED,
                        ),
                        c(
                            9,
                            "11:00",
                            "US-REGF-LOC",
                            who="emergency",
                            purpose="location_info",
                            why="second location conversation with the same person",
                            **ANSWERED,
                        ),
                    )
                ),
                _V(
                    (
                        c(0, "11:00", who="emergency", purpose="location_info", **ANSWERED),
                        c(
                            9,
                            "11:00",
                            "US-REGF-LOC",
                            who="emergency",
                            purpose="location_info",
                            why="second location conversation with the same person",
                            **ANSWERED,
                        ),
                        c(
                            18,
                            "11:00",
                            "US-REGF-LOC",
                            who="emergency",
                            purpose="location_info",
                            why="third location conversation with the same person",
                            **ANSWERED,
                        ),
                    )
                ),
            ),
        ),
        _Scenario(
            "cn_abusive_note",
            "Threats or insults recorded in the contact note (cn)",
            "cn",
            (
                _V(
                    (
                        c(
                            0,
                            "15:00",
                            "CN-ABUSE",
                            why="note records a threat to expose the debtor to their address book",
                            note="客户拖欠不还，警告再不还款就爆通讯录",
                            **ANSWERED,
                        ),
                    )
                ),
                _V(
                    (
                        c(
                            0,
                            "11:00",
                            "CN-ABUSE",
                            why="note records an insult (English)",
                            note="Told the customer he is a deadbeat and must pay today",
                            **ANSWERED,
                        ),
                    )
                ),
                _V(
                    (
                        c(
                            0,
                            "16:00",
                            "CN-ABUSE",
                            why="SMS text threatens consequences",
                            note="【催收通知】再不还款后果自负",
                            channel="sms",
                            result="delivered",
                            collector="house",
                        ),
                    )
                ),
                _V(
                    (
                        c(
                            0,
                            "10:00",
                            "CN-ABUSE",
                            why="note records a false claim about the police (English)",
                            note="Said the police will come to his home if he does not pay",
                            **ANSWERED,
                        ),
                    )
                ),
            ),
        ),
        _Scenario(
            "cn_missing_recording",
            "Conversation or visit without a recording (cn)",
            "cn",
            (
                _V(
                    (
                        c(
                            0,
                            "14:00",
                            "CN-RECORDING",
                            rec=False,
                            why="answered collection call with no recording_id",
                            **ANSWERED,
                        ),
                    )
                ),
                _V(
                    (
                        c(
                            0,
                            "15:00",
                            "CN-RECORDING",
                            channel="visit",
                            result="completed",
                            conv=True,
                            rec=False,
                            why="home visit with no recording_id",
                            note="上门拜访，客户在家",
                        ),
                    )
                ),
                _V(
                    (
                        c(
                            0,
                            "11:00",
                            "CN-RECORDING",
                            ai=True,
                            collector="none",
                            rec=False,
                            why="AI voice conversation with no recording_id",
                            **ANSWERED,
                        ),
                    )
                ),
            ),
        ),
        _Scenario(
            "cn_uncertified_collector",
            "Contact by an uncertified or unknown collector (cn)",
            "cn",
            (
                _V(
                    (
                        c(
                            0,
                            "10:00",
                            "CN-UNCERTIFIED",
                            collector="expired",
                            why="collector's certificate expired before the contact",
                        ),
                    )
                ),
                _V(
                    (
                        c(
                            0,
                            "14:00",
                            "CN-UNCERTIFIED",
                            collector="untrained",
                            why="collector was never certified",
                            **ANSWERED,
                        ),
                    )
                ),
                _V(
                    (
                        c(
                            0,
                            "16:00",
                            "CN-UNCERTIFIED",
                            collector="unknown",
                            why="collector id is not in collectors.csv",
                        ),
                    )
                ),
            ),
        ),
        _Scenario(
            "contact_after_payoff",
            "Collection contact after the loan was repaid in full",
            "cn",
            (
                _V(
                    (
                        c(
                            5,
                            "10:00",
                            "GEN-PAID-OFF",
                            "GEN-NOT-DUE",
                            why="collection call 5 days after the loan was repaid in full",
                        ),
                    )
                ),
                _V(
                    (
                        c(
                            4,
                            "11:00",
                            "GEN-PAID-OFF",
                            "GEN-NOT-DUE",
                            why="collection call 4 days after the loan was repaid in full",
                        ),
                    ),
                    regime="us_regf",
                ),
                _V(
                    (
                        c(
                            6,
                            "12:00",
                            "GEN-PAID-OFF",
                            "GEN-NOT-DUE",
                            why="collection SMS 6 days after the loan was repaid in full",
                            note="Reminder: your account is past due.",
                            **SMS,
                        ),
                    ),
                    regime="uk_conc",
                ),
            ),
            anchor="paid_off",
        ),
        _Scenario(
            "contact_before_due",
            "Collection contact while nothing was overdue",
            "cn",
            (
                _V(
                    (
                        c(
                            0,
                            "10:00",
                            "GEN-NOT-DUE",
                            why=(
                                "collection call 10 days after an instalment was paid on "
                                "time, before the next is due"
                            ),
                        ),
                    ),
                    anchor="current_mid",
                ),
                _V(
                    (
                        c(
                            0,
                            "11:00",
                            "GEN-NOT-DUE",
                            why=(
                                "collection call on the due date (paid that evening): an "
                                "instalment due today is not yet overdue"
                            ),
                        ),
                    ),
                    anchor="current_due",
                ),
                _V(
                    (
                        c(
                            0,
                            "11:00",
                            "GEN-NOT-DUE",
                            why="collection call 5 days after the loan was made",
                        ),
                    ),
                    anchor="new",
                    regime="us_regf",
                ),
            ),
            anchor="current_mid",
        ),
        _Scenario(
            "contact_after_death_or_bankruptcy",
            "Collection contact after a death or bankruptcy notice",
            "cn",
            (
                _V(
                    (
                        c(
                            3,
                            "10:00",
                            "GEN-DECEASED-BANKRUPT",
                            why=(
                                "call to the debtor after the lender was told of the debtor's death"
                            ),
                        ),
                    ),
                    events=(_SE(0, "09:00", "deceased"),),
                ),
                _V(
                    (
                        c(
                            2,
                            "11:00",
                            "GEN-DECEASED-BANKRUPT",
                            acct=1,
                            why=(
                                "call about another loan after a bankruptcy notice naming "
                                "the person"
                            ),
                        ),
                    ),
                    events=(_SE(0, "09:00", "bankruptcy", acct=None),),
                ),
                _V(
                    (
                        c(
                            3,
                            "11:00",
                            "GEN-DECEASED-BANKRUPT",
                            why="call while the bankruptcy was still open",
                        ),
                        c(12, "11:00"),
                    ),
                    events=(_SE(0, "09:00", "bankruptcy", end_day=5),),
                    regime="us_regf",
                ),
            ),
            accounts=2,
        ),
        _Scenario(
            "uk_ignored_preferences",
            "Contact at a time or through a medium the customer asked to avoid (CONC)",
            "uk_conc",
            (
                _V(
                    (
                        c(
                            5,
                            "11:00",
                            "UK-CONC-PREF",
                            why="call on a Saturday; the customer said weekends are inconvenient",
                        ),
                    ),
                    events=(_SE(-3, "09:00", "inconvenient_time", window="Sat,Sun"),),
                    monday=True,
                ),
                _V(
                    (
                        c(
                            3,
                            "12:00",
                            "UK-CONC-PREF",
                            why="SMS after the customer opted out of texts",
                            note="Reminder: your instalment is past due.",
                            **SMS,
                        ),
                    ),
                    events=(_SE(0, "09:00", "medium_optout", channel="sms"),),
                ),
                _V(
                    (
                        c(
                            2,
                            "17:30",
                            "UK-CONC-PREF",
                            why=(
                                "call on a Wednesday at 17:30 inside the window Mon-Fri 17:00-20:00"
                            ),
                        ),
                        c(9, "16:59"),
                    ),
                    events=(_SE(-3, "09:00", "inconvenient_time", window="Mon-Fri 17:00-20:00"),),
                    monday=True,
                ),
            ),
        ),
        _Scenario(
            "uk_third_party_disclosure",
            "Conversation about the debt with a third party (CONC)",
            "uk_conc",
            (
                _V(
                    (
                        c(
                            0,
                            "11:00",
                            "UK-CONC-3P",
                            who="relative",
                            why="collection conversation with a relative",
                            note="Discussed the arrears with the customer's brother",
                            **ANSWERED,
                        ),
                    )
                ),
                _V(
                    (
                        c(0, "10:00", who="employer"),
                        c(
                            2,
                            "14:00",
                            "UK-CONC-3P",
                            who="employer",
                            why="collection conversation with the customer's employer",
                            note="Spoke to HR about the account",
                            **ANSWERED,
                        ),
                    )
                ),
            ),
        ),
        _Scenario(
            "uk_visit_vulnerable",
            "Home visit to a customer flagged vulnerable (CONC)",
            "uk_conc",
            (
                _V(
                    (
                        c(
                            5,
                            "11:00",
                            "UK-CONC-VULN-VISIT",
                            channel="visit",
                            result="completed",
                            conv=True,
                            why="home visit after the customer was flagged vulnerable",
                            note="Field visit, spoke with customer",
                        ),
                    ),
                    events=(_SE(0, "09:00", "vulnerable", acct=None),),
                ),
                _V(
                    (
                        c(
                            4,
                            "14:00",
                            "UK-CONC-VULN-VISIT",
                            channel="visit",
                            result="completed",
                            conv=False,
                            why="home visit after the customer was flagged vulnerable",
                            note="Field visit, nobody home",
                        ),
                    ),
                    events=(_SE(0, "09:00", "vulnerable"),),
                ),
            ),
        ),
        _Scenario(
            "us_rapid_redial",
            "Two unanswered calls to one number within 5 minutes (Reg F risk flag)",
            "us_regf",
            (
                _V(
                    (
                        c(0, "10:00"),
                        c(
                            0,
                            "10:03",
                            "RISK-RAPID",
                            why="second unanswered call to the number 3 minutes after the first",
                        ),
                    )
                ),
            ),
        ),
        _Scenario(
            "us_concentrated_calls",
            "Six or more calls to one number in a day (Reg F risk flag)",
            "us_regf",
            (
                _V(
                    _series(
                        SAME_DAY[:6], "RISK-CONCENTRATED", 5, "call no. {n} to the number today"
                    )
                ),
            ),
        ),
    )


RISK_RULES = ("RISK-RAPID", "RISK-CONCENTRATED")


@dataclass
class _Batch:
    """Instances of one scenario variant."""

    scenario: _Scenario
    variant: _V
    cust: np.ndarray  # (n,)
    accs: np.ndarray  # (n, accounts)
    anchor: np.ndarray  # local day of the anchor


def _instances(accounts: int) -> int:
    return max(1, round(accounts / 125))


def _scenario_accounts(accounts: int) -> int:
    return sum(_instances(accounts) * s.accounts for s in _catalogue())


def _span(v: _V) -> int:
    days = (
        [x.day for x in v.contacts] + [e.day for e in v.events] + [e.end_day or 0 for e in v.events]
    )
    return max(days)


def _plan_scenarios(
    rng: np.random.Generator, accounts: int, win: _Window, cust0: int, acc0: int
) -> tuple[list[_Batch], _Accounts, _Customers, list[tuple[np.ndarray, int, np.ndarray]]]:
    n_inst = _instances(accounts)
    months = len(win.months)
    batches: list[_Batch] = []
    acc_parts: list[_Accounts] = []
    cus_parts: list[_Customers] = []
    overrides: list[tuple[np.ndarray, int, np.ndarray]] = []
    next_cust, next_acc = cust0, acc0
    for ti, sc in enumerate(_catalogue()):
        variant_of = np.arange(n_inst) % len(sc.variants)
        month_of = months - 1 - (np.arange(n_inst) + ti) % months
        for vi, v in enumerate(sc.variants):
            which = np.flatnonzero(variant_of == vi)
            n = len(which)
            if not n:
                continue
            regime = REGIME_NAMES.index(v.regime or sc.regime)
            anchor_kind = v.anchor or sc.anchor
            span = _span(v) + (6 if v.monday else 0)
            lo = 6 if anchor_kind.startswith("current") else 3
            hi = max(lo, 26 - span)
            target = win.month_days[month_of[which]] + rng.integers(lo, hi + 1, n) - 1
            if v.monday:
                target = target + (8 - _weekday(target)) % 7
            cust = np.arange(next_cust, next_cust + n)
            next_cust += n
            if v.zone is not None:
                zone = np.full(n, v.zone)
            elif regime == US:
                zone = US_ZONES[rng.integers(0, len(US_ZONES), n)]
            else:
                zone = np.full(n, SHANGHAI if regime == CN else LONDON)
            alt = np.full(n, v.alt if v.alt is not None else NONE)
            cus_parts.append(_Customers(np.full(n, regime), zone, alt))
            k = sc.accounts
            accs = next_acc + np.arange(n * k).reshape(n, k)
            next_acc += n * k
            m = n * k
            anchor_rep = np.repeat(target, k)
            product = _choice(rng, m, {PHONE: 0.35, APPLIANCE: 0.25, CAR: 0.05, CASH: 0.35})
            term = np.where(product == CAR, 24, 12)
            payoff = np.full(m, NONE)
            if anchor_kind == "overdue":
                orig = anchor_rep - rng.integers(150, 300, m)
                beh = SC_DEFAULT
                anchor = target
            elif anchor_kind == "paid_off":
                orig = anchor_rep - rng.integers(100, 200, m)
                term = np.full(m, 12)
                beh = SC_PAID_OFF
                payoff = anchor_rep * DAY + 14 * HOUR
                anchor = target
            else:
                back = {"current_mid": 40, "current_due": 61, "new": 5}[anchor_kind]
                orig = anchor_rep - back
                term = np.full(m, 6)
                beh = SC_CURRENT
                if anchor_kind == "current_mid":
                    anchor = _add_months(target - back, 1) + 10
                elif anchor_kind == "current_due":
                    anchor = _add_months(target - back, 2)
                    # instalment 2 is paid at 20:00 on its due date, after the scenario's call
                    overrides.append((accs[:, 0], 2, anchor * DAY + 20 * HOUR))
                else:
                    anchor = target
            agency = np.full((n, k), NONE)
            for j in v.placed:
                agency[:, j] = rng.integers(0, 2, n) if regime == CN else (2 if regime == US else 3)
            acc_parts.append(
                _Accounts(
                    cust=np.repeat(cust, k),
                    product=product,
                    principal=_principal(rng, product, np.full(m, regime)),
                    term=term,
                    orig=orig,
                    agency=agency.reshape(-1),
                    beh=np.full(m, beh),
                    stop_after=np.ones(m, np.int64),
                    payoff_local=payoff,
                    unreachable=np.zeros(m, bool),
                    scenario=np.ones(m, bool),
                )
            )
            batches.append(_Batch(sc, v, cust, accs, np.asarray(anchor, np.int64)))
    return batches, _Accounts.concat(acc_parts), _Customers.concat(cus_parts), overrides


@dataclass
class _Truth:
    tag: list[np.ndarray] = field(default_factory=list)
    rule: list[str] = field(default_factory=list)
    scenario: list[str] = field(default_factory=list)
    why: list[str] = field(default_factory=list)


def _build_scenarios(
    rng: np.random.Generator,
    batches: list[_Batch],
    acc: _Accounts,
    cus: _Customers,
    col: _Collectors,
    notes: list[str],
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], _Truth]:
    nc = len(cus)
    contacts, events = [], []
    truth = _Truth()
    next_tag = 0
    note_index: dict[str, int] = {}

    def note_id(text: str) -> int:
        if not text:
            return NONE
        if text not in note_index:
            note_index[text] = len(NOTES) + len(notes)
            notes.append(text)
        return note_index[text]

    for b in batches:
        n = len(b.cust)
        zone = cus.zone[b.cust]
        for x in b.variant.contacts:
            a = b.accs[:, x.acct]
            c = _empty_contacts(n)
            c["acc"] = a
            kind = KIND[x.who]
            c["person"] = (KIND["debtor"] if x.who == "debtor2" else kind) * nc + b.cust
            ch = CH[x.channel]
            c["channel"][:] = ch
            c["num"] = (
                np.full(n, NONE)
                if ch in (CH["visit"], CH["letter"], CH["email"])
                else kind * nc + b.cust
            )
            c["party"][:] = KIND_PARTY[kind]
            c["direction"][:] = INBOUND if x.inbound else OUTBOUND
            c["t"] = _to_utc((b.anchor + x.day) * DAY + _secs(x.at), zone)
            res = RES[x.result] if x.result else NONE
            c["result"][:] = res
            conv = x.conv if x.conv is not None else (ch in CALLS and x.result == "answered")
            c["conv"][:] = conv
            c["outcome"][:] = OUT[x.outcome]
            c["purpose"][:] = PUR[x.purpose]
            c["ai"][:] = x.ai
            c["rec"][:] = x.rec and ((ch in CALLS and res in CONNECTED) or ch == CH["visit"])
            c["dur"][:] = (
                420
                if conv
                else 30
                if ch in CALLS and res in CONNECTED
                else 2
                if ch in CALLS
                else NONE
            )
            if ch == CH["visit"]:
                c["dur"][:] = 1800
            if x.collector == "auto":
                c["coll"] = _pick_collector(rng, col, acc.agency[a])
            elif x.collector == "house":
                c["coll"] = _pick_collector(rng, col, np.full(n, NONE))
            elif x.collector in ("expired", "untrained", "unknown"):
                c["coll"][:] = getattr(col, x.collector)
            if x.discussed is not None:
                c["disc"] = b.accs[:, x.discussed]
            c["note"][:] = note_id(x.note)
            c["tag"] = next_tag + np.arange(n)
            next_tag += n
            for rule in x.rules:
                truth.tag.append(c["tag"])
                truth.rule.append(rule)
                truth.scenario.append(b.scenario.name)
                truth.why.append(x.why)
            contacts.append(c)
        for e in b.variant.events:
            ev = _empty_events(n)
            ev["acc"] = b.accs[:, e.acct] if e.acct is not None else np.full(n, NONE)
            ev["cust"] = b.cust
            if e.who != "debtor":
                ev["person"] = KIND[e.who] * nc + b.cust
            elif e.acct is None:
                ev["person"] = b.cust
            ev["type"][:] = EV[e.type]
            ev["t"] = _to_utc((b.anchor + e.day) * DAY + _secs(e.at), zone)
            if e.end_day is not None:
                ev["end"] = _to_utc((b.anchor + e.end_day) * DAY + _secs(e.at), zone)
            if e.channel:
                ev["channel"][:] = CH[e.channel]
            if e.number:
                ev["num"] = KIND[e.number] * nc + b.cust
            if e.window:
                ev["window"][:] = [w[0] for w in WINDOWS].index(e.window)
            events.append(ev)
    return (
        _concat(contacts) if contacts else _empty_contacts(0),
        _concat_events(events) if events else _empty_events(0),
        truth,
    )


# ---------------------------------------------------------------- writing

PAYMENT_CHANNELS = (
    ("alipay", "wechat_pay", "bank_transfer", "auto_debit"),
    ("ach", "debit_card", "check", "online"),
    ("direct_debit", "debit_card", "bank_transfer", "online"),
)
ZH_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
ZH_GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰红梅鹏飞琳宇浩然子涵欣"
    "怡佳豪俊杰思远雨婷晓东建国海燕志强国华春梅文博嘉怡"
)
EN_FIRST = (
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Daniel",
    "Nancy",
    "Matthew",
    "Lisa",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Oliver",
    "Amelia",
    "Harry",
    "Isla",
    "George",
    "Ava",
    "Noah",
    "Mia",
    "Jack",
    "Emily",
)
EN_LAST = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Hall",
    "Young",
    "Evans",
    "Wright",
    "Roberts",
    "Hughes",
    "Edwards",
    "Green",
    "Wood",
    "O'Brien",
    "Patel",
    "Khan",
)
CN_REGIONS = np.array(
    [110101, 310104, 440106, 330106, 320102, 510107, 420106, 610113, 370102, 500103]
)
CN_MOBILE = ("139", "158", "186", "135", "177", "150", "133", "189")


def _ids(prefix: str, nums: np.ndarray, width: int) -> pl.Series:
    s = pl.Series(np.asarray(nums, np.int64)).cast(pl.String).str.zfill(width)
    return pl.select(pl.lit(prefix) + s).to_series()


def _gather(labels, codes: np.ndarray) -> pl.Series:
    """labels[code], null where code < 0."""
    codes = np.asarray(codes, np.int64)
    out = pl.Series(list(labels), dtype=pl.String).gather(np.maximum(codes, 0))
    return out.set(pl.Series(codes < 0), None) if (codes < 0).any() else out


def _where(mask: np.ndarray, a: pl.Series, b: pl.Series | None = None) -> pl.Series:
    b = b if b is not None else pl.Series([None] * len(a), dtype=pl.String)
    return pl.select(pl.when(pl.Series(mask)).then(a).otherwise(b)).to_series()


_CENTS = pl.Series([f".{i:02d}" for i in range(100)], dtype=pl.String)


def _money(cents: np.ndarray, valid: np.ndarray | None = None) -> pl.Series:
    cents = np.asarray(cents, np.int64)
    a = np.abs(cents)
    s = pl.select(
        pl.concat_str(
            [
                _gather(("", "-"), (cents < 0).astype(np.int64)),
                pl.Series(a // 100).cast(pl.String),
                _CENTS.gather(a % 100),
            ]
        )
    ).to_series()
    return s if valid is None else _where(valid, s)


def _dates(days: np.ndarray) -> pl.Series:
    days = np.asarray(days, np.int64)
    s = pl.Series(np.maximum(days, 0).astype(np.int32)).cast(pl.Date).dt.to_string("%Y-%m-%d")
    return _where(days >= 0, s) if (days < 0).any() else s


_CLOCK: list[pl.Series] = []


def _clock_texts() -> pl.Series:
    """'HH:MM:SS' for every second of a day."""
    if not _CLOCK:
        sec = pl.Series(np.arange(DAY, dtype=np.int64))
        _CLOCK.append(
            pl.select(
                (sec // HOUR).cast(pl.String).str.zfill(2)
                + pl.lit(":")
                + (sec % HOUR // 60).cast(pl.String).str.zfill(2)
                + pl.lit(":")
                + (sec % 60).cast(pl.String).str.zfill(2)
            ).to_series()
        )
    return _CLOCK[0]


def _timestamps(utc: np.ndarray, zone: np.ndarray, naive: np.ndarray | None = None) -> pl.Series:
    """ISO 8601 with the zone's UTC offset (2026-10-03T20:15:00+08:00); where
    ``naive``, local wall-clock time without an offset (2026-10-03 20:15:00).
    Instants at +-FAR are written as empty cells."""
    utc = np.asarray(utc, np.int64)
    valid = (utc > -FAR) & (utc < FAR)
    u = np.where(valid, utc, _GRID_START + DAY)
    local = _to_local(u, zone)
    day = local // DAY
    first = int(day.min(initial=0))
    dates = _dates(np.arange(first, int(day.max(initial=0)) + 1))
    offsets, which = np.unique(local - u, return_inverse=True)
    labels = [
        ("-" if o < 0 else "+") + f"{abs(int(o)) // HOUR:02d}:{abs(int(o)) % HOUR // 60:02d}"
        for o in offsets
    ]
    d = dates.gather(day - first)
    clock = _clock_texts().gather(local % DAY)
    text = pl.select(
        pl.concat_str([d, pl.lit("T"), clock, pl.Series(labels, dtype=pl.String).gather(which)])
    ).to_series()
    if naive is not None and naive.any():
        text = _where(naive, pl.select(pl.concat_str([d, pl.lit(" "), clock])).to_series(), text)
    return text if valid.all() else _where(valid, text)


def _phone_numbers(idx: np.ndarray, regime: np.ndarray, zone: np.ndarray) -> pl.Series:
    """Synthetic, unique numbers: one per (kind of person, customer) index."""
    idx = np.asarray(idx, np.int64)
    out = pl.Series([None] * 0, dtype=pl.String)
    parts, where = [], []
    cn = np.flatnonzero((regime == CN) & (idx >= 0))
    if len(cn):
        i = idx[cn]
        parts.append(
            pl.select(
                pl.concat_str(
                    [
                        _gather(CN_MOBILE, i % len(CN_MOBILE)),
                        pl.Series((i // len(CN_MOBILE) * 86_028_121 + 31_415_926) % 10**8)
                        .cast(pl.String)
                        .str.zfill(8),
                    ]
                )
            ).to_series()
        )
        where.append(cn)
    us = np.flatnonzero((regime == US) & (idx >= 0))
    if len(us):
        line = (idx[us] * 2_654_435_761 + 1_234_567) % 8_000_000
        areas = [US_AREA.get(z, "646") for z in range(len(ZONES))]
        parts.append(
            pl.select(
                pl.concat_str(
                    [
                        pl.lit("+1-"),
                        _gather(areas, zone[us]),
                        pl.lit("-"),
                        pl.Series(200 + line // 10_000).cast(pl.String),
                        pl.lit("-"),
                        pl.Series(line % 10_000).cast(pl.String).str.zfill(4),
                    ]
                )
            ).to_series()
        )
        where.append(us)
    uk = np.flatnonzero((regime == UK) & (idx >= 0))
    if len(uk):
        body = (
            pl.Series((idx[uk] * 2_654_435_761 + 271_828_182) % 10**9).cast(pl.String).str.zfill(9)
        )
        parts.append(
            pl.select(
                pl.concat_str(
                    [pl.lit("+44 7"), body.str.slice(0, 3), pl.lit(" "), body.str.slice(3)]
                )
            ).to_series()
        )
        where.append(uk)
    if not parts:
        return pl.Series([None] * len(idx), dtype=pl.String)
    rows = np.concatenate(where)
    values = pl.concat(parts)
    position = np.full(len(idx), len(rows), np.int64)
    position[rows] = np.arange(len(rows))
    out = pl.concat([values, pl.Series([None], dtype=pl.String)])
    return out.gather(position)


def _names(rng: np.random.Generator, regime: np.ndarray) -> pl.Series:
    n = len(regime)
    zh = pl.select(
        _gather(list(ZH_SURNAMES), rng.integers(0, len(ZH_SURNAMES), n))
        + _gather(list(ZH_GIVEN), rng.integers(0, len(ZH_GIVEN), n))
        + _gather(
            ["", *ZH_GIVEN], np.where(rng.random(n) < 0.6, rng.integers(1, len(ZH_GIVEN) + 1, n), 0)
        )
    ).to_series()
    en = pl.select(
        _gather(EN_FIRST, rng.integers(0, len(EN_FIRST), n))
        + pl.lit(" ")
        + _gather(EN_LAST, rng.integers(0, len(EN_LAST), n))
    ).to_series()
    return _where(regime == CN, zh, en)


def _id_numbers(rng: np.random.Generator, regime: np.ndarray) -> pl.Series:
    n = len(regime)
    birth = rng.integers(-3_650, 12_000, n)  # 1960 .. 2002
    ymd = (
        pl.Series(birth.astype(np.int32))
        .cast(pl.Date)
        .dt.to_string("%Y%m%d")
        .cast(pl.Int64)
        .to_numpy()
    )
    body = (
        CN_REGIONS[rng.integers(0, len(CN_REGIONS), n)] * 10**11
        + ymd * 1000
        + rng.integers(0, 1000, n)
    )
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
    digits = (body[:, None] // 10 ** np.arange(16, -1, -1)) % 10
    check = _gather(list("10X98765432"), (digits * weights).sum(axis=1) % 11)
    cn = pl.select(pl.Series(body).cast(pl.String) + check).to_series()
    us = pl.select(
        pl.lit("9")
        + pl.Series(rng.integers(0, 100, n)).cast(pl.String).str.zfill(2)
        + pl.lit("-")
        + pl.Series(rng.integers(70, 100, n)).cast(pl.String)
        + pl.lit("-")
        + pl.Series(rng.integers(0, 10_000, n)).cast(pl.String).str.zfill(4)
    ).to_series()
    six = pl.Series(rng.integers(0, 10**6, n)).cast(pl.String).str.zfill(6)
    uk = pl.select(
        pl.lit("QQ ")
        + six.str.slice(0, 2)
        + pl.lit(" ")
        + six.str.slice(2, 2)
        + pl.lit(" ")
        + six.str.slice(4, 2)
        + pl.lit(" C")
    ).to_series()
    return _where(regime == CN, cn, _where(regime == US, us, uk))


def _write_csv(df: pl.DataFrame, path: Path, encoding: str = "utf-8") -> int:
    if encoding == "utf-8":
        df.write_csv(path, line_terminator="\n")
    else:
        path.write_bytes(df.write_csv(line_terminator="\n").encode(encoding))
    return df.height


def _chinese_profile() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    data = yaml.safe_load(PROFILE.read_text(encoding="utf-8"))
    headers = {canonical: vendor for vendor, canonical in data["columns"].items()}
    values = {
        col: {canonical: vendor for vendor, canonical in mapping.items()}
        for col, mapping in data["values"].items()
    }
    return headers, values


@dataclass
class _Ids:
    account: pl.Series
    customer: pl.Series
    collector: pl.Series  # index = collector number, plus the unknown one at the end


def _person_ids(person: np.ndarray, party: np.ndarray, ids: _Ids, nc: int) -> pl.Series:
    person = np.asarray(person, np.int64)
    safe = np.maximum(person, 0)
    kind = safe // nc
    cust = safe % nc
    plain = np.array([not x for x in KIND_SUFFIX])[kind]
    base = ids.customer.gather(cust)
    full = pl.select(base + pl.lit("-") + _gather(KIND_SUFFIX, kind)).to_series()
    out = _where(plain, base, full)
    blank = (person < 0) | (party == P["debtor"]) | (kind == KIND["stranger"])
    return _where(~blank, out)


def _write_all(
    out: Path,
    rng: np.random.Generator,
    win: _Window,
    acc: _Accounts,
    cus: _Customers,
    sch: _Schedule,
    pay: _Payments,
    ev: dict[str, np.ndarray],
    con: dict[str, np.ndarray],
    col: _Collectors,
    truth: _Truth,
    notes: list[str],
    chinese_file: bool,
) -> tuple[dict[str, int], dict[str, int]]:
    files: dict[str, int] = {}
    n_acc, nc = len(acc), len(cus)
    acc_no = rng.permutation(n_acc) + 1
    ids = _Ids(
        account=_ids("A", acc_no, 7),
        customer=_ids("P", rng.permutation(nc) + 1, 7),
        collector=pl.Series([], dtype=pl.String),
    )
    agency_ids = [a[0] for a in AGENCIES]
    ag = pl.DataFrame(
        {
            "agency_id": agency_ids,
            "name": [a[1] for a in AGENCIES],
            "licence_no": [a[2] for a in AGENCIES],
            "contract_start": _dates(win.first_day - np.array([700, 500, 400, 300])),
            "contract_end": _dates(np.full(len(AGENCIES), win.end_day + 700)),
        }
    )
    files["agencies.csv"] = _write_csv(ag, out / "agencies.csv")

    pool = np.where(col.agency < 0, HOUSE, col.agency)
    order = np.argsort(pool, kind="stable")
    number = np.empty(len(col), np.int64)
    number[order] = _pos_in_group(np.bincount(pool, minlength=HOUSE + 1)) + 1
    agency_code = _gather(agency_ids, col.agency)
    coll_id = _where(
        col.agency >= 0,
        pl.select(
            agency_code.fill_null("") + pl.lit("-") + pl.Series(number).cast(pl.String).str.zfill(3)
        ).to_series(),
        _ids("HS", number, 4),
    )
    ids.collector = pl.concat([coll_id, pl.Series(["TMP-0001"])])
    coll_regime = np.where(col.agency == 2, US, np.where(col.agency == 3, UK, CN))
    collectors = pl.DataFrame(
        {
            "collector_id": coll_id,
            "agency_id": agency_code,
            "name": _names(rng, coll_regime),
            "certified_until": _dates(col.certified_until),
            "hired_on": _dates(col.hired_on),
        }
    )
    files["collectors.csv"] = _write_csv(collectors, out / "collectors.csv")

    # accounts, in account_id order
    by_id = np.argsort(acc_no)
    a_cust = acc.cust[by_id]
    a_reg = cus.regime[a_cust]
    cust_names = _names(rng, cus.regime)
    cust_id_numbers = _id_numbers(rng, cus.regime)
    accounts = pl.DataFrame(
        {
            "account_id": ids.account.gather(by_id),
            "customer_id": ids.customer.gather(a_cust),
            "product": _gather(PRODUCTS, acc.product[by_id]),
            "currency": _gather(CURRENCY, a_reg),
            "principal": _money(acc.principal[by_id]),
            "origination_date": _dates(acc.orig[by_id]),
            "term_months": pl.Series(acc.term[by_id]).cast(pl.String),
            "regime": _gather(REGIME_NAMES, a_reg),
            "timezone": _gather(ZONES, cus.zone[a_cust]),
            "alt_timezones": _gather(ZONES, cus.alt[a_cust]),
            "agency_id": _gather(agency_ids, acc.agency[by_id]),
            "customer_name": cust_names.gather(a_cust),
            "phone": _phone_numbers(a_cust, a_reg, cus.zone[a_cust]),
            "id_number": cust_id_numbers.gather(a_cust),
        }
    )
    files["accounts.csv"] = _write_csv(accounts, out / "accounts.csv")
    del accounts
    order = np.argsort(acc_no[sch.acc].astype(np.int64) * 64 + sch.k, kind="stable")
    inst = pl.DataFrame(
        {
            "account_id": ids.account.gather(sch.acc[order]),
            "installment_no": pl.Series(sch.k[order]).cast(pl.String),
            "due_date": _dates(sch.due[order]),
            "amount_due": _money(sch.amount[order]),
        }
    )
    files["installments.csv"] = _write_csv(inst, out / "installments.csv")
    del inst

    order = np.argsort((pay.t - win.start_utc + (1 << 34)) * (1 << 22) + pay.acc, kind="stable")
    p_acc = pay.acc[order]
    p_reg = cus.regime[acc.cust[p_acc]]
    payments = pl.DataFrame(
        {
            "payment_id": _ids("PM", np.arange(1, len(order) + 1), 9),
            "account_id": ids.account.gather(p_acc),
            "paid_at": _timestamps(pay.t[order], cus.zone[acc.cust[p_acc]]),
            "amount": _money(pay.amount[order]),
            "channel": _gather(
                [ch for group in PAYMENT_CHANNELS for ch in group], p_reg * 4 + pay.channel[order]
            ),
        }
    )
    files["payments.csv"] = _write_csv(payments, out / "payments.csv")
    del payments

    order = np.lexsort((ev["cust"], ev["t"]))
    e = {k: v[order] for k, v in ev.items()}
    e_reg = cus.regime[e["cust"]]
    e_zone = cus.zone[e["cust"]]
    events = pl.DataFrame(
        {
            "event_id": _ids("EV", np.arange(1, len(order) + 1), 8),
            "account_id": _where(e["acc"] >= 0, ids.account.gather(np.maximum(e["acc"], 0))),
            "person_id": _person_ids(e["person"], np.full(len(order), -1), ids, nc),
            "event_type": _gather(EVENT_TYPE_LIST, e["type"]),
            "effective_at": _timestamps(e["t"], e_zone),
            "ended_at": _timestamps(np.where(e["end"] >= 0, e["end"], FAR), e_zone),
            "channel": _gather(CHANNELS, e["channel"]),
            "phone_number": _phone_numbers(e["num"], e_reg, e_zone),
            "window": _gather([w[0] for w in WINDOWS], e["window"]),
            "category": _gather(COMPLAINT_CATEGORIES, e["cat"]),
            "detail": _where(
                e_reg == CN,
                _gather([v[1] for v in EVENT_DETAIL.values()], e["type"]),
                _gather([v[0] for v in EVENT_DETAIL.values()], e["type"]),
            ),
        }
    )
    files["account_events.csv"] = _write_csv(events, out / "account_events.csv")

    # contacts: one file per month of the portfolio time zone, in time order
    order = np.argsort(
        (con["t"] - win.start_utc + (1 << 30)) * (1 << 22) + con["acc"], kind="stable"
    )
    c = _take(con, order)
    del con
    tags = c["tag"]
    tag_to_row = np.full(int(tags.max(initial=-1)) + 1, NONE, np.int64)
    tag_to_row[tags[tags >= 0]] = np.flatnonzero(tags >= 0)
    bounds = np.searchsorted(
        c["t"], _to_utc(win.month_days * DAY, np.full(len(win.month_days), SHANGHAI))
    )
    headers, values = _chinese_profile()
    cn_month = len(win.months) - 2 if chinese_file and len(win.months) >= 2 else NONE
    all_notes = pl.Series([*NOTES, *notes], dtype=pl.String)
    coll_agency = np.r_[col.agency, NONE]
    for m, name in enumerate(win.months):
        lo, hi = int(bounds[m]), int(bounds[m + 1])
        x = {k: v[lo:hi] for k, v in c.items()}
        cust = acc.cust[x["acc"]]
        reg = cus.regime[cust]
        zone = cus.zone[cust]
        chinese = m == cn_month
        naive = (zone == SHANGHAI) if chinese else None
        has_coll = x["coll"] >= 0
        frame = pl.DataFrame(
            {
                "contact_id": _ids("CT", np.arange(lo + 1, hi + 1), 9),
                "account_id": ids.account.gather(x["acc"]),
                "person_id": _person_ids(x["person"], x["party"], ids, nc),
                "party": _gather(PARTIES, x["party"]),
                "channel": _gather(CHANNELS, x["channel"]),
                "direction": _gather(DIRECTIONS, x["direction"]),
                "started_at": _timestamps(x["t"], zone, naive),
                "ended_at": _timestamps(
                    np.where(x["dur"] >= 0, x["t"] + x["dur"], FAR), zone, naive
                ),
                "collector_id": _where(has_coll, ids.collector.gather(np.maximum(x["coll"], 0))),
                "agency_id": _gather(
                    agency_ids, np.where(has_coll, coll_agency[np.maximum(x["coll"], 0)], NONE)
                ),
                "phone_number": _phone_numbers(x["num"], reg, zone),
                "call_result": _gather(CALL_RESULTS, x["result"]),
                "conversation": _gather(
                    ("false", "true"),
                    np.where(
                        np.isin(x["channel"], (*CALLS, CH["visit"])),
                        x["conv"].astype(np.int64),
                        NONE,
                    ),
                ),
                "outcome": _gather(OUTCOMES, x["outcome"]),
                "ptp_amount": _money(x["ptp_amount"], x["ptp_amount"] >= 0),
                "ptp_date": _dates(x["ptp_day"]),
                "purpose": _gather(PURPOSES, x["purpose"]),
                "debts_discussed": _where(
                    x["disc"] >= 0, ids.account.gather(np.maximum(x["disc"], 0))
                ),
                "is_ai_voice": _gather(("false", "true"), x["ai"].astype(np.int64)),
                "recording_id": _where(x["rec"], _ids("REC", np.arange(lo + 1, hi + 1), 9)),
                "note": all_notes.gather(np.maximum(x["note"], 0)).set(
                    pl.Series(x["note"] < 0), None
                )
                if (x["note"] < 0).any()
                else all_notes.gather(x["note"]),
            }
        )
        if chinese:
            frame = frame.with_columns(
                *[pl.col(k).replace(mapping) for k, mapping in values.items()],
                *[
                    pl.col(b).replace({"true": "是", "false": "否"})
                    for b in ("conversation", "is_ai_voice")
                ],
            ).rename({k: v for k, v in headers.items() if k in frame.columns})
            fname = f"催收记录_{name}.csv"
            files[fname] = _write_csv(frame, out / fname, "gb18030")
        else:
            fname = f"contacts_{name}.csv"
            files[fname] = _write_csv(frame, out / fname)
        del frame

    # ground truth
    injected: Counter[str] = Counter()
    gt_rows = []
    for tag, rule, scenario, why in zip(
        truth.tag, truth.rule, truth.scenario, truth.why, strict=True
    ):
        rows = tag_to_row[tag]
        injected[rule] += len(rows)
        gt_rows.append(
            pl.DataFrame(
                {
                    "kind": "risk_flag" if rule in RISK_RULES else "violation",
                    "rule_id": rule,
                    "contact_id": _ids("CT", rows + 1, 9),
                    "scenario": scenario,
                    "explanation": why,
                }
            )
        )
    gt = pl.concat(gt_rows).sort("rule_id", "contact_id") if gt_rows else pl.DataFrame()
    files["ground_truth.csv"] = _write_csv(gt, out / "ground_truth.csv")
    return files, dict(sorted(injected.items()))


def _readme(
    out: Path,
    win: _Window,
    files: dict[str, int],
    injected: dict[str, int],
    scenarios: dict[str, int],
    args: dict[str, object],
    chinese: str | None,
) -> None:
    cat = {s.name: s for s in _catalogue()}
    lines = [
        "# Sample data: a synthetic collections portfolio",
        "",
        "Everything here is synthetic: names, phone numbers, ID numbers and notes are",
        "made up. The set was written by `audit sample` (`audit.sample.generate`) with",
        "`" + ", ".join(f"{k}={v!r}" for k, v in args.items()) + "`;",
        "the same arguments always give byte-identical files.",
        "",
        f"Window: {win.months[0]} to {win.months[-1]} (months in Asia/Shanghai).",
        "Regimes: mostly `cn` (Asia/Shanghai), some `us_regf` (US zones, some with an",
        "alternative zone), a few `uk_conc` (Europe/London). Products: phone, appliance,",
        "car and cash loans with 3-24 monthly instalments; payers on time, late payers who",
        "cure, partial payers, defaulters, prepayers, and a few reversed payments.",
        "",
        "## Files",
        "",
        "| file | rows |",
        "|---|---|",
        *[f"| {name} | {rows:,} |" for name, rows in files.items()],
        "",
        "Timestamps carry their UTC offset (`2026-10-03T20:15:00+08:00`).",
    ]
    if chinese:
        lines += [
            f"`{chinese}` is a GB18030 export with Chinese headers and values",
            "(profile `cn_contacts_gb18030`); its times for Asia/Shanghai accounts are",
            "naive local times, the others carry an offset.",
        ]
    lines += [
        "",
        "`ground_truth.csv` is not an export (ingesting the folder passes over it): it",
        "lists every (rule, contact) pair the rules should report.",
        "",
        "## Clean background, injected problems",
        "",
        "The background traffic breaks no rule of RULES.md: contacts only while an",
        "instalment is overdue, 09:00-19:59 local time in every candidate zone, within",
        "the per-day limits, never after a stop event, and so on. The problems below",
        "are injected on their own accounts and customers; `ground_truth.csv` names",
        "every (rule, contact) pair they produce, secondary effects included.",
        "",
        "| scenario | what | instances |",
        "|---|---|---|",
        *[f"| `{name}` | {cat[name].title} | {n} |" for name, n in scenarios.items()],
        "",
        "| rule | flagged contacts |",
        "|---|---|",
        *[f"| {rule} | {n} |" for rule, n in injected.items()],
        "",
        "Reading choices: RISK-RAPID flags the later of two unanswered calls to one",
        "number within 5 minutes; RISK-CONCENTRATED flags the 6th and later call to one",
        "number on a local day; both are Reg F indicators, on `us_regf` accounts only.",
        "",
    ]
    (out / "README.md").write_text("\n".join(lines), encoding="utf-8")


def generate(
    out_dir: Path,
    accounts: int = 300,
    months: int = 6,
    seed: int = 7,
    end_month: str = "2026-10",
    contacts: int | None = None,
    chinese_file: bool = True,
) -> SampleSummary:
    """Write a synthetic portfolio with known injected violations into ``out_dir``.

    ``contacts`` sets the approximate number of contact rows by scaling how often
    delinquent accounts are contacted (None: a few dozen per delinquent account);
    the per-day limits of the rules cap it at about four times the natural
    volume. ``summary.contacts`` is the number written. Same arguments, same bytes.
    """
    started = time.perf_counter()
    out = Path(out_dir)
    win = _window(end_month, months)
    n_sc = _scenario_accounts(accounts)
    n_bg = accounts - n_sc
    if n_bg < 20:
        raise ValueError(
            f"accounts must be at least {n_sc + 20} (the injected scenarios alone use {n_sc})"
        )
    if contacts is not None and contacts < 0:
        raise ValueError("contacts must not be negative")

    acc_bg, cus_bg = _background_portfolio(_rng(seed, 1), n_bg, win)
    batches, acc_sc, cus_sc, overrides = _plan_scenarios(
        _rng(seed, 2), accounts, win, len(cus_bg), n_bg
    )
    acc = _Accounts.concat([acc_bg, acc_sc])
    cus = _Customers.concat([cus_bg, cus_sc])
    col = _collectors(_rng(seed, 3), accounts, win)
    sch = _schedule(acc)
    pay = _payments(_rng(seed, 4), acc, cus, sch, win, overrides)
    seg = _segments(acc, cus, sch, win)
    ev_bg, ev_contacts = _background_events(_rng(seed, 5), acc, cus, seg, win)

    intensity = 1.0
    if contacts is not None:
        expected = _expected_contacts(seg, cus.regime[acc.cust], sch, win)
        sc_rows = sum(len(b.cust) * len(b.variant.contacts) for b in batches)
        intensity = max(0.0, contacts - sc_rows) / max(expected * SURVIVAL, 1.0)
    rng = _rng(seed, 6)
    cand = _background_contacts(rng, acc, cus, sch, seg, win, col, intensity)
    cand = _concat([cand, ev_contacts])
    _attach_staff(rng, cand, acc, col)
    bg = _sieve(cand, acc, cus, sch, pay, ev_bg, win)
    _outcomes_and_notes(_rng(seed, 7), bg, acc, cus, sch, seg, pay)
    notes: list[str] = []
    sc_contacts, sc_events, truth = _build_scenarios(_rng(seed, 8), batches, acc, cus, col, notes)

    out.mkdir(parents=True, exist_ok=True)
    for old in [*out.glob("contacts_*.csv"), *out.glob("催收记录_*.csv")]:
        old.unlink()
    all_contacts = _concat([bg, sc_contacts])
    files, injected = _write_all(
        out,
        _rng(seed, 9),
        win,
        acc,
        cus,
        sch,
        pay,
        _concat_events([ev_bg, sc_events]),
        all_contacts,
        col,
        truth,
        notes,
        chinese_file,
    )
    scenarios = Counter()
    for b in batches:
        scenarios[b.scenario.name] += len(b.cust)
    chinese = next((f for f in files if f.startswith("催收记录")), None)
    args = {"accounts": accounts, "months": months, "seed": seed, "end_month": end_month}
    if contacts is not None:
        args["contacts"] = contacts
    if not chinese_file:
        args["chinese_file"] = False
    _readme(out, win, files, injected, dict(scenarios), args, chinese)
    return SampleSummary(
        out_dir=out,
        files=files,
        injected=injected,
        scenarios=dict(scenarios),
        seconds=time.perf_counter() - started,
        contacts=len(all_contacts["t"]),
    )


SURVIVAL = 0.82  # share of background candidates that pass the sieve (measured)
