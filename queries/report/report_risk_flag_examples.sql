-- purpose: examples of the month's risk indicators: the first
--          $evidence_rows flags of each indicator in time order. evidence is
--          free text: the report masks digit runs before printing.
-- grain:   rule_id x contact (at most $evidence_rows per indicator)
-- inputs:  risk_flags
-- params:  $month, $evidence_rows
-- output:  rule_id, contact_id, collector_id, local_time, timezone, evidence
select
    rule_id,
    contact_id,
    collector_id,
    local_time,
    timezone,
    evidence
from risk_flags
where month = $month::date
qualify row_number() over (
    partition by rule_id order by occurred_at, contact_id
) <= $evidence_rows::integer
order by rule_id, local_time, contact_id
