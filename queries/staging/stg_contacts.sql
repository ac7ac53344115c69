-- purpose: contacts in scope for the month's conduct checks, with the account's
--          regime and debtor and the derived flags every rule uses.
-- grain:   one row per contact started in [$scope_start_at, $month_end_at)
-- inputs:  contacts, accounts, stg_tz_offsets
-- params:  $scope_start_at (month start minus the longest look-back window),
--          $month_start_at, $month_end_at (the month in portfolio_timezone),
--          $portfolio_timezone
-- output:  contact columns (but is_ai_voice; recording_id only as has_recording,
--          the one test a rule makes of it) + customer_id, regime,
--          account_timezone, local_at (TIMESTAMP: the wall clock in
--          account_timezone), alt_timezones (the account's other candidate zones;
--          stg_contact_zones has a row per contact and zone), person_key,
--          is_outbound, is_outbound_contact, is_call, is_connected,
--          is_conversation, is_rpc, in_month, month (first day of the contact's
--          month in portfolio_timezone: the month its findings are filed under)
-- definitions (RULES.md common terms, DATA_CONTRACT.md derived):
--   outbound contact = direction outbound, any channel except letter
--   call             = channel call or ringless_voicemail
--   connected        = call_result answered, no_answer, voicemail or rejected
--   rpc              = a conversation with party debtor
--   person_key       = person_id (the debtor's customer_id when party = debtor),
--                      else the number dialled, else the contact itself
-- types:   party, channel, direction, purpose, call_result and outcome are the
--          warehouse's ENUMs of their vocabularies (schema.sql_type: a filter on one
--          is a byte compare); the account's regime is cast once per account, before
--          the join, to stg_regime (a temporary type rules.build_staging creates).
-- note:    no list of all the zones per contact: building and storing 10M lists
--          cost about a fifth of this step; only the few accounts with
--          alt_timezones carry a list
with contacts_in_scope as (
    select *
    from contacts
    where started_at >= $scope_start_at
      and started_at < $month_end_at
),

final as (
    select
        c.contact_id,
        c.account_id,
        a.customer_id,
        a.regime,
        a.timezone as account_timezone,
        -- DuckDB-specific: wall clock = UTC instant + the zone's offset at that slot
        make_timestamp(epoch_us(c.started_at) + z.offset_us) as local_at,
        a.alt_timezones,
        c.person_id,
        coalesce(c.person_id, 'phone:' || c.phone_number, 'contact:' || c.contact_id)
            as person_key,
        c.party,
        c.channel,
        c.direction,
        c.started_at,
        c.ended_at,
        c.collector_id,
        c.agency_id,
        c.phone_number,
        c.call_result,
        c.outcome,
        c.purpose,
        coalesce(c.debts_discussed, []) as debts_discussed,
        c.recording_id is not null as has_recording,
        c.note,
        c.direction = 'outbound' as is_outbound,
        c.direction = 'outbound' and c.channel <> 'letter' as is_outbound_contact,
        c.channel in ('call', 'ringless_voicemail') as is_call,
        c.channel in ('call', 'ringless_voicemail')
            and coalesce(c.call_result in ('answered', 'no_answer', 'voicemail', 'rejected'), false)
            as is_connected,
        c.conversation as is_conversation,
        c.conversation and c.party = 'debtor' as is_rpc,
        c.started_at >= $month_start_at as in_month,
        -- DuckDB-specific: wall clock = UTC instant + the zone's offset at that slot
        date_trunc(
            'month',
            coalesce(
                make_timestamp(epoch_us(c.started_at) + o.offset_us),
                timezone($portfolio_timezone, c.started_at)
            )
        )::date as month
    from contacts_in_scope as c
    inner join (
        select account_id, customer_id, regime::stg_regime as regime, timezone, alt_timezones
        from accounts
    ) as a on a.account_id = c.account_id
    left join stg_tz_offsets as o
        on o.zone = $portfolio_timezone and o.slot = epoch_us(c.started_at) // 900000000
    left join stg_tz_offsets as z
        on z.zone = a.timezone and z.slot = epoch_us(c.started_at) // 900000000
)

select * from final
