-- rule:    US-REGF-TIME, 12 CFR 1006.6(b)(1)(i): no communication or attempt with
--          the consumer before 8 a.m. or after 9 p.m. local time.
-- grain:   offending contact x candidate zone
-- inputs:  stg_contact_zones
-- params:  $earliest, $latest ('HH:MM'); the instants themselves are allowed, so
--          07:59:59 and 21:00:00.001 violate, 08:00:00 and 21:00:00 do not;
--          $regimes (the pack's regimes).
-- reading: the consumer is the debtor or a spouse (1006.6(a)(1)); inbound contacts
--          are the consumer's own and not violations; letters have no send time;
--          e-mail and SMS are timed when sent (comment 6(b)(1)(i)-1). With several
--          candidate zones the contact must be lawful in all of them (comment
--          6(b)(1)(i)-2), so each zone is checked and any failing zone is reported.
with contact_times as (
    select contact_id, zone_rank, zone, local_at, local_time
    from stg_contact_zones
    where in_month
      and is_outbound_contact
      and party in ('debtor', 'spouse')
      and list_contains($regimes, regime)
),

final as (
    select
        contact_id,
        zone_rank,
        zone as timezone,
        local_at as local_time,
        'contacted at ' || strftime(local_at, '%H:%M:%S') || ' local time in ' || zone
            || ', outside ' || $earliest || '-' || $latest as evidence
    from contact_times
    where local_time < $earliest::time
       or local_time > $latest::time
)

select * from final
