-- purpose: roll rates (METRICS.md): of the accounts active at S in bucket i,
--          the share in bucket j at E, by count (account_rate) and by
--          outstanding_balance(S) (balance_rate); each from_bucket row of a
--          cut sums to 1 over to_bucket (M0 ... M7+, CLOSED).
-- grain:   month x dimension x dimension_value x from_bucket x to_bucket;
--          a cell with no account is absent
-- inputs:  account_month
-- params:  none
-- output:  month, dimension ('portfolio' | 'product' | 'agency'),
--          dimension_value ('ALL'; product, 'none' when empty; agency_id,
--          'in_house' when empty), from_bucket, to_bucket, accounts, balance
--          (sum of outstanding_balance at S), account_rate, balance_rate,
--          from_accounts, from_balance (the denominators), from_bucket_order,
--          to_bucket_order
with transitions as (
    -- the cells of the finest cut (product x agency) first: the three cuts are sums of
    -- them, a few thousand rows instead of every active account three times
    select
        month, product, agency_id,
        bucket_at_start as from_bucket,
        bucket_order_at_start as from_bucket_order,
        bucket as to_bucket,
        bucket_order as to_bucket_order,
        count(*) as accounts,
        sum(balance_at_start) as balance
    from account_month
    where is_active_at_start
    group by all
),

cells as (
    select month, 'portfolio' as dimension, 'ALL' as dimension_value,
        from_bucket, from_bucket_order, to_bucket, to_bucket_order,
        sum(accounts) as accounts, sum(balance) as balance
    from transitions
    group by all
    union all
    select month, 'product', coalesce(product, 'none'),
        from_bucket, from_bucket_order, to_bucket, to_bucket_order,
        sum(accounts), sum(balance)
    from transitions
    group by all
    union all
    select month, 'agency', coalesce(agency_id, 'in_house'),
        from_bucket, from_bucket_order, to_bucket, to_bucket_order,
        sum(accounts), sum(balance)
    from transitions
    group by all
),

with_denominators as (
    select
        *,
        sum(accounts) over from_row as from_accounts,
        sum(balance) over from_row as from_balance
    from cells
    window from_row as (partition by month, dimension, dimension_value, from_bucket)
),

final as (
    select
        month::date as month,
        dimension::varchar as dimension,
        dimension_value::varchar as dimension_value,
        from_bucket::varchar as from_bucket,
        to_bucket::varchar as to_bucket,
        accounts::bigint as accounts,
        balance::decimal(18, 2) as balance,
        (accounts::double / from_accounts::double)::double as account_rate,
        (balance::double / nullif(from_balance, 0)::double)::double as balance_rate,
        from_accounts::bigint as from_accounts,
        from_balance::decimal(18, 2) as from_balance,
        from_bucket_order::integer as from_bucket_order,
        to_bucket_order::integer as to_bucket_order
    from with_denominators
)

select * from final
order by month, dimension, dimension_value, from_bucket_order, to_bucket_order
