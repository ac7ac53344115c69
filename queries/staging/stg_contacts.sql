-- purpose: contacts in scope for the month's conduct checks, with the account's
--          regime and debtor and the derived flags every rule uses.
-- grain:   one row per contact started in [$scope_start_at, $month_end_at)
-- inputs:  stg_contact_rows
-- output:  every column of stg_contact_rows (debts_discussed an empty list when
--          there are none), then person_key, is_outbound, is_outbound_contact,
--          is_call, is_connected, is_conversation, is_rpc, staged_row (the row's
--          rowid in stg_contact_rows: a join on it reads only the rows it finds)
-- definitions (RULES.md common terms, DATA_CONTRACT.md derived):
--   outbound contact = direction outbound, any channel except letter
--   call             = channel call or ringless_voicemail
--   connected        = call_result answered, no_answer, voicemail or rejected
--   rpc              = a conversation with party debtor
--   person_key       = person_id (the debtor's customer_id when party = debtor),
--                      else the number dialled, else the contact itself
--                      (stg_person_key, a macro rules.build_staging makes)
-- note:    a view, not a table: these come from the row's own columns, and
--          computing them as a rule reads the few it uses costs less than storing
--          all of them for 10M contacts (DuckDB computes only the columns a query
--          reads, and a filter on a flag becomes a filter on the ENUM columns).
with final as (
    select
        * replace (coalesce(debts_discussed, []) as debts_discussed),
        stg_person_key(person_id, phone_number, contact_id) as person_key,
        direction = 'outbound' as is_outbound,
        direction = 'outbound' and channel <> 'letter' as is_outbound_contact,
        channel in ('call', 'ringless_voicemail') as is_call,
        channel in ('call', 'ringless_voicemail')
            and coalesce(call_result in ('answered', 'no_answer', 'voicemail', 'rejected'), false)
            as is_connected,
        conversation as is_conversation,
        conversation and party = 'debtor' as is_rpc,
        rowid as staged_row
    from stg_contact_rows
)

select * from final
