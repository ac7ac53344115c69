-- purpose: outbound contact activity per month (METRICS.md): attempts (all
--          outbound contacts, letters included), calls (calls and ringless
--          voicemails), connected_calls (answered, no_answer, voicemail,
--          rejected), conversations, rpc (conversations with the debtor),
--          accounts attempted and reached, and three labelled rates.
-- grain:   month x dimension x dimension_value
-- inputs:  contacts, contact_activity_months (the months to compute: all of them,
--          or those a stored table lacks), metric_tz_offsets
-- params:  none
-- output:  month, dimension ('portfolio' | 'agency' | 'collector'),
--          dimension_value ('ALL'; contacts.agency_id, 'in_house' when empty;
--          collector_id, 'none' when empty), attempts, calls, connected_calls,
--          conversations, rpc, accounts_attempted, accounts_with_rpc,
--          rpc_per_attempt = rpc / attempts,
--          rpc_per_connected_call = rpc / connected_calls (null when there was
--          no connected call), penetration = accounts_with_rpc /
--          accounts_attempted
-- note:    the month of a contact is its started_at date in
--          portfolio_timezone (METRICS.md). The outbound contacts are read
--          once per aggregation (not materialized): cheaper than keeping 10M
--          rows in memory for four passes.
-- the 15-minute UTC slots of the months computed, each with its month in
-- portfolio_timezone: a month starts at local midnight, on a slot boundary in a zone
-- whose offset is a whole number of quarter hours (every zone since 1972), so a slot
-- lies in one month, and one join both dates a contact and keeps the months computed
with month_slots as (
    select o.slot, m.month
    from metric_tz_offsets as o
    inner join contact_activity_months as m
        -- DuckDB-specific: wall clock = UTC instant + the zone's offset at that slot
        on m.month = date_trunc('month', make_timestamp(o.slot * 900000000 + o.offset_us))::date
),

outbound as not materialized (
    select
        m.month,
        c.account_id,
        coalesce(c.agency_id, 'in_house') as agency_value,
        coalesce(c.collector_id, 'none') as collector_value,
        c.channel in ('call', 'ringless_voicemail') as is_call,
        c.channel in ('call', 'ringless_voicemail')
            and coalesce(c.call_result in ('answered', 'no_answer', 'voicemail', 'rejected'), false)
            as is_connected,
        coalesce(c.conversation, false) as is_conversation,
        coalesce(c.conversation, false) and c.party = 'debtor' as is_rpc
    from contacts as c
    inner join month_slots as m on m.slot = epoch_us(c.started_at) // 900000000
    where c.direction = 'outbound'
      -- only the rows of the months computed are read
      and c.started_at >= (select min(start_at) from contact_activity_months)
      and c.started_at < (select max(end_at) from contact_activity_months)
),

by_agency_and_collector as (
    select
        month, agency_value, collector_value,
        count(*) as attempts,
        count(*) filter (where is_call) as calls,
        count(*) filter (where is_connected) as connected_calls,
        count(*) filter (where is_conversation) as conversations,
        count(*) filter (where is_rpc) as rpc
    from outbound
    group by all
),

counts as (
    select month, 'portfolio' as dimension, 'ALL' as dimension_value,
        sum(attempts) as attempts, sum(calls) as calls, sum(connected_calls) as connected_calls,
        sum(conversations) as conversations, sum(rpc) as rpc
    from by_agency_and_collector
    group by all
    union all
    select month, 'agency', agency_value, sum(attempts), sum(calls), sum(connected_calls),
        sum(conversations), sum(rpc)
    from by_agency_and_collector
    group by all
    union all
    select month, 'collector', collector_value, sum(attempts), sum(calls), sum(connected_calls),
        sum(conversations), sum(rpc)
    from by_agency_and_collector
    group by all
),

accounts_per_agency as (
    -- one row per account and agency value (the portfolio cut counts from these rows,
    -- a quarter of the contacts, instead of from the contacts again)
    select month, agency_value, account_id, bool_or(is_rpc) as has_rpc
    from outbound
    group by all
),

accounts_per_cut as (
    -- distinct accounts: one row per account and cut value, then plain counts
    select month, 'portfolio' as dimension, 'ALL' as dimension_value,
        count(*) as accounts_attempted, count(*) filter (where has_rpc) as accounts_with_rpc
    from (
        select month, account_id, bool_or(has_rpc) as has_rpc
        from accounts_per_agency
        group by all
    )
    group by all
    union all
    select month, 'agency', agency_value, count(*), count(*) filter (where has_rpc)
    from accounts_per_agency
    group by all
    union all
    select month, 'collector', collector_value, count(*), count(*) filter (where has_rpc)
    from (
        select month, collector_value, account_id, bool_or(is_rpc) as has_rpc
        from outbound
        group by all
    )
    group by all
),

final as (
    select
        c.month::date as month,
        c.dimension::varchar as dimension,
        c.dimension_value::varchar as dimension_value,
        c.attempts::bigint as attempts,
        c.calls::bigint as calls,
        c.connected_calls::bigint as connected_calls,
        c.conversations::bigint as conversations,
        c.rpc::bigint as rpc,
        a.accounts_attempted::bigint as accounts_attempted,
        a.accounts_with_rpc::bigint as accounts_with_rpc,
        (c.rpc::double / c.attempts::double)::double as rpc_per_attempt,
        (c.rpc::double / nullif(c.connected_calls, 0)::double)::double as rpc_per_connected_call,
        (a.accounts_with_rpc::double / a.accounts_attempted::double)::double as penetration
    from counts as c
    inner join accounts_per_cut as a
        on a.month = c.month
        and a.dimension = c.dimension
        and a.dimension_value = c.dimension_value
)

select * from final
order by month, dimension, dimension_value
