-- rule:    UK-CONC-3P, FCA CONC 7.9.6R and 7.9.10R: no unfair disclosure of the debt
--          to a third party.
-- purpose: conversations about collecting the debt with a third party, the debtor's
--          employer or a relative.
-- grain:   offending contact
-- inputs:  stg_contacts
-- params:  $regimes (the pack's; the engine reports no other, so filter early)
-- reading: RULES.md: a conversation (either direction) with party third_party,
--          employer or relative whose purpose is collection; a location-only call
--          (purpose location_info) is not a disclosure of the debt. Spouses, guarantors
--          (customers under CONC 7.1.4R), attorneys, emergency contacts and unknown
--          parties are not assessed.
with third_party_conversations as (
    select contact_id, party, direction, channel
    from stg_contacts
    where in_month
      and list_contains($regimes, regime)
      and is_conversation
      and party in ('third_party', 'employer', 'relative')
      and purpose = 'collection'
),

final as (
    select
        contact_id,
        party as detail,
        direction || ' ' || channel || ' conversation about collecting the debt with a '
            || replace(party, '_', ' ') as evidence
    from third_party_conversations
)

select * from final
