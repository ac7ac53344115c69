-- rule:    US-REGF-LOC, 12 CFR 1006.10(c): a debt collector communicating with a
--          person other than the consumer to acquire location information about
--          the consumer must not communicate with that person more than once,
--          unless that person asks or the earlier answer is believed wrong.
-- purpose: the 2nd and later location-information conversations with the same
--          third party about the same consumer.
-- grain:   offending contact
-- inputs:  stg_contact_history (the limit has no time window), accounts
-- params:  $max_conversations (1), $scope_start_at (the first staged instant),
--          $regimes (the pack's)
-- reading: a location-information conversation is a live conversation with party
--          relative, employer, emergency_contact or third_party whose purpose is
--          location_info. They are counted per (consumer = the account's debtor,
--          third party = person_id, else the number, else the contact) over every
--          month loaded, across the consumer's debts. Conversations in either
--          direction use up the allowance, but only the collector's own
--          (outbound) ones violate: a third party who calls back has asked to be
--          communicated with (1006.10(c)).
with location_conversations as (
    select
        c.contact_id, a.customer_id, c.person_key, c.party, c.direction, c.started_at,
        c.account_id
    from stg_contact_history($scope_start_at) as c
    inner join accounts as a on a.account_id = c.account_id
    where c.conversation
      and c.purpose = 'location_info'
      and c.party in ('relative', 'employer', 'emergency_contact', 'third_party')
      and list_contains($regimes, a.regime)
),

numbered as (
    select
        *,
        row_number() over (
            partition by customer_id, person_key order by started_at, contact_id
        ) as conversation_no,
        first_value(contact_id) over (
            partition by customer_id, person_key order by started_at, contact_id
        ) as first_contact_id
    from location_conversations
),

final as (
    select
        contact_id,
        conversation_no::integer as evidence_count,
        first_contact_id as detail,
        'location-information conversation no. ' || conversation_no::varchar
            || ' with the same ' || replace(party, '_', ' ') || ' about this consumer ('
            || account_id || '); at most ' || $max_conversations::varchar
            || ', the first was contact ' || first_contact_id as evidence
    from numbered
    where conversation_no > $max_conversations
      and direction = 'outbound'
      and started_at >= $month_start_at
)

select * from final
