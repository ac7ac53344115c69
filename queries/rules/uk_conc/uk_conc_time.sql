-- rule:    UK-CONC-TIME, FCA CONC 7.9.4R: a firm must not contact customers at
--          unreasonable times.
-- purpose: outbound contacts with the customer before $earliest or after $latest
--          local time in any candidate zone of the account.
-- grain:   offending contact x candidate zone
-- inputs:  stg_contact_zones
-- params:  $earliest ('08:00'), $latest ('21:00'): policy hours, by analogy with
--          MCOB 13.5.4G ("a reasonable hour will usually fall between 8 am and 9 pm");
--          the FCA sets no hours for CONC. The instants themselves are reasonable:
--          07:59:59 and 21:00:01 violate, 08:00:00 and 21:00:00 do not.
--          $regimes (the pack's; the engine reports no other, so filter early)
-- reading: the customer is the debtor or a guarantor (CONC 7.1.4R extends "customer"
--          to a guarantor); contacts with other people are CONC 7.9.6R/7.9.10R
--          matters. Local time follows the IANA rules, so the day the clocks change
--          (Europe/London 2026-03-29, 2026-10-25) is judged on the wall clock then
--          in force. Inbound contacts and letters (no meaningful send time) are not
--          assessed.
with customer_contacts as (
    select contact_id, zone_rank, zone, local_at, local_time
    from stg_contact_zones
    where in_month
      and list_contains($regimes, regime)
      and is_outbound_contact
      and party in ('debtor', 'guarantor')
),

final as (
    select
        contact_id,
        zone_rank,
        zone as timezone,
        local_at as local_time,
        'contacted the customer at ' || strftime(local_at, '%H:%M:%S') || ' local time in '
            || zone || ', outside ' || $earliest || '-' || $latest as evidence
    from customer_contacts
    where local_time < $earliest::time
       or local_time > $latest::time
)

select * from final
