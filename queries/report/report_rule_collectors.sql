-- purpose: per rule, the collectors with the most violations in the month:
--          the top $rule_top_n of each rule for the rule sections, the top
--          $top_n of all rules together (rule_id 'ALL') for the executive
--          summary. The collector's name is personal data: the report masks
--          collector_name before printing it.
-- grain:   rule_id x collector (at most $rule_top_n collectors per rule,
--          $top_n for 'ALL')
-- inputs:  violation_summary (collector cut), collectors
-- params:  $month, $top_n, $rule_top_n
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
    where r.rank <= case
        when r.rule_id = 'ALL' then $top_n::integer else $rule_top_n::integer
    end
)

select * from final
order by rule_id, rank
