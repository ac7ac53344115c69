-- purpose: the delinquency buckets in force, generated from the configured
--          edges: M0 = dpd 0, M1 = 1..e1, M2 = e1+1..e2, ..., the last open
--          bucket > e_n is labelled with a "+", then CLOSED (METRICS.md).
--          With the default edges (30, 60, 90, 120, 150, 180): M0, M1 (1-30),
--          M2 (31-60), ..., M6 (151-180), M7+ (> 180), CLOSED.
-- grain:   one row per bucket
-- inputs:  none
-- params:  $bucket_edges (INTEGER[], increasing upper dpd of M1, M2, ...)
-- output:  bucket, bucket_order (0 = M0 ... CLOSED last), min_dpd, max_dpd
--          (null = open), dpd_range (readable)
-- note:    account_month computes the same labels inline (bucket_order =
--          number of edges below dpd, plus one); keep the two in step.
with edges as (
    select
        unnest($bucket_edges::integer[]) as max_dpd,
        generate_subscripts($bucket_edges::integer[], 1) as bucket_order
),

bounded as (
    select
        bucket_order,
        coalesce(lag(max_dpd) over (order by bucket_order), 0) + 1 as min_dpd,
        max_dpd
    from edges
),

buckets as (
    select 'M0' as bucket, 0 as bucket_order, 0 as min_dpd, 0 as max_dpd
    union all
    select 'M' || bucket_order, bucket_order, min_dpd, max_dpd
    from bounded
    union all
    select
        'M' || (len($bucket_edges::integer[]) + 1) || '+',
        len($bucket_edges::integer[]) + 1,
        list_last($bucket_edges::integer[]) + 1,
        null
    union all
    select 'CLOSED', len($bucket_edges::integer[]) + 2, null, null
),

final as (
    select
        bucket::varchar as bucket,
        bucket_order::integer as bucket_order,
        min_dpd::integer as min_dpd,
        max_dpd::integer as max_dpd,
        (case
            when bucket = 'CLOSED' then 'paid off'
            when max_dpd is null then '> ' || (min_dpd - 1)
            when min_dpd = max_dpd then min_dpd::varchar
            else min_dpd || '-' || max_dpd
        end)::varchar as dpd_range
    from buckets
)

select * from final
order by bucket_order
