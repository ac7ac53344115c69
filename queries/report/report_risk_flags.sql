-- purpose: risk indicators of the month (RULES.md: not violations; they can
--          rebut a presumption of compliance), counted per indicator.
-- grain:   one row per flag rule_id with at least one flag in the month
-- inputs:  risk_flags
-- params:  $month
-- output:  rule_id, flags, accounts, collectors
select
    rule_id,
    count(*)::bigint as flags,
    count(distinct account_id)::bigint as accounts,
    count(distinct collector_id)::bigint as collectors
from risk_flags
where month = $month::date
group by rule_id
order by flags desc, rule_id
