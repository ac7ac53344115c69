-- purpose: promise-to-pay outcomes (METRICS.md): a promise is a contact with
--          outcome promise_to_pay, ptp_amount > 0 and a ptp_date, due in the
--          month of ptp_date. It is kept when the account's net payments dated
--          from the contact's date through ptp_date + ptp_grace_days (dates in
--          portfolio_timezone, both ends included) reach ptp_tolerance x
--          ptp_amount. Promises are independent: one payment may keep several.
-- grain:   month (of ptp_date) x dimension x dimension_value
-- inputs:  contacts, metric_accounts, metric_payments, metric_months,
--          metric_tz_offsets
-- params:  $ptp_grace_days (INTEGER), $ptp_tolerance (compared exactly, as
--          DECIMAL(18,6)), $portfolio_timezone
-- output:  month, dimension ('portfolio' | 'product' | 'agency', the
--          account's agency), dimension_value, promises_due, promises_kept,
--          kept_rate, amount_promised, amount_kept (sum of max(0, min(paid in
--          the window, ptp_amount))), promises_open (promises whose window
--          ends after the last month: their outcome can still change)
with promises as (
    select
        c.contact_id,
        a.account_key,
        a.product,
        a.agency_id,
        c.started_at,
        c.ptp_amount,
        c.ptp_date,
        date_trunc('month', c.ptp_date)::date as month
    from contacts as c
    inner join metric_accounts as a on a.account_id = c.account_id
    where c.outcome = 'promise_to_pay'
      and c.ptp_amount > 0
      and c.ptp_date is not null
),

promises_due as (
    select
        p.*,
        coalesce(
            make_timestamp(epoch_us(p.started_at) + o.offset_us),
            timezone($portfolio_timezone, p.started_at)
        )::date as contact_date,
        p.ptp_date + $ptp_grace_days::integer as window_end
    from promises as p
    inner join metric_months as m on m.month = p.month
    left join metric_tz_offsets as o on o.slot = epoch_us(p.started_at) // 900000000
),

paid_in_window as (
    select p.contact_id, sum(d.amount) as paid
    from promises_due as p
    inner join metric_payments as d
        on d.account_key = p.account_key
        and d.paid_date >= p.contact_date
        and d.paid_date <= p.window_end
    group by p.contact_id
),

evaluated as (
    select
        p.month,
        p.product,
        p.agency_id,
        p.ptp_amount,
        coalesce(w.paid, 0) >= $ptp_tolerance::decimal(18, 6) * p.ptp_amount as is_kept,
        greatest(0, least(coalesce(w.paid, 0), p.ptp_amount)) as amount_kept,
        p.window_end > (select max(month_end) from metric_months) as is_open
    from promises_due as p
    left join paid_in_window as w on w.contact_id = p.contact_id
),

cuts as (
    select month, 'portfolio' as dimension, 'ALL' as dimension_value,
        ptp_amount, is_kept, amount_kept, is_open
    from evaluated
    union all
    select month, 'product', coalesce(product, 'none'), ptp_amount, is_kept, amount_kept, is_open
    from evaluated
    union all
    select month, 'agency', coalesce(agency_id, 'in_house'),
        ptp_amount, is_kept, amount_kept, is_open
    from evaluated
),

counts as (
    select
        month, dimension, dimension_value,
        count(*) as promises_due,
        count(*) filter (where is_kept) as promises_kept,
        sum(ptp_amount) as amount_promised,
        sum(amount_kept) as amount_kept,
        count(*) filter (where is_open) as promises_open
    from cuts
    group by all
),

final as (
    select
        month::date as month,
        dimension::varchar as dimension,
        dimension_value::varchar as dimension_value,
        promises_due::bigint as promises_due,
        promises_kept::bigint as promises_kept,
        (promises_kept::double / promises_due::double)::double as kept_rate,
        amount_promised::decimal(18, 2) as amount_promised,
        amount_kept::decimal(18, 2) as amount_kept,
        promises_open::bigint as promises_open
    from counts
)

select * from final
order by month, dimension, dimension_value
