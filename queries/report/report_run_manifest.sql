-- purpose: the manifest of the latest succeeded run for a month, so that
--          `audit report` renders a month exactly as its run recorded it.
-- grain:   at most one row
-- inputs:  runs
-- params:  $month (DATE, first day of the month)
-- output:  run_id, warehouse_version, started_at, manifest (JSON text)
select
    run_id,
    warehouse_version,
    started_at,
    manifest
from runs
where month = $month::date
  and status = 'succeeded'
  and manifest is not null
order by finished_at desc nulls last, started_at desc
limit 1
