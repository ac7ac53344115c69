-- purpose: the months contact_activity computes: every month of the calendar on a
--          full computation ($watermark null); when the stored table is extended,
--          the months after $stored_last_month and the months of every contact
--          loaded after $watermark (the last load the stored table saw).
-- grain:   one row per month to compute
-- inputs:  metric_months, contacts, metric_tz_offsets
-- params:  $watermark (INTEGER or null), $stored_last_month (DATE or null)
-- output:  month, start_at, end_at (the month's bounds as instants, from
--          metric_months)
-- note:    a month of contact_activity counts only the contacts started in it, and
--          canonical tables only grow, so a month with no contact loaded since is
--          what the stored table holds.
with loaded_since as (
    select distinct m.month
    from contacts as c
    inner join metric_tz_offsets as o on o.slot = epoch_us(c.started_at) // 900000000
    -- DuckDB-specific: wall clock = UTC instant + the zone's offset at that slot
    inner join metric_months as m
        on m.month = date_trunc('month', make_timestamp(epoch_us(c.started_at) + o.offset_us))::date
    where c.load_id > $watermark::integer
),

final as (
    select m.month, m.start_at, m.end_at
    from metric_months as m
    where $watermark::integer is null
       or m.month > $stored_last_month::date
       or m.month in (select month from loaded_since)
)

select * from final
order by month
