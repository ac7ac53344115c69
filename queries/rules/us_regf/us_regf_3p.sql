-- rule:    US-REGF-3P, 12 CFR 1006.6(d)(1): no communication about a debt with anyone
--          other than the consumer, the consumer's attorney, a consumer reporting
--          agency, the creditor or their attorneys, except as 1006.6(d)(2) allows.
-- purpose: conversations about the debt with a third party that were not for
--          location information.
-- grain:   offending contact
-- inputs:  stg_contacts
-- params:  none
-- reading: a conversation (a live one, in either direction, on any channel) with
--          party relative, employer, emergency_contact or third_party is a
--          communication about the debt unless its purpose is location_info, which
--          1006.6(d)(2)(i) and 1006.10 allow (US-REGF-LOC limits how often). Debtor,
--          spouse (a consumer for 1006.6, 1006.6(a)(1)), guarantor (obligated on the
--          debt), attorney and unknown are not third parties here (RULES.md). The
--          consumer's prior consent to a third-party communication (1006.6(d)(2)(ii))
--          is not in the data and is not presumed.
with third_party_conversations as (
    select contact_id, account_id, party, channel, direction, purpose
    from stg_contacts
    where in_month
      and is_conversation
      and party in ('relative', 'employer', 'emergency_contact', 'third_party')
      and coalesce(purpose, 'collection') <> 'location_info'
      and list_contains($regimes, regime)
),

final as (
    select
        contact_id,
        party as detail,
        direction || ' ' || channel || ' conversation with ' || replace(party, '_', ' ')
            || ' about ' || account_id || ' for purpose ' || coalesce(purpose, 'collection')
            || ', not location information' as evidence
    from third_party_conversations
)

select * from final
