-- purpose: month-end delinquency state of every account (METRICS.md,
--          "Delinquency snapshot"): what was due and paid by E, the amount
--          overdue, days past due, outstanding balance, bucket, closed and
--          default flags, and what was paid during the month.
-- grain:   account x month; month = first day, the state is as of E (end of
--          the month's last day, portfolio_timezone)
-- inputs:  metric_accounts, installments, account_snapshots, metric_months,
--          metric_payments, metric_buckets, account_month_seeds
-- types:   bucket_label, the ENUM of metric_buckets' labels, product_label and
--          agency_label, those of metric_accounts' values, each in text order
--          (metrics.ACCOUNT_MONTH_LABELS): bucket and bucket_at_start, product and agency_id
--          are written as them
-- params:  $bucket_edges (INTEGER[]), $default_dpd (INTEGER), $seed_month (DATE
--          or null: the month of the seeds' state)
-- output:  account_id, month, dpd, bucket, overdue_amount,
--          outstanding_balance, paid_in_month, is_closed, is_default (the
--          DATA_CONTRACT columns), then month_end, source (ENUM 'schedule' |
--          'snapshot': 13.5M copies of a text label cost seconds to write at 10M
--          contacts), product, agency_id (null = in-house),
--          origination_date, bucket_order, cum_due, cum_paid, total_due (null
--          for snapshot rows), oldest_unpaid_due_date (the instalment that
--          sets dpd); the state at S, the end of the previous month:
--          is_active_at_start (a row at S that is not closed: the population
--          of roll, cure, recovery and default rates), bucket_at_start,
--          bucket_order_at_start, dpd_at_start, overdue_at_start,
--          balance_at_start (null when the account has no row at S)
-- rows:    a schedule account has a row for every month from its origination
--          month through the last month; a snapshot account has a row exactly
--          for the months with a snapshot (the latest snapshot of a month when
--          there are several); an account with neither has no row.
-- note:    a snapshot account with no snapshot at S has no state at S (it is
--          not active at S); one with no snapshot at E has no row at E, so
--          it takes no part in that month's rates.
-- method:  due amounts and payments form one stream with a zero row for the
--          account's first month, summed per account and month in which
--          something happens (a flow month) and accumulated with a window;
--          payments are applied oldest instalment first, so the instalment
--          that sets dpd is the first one whose cumulative due exceeds
--          cum_paid: an ASOF join from cum_paid to the ladder of cumulative
--          due finds it, for the flow months with something overdue (the
--          ladder holds only the accounts that ever have). A flow
--          month's totals hold until the next flow month, so the months in
--          between are copies of it (dpd grows with the month end); the state
--          at S of a flow month is its totals less its own flows, that of a
--          month in between is its state at E. (At 10M contacts: 9.3M flow
--          months for 13.5M account-months, 3.4M of them overdue at E.)
-- seeds:   an account in account_month_seeds (empty on a full computation) is
--          computed from its state at $seed_month instead of from its first
--          month: that state stands for every flow up to $seed_month (it is
--          the account's first flow month), and only later months are kept
--          (its earlier rows are already stored).
with calendar as (
    select
        min(month) as first_month,
        max(month) as last_month,
        max(month_end) as last_month_end
    from metric_months
),

schedule_accounts as (
    -- the calendar starts no later than any schedule account's origination month
    select
        a.account_key,
        a.account_id,
        a.origination_month as first_row_month,
        a.total_due,
        k.account_key is not null as seeded
    from metric_accounts as a
    cross join calendar as c
    left join account_month_seeds as k on k.account_key = a.account_key
    where a.source = 'schedule'
      and a.origination_date <= c.last_month_end
),

flows as (
    -- the account's first month, so that it gets a row when nothing is due or paid in it
    select
        s.account_key,
        s.first_row_month as month,
        0::decimal(18, 2) as due,
        0::decimal(18, 2) as paid,
        0::decimal(18, 2) as paid_in_month,
        s.total_due
    from schedule_accounts as s
    where not s.seeded
    union all
    -- a seeded account's state at $seed_month holds everything due and paid by then
    select k.account_key, $seed_month::date, k.cum_due, k.cum_paid, 0, k.total_due
    from account_month_seeds as k
    union all
    -- an instalment due before the account's first month counts from that month
    select
        s.account_key,
        greatest(date_trunc('month', i.due_date)::date, s.first_row_month),
        i.amount_due,
        0,
        0,
        null
    from installments as i
    inner join schedule_accounts as s on s.account_id = i.account_id
    cross join calendar as c
    where i.due_date <= c.last_month_end
      and (not s.seeded or i.due_date > last_day($seed_month::date))
    union all
    -- a payment dated before the account's first month counts in cum_paid from
    -- that month on, but in no month's paid_in_month
    select
        p.account_key,
        greatest(date_trunc('month', p.paid_date)::date, s.first_row_month),
        0,
        p.amount,
        case when p.paid_date >= s.first_row_month then p.amount else 0 end,
        null
    from metric_payments as p
    inner join schedule_accounts as s on s.account_key = p.account_key
    cross join calendar as c
    where p.paid_date <= c.last_month_end
      and (not s.seeded or p.paid_date > last_day($seed_month::date))
),

flow_months as (
    -- the months in which something falls due or is paid, and the first month
    select
        account_key,
        month,
        sum(due) as due,
        sum(paid) as paid,
        sum(paid_in_month) as paid_in_month,
        max(total_due) as total_due
    from flows
    group by account_key, month
),

flow_state as (
    -- running totals at the end of each flow month; the state at its S is the same
    -- less the month's own flows (the account's first month has no S)
    select
        account_key,
        month,
        lead(month) over to_date as next_flow_month,
        paid_in_month,
        -- the first month's row carries it (the first month, or the seed)
        first_value(total_due) over to_date as total_due,
        (sum(due) over to_date)::decimal(18, 2) as cum_due,
        (sum(paid) over to_date)::decimal(18, 2) as cum_paid,
        (case
            when row_number() over to_date > 1 then (sum(due) over to_date) - due
        end)::decimal(18, 2) as cum_due_at_start,
        (case
            when row_number() over to_date > 1 then (sum(paid) over to_date) - paid
        end)::decimal(18, 2) as cum_paid_at_start
    from flow_months
    window to_date as (
        partition by account_key
        order by month
        rows between unbounded preceding and current row
    )
),

overdue_accounts as (
    -- the accounts with something overdue at some flow month: only their ladders are
    -- probed (a state at S is the previous flow month's state at E)
    select distinct account_key from flow_state where cum_due > cum_paid
),

instalment_ladder as (
    -- cumulative due of the instalments up to each one, oldest due date first. The
    -- oldest unpaid instalment of an overdue state is due by its month end, so the
    -- instalments due after the calendar never answer a probe (at 10M contacts: 5.0M
    -- of 10.7M instalments, on the 0.5M of 1M accounts ever overdue).
    select
        s.account_key,
        i.due_date,
        i.amount_due,
        (sum(i.amount_due) over (
            partition by s.account_key
            order by i.due_date, i.installment_no
            rows between unbounded preceding and current row
        ))::decimal(18, 2) as cum_due_through
    from installments as i
    inner join schedule_accounts as s on s.account_id = i.account_id
    semi join overdue_accounts as o on o.account_key = s.account_key
    cross join calendar as c
    where i.due_date <= c.last_month_end
),

-- DuckDB-specific: an ASOF join picks the ladder step with the smallest cumulative
-- due greater than cum_paid: the oldest instalment not fully paid, which sets dpd.
-- Only states with something overdue need it (the others have dpd 0).
unpaid_at_end as (
    select s.*, l.due_date as oldest_unpaid_due_date
    from flow_state as s
    asof left join instalment_ladder as l
        on l.account_key = s.account_key and s.cum_paid < l.cum_due_through
    where s.cum_due > s.cum_paid
    union all
    select s.*, null::date
    from flow_state as s
    where s.cum_due <= s.cum_paid
),

unpaid_at_start as (
    select s.*, l.due_date as oldest_unpaid_at_start
    from unpaid_at_end as s
    asof left join instalment_ladder as l
        on l.account_key = s.account_key and s.cum_paid_at_start < l.cum_due_through
    where s.cum_due_at_start > s.cum_paid_at_start
    union all
    select s.*, null::date
    from unpaid_at_end as s
    where s.cum_due_at_start <= s.cum_paid_at_start or s.cum_due_at_start is null
),

schedule_months as (
    -- a flow month's totals hold until the next flow month: every month in between
    -- (no flows) gets a row with them, and starts where it ends
    select
        s.*,
        unnest(generate_series(
            s.month,
            coalesce((s.next_flow_month - interval 1 month)::date, c.last_month),
            interval 1 month
        ))::date as row_month
    from unpaid_at_start as s
    cross join calendar as c
),

schedule_at_start as (
    -- the totals at S: a month in between starts where it ends; a flow month at its
    -- totals less its own flows (null for the account's first month)
    select
        *,
        row_month > month as in_between,
        case when row_month > month then cum_due else cum_due_at_start end as due_at_s,
        case when row_month > month then cum_paid else cum_paid_at_start end as paid_at_s,
        case
            when row_month > month then oldest_unpaid_due_date else oldest_unpaid_at_start
        end as oldest_unpaid_at_s
    from schedule_months
),

schedule_rows as (
    select
        account_key,
        row_month as month,
        'schedule' as source,
        coalesce(last_day(row_month) - oldest_unpaid_due_date, 0) as dpd,
        greatest(cum_due - cum_paid, 0) as overdue_amount,
        greatest(total_due - cum_paid, 0) as outstanding_balance,
        case when in_between then 0 else paid_in_month end as paid_in_month,
        cum_due,
        cum_paid,
        total_due,
        oldest_unpaid_due_date,
        cum_paid >= total_due as is_closed,
        due_at_s is not null as has_start_row,
        coalesce((row_month - interval 1 day)::date - oldest_unpaid_at_s, 0) as start_dpd,
        greatest(due_at_s - paid_at_s, 0) as start_overdue,
        greatest(total_due - paid_at_s, 0) as start_balance,
        paid_at_s >= total_due as start_is_closed
    from schedule_at_start
),

snapshots_in_range as (
    select
        a.account_key,
        date_trunc('month', s.as_of_date)::date as month,
        s.dpd,
        s.overdue_amount,
        s.outstanding_balance
    from account_snapshots as s
    inner join metric_accounts as a on a.account_id = s.account_id
    cross join calendar as c
    where s.as_of_date >= c.first_month and s.as_of_date <= c.last_month_end
    -- DuckDB-specific: qualify; the latest snapshot of a month stands
    qualify row_number() over (
        partition by a.account_key, date_trunc('month', s.as_of_date)
        order by s.as_of_date desc
    ) = 1
),

snapshot_paid as (
    select
        p.account_key,
        date_trunc('month', p.paid_date)::date as month,
        sum(p.amount) as paid_in_month
    from metric_payments as p
    inner join metric_accounts as a on a.account_key = p.account_key
    cross join calendar as c
    where a.source = 'snapshot'
      and p.paid_date >= c.first_month and p.paid_date <= c.last_month_end
    group by all
),

snapshot_state as (
    select
        s.account_key,
        s.month,
        'snapshot' as source,
        s.dpd,
        s.overdue_amount,
        s.outstanding_balance,
        coalesce(p.paid_in_month, 0) as paid_in_month,
        null as cum_due,
        null as cum_paid,
        null as total_due,
        null::date as oldest_unpaid_due_date,
        s.outstanding_balance = 0 as is_closed
    from snapshots_in_range as s
    left join snapshot_paid as p on p.account_key = s.account_key and p.month = s.month
),

snapshot_rows as (
    -- the state at S is the account's snapshot row of the previous month, when it has one
    select
        *,
        coalesce(lag(month) over account_months = (month - interval 1 month)::date, false)
            as has_start_row,
        lag(dpd) over account_months as start_dpd,
        lag(overdue_amount) over account_months as start_overdue,
        lag(outstanding_balance) over account_months as start_balance,
        lag(is_closed) over account_months as start_is_closed
    from snapshot_state
    window account_months as (partition by account_key order by month)
),

states as (
    select * from schedule_rows
    union all
    select * from snapshot_rows
),

bucketed as (
    -- bucket k covers dpd in (edge k-1, edge k]; the last bucket is open; CLOSED
    -- comes after it (the labels are in metric_buckets)
    select
        *,
        case
            when is_closed then len($bucket_edges::integer[]) + 2
            when dpd = 0 then 0
            else 1 + len(list_filter($bucket_edges::integer[], lambda e: e < dpd))
        end as bucket_order,
        case
            when not has_start_row then null
            when start_is_closed then len($bucket_edges::integer[]) + 2
            when start_dpd = 0 then 0
            else 1 + len(list_filter($bucket_edges::integer[], lambda e: e < start_dpd))
        end as start_bucket_order
    from states
),

final as (
    select
        a.account_id::varchar as account_id,
        s.month::date as month,
        s.dpd::integer as dpd,
        b.bucket::bucket_label as bucket,
        s.overdue_amount::decimal(18, 2) as overdue_amount,
        s.outstanding_balance::decimal(18, 2) as outstanding_balance,
        s.paid_in_month::decimal(18, 2) as paid_in_month,
        s.is_closed::boolean as is_closed,
        (not s.is_closed and s.dpd > $default_dpd::integer)::boolean as is_default,
        last_day(s.month)::date as month_end,
        s.source::enum('schedule', 'snapshot') as source,
        a.product::product_label as product,
        a.agency_id::agency_label as agency_id,
        a.origination_date::date as origination_date,
        s.bucket_order::integer as bucket_order,
        s.cum_due::decimal(18, 2) as cum_due,
        s.cum_paid::decimal(18, 2) as cum_paid,
        s.total_due::decimal(18, 2) as total_due,
        s.oldest_unpaid_due_date::date as oldest_unpaid_due_date,
        -- state at S (end of the previous month); active = a row at S, not closed
        coalesce(s.has_start_row and not s.start_is_closed, false)::boolean
            as is_active_at_start,
        (case when s.has_start_row then sb.bucket end)::bucket_label as bucket_at_start,
        (case when s.has_start_row then s.start_bucket_order end)::integer
            as bucket_order_at_start,
        (case when s.has_start_row then s.start_dpd end)::integer as dpd_at_start,
        (case when s.has_start_row then s.start_overdue end)::decimal(18, 2)
            as overdue_at_start,
        (case when s.has_start_row then s.start_balance end)::decimal(18, 2)
            as balance_at_start
    from bucketed as s
    inner join (
        -- each account's labels cast once, not once per row
        select
            account_key,
            account_id,
            product::product_label as product,
            agency_id::agency_label as agency_id,
            origination_date
        from metric_accounts
    ) as a on a.account_key = s.account_key
    inner join metric_buckets as b on b.bucket_order = s.bucket_order
    left join metric_buckets as sb on sb.bucket_order = s.start_bucket_order
    left join account_month_seeds as k on k.account_key = s.account_key
    -- a seeded account's rows up to $seed_month are stored already
    where k.account_key is null or s.month > $seed_month::date
)

select * from final
