-- risk flag: RISK-RAPID, comment 14(b)(2)(i)-2.i and -2.ii (12 CFR 1006.14(b)(2)):
--          telephone calls in rapid succession are a factor that may rebut the
--          presumption of compliance with the call-frequency limits. Not a violation.
-- purpose: an unanswered call placed within a few minutes of an earlier unanswered
--          call to the same telephone number.
-- grain:   flagged call (the later of the two)
-- inputs:  us_regf_calls
-- params:  $window_minutes (5), $month_start_at
-- reading: "two unanswered telephone calls to the same telephone number within five
--          minutes": calls (and ringless voicemails) that reached the number but
--          were not answered (no_answer, voicemail, rejected), to the same number
--          whatever the person or debt, the later one started at most
--          $window_minutes after the earlier one (both instants inclusive). Busy,
--          failed and not-in-service attempts never reached the number.
-- method:  calls are ordered per 64-bit hash of the number by epoch microseconds
--          (integers sort far faster than text); a call whose predecessor in that
--          order is close enough is a candidate, and candidates are confirmed
--          against the earlier calls to the exact same number, so a hash collision
--          can neither raise nor hide a flag.
-- dialect: DuckDB-specific hash, epoch_us, arg_max
with unanswered_calls as (
    select
        contact_id, phone_number, started_at, in_month,
        hash(phone_number) as number_key,
        epoch_us(started_at) as started_us
    from us_regf_calls
    where zone_rank = 0
      and phone_number is not null
      and call_result in ('no_answer', 'voicemail', 'rejected')
      and started_at >= $month_start_at - to_minutes($window_minutes::integer)
),

candidates as (
    select *
    from (
        select
            *,
            lag(started_us) over (partition by number_key order by started_us)
                as previous_us
        from unanswered_calls
    ) as ordered
    where in_month
      and started_us - previous_us <= $window_minutes::bigint * 60000000
),

confirmed as (
    select
        c.contact_id,
        c.started_us,
        max(p.started_us) as previous_us,
        arg_max(p.contact_id, p.started_us) as previous_contact_id
    from candidates as c
    inner join unanswered_calls as p
        on p.number_key = c.number_key
        and p.phone_number = c.phone_number
        and p.started_us between c.started_us - $window_minutes::bigint * 60000000
            and c.started_us
        and (p.started_us < c.started_us or p.contact_id < c.contact_id)
    group by c.contact_id, c.started_us
),

final as (
    select
        contact_id,
        2 as evidence_count,
        previous_contact_id as detail,
        'unanswered call ' || ((started_us - previous_us) // 1000000)::varchar
            || ' s after an earlier unanswered call to the same number (contact '
            || previous_contact_id || '); within ' || $window_minutes::varchar
            || ' minutes is rapid succession' as evidence
    from confirmed
)

select * from final
