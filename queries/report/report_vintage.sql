-- purpose: vintage curves for the management report (METRICS.md "Vintage"):
--          cumulative ever-default rate by months on book for the latest
--          $max_cohorts origination cohorts, as known at the end of the
--          report month, up to $max_mob months on book.
-- grain:   origination_month x mob (portfolio cut)
-- inputs:  vintage
-- params:  $month, $max_cohorts, $max_mob
-- output:  origination_month, mob, accounts, defaulted_accounts,
--          cum_default_rate
with cohorts as (
    select distinct origination_month
    from vintage
    where dimension = 'portfolio' and origination_month <= $month::date
    order by origination_month desc
    limit $max_cohorts::integer
),

final as (
    select
        v.origination_month,
        v.mob::integer as mob,
        v.accounts::bigint as accounts,
        v.defaulted_accounts::bigint as defaulted_accounts,
        v.cum_default_rate::double as cum_default_rate
    from vintage as v
    inner join cohorts as c on c.origination_month = v.origination_month
    where v.dimension = 'portfolio'
      and v.month <= $month::date
      and v.mob <= $max_mob::integer
)

select * from final
order by origination_month, mob
