-- purpose: headline conduct figures of the report month and of the month
--          before (METRICS.md "Violations"): outbound contacts (letters
--          excluded), violations, violations per 10,000 outbound contacts,
--          accounts with a violation; the executive summary and its change
--          against the previous month.
-- grain:   one row per month that has results (0, 1 or 2 rows)
-- inputs:  violation_summary (rule_id 'ALL', portfolio cut)
-- params:  $month, $previous_month (DATE, first days of months)
-- output:  month, contacts, violations, per_10k_contacts,
--          accounts_with_violation, accounts_contacted,
--          share_accounts_with_violation, is_report_month
select
    month,
    contacts::bigint as contacts,
    violations::bigint as violations,
    per_10k_contacts::double as per_10k_contacts,
    accounts_with_violation::bigint as accounts_with_violation,
    accounts_contacted::bigint as accounts_contacted,
    share_accounts_with_violation::double as share_accounts_with_violation,
    month = $month::date as is_report_month
from violation_summary
where rule_id = 'ALL'
  and dimension = 'portfolio'
  and month in ($month::date, $previous_month::date)
order by month desc
