-- purpose: the parameters the metric tables were computed with, for the
--          methodology section of a report and for trending across runs.
-- grain:   one row per parameter
-- inputs:  metric_months
-- params:  $through_month, $portfolio_timezone, $bucket_edges, $default_dpd,
--          $ptp_grace_days, $ptp_tolerance
-- output:  name, value (text), first_month, through_month
with calendar as (
    select min(month) as first_month from metric_months
),

params as (
    select * from (values
        ('portfolio_timezone', $portfolio_timezone::varchar),
        ('bucket_edges', array_to_string($bucket_edges::integer[], ',')),
        ('default_dpd', $default_dpd::varchar),
        ('ptp_grace_days', $ptp_grace_days::varchar),
        ('ptp_tolerance', $ptp_tolerance::decimal(18, 6)::varchar)
    ) as p(name, value)
),

final as (
    select
        p.name::varchar as name,
        p.value::varchar as value,
        c.first_month::date as first_month,
        date_trunc('month', $through_month::date)::date as through_month
    from params as p
    cross join calendar as c
)

select * from final
