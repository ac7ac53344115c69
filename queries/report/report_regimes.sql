-- purpose: the rule regimes present in the report month: regimes of the
--          accounts that had an outbound contact in the month (the cover page
--          names them; the rule sections cover their packs).
-- grain:   one row per regime
-- inputs:  contacts, accounts
-- params:  $month_start_at, $month_end_at (TIMESTAMPTZ, the month in the
--          portfolio time zone, end exclusive)
-- output:  regime, accounts, contacts
with per_account as (
    -- counted per account before the join, so the join probes the accounts
    -- once per account contacted rather than once per contact
    select account_id, count(*) as contacts
    from contacts
    where direction = 'outbound'
      and started_at >= $month_start_at
      and started_at < $month_end_at
    group by account_id
),

final as (
    select
        a.regime,
        count(*)::bigint as accounts,
        sum(c.contacts)::bigint as contacts
    from per_account as c
    inner join accounts as a on a.account_id = c.account_id
    group by a.regime
)

select * from final
order by contacts desc, regime
