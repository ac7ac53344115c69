-- purpose: recovery rate (METRICS.md): over accounts with overdue_amount(S)
--          > 0 and not closed at S, recovered_amount = sum of
--          min(overdue_amount(S), max(0, paid_in_month)); recovery_rate =
--          recovered_amount / sum of overdue_amount(S). Paying the current
--          instalment is not recovery; recovery cannot exceed what was overdue.
-- grain:   month x dimension x dimension_value
-- inputs:  account_month
-- params:  none
-- output:  month, dimension ('portfolio' | 'product' | 'agency' | 'bucket'),
--          dimension_value ('bucket': the bucket at S), delinquent_accounts,
--          overdue_at_start, recovered_amount, recovery_rate, paid_in_month
--          (all payments of these accounts in the month, before the cap)
with delinquent_at_start as (
    -- summed per cell of the finest cut (product x agency x bucket) first: every cut
    -- sums a few thousand rows instead of every delinquent account
    select
        month, product, agency_id,
        bucket_at_start as from_bucket,
        count(*) as accounts,
        sum(overdue_at_start) as overdue,
        sum(least(overdue_at_start, greatest(paid_in_month, 0))) as recovered,
        sum(paid_in_month) as paid
    from account_month
    where is_active_at_start and overdue_at_start > 0
    group by all
),

cuts as (
    select month, 'portfolio' as dimension, 'ALL' as dimension_value,
        accounts, overdue, recovered, paid
    from delinquent_at_start
    union all
    select month, 'product', coalesce(product, 'none'), accounts, overdue, recovered, paid
    from delinquent_at_start
    union all
    select month, 'agency', coalesce(agency_id, 'in_house'), accounts, overdue, recovered, paid
    from delinquent_at_start
    union all
    select month, 'bucket', from_bucket, accounts, overdue, recovered, paid
    from delinquent_at_start
),

totals as (
    select
        month, dimension, dimension_value,
        sum(accounts) as delinquent_accounts,
        sum(overdue) as overdue_at_start,
        sum(recovered) as recovered_amount,
        sum(paid) as paid_in_month
    from cuts
    group by all
),

final as (
    select
        month::date as month,
        dimension::varchar as dimension,
        dimension_value::varchar as dimension_value,
        delinquent_accounts::bigint as delinquent_accounts,
        overdue_at_start::decimal(18, 2) as overdue_at_start,
        recovered_amount::decimal(18, 2) as recovered_amount,
        (recovered_amount::double / overdue_at_start::double)::double as recovery_rate,
        paid_in_month::decimal(18, 2) as paid_in_month
    from totals
    where overdue_at_start > 0
)

select * from final
order by month, dimension, dimension_value
