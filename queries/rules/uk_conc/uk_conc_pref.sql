-- rule:    UK-CONC-PREF, FCA CONC 7.9.4R: due regard to the reasonable requests of
--          customers about when, where and how they may be contacted.
-- purpose: outbound contacts with the customer inside a time window the customer said
--          is inconvenient, or through a medium the customer opted out of.
-- grain:   offending contact x candidate zone (time) or contact (medium)
-- inputs:  stg_contact_zones, stg_inconvenient_windows, account_events,
--          accounts
-- params:  $month_end_at, $regimes (the pack's; the engine reports no other, so filter early)
-- reading: the customer is the debtor or a guarantor (CONC 7.1.4R). A request is the
--          customer's own and concerns how THEY are contacted, so it applies to
--          contacts with that person (person_key = the event's person_id, else the
--          account's debtor) about any of their accounts, from effective_at (included)
--          until ended_at (excluded).
--          Time: an inconvenient_time window (e.g. 'Mon-Fri 15:00-17:00', start
--          included, end excluded) on the contact's local weekday and time in any
--          candidate zone; letters have no meaningful send time and are not assessed.
--          A window event that names only a person who is nobody's debtor is not
--          resolved by stg_events and cannot be assessed.
--          Medium: a medium_optout for the contact's channel, and for its number when
--          the event names one (numbers compared without spaces, dots, dashes or
--          brackets). An opt-out of call bars ringless voicemail too (a "call" in the
--          catalogue's terms). Letters ARE assessed here: a customer who opted out of
--          letters asked not to be written to.
-- the customer's outbound contacts (letters included), in each candidate zone
with customer_zones as (
    select
        contact_id, zone_rank, zone, local_at, local_date, local_isodow, person_key, channel,
        phone_number, started_at, is_outbound_contact
    from stg_contact_zones
    where in_month
      and list_contains($regimes, regime)
      and is_outbound
      and party in ('debtor', 'guarantor')
),

-- the same contacts once each (a medium is barred whatever the zone)
customer_contacts as (
    select * from customer_zones where zone_rank = 0
),

windows as (
    select distinct event_id, person_key, effective_at, ended_at, isodow, start_minute, end_minute
    from stg_inconvenient_windows
),

window_text as (
    select event_id, "window" as spec from account_events where event_type = 'inconvenient_time'
),

in_window as (
    select
        c.contact_id,
        c.zone_rank,
        c.zone,
        c.local_at,
        w.event_id
    from customer_zones as c
    inner join windows as w
        on w.person_key = c.person_key
       and w.isodow = c.local_isodow
       and c.local_at >= c.local_date + to_minutes(w.start_minute)
       and c.local_at < c.local_date + to_minutes(w.end_minute)
       and c.started_at >= w.effective_at
       and (w.ended_at is null or c.started_at < w.ended_at)
    where c.is_outbound_contact
    qualify row_number() over (
        partition by c.contact_id, c.zone_rank order by w.effective_at, w.event_id
    ) = 1
),

optouts as (
    select
        e.event_id,
        coalesce(e.person_id, a.customer_id) as person_key,
        e.channel,
        translate(e.phone_number, ' ().-', '') as number_key,
        e.effective_at,
        e.ended_at
    from account_events as e
    left join accounts as a on a.account_id = e.account_id
    where e.event_type = 'medium_optout'
      and e.effective_at < $month_end_at
),

through_optout as (
    select c.contact_id, c.channel, o.event_id, o.number_key is not null as is_number
    from customer_contacts as c
    inner join optouts as o
        on o.person_key = c.person_key
       and (o.channel = c.channel or (o.channel = 'call' and c.channel = 'ringless_voicemail'))
       and (o.number_key is null
            or o.number_key = translate(c.phone_number, ' ().-', ''))
       and c.started_at >= o.effective_at
       and (o.ended_at is null or c.started_at < o.ended_at)
    qualify row_number() over (partition by c.contact_id order by o.effective_at, o.event_id) = 1
),

final as (
    select
        i.contact_id,
        i.zone_rank,
        i.zone as timezone,
        i.local_at as local_time,
        i.event_id as detail,
        'contacted the customer on ' || strftime(i.local_at, '%a %H:%M:%S') || ' local time in '
            || i.zone || ', inside the inconvenient time ''' || coalesce(t.spec, '?')
            || ''' they asked for (' || i.event_id || ')' as evidence
    from in_window as i
    left join window_text as t on t.event_id = i.event_id
    union all
    select
        contact_id,
        null::integer as zone_rank,
        null::varchar as timezone,
        null::timestamp as local_time,
        event_id as detail,
        'contacted the customer by ' || channel || case when is_number then ' on a number' else '' end
            || ' they opted out of (' || event_id || ')' as evidence
    from through_optout
)

select * from final
