-- rule:    US-REGF-7IN7, 12 CFR 1006.14(b)(2)(i)(A) and (b)(2)(ii): a call placed to a
--          person about a particular debt more than 7 times within 7 consecutive days
--          is presumed to be harassment.
-- purpose: the 8th and every further counted call to the same person about the same
--          debt within any 7 consecutive local days.
-- grain:   offending call x candidate zone
-- inputs:  us_regf_calls (counted calls, look-back included)
-- params:  $max_calls (7), $window_days (7)
-- reading: the unit is (person called, debt): all of the person's numbers are pooled
--          and each debt has its own count (comment 14(b)(4)-2.i). For a counted
--          call c on local date d, n = counted calls dated d-6 .. d up to and
--          including c (started_at order); c violates when n > 7 (RULES.md counting
--          rule 3). Days are local calendar days in each candidate zone, counted
--          separately per zone (the engine reports a call once). Calls before the
--          month count toward the windows; only calls in the month are reported.
--          A RANGE window over timestamps (a rolling 144 hours) is not d-6 .. d, so
--          calls are counted per local day and the days are windowed instead.
-- method:  most units never come near the limit, so they are cleared with hash
--          aggregates before anything is sorted:
--          1. days are cut into blocks of window_days (block = day // window_days);
--             a window d-6 .. d lies within the blocks of d and of d-6, so if a
--             unit's calls in a block and the block before sum to at most
--             max_calls, no window ending in that block can exceed it. unit_key is
--             a 64-bit hash of (person, debt): a collision can only merge units and
--             raise a count, so no violation is missed here.
--          2. for the remaining blocks only, count exactly per (person, debt): calls
--             on days d-6 .. d-1 (a window over daily counts) plus the call's rank
--             within day d (FACTS.md).
-- dialect: DuckDB-specific not materialized
with counted_calls as not materialized (
    select
        contact_id, unit_key, debt_id, person_key, zone_rank, zone, local_at, local_date,
        started_at, in_month,
        -- day number, so the windows are plain integer RANGE frames (portable)
        local_date - date '1970-01-01' as day_no,
        (local_date - date '1970-01-01') // $window_days as block_no
    from us_regf_calls
    where is_counted
),

calls_per_block as (
    select unit_key, zone_rank, block_no, count(*) as calls_in_block
    from counted_calls
    group by unit_key, zone_rank, block_no
),

-- blocks where some window could hold more than max_calls
candidate_blocks as (
    select b.unit_key, b.zone_rank, b.block_no
    from calls_per_block as b
    left join calls_per_block as p
        on p.unit_key = b.unit_key
        and p.zone_rank = b.zone_rank
        and p.block_no = b.block_no - 1
    where b.calls_in_block + coalesce(p.calls_in_block, 0) > $max_calls
),

-- the calls a window ending in a candidate block can see: that block and the one before
needed_blocks as (
    select distinct unit_key, zone_rank, block_no
    from (
        select unit_key, zone_rank, block_no from candidate_blocks
        union all
        select unit_key, zone_rank, block_no - 1 from candidate_blocks
    ) as both_blocks
),

candidate_calls as (
    select c.*
    from counted_calls as c
    inner join needed_blocks as n
        on n.unit_key = c.unit_key
        and n.zone_rank = c.zone_rank
        and n.block_no = c.block_no
),

calls_per_day as (
    select person_key, debt_id, zone_rank, day_no, count(*) as calls_on_day
    from candidate_calls
    group by person_key, debt_id, zone_rank, day_no
),

-- counted calls on the window's earlier days d-(window_days-1) .. d-1
calls_before_day as (
    select
        person_key, debt_id, zone_rank, day_no,
        coalesce(sum(calls_on_day) over (
            partition by person_key, debt_id, zone_rank
            order by day_no
            range between ($window_days - 1) preceding and 1 preceding
        ), 0) as calls_on_earlier_days
    from calls_per_day
),

-- the rank of each call within its own local day, all of that day's calls ranked
-- (a local day can start before the month does)
call_counts as (
    select
        c.*,
        b.calls_on_earlier_days
        + row_number() over (
            partition by c.person_key, c.debt_id, c.zone_rank, c.day_no
            order by c.started_at, c.contact_id
        ) as calls_in_window
    from candidate_calls as c
    inner join calls_before_day as b
        on b.person_key = c.person_key
        and b.debt_id = c.debt_id
        and b.zone_rank = c.zone_rank
        and b.day_no = c.day_no
    -- only in a candidate block are all of a window's calls at hand
    inner join candidate_blocks as k
        on k.unit_key = c.unit_key
        and k.zone_rank = c.zone_rank
        and k.block_no = c.block_no
),

final as (
    select
        contact_id,
        zone_rank,
        zone as timezone,
        local_at as local_time,
        calls_in_window::integer as evidence_count,
        (local_date - ($window_days - 1)::integer) as window_start,
        local_date as window_end,
        debt_id as detail,
        calls_in_window::varchar
            || case
                when calls_in_window % 100 in (11, 12, 13) then 'th'
                when calls_in_window % 10 = 1 then 'st'
                when calls_in_window % 10 = 2 then 'nd'
                when calls_in_window % 10 = 3 then 'rd'
                else 'th'
            end
            || ' counted call to this person about ' || debt_id || ' in '
            || strftime(local_date - ($window_days - 1)::integer, '%Y-%m-%d') || '..'
            || strftime(local_date, '%Y-%m-%d') || ' (' || zone || '); at most '
            || $max_calls::varchar || ' in ' || $window_days::varchar
            || ' consecutive days' as evidence
    from call_counts
    where in_month
      and calls_in_window > $max_calls
)

select * from final
