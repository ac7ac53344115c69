-- purpose: per rule, the collectors with the most violations in the month
--          (top $top_n per rule). The collector's name is personal data: the
--          report masks collector_name before printing it.
-- grain:   rule_id x collector (at most $top_n collectors per rule)
-- inputs:  violation_summary (collector cut), collectors
-- params:  $month, $top_n
-- output:  rule_id, collector_id ('none' for contacts without a collector),
--          collector_name, agency_id, violations, contacts, per_10k_contacts,
--          rank
with ranked as (
    select
        rule_id,
        dimension_value as collector_id,
        violations,
        contacts,
        per_10k_contacts,
        row_number() over (
            partition by rule_id order by violations desc, dimension_value
        ) as rank
    from violation_summary
    where month = $month::date
      and dimension = 'collector'
      and violations > 0
),

final as (
    select
        r.rule_id,
        r.collector_id,
        c.name as collector_name,
        coalesce(c.agency_id, 'in_house') as agency_id,
        r.violations::bigint as violations,
        r.contacts::bigint as contacts,
        r.per_10k_contacts::double as per_10k_contacts,
        r.rank::integer as rank
    from ranked as r
    left join collectors as c on c.collector_id = r.collector_id
    where r.rank <= $top_n::integer
)

select * from final
order by rule_id, rank
