-- rule:    US-REGF-INCONV, 12 CFR 1006.6(b)(1)(i): no communication or attempt with a
--          consumer at a time the debt collector knows is inconvenient to the
--          consumer.
-- purpose: outbound contacts with the consumer inside a weekly window the consumer
--          said is inconvenient (inconvenient_time event), while the event applies.
-- grain:   offending contact x candidate zone (first window reported)
-- inputs:  stg_contact_zones, stg_inconvenient_windows
-- params:  $regimes
-- reading: the window is in the consumer's local time: 'Mon-Fri 15:00-17:00' covers
--          15:00:00 up to but not including 17:00:00 on those weekdays (comment
--          6(b)(1)-1.ii). It applies from effective_at (receipt) until ended_at.
--          The person is the event's person_id, else the account's debtor, so a
--          statement by the debtor protects the debtor; the time is inconvenient to
--          the consumer whatever debt the contact is about ("any debt",
--          1006.6(b)(1)). Letters have no send time and inbound contacts are the
--          consumer's own, so neither violates. When the consumer starts a contact
--          inside the window, the collector may respond once through the same
--          medium at that time (comment 6(b)(1)-2): the first outbound contact
--          through that medium after it, on the same local day inside the same
--          window, is not a violation. With several candidate zones a contact
--          violates if it falls in the window in any of them (comment 6(b)(1)(i)-2).
-- dialect: DuckDB-specific qualify, printf, list functions
-- the contacts of the consumers who gave a window, in each candidate zone: read once,
-- so that a contact's zones and those of the inbound contact before it come from these
-- few rows instead of from all the staged contacts again
with consumer_contact_zones as (
    select
        contact_id, person_key, direction, started_at, in_month, party, is_outbound_contact,
        regime, channel, zone_rank, zone, local_at, local_date, local_isodow
    from stg_contact_zones
    where person_key in (select person_key from stg_inconvenient_windows)
),

consumer_contacts as (
    select
        contact_id, person_key, direction, started_at, in_month, party, is_outbound_contact,
        regime,
        -- a ringless voicemail is a telephone call (comment 14(b)-1)
        case when channel = 'ringless_voicemail' then 'call' else channel end as medium
    from consumer_contact_zones
    where zone_rank = 0
),

-- the consumer's latest inbound contact through the same medium, and the order of
-- the collector's contacts after it (comment 6(b)(1)-2: respond once)
after_inbound as (
    select
        *,
        last_value(case when direction = 'inbound' then contact_id end ignore nulls) over (
            partition by person_key, medium
            order by started_at, direction desc
            rows between unbounded preceding and current row
        ) as last_inbound_id
    from consumer_contacts
),

outbound_to_consumer as (
    select
        *,
        row_number() over (
            partition by person_key, medium, last_inbound_id order by started_at, contact_id
        ) as reply_no
    from after_inbound
    where is_outbound_contact
),

contact_times as (
    select
        c.contact_id, c.person_key, c.started_at, c.last_inbound_id, c.reply_no,
        z.zone_rank, z.zone, z.local_at, z.local_date, z.local_isodow,
        hour(z.local_at) * 60 + minute(z.local_at) as local_minute
    from outbound_to_consumer as c
    inner join consumer_contact_zones as z on z.contact_id = c.contact_id
    where c.in_month
      and c.party in ('debtor', 'spouse')
      and list_contains($regimes, c.regime)
),

in_window as (
    select t.*, w.event_id, w.start_minute, w.end_minute, w.isodow
    from contact_times as t
    inner join stg_inconvenient_windows as w
        on w.person_key = t.person_key
        and w.isodow = t.local_isodow
        and t.local_minute >= w.start_minute
        and t.local_minute < w.end_minute
    where t.started_at >= w.effective_at
      and (w.ended_at is null or t.started_at < w.ended_at)
),

not_a_reply as (
    select i.*
    from in_window as i
    left join consumer_contact_zones as z
        on z.contact_id = i.last_inbound_id and z.zone = i.zone
    where not coalesce(
        i.reply_no = 1
        and z.local_date = i.local_date
        and hour(z.local_at) * 60 + minute(z.local_at) >= i.start_minute
        and hour(z.local_at) * 60 + minute(z.local_at) < i.end_minute,
        false
    )
),

final as (
    select
        contact_id,
        zone_rank,
        zone as timezone,
        local_at as local_time,
        event_id as detail,
        'contacted at ' || strftime(local_at, '%a %H:%M:%S') || ' local time in ' || zone
            || ', inside the inconvenient window '
            || ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][isodow] || ' '
            || printf('%02d:%02d', start_minute // 60, start_minute % 60) || '-'
            || printf('%02d:%02d', end_minute // 60, end_minute % 60)
            || ' the consumer gave (event ' || event_id || ')' as evidence
    from not_a_reply
    qualify row_number() over (
        partition by contact_id, zone_rank order by event_id, start_minute
    ) = 1
)

select * from final
