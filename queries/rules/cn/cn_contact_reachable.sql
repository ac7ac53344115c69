-- rule:    CN-CONTACT-REACHABLE, GB/T 45251-2025 and the NIFA collection convention
--          (2018): pre-agreed contacts may be contacted only when the debtor cannot
--          be reached.
-- purpose: outbound contacts with an emergency contact or relative that start within
--          $debtor_reachable_days x 24 hours after the start of a right-party contact
--          with the same debtor, i.e. while the debtor was demonstrably reachable.
-- grain:   offending contact
-- inputs:  stg_contacts
-- params:  $debtor_reachable_days (7, policy: the standards set no number),
--          $regimes (the pack's; the engine reports no other, so filter early)
-- reading: a right-party contact is a conversation with party debtor in either
--          direction, about any of the debtor's accounts of any regime; the debtor is
--          the account's customer_id. The window is measured in elapsed time, not
--          local days: the pre-agreed contact violates if it starts strictly after the
--          right-party contact started and at most N x 24 h later (so exactly 168 h
--          after still violates, 168 h and 1 s does not). A right-party contact that
--          starts at the same instant does not count. Pre-agreed contacts are any
--          outbound channel but letter, any purpose. Earlier months are looked back on.
with pre_agreed_contacts as (
    select contact_id, customer_id, party, started_at
    from stg_contacts
    where in_month
      and list_contains($regimes, regime)
      and is_outbound_contact
      and party in ('emergency_contact', 'relative')
),

-- one row per instant (the lowest contact_id), so the evidence is reproducible; only
-- the debtors of the pre-agreed contacts (at 10M contacts 16 thousand of the 1.4
-- million right-party contacts: the asof join sorts both sides)
right_party_contacts as (
    select customer_id, started_at as rpc_started_at, min(contact_id) as rpc_contact_id
    from stg_contacts
    semi join pre_agreed_contacts as p using (customer_id)
    where is_rpc
    group by customer_id, started_at
),

-- DuckDB-specific: asof join = the latest right-party contact that started strictly
-- before the pre-agreed contact (one at the same instant is not "before")
latest_rpc as (
    select p.contact_id, p.party, p.started_at, r.rpc_contact_id, r.rpc_started_at
    from pre_agreed_contacts as p
    asof inner join right_party_contacts as r
        on r.customer_id = p.customer_id and p.started_at > r.rpc_started_at
),

reachable as (
    select
        contact_id,
        party,
        rpc_contact_id,
        (epoch_us(started_at) - epoch_us(rpc_started_at)) / 3600000000.0 as hours_after
    from latest_rpc
    -- elapsed microseconds, so a clock change inside the window does not bend it
    where epoch_us(started_at) - epoch_us(rpc_started_at)
        <= $debtor_reachable_days * 86400000000
),

final as (
    select
        contact_id,
        rpc_contact_id as detail,
        'contacted the ' || party || ' ' || round(hours_after, 1) || ' h after a right-party '
            || 'contact with the debtor started (' || rpc_contact_id || '); pre-agreed contacts '
            || 'only when the debtor has not been reachable for ' || $debtor_reachable_days
            || ' x 24 h' as evidence
    from reachable
)

select * from final
