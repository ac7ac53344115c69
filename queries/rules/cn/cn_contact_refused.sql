-- rule:    CN-CONTACT-REFUSED, GB/T 45251-2025: once a contact person refuses further
--          contact, they must not be contacted again.
-- purpose: outbound contacts with a person after that person refused contact, either
--          by a contact_refused event naming them or on an earlier contact whose
--          outcome was third_party_refused.
-- grain:   offending contact
-- inputs:  stg_contacts, stg_contact_history (refusals have no time window),
--          account_events
-- params:  $month_end_at, $scope_start_at (the first staged instant), $regimes (the
--          pack's; the engine reports no other, so filter early)
-- reading: the person is matched on person_key (person_id, else the number dialled,
--          as in stg_contacts), across every account and regime. A contact_refused
--          event applies from its effective_at (included) until its ended_at
--          (excluded) and must name the person (person_id); one that names only an
--          account is the debtor's and not assessed here. A refusal given on a contact
--          never ends, and only contacts that start after the refusing contact started
--          are "further". Refusals are read from the whole history, not only the
--          look-back. A "contact person" is anyone contacted other than the debtor
--          (party debtor is not assessed); the offending contact is an outbound
--          contact (any channel but letter, any purpose).
with event_refusals as (
    select
        person_id as person_key,
        event_id as source_id,
        'contact_refused event' as source_kind,
        effective_at as refused_at,
        ended_at,
        true as from_instant_included
    from account_events
    where event_type = 'contact_refused'
      and person_id is not null
      and effective_at < $month_end_at
),

outcome_refusals as (
    select
        person_key,
        contact_id as source_id,
        'refusal on contact' as source_kind,
        started_at as refused_at,
        null::timestamptz as ended_at,
        false as from_instant_included
    from stg_contact_history($scope_start_at)
    where outcome = 'third_party_refused'
),

refusals as (
    select * from event_refusals
    union all
    select * from outcome_refusals
),

later_contacts as (
    select c.contact_id, c.party, r.source_kind, r.source_id, r.refused_at
    from stg_contacts as c
    inner join refusals as r on r.person_key = c.person_key
    where c.in_month
      and list_contains($regimes, c.regime)
      and c.is_outbound_contact
      and c.party <> 'debtor'
      and (c.started_at > r.refused_at or (r.from_instant_included and c.started_at = r.refused_at))
      and (r.ended_at is null or c.started_at < r.ended_at)
    qualify row_number() over (
        partition by c.contact_id order by r.refused_at, r.source_id
    ) = 1
),

final as (
    select
        contact_id,
        source_id as detail,
        'contacted the ' || party || ' after they refused further contact ('
            || source_kind || ' ' || source_id || ')' as evidence
    from later_contacts
)

select * from final
