-- rule:    CN-FREQ-UNANSWERED, China Banking Association collection guideline (2026):
--          at most $max_per_number_per_day unanswered call attempts to one number a day.
-- purpose: the (max+1)th and later unanswered outbound calls to the same phone number
--          on one local day, across accounts, the lender and its agencies.
-- grain:   offending contact x candidate zone
-- inputs:  stg_contacts, stg_tz_offsets
-- params:  $max_per_number_per_day (6), $regimes (the pack's: calls about cn accounts)
-- reading: an unanswered attempt is an outbound contact on channel call whose
--          call_result is anything but answered (busy, failed and not_in_service are
--          attempts too; a missing result counts unless the row records a
--          conversation, which is an answered call). The number is phone_number with
--          spaces, dots, dashes and brackets removed; calls without a number cannot
--          be counted. Counted in each candidate zone separately (RULES.md): for zone
--          Z every unanswered call to the number is dated in Z; a call violates if it
--          is numbered above the limit on its date in any of its own candidate zones.
--          Order = started_at, then contact_id; calls before the month count.
-- method:  a local day (at most 25 hours, in any zone) lies within two consecutive
--          7-day blocks of UTC days, so a number whose calls in a block and the next
--          add up to at most the limit has no day over it in any zone. Hash counts
--          per (number, block) clear those calls (at 10M contacts 3.9M of 4.0M)
--          before the rest are dated in every zone of their number.
with unanswered as (
    select
        contact_id,
        -- most numbers are bare digits already; translate() only the others (it is slow)
        case
            when regexp_full_match(phone_number, '[0-9+]*') then phone_number
            else translate(phone_number, ' ().-', '')
        end as number_key,
        account_timezone,
        alt_timezones,
        started_at,
        -- the 7-day block of UTC days the call falls in
        epoch_us(started_at) // 604800000000 as block_no,
        in_month
    from stg_contacts
    where is_outbound
      and channel = 'call'
      and call_result is distinct from 'answered'
      and not coalesce(is_conversation, false)
      and phone_number is not null
      and list_contains($regimes, regime)
),

per_block as (
    select number_key, block_no, count(*) as calls
    from unanswered
    where number_key <> ''
    group by all
),

-- the blocks of every pair (b, b+1) whose calls could put a day over the limit
candidate_blocks as (
    select distinct b.number_key, b.block_no + k.step as block_no
    from per_block as b
    left join per_block as n on n.number_key = b.number_key and n.block_no = b.block_no + 1
    cross join (values (0), (1)) as k(step)
    where b.calls + coalesce(n.calls, 0) > $max_per_number_per_day
),

-- every call of a day over the limit is here, in whichever zone the day is taken
candidates as (
    select
        u.contact_id,
        u.number_key,
        list_prepend(u.account_timezone, coalesce(u.alt_timezones, [])) as zones,
        u.started_at,
        u.in_month
    from unanswered as u
    semi join candidate_blocks as k
        on k.number_key = u.number_key
        and k.block_no = u.block_no
),

-- the union of the candidate zones of every account the number was called about (a
-- zone of a call cleared above has no day over the limit to report)
number_zones as (
    select distinct number_key, unnest(zones) as zone
    from candidates
),

-- every call once per zone of its number; materialized so that the planner joins the
-- offsets on (zone, slot) afterwards instead of on slot alone (a fan-out by every zone)
calls_by_zone as materialized (
    select u.contact_id, u.number_key, u.zones, u.started_at, u.in_month, n.zone
    from candidates as u
    inner join number_zones as n on n.number_key = u.number_key
),

dated as (
    select
        c.contact_id,
        c.number_key,
        c.started_at,
        c.in_month,
        c.zone,
        -- null when zone Z is not a candidate zone of this call's own account
        list_position(c.zones, c.zone) - 1 as zone_rank,
        -- DuckDB-specific: wall clock = UTC instant + the zone's offset at that slot
        make_timestamp(epoch_us(c.started_at) + o.offset_us) as local_at,
        make_timestamp(epoch_us(c.started_at) + o.offset_us)::date as local_date
    from calls_by_zone as c
    inner join stg_tz_offsets as o
        on o.zone = c.zone and o.slot = epoch_us(c.started_at) // 900000000
),

-- only days over the limit need numbering: a hash count is far cheaper than a sort
busy_days as (
    select number_key, zone, local_date
    from dated
    group by number_key, zone, local_date
    having count(*) > $max_per_number_per_day
),

numbered as (
    select
        d.*,
        row_number() over (
            partition by d.number_key, d.zone, d.local_date
            order by d.started_at, d.contact_id
        ) as n_in_day
    from dated as d
    semi join busy_days as b
        on b.number_key = d.number_key and b.zone = d.zone and b.local_date = d.local_date
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
        'unanswered call no. ' || n_in_day || ' to the same number on ' || local_date
            || ' (local date in ' || zone || '), more than ' || $max_per_number_per_day
            || ' a day' as evidence
    from numbered
    where in_month
      and zone_rank is not null
      and n_in_day > $max_per_number_per_day
)

select * from final
