-- purpose: violations per rule in the report month and the month before,
--          portfolio cut, for the per-rule sections and the compliance
--          summary. A rule without a row had no outbound contact in scope (no
--          account under a regime it governs).
-- grain:   one row per rule_id (never 'ALL')
-- inputs:  violation_summary
-- params:  $month, $previous_month
-- output:  rule_id, violations, contacts, per_10k_contacts,
--          accounts_with_violation, accounts_contacted, previous_violations,
--          previous_per_10k_contacts (null when the previous month has no
--          result for the rule)
with this_month as (
    select rule_id, violations, contacts, per_10k_contacts,
        accounts_with_violation, accounts_contacted
    from violation_summary
    where month = $month::date and dimension = 'portfolio' and rule_id <> 'ALL'
),

previous_month as (
    select rule_id, violations, per_10k_contacts
    from violation_summary
    where month = $previous_month::date and dimension = 'portfolio' and rule_id <> 'ALL'
),

final as (
    select
        t.rule_id,
        t.violations::bigint as violations,
        t.contacts::bigint as contacts,
        t.per_10k_contacts::double as per_10k_contacts,
        t.accounts_with_violation::bigint as accounts_with_violation,
        t.accounts_contacted::bigint as accounts_contacted,
        p.violations::bigint as previous_violations,
        p.per_10k_contacts::double as previous_per_10k_contacts
    from this_month as t
    left join previous_month as p on p.rule_id = t.rule_id
)

select * from final
order by violations desc, rule_id
