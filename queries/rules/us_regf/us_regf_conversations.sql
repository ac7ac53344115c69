-- staging: us_regf_conversations (pack us_regf, materialized before its rules run)
-- citation: 12 CFR 1006.14(b)(2)(i)(B), 1006.14(b)(3)(i); comments 14(b)(4)-1.ii,
--          14(b)(4)-2.iv and -2.vi, 14(b)(3)(i)-2
-- purpose: the telephone conversations that start a Reg F quiet period
--          (US-REGF-POSTCONV) or end a direct prior consent (us_regf_calls), once
--          per debt they were about and per candidate time zone of that debt.
-- grain:   conversation contact x debt discussed x candidate zone of that debt
-- inputs:  stg_contacts, account_events, stg_tz_offsets, accounts
-- params:  $regimes (the pack's regimes), $month_end_at
-- output:  contact_id, debt_id, person_key, direction, started_at, ended_at
--          (ended_at, else started_at), zone_rank, zone, conversation_date (local
--          date of started_at in that zone), unit_key (hash of person_key and debt_id,
--          as in us_regf_calls)
-- reading:
--   * a telephone conversation is a contact on channel call with a live
--     conversation, in either direction: the consumer's own call starts the
--     quiet period too (comment 14(b)(2)(i)-1.ii).
--   * it is about its account_id and every account in debts_discussed, whoever
--     raised them (comment 14(b)(4)-1.ii and -2.vi; RULES.md counting rule 1).
--   * a conversation on a number the person does not own (wrong_number event, or
--     the call's own outcome wrong_number) is not a conversation with that person.
--   * the date of a conversation is the local date it started, in each candidate
--     zone of the debt it was about (RULES.md: day windows per zone).
-- dialect: DuckDB-specific epoch_us/make_timestamp, hash, list functions
with telephone_conversations as (
    select contact_id, account_id, debts_discussed, person_key, direction, phone_number,
        started_at, coalesce(ended_at, started_at) as ended_at, outcome
    from stg_contacts
    where channel = 'call'
      and is_conversation
      and coalesce(outcome, 'none') <> 'wrong_number'
      -- only a debt of the pack's regimes is kept: the contact's own, or one discussed
      and (list_contains($regimes, regime) or len(debts_discussed) > 0)
),

-- numbers a wrong_number event says are not the person's (comment 14(b)(2)(i)-3)
-- (an event without a number names the account's phone on file)
wrong_numbers as (
    select distinct
        coalesce(e.person_id, a.customer_id) as person_key,
        coalesce(e.phone_number, a.phone) as phone_number
    from account_events as e
    left join accounts as a on a.account_id = e.account_id
    where e.event_type = 'wrong_number'
      and e.effective_at < $month_end_at
      and coalesce(e.phone_number, a.phone) is not null
),

with_the_person as (
    select t.*
    from telephone_conversations as t
    left join wrong_numbers as w
        on w.person_key = t.person_key and w.phone_number = t.phone_number
    -- the person may call in from any phone; only a call we placed can be misdirected
    where not (t.direction = 'outbound' and w.phone_number is not null)
),

debts_of_conversation as (
    select contact_id, account_id as debt_id, person_key, direction, started_at, ended_at
    from with_the_person
    union all
    select contact_id, unnest(debts_discussed) as debt_id, person_key, direction, started_at,
        ended_at
    from with_the_person
    where len(debts_discussed) > 0
),

debt_zones as (
    select
        d.*,
        unnest(list_prepend(a.timezone, coalesce(a.alt_timezones, []))) as zone,
        generate_subscripts(list_prepend(a.timezone, coalesce(a.alt_timezones, [])), 1) - 1
            as zone_rank
    from debts_of_conversation as d
    inner join accounts as a on a.account_id = d.debt_id
    where list_contains($regimes, a.regime)
),

final as (
    select
        z.contact_id,
        z.debt_id,
        z.person_key,
        z.direction,
        z.started_at,
        z.ended_at,
        z.zone_rank,
        z.zone,
        -- DuckDB-specific: wall clock = UTC instant + the zone's offset at that slot
        make_timestamp(epoch_us(z.started_at) + o.offset_us)::date as conversation_date,
        hash(z.person_key, z.debt_id) as unit_key
    from debt_zones as z
    inner join stg_tz_offsets as o
        on o.zone = z.zone and o.slot = epoch_us(z.started_at) // 900000000
)

select * from final
