-- staging: us_regf_calls (pack us_regf, materialized before its rules run)
-- citation: 12 CFR 1006.14(b)(2), (b)(3)(i)-(iii); comments 14(b)-1, 14(b)(2)(i)-3,
--          14(b)(3)(i)-2, 14(b)(3)(ii)-1, 14(b)(4)-1.i
-- purpose: every outbound call about a Reg F debt, in each candidate time zone of
--          the debt, marked counted or not for the call-frequency presumptions
--          (RULES.md "How Reg F call frequency is counted", rule 2). Shared by
--          US-REGF-7IN7, US-REGF-POSTCONV and the two risk flags.
-- grain:   outbound call or ringless voicemail x candidate zone of its account
-- inputs:  stg_contacts, stg_contact_zones, stg_events, stg_tz_offsets, accounts,
--          account_events, us_regf_conversations
-- params:  $regimes, $month_start_at, $month_end_at, $pack_window_days (the longest
--          day window of the pack's rules: calls before the month are kept as far
--          back as a window that ends in the month can reach, plus two days for
--          time-zone and DST slack)
-- output:  contact_id, debt_id (= account_id), person_key, phone_number, call_result,
--          started_at, in_month, zone_rank, zone, local_at, local_date,
--          is_counted (none of the reasons below holds; no rule reads which one did,
--          and storing it for 5.9M calls cost 0.3 CPU s at 10M contacts), unit_key
--          (64-bit hash of person_key and debt_id: a fast join and partition key;
--          DuckDB-specific hash(), rules compare the exact keys wherever a collision
--          could matter)
-- reading (a call is counted unless one of these holds, first reason wins):
--   * not connected: busy, failed, not_in_service (or no result) do not reach the
--     dialled number; answered, no_answer, voicemail and rejected do (14(b)(3)(ii)).
--   * placed to an attorney (party attorney; 14(b)(3)(iii) and 1006.6(d)(1)(ii)-(vi)).
--   * misdirected: a wrong_number event shows the number is not the person's; the
--     call is removed whether placed before or after the event (14(b)(2)(i)-3).
--   * direct prior consent: a consent_to_call event for the debt, from the person
--     (event person_id, else the debtor), covers that person's calls about the debt
--     placed after receipt, through local day 7 counting the day of receipt as
--     day 1, or through its ended_at if earlier; it expires at a consent_revoked
--     event for the same person and debt, and at the first telephone conversation
--     with the person about the debt that starts after receipt, whose own call is
--     still covered (1006.14(b)(3)(i), comment 14(b)(3)(i)-2).
--   A call counts toward its account_id only: the debt the collector placed it
--   about (comment 14(b)(4)-1.i; RULES.md counting rule 1). Ringless voicemail is
--   a placed call, SMS and e-mail never are (comment 14(b)-1).
-- dialect: DuckDB-specific epoch_us/make_timestamp, hash, arg_min, list functions
-- every candidate zone of the call, with its local time (stg_contact_zones: the
-- account's own zone is read with the call, only the few others are joined)
with call_zones as (
    select
        contact_id, account_id as debt_id, person_key, party, phone_number, call_result,
        is_connected, started_at, in_month, zone, zone_rank, local_at, local_date
    from stg_contact_zones
    where is_outbound
      and is_call
      and list_contains($regimes, regime)
      and started_at >= $month_start_at - to_days($pack_window_days + 2)
),

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

consents as (
    select event_id, applies_account_id as debt_id, person_key, effective_at, ended_at
    from stg_events
    where event_type = 'consent_to_call'
      and list_contains($regimes, regime)
),

consent_revocations as (
    select c.event_id, min(r.effective_at) as revoked_at
    from consents as c
    inner join stg_events as r
        on r.event_type = 'consent_revoked'
        and r.applies_account_id = c.debt_id
        and r.person_key = c.person_key
        and r.effective_at > c.effective_at
    group by c.event_id
),

-- the first telephone conversation with the person about the debt after receipt
consent_expiries as (
    select
        c.event_id,
        min(v.started_at) as expires_at,
        arg_min(v.contact_id, v.started_at) as expiring_contact_id
    from consents as c
    inner join us_regf_conversations as v
        on v.person_key = c.person_key
        and v.debt_id = c.debt_id
        and v.zone_rank = 0
        and v.started_at > c.effective_at
    group by c.event_id
),

consent_windows as (
    select
        c.*,
        r.revoked_at,
        x.expires_at,
        x.expiring_contact_id,
        unnest(list_prepend(a.timezone, coalesce(a.alt_timezones, []))) as zone,
        generate_subscripts(list_prepend(a.timezone, coalesce(a.alt_timezones, [])), 1) - 1
            as zone_rank
    from consents as c
    inner join accounts as a on a.account_id = c.debt_id
    left join consent_revocations as r on r.event_id = c.event_id
    left join consent_expiries as x on x.event_id = c.event_id
),

consent_days as (
    select
        w.*,
        -- day of receipt = day 1, so the last covered local day is day 1 + 6
        make_timestamp(epoch_us(w.effective_at) + o.offset_us)::date + 6 as last_covered_date
    from consent_windows as w
    inner join stg_tz_offsets as o
        on o.zone = w.zone and o.slot = epoch_us(w.effective_at) // 900000000
),

-- the few calls to a person about a debt they consented to calls about (a narrow
-- second scan: the debt's candidate zones come with its consent windows)
calls_under_consent as (
    -- a consent's debt is an account of the pack's regimes, and so is a call's
    select contact_id, account_id as debt_id, person_key, started_at
    from stg_contacts
    where is_outbound
      and is_call
      and list_contains($regimes, regime)
      and started_at >= $month_start_at - to_days($pack_window_days + 2)
      and (person_key, account_id) in (select person_key, debt_id from consents)
),

consented_calls as (
    select distinct u.contact_id, w.zone_rank
    from calls_under_consent as u
    inner join consent_days as w
        on w.person_key = u.person_key and w.debt_id = u.debt_id
    inner join stg_tz_offsets as o
        on o.zone = w.zone and o.slot = epoch_us(u.started_at) // 900000000
    where u.started_at > w.effective_at
      and make_timestamp(epoch_us(u.started_at) + o.offset_us)::date <= w.last_covered_date
      and (w.ended_at is null or u.started_at <= w.ended_at)
      and (w.revoked_at is null or u.started_at < w.revoked_at)
      and (
          w.expires_at is null
          or u.started_at < w.expires_at
          or u.contact_id = w.expiring_contact_id
      )
),

-- the exclusions are looked up in small sets (IN), never joined row by row
classified as (
    select
        cz.*,
        case
            when not cz.is_connected then 'not connected'
            when cz.party = 'attorney' then 'placed to an attorney'
            when (cz.person_key, cz.phone_number) in (select person_key, phone_number
                                                      from wrong_numbers)
                then 'misdirected (wrong number)'
            when (cz.contact_id, cz.zone_rank) in (select contact_id, zone_rank
                                                   from consented_calls)
                then 'direct prior consent'
        end as not_counted_reason
    from call_zones as cz
),

final as (
    select
        contact_id,
        debt_id,
        person_key,
        phone_number,
        call_result,
        started_at,
        in_month,
        zone_rank,
        zone,
        local_at,
        local_date,
        not_counted_reason is null as is_counted,
        hash(person_key, debt_id) as unit_key
    from classified
)

select * from final
