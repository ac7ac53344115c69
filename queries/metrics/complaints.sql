-- purpose: complaints per month (METRICS.md): account_events of type
--          complaint with effective_at in the month (portfolio_timezone), the
--          distinct accounts complaining, and complaints per 1,000 accounts
--          active at S (an account_month row at the end of the previous month
--          that is not closed) in the same cut; per category and for
--          category = 'ALL'.
-- grain:   month x dimension x dimension_value x category
-- inputs:  account_events, accounts, account_month, metric_months,
--          metric_tz_offsets
-- params:  $portfolio_timezone
-- output:  month, dimension ('portfolio' | 'agency', the account's agency),
--          dimension_value, category (the event's category, 'none' when empty,
--          or 'ALL'), complaints, accounts, per_1000_accounts,
--          active_accounts (the denominator)
-- rows:    a cut with no active account at S is absent; the 'ALL' row of a
--          cut with active accounts is present even with no complaint; a
--          category row is present when it has a complaint. A complaint
--          recorded against a person, not an account, counts in the portfolio
--          only (it has no agency).
with complaint_events as (
    select
        e.event_id,
        e.account_id,
        coalesce(e.category, 'none') as category,
        a.agency_id,
        date_trunc('month', coalesce(
            make_timestamp(epoch_us(e.effective_at) + o.offset_us),
            timezone($portfolio_timezone, e.effective_at)
        ))::date as month
    from account_events as e
    left join accounts as a on a.account_id = e.account_id
    left join metric_tz_offsets as o on o.slot = epoch_us(e.effective_at) // 900000000
    where e.event_type = 'complaint'
),

in_calendar as (
    select ce.*
    from complaint_events as ce
    inner join metric_months as m on m.month = ce.month
),

cuts as (
    select month, 'portfolio' as dimension, 'ALL' as dimension_value, category, account_id
    from in_calendar
    union all
    select month, 'agency', coalesce(agency_id, 'in_house'), category, account_id
    from in_calendar
    where account_id is not null
),

counts as (
    select
        month, dimension, dimension_value,
        coalesce(category, 'ALL') as category,
        count(*) as complaints,
        count(distinct account_id) as accounts
    from cuts
    group by grouping sets (
        (month, dimension, dimension_value, category),
        (month, dimension, dimension_value)
    )
),

active_at_start as (
    select m.month, am.agency_id
    from account_month as am
    inner join metric_months as m on m.prev_month = am.month
    where not am.is_closed
),

denominators as (
    select month, 'portfolio' as dimension, 'ALL' as dimension_value, count(*) as active_accounts
    from active_at_start
    group by all
    union all
    select month, 'agency', coalesce(agency_id, 'in_house'), count(*)
    from active_at_start
    group by all
),

rows_all as (
    select d.month, d.dimension, d.dimension_value, 'ALL' as category,
        coalesce(c.complaints, 0) as complaints, coalesce(c.accounts, 0) as accounts,
        d.active_accounts
    from denominators as d
    left join counts as c
        on c.month = d.month
        and c.dimension = d.dimension
        and c.dimension_value = d.dimension_value
        and c.category = 'ALL'
),

rows_by_category as (
    select c.month, c.dimension, c.dimension_value, c.category, c.complaints, c.accounts,
        d.active_accounts
    from counts as c
    inner join denominators as d
        on d.month = c.month
        and d.dimension = c.dimension
        and d.dimension_value = c.dimension_value
    where c.category <> 'ALL'
),

final as (
    select
        month::date as month,
        dimension::varchar as dimension,
        dimension_value::varchar as dimension_value,
        category::varchar as category,
        complaints::bigint as complaints,
        accounts::bigint as accounts,
        (1000.0 * complaints::double / active_accounts::double)::double as per_1000_accounts,
        active_accounts::bigint as active_accounts
    from (select * from rows_all union all select * from rows_by_category)
    where active_accounts > 0
)

select * from final
order by month, dimension, dimension_value, category
