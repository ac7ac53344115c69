-- purpose: local time of each in-scope contact in the other candidate time zones of
--          its account (alt_timezones; the account's own timezone is stg_contacts'
--          local_at). Few accounts have any, so this table is small.
-- grain:   contact x alternative zone
-- inputs:  stg_contacts, stg_tz_offsets
-- output:  contact_id, zone_rank (1, 2, … in the order of alt_timezones), zone,
--          local_at (TIMESTAMP, wall clock)
with alt_zones as (
    select
        contact_id,
        started_at,
        unnest(alt_timezones) as zone,
        generate_subscripts(alt_timezones, 1) as zone_rank
    from stg_contacts
    where alt_timezones is not null
),

final as (
    select
        cz.contact_id,
        cz.zone_rank,
        cz.zone,
        -- DuckDB-specific: wall clock = UTC instant + the zone's offset at that slot
        make_timestamp(epoch_us(cz.started_at) + o.offset_us) as local_at
    from alt_zones as cz
    inner join stg_tz_offsets as o
        on o.zone = cz.zone and o.slot = epoch_us(cz.started_at) // 900000000
)

select * from final
