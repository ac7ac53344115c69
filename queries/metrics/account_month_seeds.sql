-- purpose: the accounts whose stored account_month rows a computation keeps:
--          schedule accounts with a row at $seed_month (the last month of the
--          stored table) and no input changed since it was computed. Their
--          state at $seed_month carries them forward (account_month,
--          "seeds"); every other account is computed from its first month.
-- grain:   one row per account kept
-- inputs:  account_month (as stored), metric_accounts, accounts, installments,
--          account_snapshots, payments
-- params:  $seed_month (DATE), $watermark (the last load_id the stored table
--          saw), $portfolio_timezone
-- output:  account_key, account_id, cum_due, cum_paid, total_due
-- note:    an account changed when a row of it was loaded after $watermark in
--          accounts, installments (its total due moves) or account_snapshots,
--          or a payment of it was loaded after $watermark and made before the
--          end of $seed_month (a day's margin around the zone conversion:
--          computing an account again is always safe). Canonical tables only
--          grow (rows are never updated or deleted), so nothing else can move
--          a stored month.
with changed as (
    select account_id from accounts where load_id > $watermark
    union
    select account_id from installments where load_id > $watermark
    union
    select account_id from account_snapshots where load_id > $watermark
    union
    select account_id
    from payments
    where load_id > $watermark
      and paid_at < timezone($portfolio_timezone, (last_day($seed_month::date) + 2)::timestamp)
),

final as (
    select
        a.account_key::integer as account_key,
        a.account_id::varchar as account_id,
        m.cum_due::decimal(18, 2) as cum_due,
        m.cum_paid::decimal(18, 2) as cum_paid,
        a.total_due::decimal(18, 2) as total_due
    from account_month as m
    inner join metric_accounts as a on a.account_id = m.account_id
    anti join changed as c on c.account_id = m.account_id
    where m.month = $seed_month::date
      and m.source = 'schedule'
      and a.source = 'schedule'
)

select * from final
