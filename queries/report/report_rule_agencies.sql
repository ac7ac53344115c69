-- purpose: per rule, the agencies with the most violations in the month,
--          with the agency's outbound contacts in the rule's scope and its
--          rate per 10,000 contacts. The rule sections show the top
--          $rule_top_n of each rule; the executive summary shows the top
--          $top_n of all rules together (rule_id 'ALL').
-- grain:   rule_id x agency (at most $rule_top_n agencies per rule, $top_n
--          for 'ALL')
-- inputs:  violation_summary (agency cut), agencies
-- params:  $month, $top_n, $rule_top_n
-- output:  rule_id, agency_id ('in_house' for contacts made in house),
--          agency_name, violations, contacts, per_10k_contacts, rank
with ranked as (
    select
        rule_id,
        dimension_value as agency_id,
        violations,
        contacts,
        per_10k_contacts,
        row_number() over (
            partition by rule_id order by violations desc, dimension_value
        ) as rank
    from violation_summary
    where month = $month::date
      and dimension = 'agency'
      and violations > 0
),

final as (
    select
        r.rule_id,
        r.agency_id,
        g.name as agency_name,
        r.violations::bigint as violations,
        r.contacts::bigint as contacts,
        r.per_10k_contacts::double as per_10k_contacts,
        r.rank::integer as rank
    from ranked as r
    left join agencies as g on g.agency_id = r.agency_id
    where r.rank <= case
        when r.rule_id = 'ALL' then $top_n::integer else $rule_top_n::integer
    end
)

select * from final
order by rule_id, rank
