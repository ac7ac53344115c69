-- purpose: each in-scope contact in every candidate time zone of its account
--          (timezone first, then alt_timezones), with its local time there: a
--          contact must be lawful in all of them (Reg F comment 6(b)(1)(i)-2), so a
--          rule evaluates each zone and reports the contact once if any zone fails.
-- grain:   contact x candidate zone
-- inputs:  stg_contacts, stg_contact_alt_zones
-- output:  every column of stg_contacts (local_at now in the row's zone), then
--          zone_rank (0 = the account's timezone), zone, local_date, local_time,
--          local_isodow
-- note:    a view, not a table: the account's own zone is stg_contacts itself, so
--          a rule reads the contact's columns and its local times in one scan,
--          without a join of every contact to a table of every contact; only the
--          few contacts with alternative zones are joined. DuckDB reads only the
--          columns a rule uses.
with zoned as (
    select c.*, 0 as zone_rank, c.account_timezone as zone
    from stg_contacts as c
    union all
    select c.* replace (a.local_at as local_at), a.zone_rank, a.zone
    from stg_contacts as c
    inner join stg_contact_alt_zones as a on a.contact_id = c.contact_id
    where c.alt_timezones is not null
),

final as (
    select
        *,
        local_at::date as local_date,
        local_at::time as local_time,
        isodow(local_at) as local_isodow
    from zoned
)

select * from final
