-- purpose: cure rates (METRICS.md): of the accounts active at S in bucket
--          i >= M1, the share with dpd(E) = 0 or closed at E; per bucket and
--          pooled over M1 or worse (from_bucket = 'ALL').
-- grain:   month x dimension x dimension_value x from_bucket
-- inputs:  account_month
-- params:  none
-- output:  month, dimension ('portfolio' | 'product' | 'agency'),
--          dimension_value, from_bucket (bucket label or 'ALL'), accounts,
--          cured, cure_rate, from_bucket_order (null for 'ALL')
with delinquent_at_start as (
    -- M1 or worse at S: active (not closed) and dpd > 0, counted per cell of the finest
    -- cut (product x agency x bucket) first: every cut sums a few thousand rows
    select
        month, product, agency_id,
        bucket_at_start as from_bucket,
        bucket_order_at_start as from_bucket_order,
        count(*) as accounts,
        count(*) filter (where dpd = 0 or is_closed) as cured
    from account_month
    where is_active_at_start and dpd_at_start > 0
    group by all
),

cuts as (
    select month, 'portfolio' as dimension, 'ALL' as dimension_value,
        from_bucket, from_bucket_order, accounts, cured
    from delinquent_at_start
    union all
    select month, 'product', coalesce(product, 'none'),
        from_bucket, from_bucket_order, accounts, cured
    from delinquent_at_start
    union all
    select month, 'agency', coalesce(agency_id, 'in_house'),
        from_bucket, from_bucket_order, accounts, cured
    from delinquent_at_start
),

counts as (
    select
        month, dimension, dimension_value,
        coalesce(from_bucket, 'ALL') as from_bucket,
        from_bucket_order,
        sum(accounts) as accounts,
        sum(cured) as cured
    from cuts
    group by grouping sets (
        (month, dimension, dimension_value, from_bucket, from_bucket_order),
        (month, dimension, dimension_value)
    )
),

final as (
    select
        month::date as month,
        dimension::varchar as dimension,
        dimension_value::varchar as dimension_value,
        from_bucket::varchar as from_bucket,
        accounts::bigint as accounts,
        cured::bigint as cured,
        (cured::double / accounts::double)::double as cure_rate,
        from_bucket_order::integer as from_bucket_order
    from counts
)

select * from final
order by month, dimension, dimension_value, from_bucket_order nulls last
