-- purpose: complaints of the month by category, portfolio cut (METRICS.md
--          "Complaints"), 'ALL' first, then the $top_n largest categories.
-- grain:   one row per category
-- inputs:  complaints
-- params:  $month, $top_n
-- output:  category, complaints, accounts, per_1000_accounts, active_accounts
select
    category,
    complaints::bigint as complaints,
    accounts::bigint as accounts,
    per_1000_accounts::double as per_1000_accounts,
    active_accounts::bigint as active_accounts
from complaints
where month = $month::date
  and dimension = 'portfolio'
order by category <> 'ALL', complaints desc, category
limit $top_n::integer + 1
