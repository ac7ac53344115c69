-- rule:    CN-HOURS, GB/T 45251-2025 and the China Banking Association collection
--          guideline (2026): no collection contact in the quiet period at night.
-- purpose: outbound collection contacts whose local start time falls in the quiet
--          period [$quiet_start, $quiet_end) in any candidate zone of the account.
-- grain:   offending contact x candidate zone
-- inputs:  stg_contact_zones
-- params:  $quiet_start ('22:00', included), $quiet_end ('08:00', excluded): 22:00:00
--          and 07:59:59 violate, 21:59:59 and 08:00:00 do not. A start later than the
--          end wraps past midnight; equal values mean no quiet period.
--          $regimes (the pack's; the engine reports no other, so filter early)
-- reading: a collection contact is an outbound contact (any channel but letter, any
--          party) with purpose collection; contacts the debtor starts are not the
--          collector's and are not violations. A contact must be lawful in every
--          candidate zone, so it violates if its local time is quiet in any of them.
with contact_times as (
    -- collection contacts, in each candidate zone
    select contact_id, zone_rank, zone, local_at, local_time
    from stg_contact_zones
    where in_month
      and list_contains($regimes, regime)
      and is_outbound_contact
      and purpose = 'collection'
),

quiet as (
    select *
    from contact_times
    where case
        when $quiet_start::time > $quiet_end::time
            then local_time >= $quiet_start::time or local_time < $quiet_end::time
        else local_time >= $quiet_start::time and local_time < $quiet_end::time
    end
),

final as (
    select
        contact_id,
        zone_rank,
        zone as timezone,
        local_at as local_time,
        'collection contact at ' || strftime(local_at, '%H:%M:%S') || ' local time in ' || zone
            || ', inside the quiet period ' || $quiet_start || '-' || $quiet_end as evidence
    from quiet
)

select * from final
