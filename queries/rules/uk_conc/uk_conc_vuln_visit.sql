-- rule:    UK-CONC-VULN-VISIT, FCA CONC 7.9 (debt collection visits): no visit to a
--          customer flagged vulnerable.
-- purpose: visits to a customer while a vulnerable event about them is in force.
-- grain:   offending contact
-- inputs:  stg_contacts, account_events, accounts
-- params:  $month_end_at, $regimes (the pack's; the engine reports no other, so filter early)
-- reading: vulnerability belongs to the person, not the debt: the event's person
--          (person_id, else the account's debtor) is matched to the visited person
--          (person_key) whichever account either is about; it applies from
--          effective_at (included) until ended_at (excluded). A visit to the customer
--          is an outbound visit with party debtor or guarantor (CONC 7.1.4R).
with vulnerable_people as (
    select
        e.event_id,
        coalesce(e.person_id, a.customer_id) as person_key,
        e.effective_at,
        e.ended_at
    from account_events as e
    left join accounts as a on a.account_id = e.account_id
    where e.event_type = 'vulnerable'
      and e.effective_at < $month_end_at
),

visits as (
    select contact_id, person_key, party, started_at
    from stg_contacts
    where in_month
      and list_contains($regimes, regime)
      and channel = 'visit'
      and is_outbound
      and party in ('debtor', 'guarantor')
),

visits_to_vulnerable as (
    select v.contact_id, v.party, p.event_id, p.effective_at
    from visits as v
    inner join vulnerable_people as p
        on p.person_key = v.person_key
       and v.started_at >= p.effective_at
       and (p.ended_at is null or v.started_at < p.ended_at)
    qualify row_number() over (partition by v.contact_id order by p.effective_at, p.event_id) = 1
),

final as (
    select
        contact_id,
        event_id as detail,
        'visited the ' || party || ', flagged vulnerable since '
            || strftime(effective_at, '%Y-%m-%d %H:%M:%S%z') || ' (' || event_id || ')' as evidence
    from visits_to_vulnerable
)

select * from final
