-- purpose: account events resolved to every account they apply to: an event
--          naming an account applies to it; an event naming only a person
--          applies to every account whose debtor is that person.
-- grain:   event x account it applies to
-- inputs:  account_events, accounts
-- params:  $month_end_at (events received later cannot matter to the month)
-- output:  event columns + applies_account_id, customer_id, regime,
--          person_key (the event's person_id, else the account's debtor),
--          is_person_level
with events as (
    select * from account_events where effective_at < $month_end_at
),

account_level as (
    select e.*, a.account_id as applies_account_id, a.customer_id, a.regime,
        coalesce(e.person_id, a.customer_id) as person_key, false as is_person_level
    from events as e
    inner join accounts as a on a.account_id = e.account_id
),

person_level as (
    select e.*, a.account_id as applies_account_id, a.customer_id, a.regime,
        e.person_id as person_key, true as is_person_level
    from events as e
    inner join accounts as a on a.customer_id = e.person_id
    where e.account_id is null
),

final as (
    select * from account_level
    union all
    select * from person_level
)

select * from final
