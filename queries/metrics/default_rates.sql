-- purpose: monthly default flow (METRICS.md): performing_at_start = accounts
--          active at S with dpd(S) <= default_dpd; new_defaults = those with
--          dpd(E) > default_dpd and not closed at E; default_rate =
--          new_defaults / performing_at_start.
-- grain:   month x dimension x dimension_value
-- inputs:  account_month
-- params:  $default_dpd (INTEGER)
-- output:  month, dimension ('portfolio' | 'product' | 'agency'),
--          dimension_value, performing_at_start, new_defaults, default_rate
with performing as (
    -- counted per cell of the finest cut (product x agency) first: every cut sums a
    -- few hundred rows instead of every performing account
    select
        month, product, agency_id,
        count(*) as performing_at_start,
        count(*) filter (where dpd > $default_dpd::integer and not is_closed) as new_defaults
    from account_month
    where is_active_at_start and dpd_at_start <= $default_dpd::integer
    group by all
),

cuts as (
    select month, 'portfolio' as dimension, 'ALL' as dimension_value,
        performing_at_start, new_defaults
    from performing
    union all
    select month, 'product', coalesce(product, 'none'), performing_at_start, new_defaults
    from performing
    union all
    select month, 'agency', coalesce(agency_id, 'in_house'), performing_at_start, new_defaults
    from performing
),

counts as (
    select
        month, dimension, dimension_value,
        sum(performing_at_start) as performing_at_start,
        sum(new_defaults) as new_defaults
    from cuts
    group by all
),

final as (
    select
        month::date as month,
        dimension::varchar as dimension,
        dimension_value::varchar as dimension_value,
        performing_at_start::bigint as performing_at_start,
        new_defaults::bigint as new_defaults,
        (new_defaults::double / performing_at_start::double)::double as default_rate
    from counts
)

select * from final
order by month, dimension, dimension_value
