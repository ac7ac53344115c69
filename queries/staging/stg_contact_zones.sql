-- purpose: local time of each in-scope contact in every candidate time zone of
--          its account (timezone first, then alt_timezones): a contact must be
--          lawful in all of them (Reg F comment 6(b)(1)(i)-2), so a rule
--          evaluates each zone and reports the contact once if any zone fails.
-- grain:   contact x candidate zone
-- inputs:  stg_contacts, stg_tz_offsets
-- output:  contact_id, zone_rank (0 = the account's timezone), zone, local_at
--          (TIMESTAMP, wall clock), local_date, local_time, local_isodow
with contact_zones as (
    select contact_id, started_at, account_timezone as zone, 0 as zone_rank
    from stg_contacts
    union all
    select
        contact_id,
        started_at,
        unnest(alt_timezones) as zone,
        generate_subscripts(alt_timezones, 1) as zone_rank
    from stg_contacts
    where alt_timezones is not null
),

localized as (
    select
        cz.contact_id,
        cz.zone_rank,
        cz.zone,
        -- DuckDB-specific: wall clock = UTC instant + the zone's offset at that slot
        make_timestamp(epoch_us(cz.started_at) + o.offset_us) as local_at
    from contact_zones as cz
    inner join stg_tz_offsets as o
        on o.zone = cz.zone and o.slot = epoch_us(cz.started_at) // 900000000
),

final as (
    select
        contact_id,
        zone_rank,
        zone,
        local_at,
        local_at::date as local_date,
        local_at::time as local_time,
        isodow(local_at) as local_isodow
    from localized
)

select * from final
