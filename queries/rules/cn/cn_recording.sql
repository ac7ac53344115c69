-- rule:    CN-RECORDING, credit card business rules (2011) art. 68; NIFA convention
--          (2018); China Banking Association guideline (2026): collection calls and
--          visits must be recorded.
-- purpose: collection calls that carried a conversation, and visits, with no
--          recording_id.
-- grain:   offending contact
-- inputs:  stg_contacts
-- params:  $regimes (the pack's; the engine reports no other, so filter early)
-- reading: "collection call" uses the catalogue's vocabulary (purpose collection), in
--          either direction; RULES.md's test is a call with a conversation, so a
--          voicemail or an unanswered ring needs no recording. Every visit is
--          assessed, whatever its purpose. A blank recording_id is no recording
--          (ingest stores a blank value as null; staging's has_recording is
--          recording_id is not null).
with recordable as (
    select contact_id, channel, direction
    from stg_contacts
    where in_month
      and list_contains($regimes, regime)
      and (
          (is_call and is_conversation and purpose = 'collection')
          or channel = 'visit'
      )
      and not has_recording
),

final as (
    select
        contact_id,
        case when channel = 'visit' then 'visit' else direction || ' ' || channel
            || ' with a conversation' end || ' has no recording_id' as evidence
    from recordable
)

select * from final
