-- purpose: the roll-rate matrix of the report month, portfolio cut
--          (METRICS.md "Roll rates"): share of accounts in bucket i at the
--          start of the month that are in bucket j at its end. A cell with no
--          account is absent (the heat map leaves it blank).
-- grain:   from_bucket x to_bucket
-- inputs:  roll_rates
-- params:  $month
-- output:  from_bucket, to_bucket, from_bucket_order, to_bucket_order,
--          accounts, from_accounts, account_rate, balance_rate
select
    from_bucket,
    to_bucket,
    from_bucket_order,
    to_bucket_order,
    accounts::bigint as accounts,
    from_accounts::bigint as from_accounts,
    account_rate::double as account_rate,
    balance_rate::double as balance_rate
from roll_rates
where month = $month::date
  and dimension = 'portfolio'
order by from_bucket_order, to_bucket_order
