-- rule:    CN-UNCERTIFIED, NIFA convention (2018), collector training and management:
--          collection is done by trained, certified collectors.
-- purpose: contacts by a collector who is missing from collectors, was never
--          certified (certified_until null) or whose certification ended before the
--          contact's local date.
-- grain:   offending contact x candidate zone
-- inputs:  stg_contact_zones, collectors
-- params:  $regimes (the pack's; the engine reports no other, so filter early)
-- reading: certified_until is the last day of the certification, so a contact on that
--          local date is compliant and one on the next day is not; the local date is
--          taken in every candidate zone and a contact violates if it fails in any.
--          Every contact with a collector_id is assessed (any channel, direction and
--          purpose); a contact with no collector_id (e.g. an automated SMS) is not.
with certification as (
    -- contacts with a collector, in each candidate zone
    select
        s.contact_id,
        s.collector_id,
        s.zone_rank,
        s.zone,
        s.local_at,
        s.local_date,
        k.collector_id is not null as is_known,
        k.certified_until
    from stg_contact_zones as s
    left join collectors as k on k.collector_id = s.collector_id
    where s.in_month
      and list_contains($regimes, s.regime)
      and s.collector_id is not null
),

final as (
    select
        contact_id,
        zone_rank,
        zone as timezone,
        local_at as local_time,
        collector_id as detail,
        case
            when not is_known then 'collector ' || collector_id || ' is not in collectors'
            when certified_until is null then 'collector ' || collector_id || ' was never certified'
            else 'collector ' || collector_id || ' certified until ' || certified_until
                || ', contact on ' || local_date || ' (local date in ' || zone || ')'
        end as evidence
    from certification
    where not is_known
       or certified_until is null
       or certified_until < local_date
)

select * from final
