-- rule:    CN-UNCERTIFIED, NIFA convention (2018), collector training and management:
--          collection is done by trained, certified collectors.
-- purpose: contacts by a collector who is missing from collectors, was never
--          certified (certified_until null) or whose certification ended before the
--          contact's local date.
-- grain:   offending contact x candidate zone
-- inputs:  stg_contacts, stg_contact_zones, collectors
-- params:  $regimes (the pack's; the engine reports no other, so filter early)
-- reading: certified_until is the last day of the certification, so a contact on that
--          local date is compliant and one on the next day is not; the local date is
--          taken in every candidate zone and a contact violates if it fails in any.
--          Every contact with a collector_id is assessed (any channel, direction and
--          purpose); a contact with no collector_id (e.g. an automated SMS) is not.
with staffed_contacts as (
    select
        s.contact_id, s.collector_id, k.collector_id is not null as is_known, k.certified_until
    from stg_contacts as s
    left join collectors as k on k.collector_id = s.collector_id
    where s.in_month
      and list_contains($regimes, s.regime)
      and s.collector_id is not null
      -- local dates lie within a day of the UTC date in every zone: a certificate
      -- valid on the UTC date + 1 covers the contact whatever its zone
      and (k.collector_id is null
        or k.certified_until is null
        or k.certified_until < timezone('UTC', s.started_at)::date + 1)
),

certification as (
    select
        s.contact_id,
        s.collector_id,
        z.zone_rank,
        z.zone,
        z.local_at,
        z.local_date,
        s.is_known,
        s.certified_until
    from staffed_contacts as s
    inner join stg_contact_zones as z on z.contact_id = s.contact_id
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
