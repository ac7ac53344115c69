-- purpose: the calendar the metrics cover: every month from the first month
--          with data through $through_month, with the instants that bound it
--          in portfolio_timezone (METRICS.md: month m runs from S, the end of
--          the previous month's last day, to E, the end of m's last day).
-- grain:   one row per month
-- inputs:  metric_accounts
-- params:  $through_month (DATE, any day of the last month),
--          $portfolio_timezone (IANA name)
-- output:  month (DATE, first day), month_end (DATE, last day), prev_month,
--          month_index (1 = first month), start_at, end_at (TIMESTAMPTZ: first
--          instant of the month and of the next month, local midnight)
-- note:    "first month with data" = the earliest origination month of an
--          account with a schedule and no snapshots, or the earliest snapshot
--          month, whichever comes first.
with bounds as (
    select
        date_trunc('month', least(
            min(origination_date) filter (where source = 'schedule'),
            min(first_snapshot_date)
        ))::date as first_month,
        date_trunc('month', $through_month::date)::date as last_month
    from metric_accounts
),

months as (
    select unnest(generate_series(first_month, last_month, interval 1 month))::date as month
    from bounds
    where first_month is not null and first_month <= last_month
),

final as (
    select
        month::date as month,
        last_day(month)::date as month_end,
        (month - interval 1 month)::date as prev_month,
        (row_number() over (order by month))::integer as month_index,
        -- local midnight in the portfolio zone, as an instant
        timezone($portfolio_timezone, month::timestamp)::timestamptz as start_at,
        timezone($portfolio_timezone, (month + interval 1 month)::timestamp)::timestamptz as end_at
    from months
)

select * from final
order by month
