-- purpose: input files behind the warehouse for the data-quality section:
--          sha256 and rows read, loaded, rejected (rows read = loaded +
--          rejected). Files with rejects first, then the latest; at most
--          $top_n (the run manifest attached to the PDF lists every file).
-- grain:   one row per loaded file
-- inputs:  loads
-- params:  $top_n
-- output:  load_id, file_name (without folders), entity, sha256, rows_read,
--          rows_loaded, rows_rejected, loaded_at, files_total
with files as (
    select
        load_id,
        -- the folder is the loader's machine, not part of the evidence
        regexp_extract(source_file, '[^/\\]+$') as file_name,
        entity,
        sha256,
        rows_read,
        rows_loaded,
        rows_rejected,
        loaded_at,
        count(*) over () as files_total
    from loads
)

select * from files
order by rows_rejected desc, load_id desc
limit $top_n::integer
