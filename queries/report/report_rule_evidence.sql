-- purpose: evidence samples for the per-rule sections: the first
--          $evidence_rows violations of each rule in the month, in time order,
--          with the contact's channel, party, the number dialled and the note.
--          phone_number and note are personal data / free text: the report
--          masks them before printing. The report passes report.evidence_rows,
--          or fewer when many rules have a finding (evidence_per_rule in
--          audit/report.py), so the sections stay short.
-- grain:   rule_id x contact (at most $evidence_rows per rule)
-- inputs:  violations, contacts
-- params:  $month, $month_start_at, $month_end_at, $evidence_rows
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

-- the sampled contacts' number and note; the month's time range lets the scan skip
-- the row groups of other months (contacts are loaded month by month)
sampled_contacts as (
    select contact_id, phone_number, note
    from contacts
    where started_at >= $month_start_at
      and started_at < $month_end_at
      and contact_id in (select contact_id from sampled)
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
    left join sampled_contacts as c on c.contact_id = s.contact_id
)

select * exclude (occurred_at) from final
order by rule_id, occurred_at, contact_id
