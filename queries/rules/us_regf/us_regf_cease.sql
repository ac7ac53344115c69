-- rule:    US-REGF-CEASE, 12 CFR 1006.6(c): after a consumer notifies the debt
--          collector in writing that the consumer refuses to pay a debt or wants
--          communication to cease, no further communication or attempt about that
--          debt, except the notices 1006.6(c)(2) allows.
-- purpose: outbound contacts about a debt after a written cease_request or
--          refuse_to_pay for it was received.
-- grain:   offending contact x event (first event reported)
-- inputs:  stg_contacts, stg_events
-- params:  none
-- reading: effective_at is the receipt; contacts started after it violate through
--          any channel, letters included (a letter is a communication even though it
--          has no meaningful send time), unless purpose = notice (termination or
--          remedy notices, 1006.6(c)(2)). A contact is about the debt when its
--          account_id is the debt or its debts_discussed names it. The events are
--          taken as written notices, as RULES.md has them, unless their channel
--          records an oral medium (call, ringless voicemail, visit), which 1006.6(c)
--          does not cover. A contact with the consumer's attorney is not a
--          communication with the consumer (1006.6(d)(1)(ii)) and is allowed. The
--          bar lasts until the event's ended_at, if the consumer lifted it.
-- dialect: DuckDB-specific qualify, not materialized, list functions
with cease_notices as (
    select event_id, event_type, applies_account_id as debt_id, effective_at, ended_at
    from stg_events
    where event_type in ('cease_request', 'refuse_to_pay')
      and list_contains($regimes, regime)
      and coalesce(channel, '') not in ('call', 'ringless_voicemail', 'visit')
),

outbound_in_month as not materialized (
    select contact_id, account_id, debts_discussed, channel, started_at
    from stg_contacts
    where in_month
      and is_outbound
      and coalesce(purpose, 'collection') <> 'notice'
      and party <> 'attorney'
      and list_contains($regimes, regime)
),

-- the contact's own debt, and any debt it discussed (looked up in the few debts with
-- a notice before anything is unnested)
contact_debts as (
    select contact_id, account_id as debt_id, channel, started_at
    from outbound_in_month
    where account_id in (select debt_id from cease_notices)
    union all
    select contact_id, debt_id, channel, started_at
    from (
        select contact_id, unnest(debts_discussed) as debt_id, channel, started_at
        from outbound_in_month
        where len(debts_discussed) > 0
    ) as discussed
    where debt_id in (select debt_id from cease_notices)
),

after_notice as (
    select c.*, n.event_id, n.event_type, n.effective_at
    from contact_debts as c
    inner join cease_notices as n on n.debt_id = c.debt_id
    where c.started_at > n.effective_at
      and (n.ended_at is null or c.started_at < n.ended_at)
    qualify row_number() over (
        partition by c.contact_id order by n.effective_at, n.event_id, c.debt_id
    ) = 1
),

final as (
    select
        contact_id,
        event_id as detail,
        channel || ' contact about ' || debt_id || ' after a written '
            || replace(event_type, '_', ' ') || ' for it was received on '
            || strftime(timezone('UTC', effective_at), '%Y-%m-%d %H:%M UTC') || ' (event ' || event_id || ')'
            as evidence
    from after_notice
)

select * from final
