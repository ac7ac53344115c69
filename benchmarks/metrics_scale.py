"""Time the metrics engine on a synthetic portfolio (set-based SQL, no ingest).

    python -m benchmarks.metrics_scale --accounts 1_000_000 --contacts 10_000_000

Rows are written straight into the canonical tables with SQL (pseudo-random
from ``hash``), so the numbers measure ``audit.metrics.compute`` and nothing
else. About 10% of accounts come with month-end snapshots instead of a
schedule; the rest have 12 monthly instalments and a mix of payers (on time,
late, partial, stopped paying, reversed).
"""

from __future__ import annotations

import argparse
import time
from datetime import date

import duckdb

from audit import config as config_mod
from audit import warehouse

FIRST_ORIGINATION = date(2025, 1, 1)
THROUGH_MONTH = date(2025, 12, 1)

# u(k) is a pseudo-random number in [0, 1) for the current row and salt k.
_U = "((hash({key}, {salt}) % 1000000) / 1000000.0)"


def _u(key: str, salt: int) -> str:
    return _U.format(key=key, salt=salt)


def generate(con: duckdb.DuckDBPyConnection, accounts: int, contacts: int) -> None:
    """Fill accounts, installments, account_snapshots, payments, contacts, account_events."""
    con.execute(f"""
        insert into accounts (account_id, customer_id, product, currency, principal,
            origination_date, term_months, regime, timezone, agency_id, load_id, line_no)
        select 'A' || i, 'C' || i,
            ['cash_loan', 'consumer', 'card'][1 + (hash(i, 1) % 3)::int],
            'CNY', 1200.00, date '{FIRST_ORIGINATION}' + (hash(i, 2) % 90)::int,
            12, 'cn', 'Asia/Shanghai',
            case when {_u("i", 3)} < 0.4 then null else 'AG' || (hash(i, 4) % 5)::int end,
            0, i
        from range({accounts}) t(i)
    """)
    # behaviour: 0 on time, 1 late, 2 partial, 3 stops paying, 4 reversal
    con.execute(f"""
        create or replace temp table _plan as
        select account_id, origination_date, line_no as i,
            case when {_u("line_no", 5)} < 0.10 then 'snapshot' else 'schedule' end as source,
            case when {_u("line_no", 6)} < 0.65 then 0 when {_u("line_no", 6)} < 0.80 then 1
                 when {_u("line_no", 6)} < 0.90 then 2 when {_u("line_no", 6)} < 0.97 then 3
                 else 4 end as behaviour,
            (hash(line_no, 7) % 12)::int as stop_after
        from accounts
    """)
    con.execute("""
        insert into installments (account_id, installment_no, due_date, amount_due, load_id,
            line_no)
        select account_id, k, (origination_date + to_months(k))::date, 100.00, 0, i * 12 + k
        from _plan, range(1, 13) r(k)
        where source = 'schedule'
    """)
    con.execute("""
        insert into payments (payment_id, account_id, paid_at, amount, channel, load_id, line_no)
        with due as (
            select p.*, k, (origination_date + to_months(k))::date as due_date
            from _plan as p, range(1, 13) r(k)
            where source = 'schedule'
        ),
        paid as (
            select account_id, i, k, behaviour,
                case behaviour when 1 then due_date + (10 + hash(i, k, 8) % 50)::int
                               else due_date - 2 end as paid_date,
                case behaviour when 2 then 60.00 else 100.00 end as amount
            from due
            where not (behaviour = 3 and k > stop_after)
        )
        select 'P' || i || '-' || k, account_id,
            timezone('Asia/Shanghai', paid_date::timestamp + to_minutes((hash(i, k) % 1440)::int)),
            amount, 'app', 0, i * 12 + k
        from paid
        where paid_date <= date '2025-12-31'
        union all
        select 'R' || i || '-' || k, account_id,
            timezone('Asia/Shanghai', (paid_date + 3)::timestamp), -amount, 'reversal', 0, 0
        from paid
        where behaviour = 4 and k = 3 and paid_date + 3 <= date '2025-12-31'
    """)
    con.execute(f"""
        insert into account_snapshots (account_id, as_of_date, dpd, overdue_amount,
            outstanding_balance, load_id, line_no)
        with months as (
            select p.*, (last_day(origination_date + to_months(m)))::date as as_of_date, m
            from _plan as p, range(0, 12) r(m)
            where source = 'snapshot'
        ),
        states as (
            select *, case when {_u("i * 12 + m", 9)} < 0.8 then 0
                           else (30 * (hash(i, m, 10) % 8))::int end as dpd
            from months
            where as_of_date <= date '2025-12-31'
        )
        select account_id, as_of_date, dpd, (dpd / 30 * 100)::decimal(18, 2),
            (1200 - 100 * m)::decimal(18, 2), 0, 0
        from states
    """)
    con.execute(f"""
        insert into contacts (contact_id, account_id, person_id, party, channel, direction,
            started_at, collector_id, agency_id, call_result, conversation, outcome,
            ptp_amount, ptp_date, purpose, is_ai_voice, load_id, line_no)
        with base as (
            select i, 'A' || (hash(i, 11) % {accounts})::int as account_id,
                timestamptz '2025-01-01 00:00:00+08' + to_seconds((hash(i, 12) % 31500000)::int)
                    as started_at,
                {_u("i", 13)} as u_channel, {_u("i", 14)} as u_result, {_u("i", 15)} as u_party
            from range({contacts}) t(i)
        ),
        shaped as (
            select *,
                case when u_channel < 0.75 then 'call' when u_channel < 0.80
                     then 'ringless_voicemail' when u_channel < 0.95 then 'sms'
                     when u_channel < 0.97 then 'letter' else 'visit' end as channel,
                case when u_result < 0.35 then 'answered' when u_result < 0.65 then 'no_answer'
                     when u_result < 0.75 then 'voicemail' when u_result < 0.85 then 'busy'
                     else 'failed' end as call_result
            from base
        )
        select 'K' || i, account_id, null,
            case when u_party < 0.8 then 'debtor' else 'relative' end, channel,
            case when u_party > 0.97 then 'inbound' else 'outbound' end, started_at,
            case when i % 50 = 0 then null else 'U' || (hash(i, 16) % 400)::int end,
            case when hash(i, 16) % 400 < 160 then null
                 else 'AG' || ((hash(i, 16) % 400) % 5)::int end,
            call_result, call_result = 'answered' and channel = 'call',
            case when call_result = 'answered' and u_party < 0.2 then 'promise_to_pay'
                 else 'none' end,
            case when call_result = 'answered' and u_party < 0.2 then 100.00 end,
            case when call_result = 'answered' and u_party < 0.2
                 then (started_at::date + (hash(i, 17) % 10)::int) end,
            'collection', false, 0, i
        from shaped
    """)
    con.execute(f"""
        insert into account_events (event_id, account_id, event_type, effective_at, category,
            load_id, line_no)
        select 'E' || i, 'A' || (hash(i, 18) % {accounts})::int, 'complaint',
            timestamptz '2025-01-01 00:00:00+08' + to_seconds((hash(i, 19) % 31500000)::int),
            ['conduct', 'fees', 'privacy'][1 + (hash(i, 20) % 3)::int], 0, i
        from range({max(accounts // 50, 1)}) t(i)
    """)
    con.execute("drop table _plan")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=lambda s: int(s.replace("_", "")), default=100_000)
    parser.add_argument("--contacts", type=lambda s: int(s.replace("_", "")), default=1_000_000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    config = config_mod.parse({"warehouse": {"threads": args.threads}}, base=config_mod.Path("."))
    with duckdb.connect(":memory:") as con:
        warehouse.configure(con, config)
        warehouse.create_schema(con)
        started = time.perf_counter()
        generate(con, args.accounts, args.contacts)
        print(f"generated in {time.perf_counter() - started:.1f} s")
        for table in ("accounts", "installments", "account_snapshots", "payments", "contacts"):
            n = con.execute(f"select count(*) from {table}").fetchall()[0][0]
            print(f"  {table:18} {n:>12,}")
        started = time.perf_counter()
        from audit import metrics

        results = metrics.compute(con, config, THROUGH_MONTH)
        total = time.perf_counter() - started
        for r in results:
            print(f"  {r.name:22} {r.rows:>12,} rows {r.seconds:7.2f} s")
        print(f"metrics compute: {total:.1f} s")


if __name__ == "__main__":
    main()
