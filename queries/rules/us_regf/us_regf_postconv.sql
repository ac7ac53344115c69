-- rule:    US-REGF-POSTCONV, 12 CFR 1006.14(b)(2)(i)(B) and (b)(2)(ii): a call placed
--          to a person about a particular debt within 7 consecutive days after a
--          telephone conversation with that person about that debt is presumed to
--          be harassment; the date of the conversation is the first of the 7 days.
-- purpose: counted calls placed in the quiet period that follows a conversation.
-- grain:   offending call x candidate zone (the latest conversation that applies)
-- inputs:  us_regf_calls, us_regf_conversations
-- params:  $quiet_days (7), $month_start_at
-- reading: for a telephone conversation (either direction) with the person about
--          debt D that started on local date d0 and ended at t0, every counted
--          outbound call about D placed after t0 and dated <= d0 + 6 violates,
--          including a call later on the same day (RULES.md counting rule 4). A
--          conversation is about its account_id and every debt in debts_discussed,
--          whoever raised it (comment 14(b)(4)-2.vi); a call is about its
--          account_id only. Calls covered by direct prior consent, unconnected
--          calls, calls to an attorney and misdirected calls are not counted
--          (us_regf_calls), so "call back on Monday" is honoured (comment
--          14(b)(3)(i)-3.i). Dates are local per candidate zone, evaluated
--          separately; conversations before the month start quiet periods that
--          reach into it.
-- dialect: DuckDB-specific qualify, to_days
with calls_in_month as (
    select
        contact_id, unit_key, debt_id, person_key, zone_rank, zone, local_at, local_date,
        started_at
    from us_regf_calls
    where is_counted
      and in_month
),

conversations as (
    select
        contact_id as conversation_id, unit_key, debt_id, person_key, zone_rank, ended_at,
        conversation_date,
        conversation_date + ($quiet_days - 1)::integer as quiet_until
    from us_regf_conversations
    -- only quiet periods that can reach into the month (two days of zone and DST slack)
    where started_at >= $month_start_at - to_days($quiet_days + 2)
),

calls_in_quiet_period as (
    select
        c.*,
        v.conversation_id,
        v.conversation_date,
        v.quiet_until,
        (c.local_date - v.conversation_date + 1)::integer as quiet_day
    from calls_in_month as c
    inner join conversations as v
        on v.unit_key = c.unit_key
        and v.zone_rank = c.zone_rank
        -- the hash key finds the pairs, the exact keys decide
        and v.person_key = c.person_key
        and v.debt_id = c.debt_id
    where c.started_at > v.ended_at
      and c.local_date <= v.quiet_until
    -- report the latest conversation the call falls after
    qualify row_number() over (
        partition by c.contact_id, c.zone_rank
        order by v.conversation_date desc, v.ended_at desc, v.conversation_id
    ) = 1
),

final as (
    select
        contact_id,
        zone_rank,
        zone as timezone,
        local_at as local_time,
        quiet_day as evidence_count,
        conversation_date as window_start,
        quiet_until as window_end,
        conversation_id as detail,
        'counted call about ' || debt_id || ' on day ' || quiet_day::varchar || ' of '
            || $quiet_days::varchar || ' after a telephone conversation about it on '
            || strftime(conversation_date, '%Y-%m-%d') || ' (contact ' || conversation_id
            || ', ' || zone || '); quiet until ' || strftime(quiet_until, '%Y-%m-%d')
            as evidence
    from calls_in_quiet_period
)

select * from final
