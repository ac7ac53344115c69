-- rule:    US-REGF-ATTY, 12 CFR 1006.6(b)(2): no communication or attempt with a
--          consumer about a debt once the debt collector knows the consumer is
--          represented by an attorney with respect to that debt.
-- purpose: outbound contacts with the represented person about the debt while an
--          attorney_represented event for it applies.
-- grain:   offending contact x event (first event reported)
-- inputs:  stg_contacts, stg_events
-- params:  none
-- reading: representation is known from the event's effective_at until its
--          ended_at. The represented person is the event's person_id, else the
--          account's debtor; contacts with anyone else (the attorney included) are
--          not contacts with the consumer. A contact is about the debt when its
--          account_id is the debt or its debts_discussed names it. Outbound contact
--          as RULES.md defines it: any channel but letter. Inbound contacts are the
--          consumer's own and consent to that communication (comment 6(b)(2)-1).
--          The attorney's failure to respond or consent (1006.6(b)(2)(i)-(ii)) is
--          not in the data and is not presumed.
-- dialect: DuckDB-specific qualify, not materialized, list functions
with representations as (
    select event_id, applies_account_id as debt_id, person_key, effective_at, ended_at
    from stg_events
    where event_type = 'attorney_represented'
      and list_contains($regimes, regime)
),

outbound_in_month as not materialized (
    select contact_id, account_id, debts_discussed, person_key, party, channel, started_at
    from stg_contacts
    where in_month
      and is_outbound_contact
      and party <> 'attorney'
      and list_contains($regimes, regime)
),

-- the contact's own debt, and any debt it discussed (looked up in the few debts with
-- a representation before anything is unnested)
contact_debts as (
    select contact_id, account_id as debt_id, person_key, party, channel, started_at
    from outbound_in_month
    where account_id in (select debt_id from representations)
    union all
    select contact_id, debt_id, person_key, party, channel, started_at
    from (
        select
            contact_id, unnest(debts_discussed) as debt_id, person_key, party, channel,
            started_at
        from outbound_in_month
        where len(debts_discussed) > 0
    ) as discussed
    where debt_id in (select debt_id from representations)
),

while_represented as (
    select c.*, r.event_id, r.effective_at
    from contact_debts as c
    inner join representations as r
        on r.debt_id = c.debt_id and r.person_key = c.person_key
    where c.started_at > r.effective_at
      and (r.ended_at is null or c.started_at < r.ended_at)
    qualify row_number() over (
        partition by c.contact_id order by r.effective_at, r.event_id, c.debt_id
    ) = 1
),

final as (
    select
        contact_id,
        event_id as detail,
        channel || ' contact with the ' || party || ' about ' || debt_id
            || ' after attorney representation for it was known on '
            || strftime(timezone('UTC', effective_at), '%Y-%m-%d %H:%M UTC')
            || ' (event ' || event_id || ')' as evidence
    from while_represented
)

select * from final
