-- purpose: the rule regimes present in the report month: regimes of the
--          accounts that had an outbound contact in the month (the cover page
--          names them; the rule sections cover their packs).
-- grain:   one row per regime
-- inputs:  contacts, accounts
-- params:  $month_start_at, $month_end_at (TIMESTAMPTZ, the month in the
--          portfolio time zone, end exclusive)
-- output:  regime, accounts, contacts
with month_contacts as (
    select account_id
    from contacts
    where direction = 'outbound'
      and started_at >= $month_start_at
      and started_at < $month_end_at
),

final as (
    select
        a.regime,
        count(distinct c.account_id)::bigint as accounts,
        count(*)::bigint as contacts
    from month_contacts as c
    inner join accounts as a on a.account_id = c.account_id
    group by a.regime
)

select * from final
order by contacts desc, regime
