-- rule:    CN-THIRD-PARTY, consumer finance company rules (2024); PIPL arts. 6, 13, 23:
--          no collection contact with people unrelated to the debt.
-- purpose: outbound contacts with a third party or the debtor's employer.
-- grain:   offending contact
-- inputs:  stg_contacts
-- params:  $regimes (the pack's; the engine reports no other, so filter early)
-- reading: RULES.md makes any outbound contact (any channel but letter, any purpose)
--          with party third_party or employer a violation; emergency contacts and
--          relatives the debtor named are governed by CN-CONTACT-REACHABLE instead.
with unrelated_contacts as (
    select contact_id, party, channel
    from stg_contacts
    where in_month
      and list_contains($regimes, regime)
      and is_outbound_contact
      and party in ('third_party', 'employer')
),

final as (
    select
        contact_id,
        party as detail,
        'outbound ' || channel || ' to a person unrelated to the debt (party ' || party || ')'
            as evidence
    from unrelated_contacts
)

select * from final
