-- purpose: report_regimes counted from the month's contacts, for a month whose
--          violation_summary has no regime cut (checked before the cut existed):
--          the regimes of the accounts that had an outbound contact (letters
--          excluded) in the month.
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
      and channel <> 'letter'
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
