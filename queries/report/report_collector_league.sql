-- purpose: collector league table of the report month: contact
--          effectiveness beside conduct for the $top_n collectors with the
--          most outbound attempts. Recovery is measured per agency (accounts,
--          not collectors, are placed), so it is not repeated here. The
--          collector's name is personal data: the report masks it.
-- grain:   one row per collector
-- inputs:  contact_activity, violation_summary (collector cuts), collectors
-- params:  $month, $top_n
-- output:  collector_id, collector_name, agency_id, attempts, calls,
--          conversations, rpc, rpc_per_attempt, rpc_per_connected_call,
--          contacts, violations, violations_per_10k
with activity as (
    select *
    from contact_activity
    where month = $month::date and dimension = 'collector' and dimension_value <> 'none'
    order by attempts desc, dimension_value
    limit $top_n::integer
),

final as (
    select
        a.dimension_value as collector_id,
        c.name as collector_name,
        coalesce(c.agency_id, 'in_house') as agency_id,
        a.attempts::bigint as attempts,
        a.calls::bigint as calls,
        a.conversations::bigint as conversations,
        a.rpc::bigint as rpc,
        a.rpc_per_attempt::double as rpc_per_attempt,
        a.rpc_per_connected_call::double as rpc_per_connected_call,
        v.contacts::bigint as contacts,
        coalesce(v.violations, 0)::bigint as violations,
        v.per_10k_contacts::double as violations_per_10k
    from activity as a
    left join collectors as c on c.collector_id = a.dimension_value
    left join violation_summary as v
        on v.month = $month::date and v.dimension = 'collector' and v.rule_id = 'ALL'
        and v.dimension_value = a.dimension_value
)

select * from final
order by attempts desc, collector_id
