-- purpose: violation rates of each evaluated month per rule, for the portfolio, each
--          agency, each collector and each regime (METRICS.md "Violations"), plus
--          rule_id 'ALL'.
-- grain:   month x rule (or ALL) x dimension x dimension_value
-- inputs:  violations, stg_contacts (month: the contact's month in
--          portfolio_timezone), rule_catalogue, eval_months (month: the months
--          evaluated together)
-- output:  violations, contacts (outbound contacts, letters excluded, in the month
--          on accounts whose regime the rule governs), per_10k_contacts,
--          accounts_with_violation, accounts_contacted, share_accounts_with_violation
-- cuts:    agency and collector of the contact (contacts.agency_id / collector_id);
--          in_house when a contact has no agency, none when it has no collector;
--          regime of the contact's account (a rule has a row for each regime it
--          governs; the report's cover reads rule ALL's).
with outbound as (
    select
        month,
        regime,
        account_id,
        coalesce(agency_id, 'in_house') as agency,
        coalesce(collector_id, 'none') as collector
    from stg_contacts
    where is_outbound_contact
      and month in (select month from eval_months)
),

-- one row per account, regime and agency: the agency cut counts its rows, the portfolio
-- cut its distinct accounts (a fraction of the contacts, which it would otherwise read
-- again)
accounts_per_agency as (
    select month, regime, agency, account_id, count(*) as contacts
    from outbound
    group by all
),

-- the portfolio per regime: the portfolio cut sums it over a rule's regimes, the
-- regime cut is its rows (counted once)
per_regime as materialized (
    select month, regime, sum(contacts) as contacts, count(distinct account_id) as accounts
    from accounts_per_agency
    group by all
),

denominators as (
    select month, regime, 'portfolio' as dimension, 'ALL' as dimension_value,
        contacts, accounts
    from per_regime
    union all
    select month, regime, 'regime', regime, contacts, accounts
    from per_regime
    union all
    select month, regime, 'agency', agency, sum(contacts), count(*)
    from accounts_per_agency group by all
    union all
    select month, regime, 'collector', collector, count(*), count(distinct account_id)
    from outbound group by all
),

rules as (
    select rule_id, regimes from rule_catalogue where kind = 'violation'
    union all
    select 'ALL', list_distinct(flatten(list(regimes))) from rule_catalogue
    where kind = 'violation'
),

rule_denominators as (
    select
        d.month, r.rule_id, d.dimension, d.dimension_value,
        sum(d.contacts) as contacts,
        -- an account has one regime, so distinct counts add up across regimes
        sum(d.accounts) as accounts_contacted
    from rules as r
    inner join denominators as d on list_contains(r.regimes, d.regime)
    group by all
),

month_violations as (
    select month, rule_id, contact_id, account_id, regime,
        coalesce(agency_id, 'in_house') as agency,
        coalesce(collector_id, 'none') as collector
    from violations
    where month in (select month from eval_months)
),

per_rule as (
    select month, rule_id, contact_id, account_id, regime, agency, collector
    from month_violations
    union all
    select distinct month, 'ALL', contact_id, account_id, regime, agency, collector
    from month_violations
),

counts as (
    select month, rule_id, 'portfolio' as dimension, 'ALL' as dimension_value,
        count(distinct contact_id) as violations, count(distinct account_id) as accounts
    from per_rule group by all
    union all
    select month, rule_id, 'agency', agency,
        count(distinct contact_id), count(distinct account_id)
    from per_rule group by all
    union all
    select month, rule_id, 'collector', collector,
        count(distinct contact_id), count(distinct account_id)
    from per_rule group by all
    union all
    select month, rule_id, 'regime', regime,
        count(distinct contact_id), count(distinct account_id)
    from per_rule group by all
),

final as (
    select
        d.month::date as month,
        d.rule_id,
        d.dimension,
        d.dimension_value,
        coalesce(c.violations, 0)::bigint as violations,
        d.contacts::bigint as contacts,
        coalesce(c.violations, 0) * 10000.0 / d.contacts as per_10k_contacts,
        coalesce(c.accounts, 0)::bigint as accounts_with_violation,
        d.accounts_contacted::bigint as accounts_contacted,
        coalesce(c.accounts, 0) * 1.0 / d.accounts_contacted as share_accounts_with_violation
    from rule_denominators as d
    left join counts as c
        on c.month = d.month
        and c.rule_id = d.rule_id
        and c.dimension = d.dimension
        and c.dimension_value = d.dimension_value
    where d.contacts > 0
)

select * from final
order by month, rule_id, dimension, dimension_value
