-- purpose: agency league table of the report month: recovery beside
--          contact effectiveness and conduct. The $top_n agencies with the
--          largest overdue balance at the start of the month (then most
--          contacts), listed by recovery rate. Recovery and PTP use the
--          account's agency; contacts, violations use the contact's agency
--          (METRICS.md).
-- grain:   one row per agency ('in_house' for the lender's own collection)
-- inputs:  recovery, ptp, contact_activity, violation_summary, complaints,
--          agencies (agency cuts)
-- params:  $month, $top_n
-- output:  agency_id, agency_name, delinquent_accounts, overdue_at_start,
--          recovered_amount, recovery_rate, ptp_kept_rate, attempts,
--          rpc_per_attempt, penetration, contacts, violations,
--          violations_per_10k, complaints_per_1000
with keys as (
    select dimension_value as agency_id from recovery
    where month = $month::date and dimension = 'agency'
    union
    select dimension_value from contact_activity
    where month = $month::date and dimension = 'agency'
),

joined as (
    select
        k.agency_id,
        g.name as agency_name,
        r.delinquent_accounts::bigint as delinquent_accounts,
        r.overdue_at_start,
        r.recovered_amount,
        r.recovery_rate::double as recovery_rate,
        p.kept_rate::double as ptp_kept_rate,
        a.attempts::bigint as attempts,
        a.rpc_per_attempt::double as rpc_per_attempt,
        a.penetration::double as penetration,
        v.contacts::bigint as contacts,
        v.violations::bigint as violations,
        v.per_10k_contacts::double as violations_per_10k,
        c.per_1000_accounts::double as complaints_per_1000
    from keys as k
    left join agencies as g on g.agency_id = k.agency_id
    left join recovery as r
        on r.month = $month::date and r.dimension = 'agency' and r.dimension_value = k.agency_id
    left join ptp as p
        on p.month = $month::date and p.dimension = 'agency' and p.dimension_value = k.agency_id
    left join contact_activity as a
        on a.month = $month::date and a.dimension = 'agency' and a.dimension_value = k.agency_id
    left join violation_summary as v
        on v.month = $month::date and v.dimension = 'agency' and v.rule_id = 'ALL'
        and v.dimension_value = k.agency_id
    left join complaints as c
        on c.month = $month::date and c.dimension = 'agency' and c.category = 'ALL'
        and c.dimension_value = k.agency_id
),

largest as (
    select *
    from joined
    order by overdue_at_start desc nulls last, attempts desc nulls last, agency_id
    limit $top_n::integer
)

select * from largest
order by recovery_rate desc nulls last, agency_id
