-- purpose: the month's violations as violations.csv lists them (attached to
--          every PDF and written beside them): every finding, in time order.
--          Timestamps are written as ISO 8601 text with microseconds,
--          occurred_at with its offset in the session time zone (the
--          portfolio's), e.g. 2026-10-01T00:54:21.000000+0800.
-- grain:   one row per violation of the month
-- inputs:  violations
-- params:  $month
-- output:  every column of violations but run_id
select
    v.* exclude (run_id) replace (
        strftime(v.occurred_at, '%Y-%m-%dT%H:%M:%S.%f')
        || printf(
            '%s%02d%02d',
            if(date_part('timezone', v.occurred_at) < 0, '-', '+'),
            abs(date_part('timezone', v.occurred_at)) // 3600,
            abs(date_part('timezone', v.occurred_at)) % 3600 // 60
        ) as occurred_at,
        strftime(v.local_time, '%Y-%m-%dT%H:%M:%S.%f') as local_time
    )
from violations as v
where v.month = $month::date
-- qualified names: the table's timestamps, not the text above
order by v.occurred_at, v.rule_id, v.contact_id
