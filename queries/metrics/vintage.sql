-- purpose: vintage curves (METRICS.md): for cohort v (accounts originated in
--          month v) and months on book k (k = 0 is the end of the
--          origination month), the accounts of v with dpd > default_dpd at any
--          month end v+0 ... v+k, over the accounts of v.
-- grain:   origination_month x mob x dimension x dimension_value; a cell
--          after the last month, or before the first month with data, is
--          absent (never 0)
-- inputs:  account_month, metric_months
-- params:  $default_dpd (INTEGER)
-- output:  origination_month, mob, dimension ('portfolio' | 'product' |
--          'agency'), dimension_value, accounts, defaulted_accounts,
--          cum_default_rate, month (the calendar month of the cell)
-- note:    the cohort holds the accounts that have account_month rows (a
--          schedule or snapshots); dpd > default_dpd is read literally, as
--          METRICS.md states it.
with cohort_accounts as (
    select
        account_id,
        date_trunc('month', any_value(origination_date))::date as origination_month,
        any_value(product) as product,
        any_value(agency_id) as agency_id,
        min(month) filter (where dpd > $default_dpd::integer) as first_default_month
    from account_month
    group by account_id
),

cuts as (
    select origination_month, 'portfolio' as dimension, 'ALL' as dimension_value,
        first_default_month
    from cohort_accounts
    union all
    select origination_month, 'product', coalesce(product, 'none'), first_default_month
    from cohort_accounts
    union all
    select origination_month, 'agency', coalesce(agency_id, 'in_house'), first_default_month
    from cohort_accounts
),

cohort_sizes as (
    select origination_month, dimension, dimension_value, count(*) as accounts
    from cuts
    group by all
),

first_defaults as (
    select
        origination_month, dimension, dimension_value,
        first_default_month as month,
        count(*) as defaulted
    from cuts
    where first_default_month is not null
    group by all
),

cells as (
    select
        c.origination_month,
        c.dimension,
        c.dimension_value,
        m.month,
        c.accounts,
        sum(coalesce(f.defaulted, 0)) over (
            partition by c.origination_month, c.dimension, c.dimension_value
            order by m.month
            rows between unbounded preceding and current row
        ) as defaulted_accounts
    from cohort_sizes as c
    inner join metric_months as m on m.month >= c.origination_month
    left join first_defaults as f
        on f.origination_month = c.origination_month
        and f.dimension = c.dimension
        and f.dimension_value = c.dimension_value
        and f.month = m.month
),

final as (
    select
        origination_month::date as origination_month,
        datediff('month', origination_month, month)::integer as mob,
        dimension::varchar as dimension,
        dimension_value::varchar as dimension_value,
        accounts::bigint as accounts,
        defaulted_accounts::bigint as defaulted_accounts,
        (defaulted_accounts::double / accounts::double)::double as cum_default_rate,
        month::date as month
    from cells
)

select * from final
order by origination_month, dimension, dimension_value, mob
