-- rule:    GEN-DECEASED-BANKRUPT (policy): no collection contact with a debtor known to
--          be deceased or bankrupt.
-- purpose: outbound collection contacts with the debtor while a deceased or bankruptcy
--          event applies to the account.
-- grain:   offending contact
-- inputs:  stg_contacts, stg_events
-- params:  $regimes (regimes: all, so every account)
-- reading: an event applies to its account, or to every account of the person when it
--          names only the person (stg_events); it applies from effective_at (included)
--          until ended_at (excluded), for ever if ended_at is empty. The event must be
--          about the debtor: an account event naming another person (e.g. a guarantor
--          who died) does not bar contact with the debtor. A collection contact with
--          the debtor is an outbound contact (any channel but letter) with party debtor
--          and purpose collection.
with debtor_events as (
    select event_id, event_type, applies_account_id, effective_at, ended_at
    from stg_events
    where event_type in ('deceased', 'bankruptcy')
      and person_key = customer_id
),

debtor_contacts as (
    select contact_id, account_id, started_at
    from stg_contacts
    where in_month
      and list_contains($regimes, regime)
      and is_outbound_contact
      and party = 'debtor'
      and purpose = 'collection'
),

contacts_under_event as (
    select c.contact_id, e.event_id, e.event_type, e.effective_at
    from debtor_contacts as c
    inner join debtor_events as e
        on e.applies_account_id = c.account_id
       and c.started_at >= e.effective_at
       and (e.ended_at is null or c.started_at < e.ended_at)
    qualify row_number() over (
        partition by c.contact_id order by e.effective_at, e.event_id
    ) = 1
),

final as (
    select
        contact_id,
        event_id as detail,
        'collection contact with the debtor after a ' || event_type || ' event ('
            || event_id || ', received ' || strftime(effective_at, '%Y-%m-%d %H:%M:%S%z') || ')'
            as evidence
    from contacts_under_event
)

select * from final
