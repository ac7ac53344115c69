-- purpose: rows read, loaded and rejected per entity over every loaded file
--          (data-quality section), so the totals do not depend on how many
--          files the section lists.
-- grain:   one row per entity
-- inputs:  loads
-- params:  none
-- output:  entity, files, rows_read, rows_loaded, rows_rejected
select
    entity,
    count(*)::bigint as files,
    sum(rows_read)::bigint as rows_read,
    sum(rows_loaded)::bigint as rows_loaded,
    sum(rows_rejected)::bigint as rows_rejected
from loads
group by entity
order by rows_read desc, entity
