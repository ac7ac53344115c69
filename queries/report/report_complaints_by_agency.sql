-- purpose: complaints of the month per agency (the account's agency), all
--          categories together, the $top_n agencies with most complaints.
-- grain:   one row per agency
-- inputs:  complaints, agencies
-- params:  $month, $top_n
-- output:  agency_id, agency_name, complaints, accounts, per_1000_accounts,
--          active_accounts
select
    c.dimension_value as agency_id,
    g.name as agency_name,
    c.complaints::bigint as complaints,
    c.accounts::bigint as accounts,
    c.per_1000_accounts::double as per_1000_accounts,
    c.active_accounts::bigint as active_accounts
from complaints as c
left join agencies as g on g.agency_id = c.dimension_value
where c.month = $month::date
  and c.dimension = 'agency'
  and c.category = 'ALL'
order by c.complaints desc, c.per_1000_accounts desc, c.dimension_value
limit $top_n::integer
