-- purpose: every account with an integer key and the facts the metric
--          steps need: where its delinquency comes from and, for a
--          schedule, what is due in total. The integer key keeps the large
--          joins, sorts and windows of account_month cheap.
-- grain:   one row per account
-- inputs:  accounts, installments, account_snapshots
-- params:  none
-- output:  account_key (the row's rowid in accounts: unique, used only within one
--          computation; numbering the accounts in account_id order cost a sort
--          of 1M ids, 0.6 CPU s at 10M contacts),
--          account_id, product, agency_id, origination_date,
--          origination_month, source ('snapshot' when the account has any
--          snapshot, else 'schedule' when it has instalments, else null: no
--          delinquency source), total_due (sum of all its instalments),
--          first_snapshot_date
with snapshot_accounts as (
    select account_id, min(as_of_date) as first_snapshot_date
    from account_snapshots
    group by account_id
),

schedule_totals as (
    select account_id, sum(amount_due) as total_due
    from installments
    group by account_id
),

final as (
    select
        a.rowid::integer as account_key,
        a.account_id::varchar as account_id,
        a.product::varchar as product,
        a.agency_id::varchar as agency_id,
        a.origination_date::date as origination_date,
        date_trunc('month', a.origination_date)::date as origination_month,
        (case
            -- snapshots, when present, are the account's only source (METRICS.md)
            when s.account_id is not null then 'snapshot'
            when t.account_id is not null then 'schedule'
        end)::varchar as source,
        t.total_due::decimal(18, 2) as total_due,
        s.first_snapshot_date::date as first_snapshot_date
    from accounts as a
    left join snapshot_accounts as s on s.account_id = a.account_id
    left join schedule_totals as t on t.account_id = a.account_id
)

select * from final
