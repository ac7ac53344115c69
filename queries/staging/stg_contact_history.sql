-- purpose: every contact loaded up to the staged span's end, for the rules whose
--          look-back has no bound (a refusal, a location conversation, the contact
--          an opt-out's one reply answers may be years old).
-- grain:   one row per contact started before $month_end_at
-- inputs:  contacts (before the span), stg_contact_rows (the span)
-- params:  $scope_start_at (the first staged instant)
-- output:  contact_id, account_id, person_id, phone_number, party, channel,
--          direction, started_at, conversation, purpose, outcome, person_key (as in
--          stg_contacts)
-- note:    a table macro, read as stg_contact_history($scope_start_at): a view takes
--          no parameters, and the bound must reach the contacts scan as a constant
--          (a join to it would read every contact). The span comes from
--          stg_contact_rows because it holds it already: a sparse read of the
--          warehouse's dictionary-compressed text decodes whole vectors (0.2-0.3
--          CPU s a column at 10M contacts, against 0.03-0.06 from the staged rows).
--          Ingest guarantees a contact's account is loaded, so the two agree.
with history as (
    select
        contact_id, account_id, person_id, phone_number, party, channel, direction,
        started_at, conversation, purpose, outcome
    from contacts
    where started_at < $scope_start_at
    union all
    select
        contact_id, account_id, person_id, phone_number, party, channel, direction,
        started_at, conversation, purpose, outcome
    from stg_contact_rows
),

final as (
    select
        *,
        -- the same key as stg_contacts.person_key
        stg_person_key(person_id, phone_number, contact_id) as person_key
    from history
)

select * from final
