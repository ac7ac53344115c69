-- purpose: the most frequent reasons input rows were rejected, for the
--          data-quality section. Reasons that quote a line number are grouped
--          with the numbers replaced by N. example_value is input data (it may
--          be a phone number): the report masks it before printing.
-- grain:   entity x column_name x reason (at most $top_n rows)
-- inputs:  rejects, loads
-- params:  $top_n
-- output:  entity, column_name, reason, rejects, files, example_value
with reasons as (
    select
        l.entity,
        coalesce(r.column_name, '') as column_name,
        regexp_replace(r.reason, '[0-9]+', 'N', 'g') as reason,
        r.load_id,
        r.value,
        r.line_no
    from rejects as r
    inner join loads as l on l.load_id = r.load_id
),

final as (
    select
        entity,
        column_name,
        reason,
        count(*)::bigint as rejects,
        count(distinct load_id)::bigint as files,
        arg_min(left(value, 60), (load_id, line_no)) as example_value
    from reasons
    group by entity, column_name, reason
)

select * from final
order by rejects desc, entity, column_name, reason
limit $top_n::integer
