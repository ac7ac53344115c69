-- risk flag: RISK-CONCENTRATED, comment 14(b)(2)(i)-2.i (12 CFR 1006.14(b)(2)):
--          telephone calls placed in a highly concentrated manner are a factor that
--          may rebut the presumption of compliance. Not a violation.
-- purpose: the Nth and later call to the same telephone number on one local day.
-- grain:   flagged call x candidate zone
-- inputs:  us_regf_calls
-- params:  $min_calls (6), $month_start_at
-- reading: every outbound call and ringless voicemail placed to the number counts,
--          whatever its result, person or debt; days are local days in each
--          candidate zone of the calls' accounts (evaluated per zone, reported
--          once). RULES.md sets the threshold at 6 calls a day; the commentary's
--          own example of high concentration is 7 calls to one number in one day.
-- method:  days are counted per 64-bit hash of (number, zone) with a hash
--          aggregate; only days reaching the threshold (a collision can only add
--          calls, never hide a day) are ranked, with the exact number and zone.
-- dialect: DuckDB-specific hash, not materialized
with calls_by_number as not materialized (
    select
        contact_id, phone_number, zone_rank, zone, local_at, local_date, started_at,
        in_month,
        hash(phone_number, zone) as number_key
    from us_regf_calls
    where phone_number is not null
      and started_at >= $month_start_at - to_days(2)
),

busy_days as (
    select number_key, local_date
    from calls_by_number
    group by number_key, local_date
    having count(*) >= $min_calls
),

calls_on_busy_days as (
    select
        c.*,
        row_number() over (
            partition by c.phone_number, c.zone, c.local_date
            order by c.started_at, c.contact_id
        ) as call_no
    from calls_by_number as c
    inner join busy_days as d
        on d.number_key = c.number_key and d.local_date = c.local_date
),

final as (
    select
        contact_id,
        zone_rank,
        zone as timezone,
        local_at as local_time,
        call_no::integer as evidence_count,
        local_date as window_start,
        local_date as window_end,
        'call no. ' || call_no::varchar || ' to the same number on '
            || strftime(local_date, '%Y-%m-%d') || ' (' || zone || '); '
            || $min_calls::varchar || ' or more in one day is highly concentrated'
            as evidence
    from calls_on_busy_days
    where in_month
      and call_no >= $min_calls
)

select * from final
