-- purpose: evidence samples for the per-rule sections: the first
--          $evidence_rows violations of each rule in the month, in time order,
--          with the contact's channel, party, the number dialled and the note.
--          phone_number and note are personal data / free text: the report
--          masks them before printing.
-- grain:   rule_id x contact (at most $evidence_rows per rule)
-- inputs:  violations, contacts
-- params:  $month, $evidence_rows
-- output:  rule_id, contact_id, account_id, channel, party, direction,
--          local_time, timezone, evidence_count, evidence, phone_number, note
with sampled as (
    select
        rule_id, contact_id, account_id, channel, party, direction,
        local_time, timezone, evidence_count, evidence, occurred_at
    from violations
    where month = $month::date
    qualify row_number() over (
        partition by rule_id order by occurred_at, contact_id
    ) <= $evidence_rows::integer
),

final as (
    select
        s.rule_id,
        s.contact_id,
        s.account_id,
        s.channel,
        s.party,
        s.direction,
        s.local_time,
        s.timezone,
        s.evidence_count,
        s.evidence,
        c.phone_number,
        -- a sample, not the transcript: long notes are cut so the table stays short
        left(c.note, 160) as note,
        s.occurred_at
    from sampled as s
    left join contacts as c on c.contact_id = s.contact_id
)

select * exclude (occurred_at) from final
order by rule_id, occurred_at, contact_id
