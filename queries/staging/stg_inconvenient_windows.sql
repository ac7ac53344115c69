-- purpose: inconvenient_time events parsed into weekly windows, e.g.
--          'Mon-Fri 15:00-17:00' -> five rows (isodow 1..5, 900, 1020).
-- grain:   event x account it applies to x ISO weekday x minute range
-- inputs:  stg_events
-- output:  event_id, applies_account_id, person_key, effective_at, ended_at,
--          isodow (1 = Monday), start_minute (included), end_minute (excluded)
-- reading: no days = every day; no times = the whole day; a range that ends
--          before it starts (21:00-08:00) wraps past midnight and is read as
--          [start, 24:00) and [00:00, end) on each listed day. A day range that
--          wraps (Fri-Mon) covers Fri, Sat, Sun, Mon.
with specs as (
    select event_id, applies_account_id, person_key, effective_at, ended_at,
        lower(trim("window")) as spec
    from stg_events
    where event_type = 'inconvenient_time' and "window" is not null
),

split as (
    select *,
        trim(regexp_replace(spec, '[0-9]{1,2}:[0-9]{2}\s*-\s*[0-9]{1,2}:[0-9]{2}', '')) as days_part,
        regexp_extract(spec, '([0-9]{1,2}):([0-9]{2})\s*-\s*([0-9]{1,2}):([0-9]{2})',
            ['h1', 'm1', 'h2', 'm2']) as t
    from specs
),

minutes as (
    select *,
        case when t.h1 = '' then 0 else t.h1::int * 60 + t.m1::int end as from_minute,
        case when t.h1 = '' then 1440 else t.h2::int * 60 + t.m2::int end as to_minute
    from split
),

day_tokens as (
    select minutes.*, trim(unnest(string_split(
        case when days_part = '' then 'mon-sun' else days_part end, ','))) as token
    from minutes
),

day_numbers as (
    select *,
        list_position(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
            trim(split_part(token, '-', 1))) as d1,
        list_position(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
            trim(coalesce(nullif(split_part(token, '-', 2), ''), split_part(token, '-', 1)))) as d2
    from day_tokens
),

days as (
    select *, unnest(case when d1 <= d2 then range(d1, d2 + 1)
                          else list_concat(range(d1, 8), range(1, d2 + 1)) end) as isodow
    from day_numbers
    where d1 is not null and d2 is not null
),

ranges as (
    select event_id, applies_account_id, person_key, effective_at, ended_at, isodow,
        from_minute as start_minute, to_minute as end_minute
    from days where from_minute < to_minute
    union all
    select event_id, applies_account_id, person_key, effective_at, ended_at, isodow,
        from_minute, 1440
    from days where from_minute > to_minute
    union all
    select event_id, applies_account_id, person_key, effective_at, ended_at, isodow,
        0, to_minute
    from days where from_minute > to_minute and to_minute > 0
)

select distinct * from ranges
