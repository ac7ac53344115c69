-- rule:    CN-FREQ-CONVERSATION, GB/T 45251-2025: at most $max_per_day active
--          effective voice conversations with a debtor per local day.
-- purpose: the (max+1)th and later outbound call conversations with the same debtor
--          on one local day, counted across all the debtor's cn accounts and across
--          the lender and every agency together.
-- grain:   offending contact x candidate zone
-- inputs:  stg_contacts, stg_tz_offsets
-- params:  $max_per_day (3), $regimes (the pack's: only cn accounts are counted)
-- reading: an active effective voice conversation is an outbound call (human or AI
--          voice) with conversation = true and party = debtor, whatever its purpose;
--          the debtor is the account's customer_id. Per CN counters are evaluated in
--          each candidate zone separately (RULES.md): for zone Z every conversation of
--          the debtor is dated in Z, even one about an account whose own zones do not
--          include Z, and a contact violates if it is numbered above the limit on its
--          date in any of its own candidate zones. Order = started_at, then contact_id.
--          Conversations before the month count toward the month's first local days.
with conversations as (
    select
        contact_id,
        customer_id,
        list_prepend(account_timezone, coalesce(alt_timezones, [])) as zones,
        started_at,
        in_month
    from stg_contacts
    where is_outbound
      and is_call
      and is_rpc
      and list_contains($regimes, regime)
),

-- the union of the candidate zones of every account the debtor was called about
debtor_zones as (
    select distinct customer_id, unnest(zones) as zone
    from conversations
),

-- every conversation once per zone of its debtor; materialized so that the planner
-- joins the offsets on (zone, slot) afterwards instead of on slot alone
conversations_by_zone as materialized (
    select c.contact_id, c.customer_id, c.zones, c.started_at, c.in_month, d.zone
    from conversations as c
    inner join debtor_zones as d on d.customer_id = c.customer_id
),

dated as (
    select
        c.contact_id,
        c.customer_id,
        c.started_at,
        c.in_month,
        c.zone,
        -- null when zone Z is not a candidate zone of this contact's own account
        list_position(c.zones, c.zone) - 1 as zone_rank,
        -- DuckDB-specific: wall clock = UTC instant + the zone's offset at that slot
        make_timestamp(epoch_us(c.started_at) + o.offset_us) as local_at,
        make_timestamp(epoch_us(c.started_at) + o.offset_us)::date as local_date
    from conversations_by_zone as c
    inner join stg_tz_offsets as o
        on o.zone = c.zone and o.slot = epoch_us(c.started_at) // 900000000
),

-- only days over the limit need numbering: a hash count is far cheaper than a sort
busy_days as (
    select customer_id, zone, local_date
    from dated
    group by customer_id, zone, local_date
    having count(*) > $max_per_day
),

numbered as (
    select
        d.*,
        row_number() over (
            partition by d.customer_id, d.zone, d.local_date
            order by d.started_at, d.contact_id
        ) as n_in_day
    from dated as d
    semi join busy_days as b
        on b.customer_id = d.customer_id and b.zone = d.zone and b.local_date = d.local_date
),

final as (
    select
        contact_id,
        zone_rank,
        zone as timezone,
        local_at as local_time,
        n_in_day::integer as evidence_count,
        local_date as window_start,
        local_date as window_end,
        'voice conversation no. ' || n_in_day || ' with the debtor on ' || local_date
            || ' (local date in ' || zone || '), more than ' || $max_per_day
            || ' a day across the lender and its agencies' as evidence
    from numbered
    where in_month
      and zone_rank is not null
      and n_in_day > $max_per_day
)

select * from final
