-- purpose: the rule regimes present in the report month: the regimes of the
--          accounts that had an outbound contact (letters excluded, as every
--          contact count of the report) in the month; the cover page names them
--          and the rule sections cover their packs. Read from the summary the
--          rules stage wrote, not from the month's contacts (10M at the
--          reference volume).
-- grain:   one row per regime
-- inputs:  violation_summary (rule ALL, regime cut)
-- params:  $month
-- output:  regime, accounts, contacts
select
    dimension_value as regime,
    accounts_contacted as accounts,
    contacts
from violation_summary
where month = $month::date
  and rule_id = 'ALL'
  and dimension = 'regime'
order by contacts desc, regime
