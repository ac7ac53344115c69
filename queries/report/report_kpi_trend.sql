-- purpose: portfolio KPIs per month for the management trend charts and KPI
--          table: recovery, cure (pooled M1+), default, PTP kept, the three
--          contact rates, and conduct (violations per 10,000 outbound
--          contacts), for the $trend_months months ending with the report
--          month. A rate whose denominator is 0 is null, as in its table.
-- grain:   one row per month
-- inputs:  recovery, cure_rates, default_rates, ptp, contact_activity,
--          violation_summary, complaints (portfolio cuts)
-- params:  $month, $trend_months
-- output:  month, recovery_rate, overdue_at_start, recovered_amount,
--          cure_rate, default_rate, new_defaults, performing_at_start,
--          ptp_kept_rate, promises_due, attempts, rpc, rpc_per_attempt,
--          rpc_per_connected_call, penetration, contacts, violations,
--          violations_per_10k, complaints, complaints_per_1000
with months as (
    select month from recovery where dimension = 'portfolio'
    union
    select month from contact_activity where dimension = 'portfolio'
    union
    select month from default_rates where dimension = 'portfolio'
),

trend_months as (
    select month
    from months
    where month <= $month::date
      and month > ($month::date - to_months($trend_months::integer))::date
),

final as (
    select
        m.month,
        r.recovery_rate::double as recovery_rate,
        r.overdue_at_start,
        r.recovered_amount,
        c.cure_rate::double as cure_rate,
        d.default_rate::double as default_rate,
        d.new_defaults::bigint as new_defaults,
        d.performing_at_start::bigint as performing_at_start,
        p.kept_rate::double as ptp_kept_rate,
        p.promises_due::bigint as promises_due,
        a.attempts::bigint as attempts,
        a.rpc::bigint as rpc,
        a.rpc_per_attempt::double as rpc_per_attempt,
        a.rpc_per_connected_call::double as rpc_per_connected_call,
        a.penetration::double as penetration,
        v.contacts::bigint as contacts,
        v.violations::bigint as violations,
        v.per_10k_contacts::double as violations_per_10k,
        k.complaints::bigint as complaints,
        k.per_1000_accounts::double as complaints_per_1000
    from trend_months as m
    left join recovery as r
        on r.month = m.month and r.dimension = 'portfolio'
    left join cure_rates as c
        on c.month = m.month and c.dimension = 'portfolio' and c.from_bucket = 'ALL'
    left join default_rates as d
        on d.month = m.month and d.dimension = 'portfolio'
    left join ptp as p
        on p.month = m.month and p.dimension = 'portfolio'
    left join contact_activity as a
        on a.month = m.month and a.dimension = 'portfolio'
    left join violation_summary as v
        on v.month = m.month and v.dimension = 'portfolio' and v.rule_id = 'ALL'
    left join complaints as k
        on k.month = m.month and k.dimension = 'portfolio' and k.category = 'ALL'
)

select * from final
order by month
