-- rule:    US-REGF-MEDIUM, 12 CFR 1006.14(h)(1): no communication or attempt with a
--          person through a medium of communication the person asked the debt
--          collector not to use.
-- purpose: outbound contacts with a person through a medium (channel, optionally
--          one phone number) barred by that person's medium_optout event.
-- grain:   offending contact x opt-out (first opt-out reported)
-- inputs:  stg_contact_history (the contact a reply answers may be years old),
--          stg_contacts, stg_events
-- params:  $month_end_at, $scope_start_at (the first staged instant), $regimes (the pack's)
-- reading: the bar is the person's (event person_id, else the account's debtor) and
--          covers contacts about any debt, from effective_at until ended_at. An
--          opt-out of call bars ringless voicemail too: conveying a ringless
--          voicemail is placing a telephone call (comment 14(b)-1). An opt-out that
--          names a phone_number bars only that number. Letters count here: a medium
--          of communication is barred whatever its send time. Not violations, as
--          1006.14(h)(2) allows: a contact with purpose notice (required by law,
--          including the opt-out confirmation), and the one reply through the same
--          medium to a contact the person started through it after opting out
--          (the first outbound contact through that medium after the person's
--          inbound one).
-- dialect: DuckDB-specific qualify
with optouts as (
    select distinct event_id, person_key, channel as barred_channel,
        phone_number as barred_number, effective_at, ended_at
    from stg_events
    where event_type = 'medium_optout'
),

-- every contact of a person who opted out, on a medium (ringless voicemail = call),
-- from the whole history: the contact the one reply answers may be older than any
-- look-back of the staged contacts. An opt-out's person is a person_id (the event's,
-- else the account's debtor), so contacts are matched on person_id; only the columns
-- the order of contacts needs are read from the whole history.
person_media as (
    select
        c.contact_id, c.person_id as person_key, c.channel, c.direction, c.started_at,
        case when c.channel = 'ringless_voicemail' then 'call' else c.channel end as medium
    from stg_contact_history($scope_start_at) as c
    semi join optouts as o on o.person_key = c.person_id
),

-- the person's latest inbound contact through the medium before each contact
after_inbound as (
    select
        *,
        max(case when direction = 'inbound' then started_at end) over (
            partition by person_key, medium
            order by started_at, direction desc
            rows between unbounded preceding and current row
        ) as last_inbound_at
    from person_media
),

replies as (
    select
        *,
        row_number() over (
            partition by person_key, medium, last_inbound_at
            order by started_at, contact_id
        ) as reply_no
    from after_inbound
    where direction = 'outbound'
),

-- the month's outbound contacts, with what the bar and the exceptions read
outbound_in_month as (
    select r.*, s.phone_number
    from replies as r
    inner join stg_contacts as s on s.contact_id = r.contact_id
    where s.in_month
      and coalesce(s.purpose, 'collection') <> 'notice'
      and list_contains($regimes, s.regime)
),

through_barred_medium as (
    select c.*, o.event_id, o.barred_channel, o.barred_number, o.effective_at
    from outbound_in_month as c
    inner join optouts as o
        on o.person_key = c.person_key
        and (
            o.barred_channel = c.channel
            or (o.barred_channel = 'call' and c.channel = 'ringless_voicemail')
        )
    where c.started_at > o.effective_at
      and (o.ended_at is null or c.started_at < o.ended_at)
      and (o.barred_number is null or o.barred_number = c.phone_number)
      -- the one reply allowed to a contact the person started after opting out
      and not coalesce(c.last_inbound_at > o.effective_at and c.reply_no = 1, false)
    qualify row_number() over (
        partition by c.contact_id order by o.effective_at, o.event_id
    ) = 1
),

final as (
    select
        contact_id,
        event_id as detail,
        channel || ' contact after the person asked on '
            || strftime(timezone('UTC', effective_at), '%Y-%m-%d %H:%M UTC')
            || ' not to be contacted by ' || barred_channel
            || case when barred_number is not null then ' at that number' else '' end
            || ' (event ' || event_id || ')' as evidence
    from through_barred_medium
)

select * from final
