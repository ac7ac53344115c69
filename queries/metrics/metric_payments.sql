-- purpose: payments keyed by account_key with their date in
--          portfolio_timezone (METRICS.md); reversals (negative amounts)
--          subtract on the date they are dated.
-- grain:   one row per payment
-- inputs:  payments, metric_accounts, metric_tz_offsets
-- params:  $portfolio_timezone (only for timestamps outside the offset table)
-- output:  account_key, paid_date, amount (DECIMAL(18,2), negative = reversal)
with localized as (
    select
        a.account_key,
        p.amount,
        -- DuckDB-specific: wall clock = UTC instant + the zone's offset at that slot
        coalesce(
            make_timestamp(epoch_us(p.paid_at) + o.offset_us),
            timezone($portfolio_timezone, p.paid_at)
        )::date as paid_date
    from payments as p
    inner join metric_accounts as a on a.account_id = p.account_id
    left join metric_tz_offsets as o on o.slot = epoch_us(p.paid_at) // 900000000
),

final as (
    select
        account_key::integer as account_key,
        paid_date::date as paid_date,
        amount::decimal(18, 2) as amount
    from localized
)

select * from final
