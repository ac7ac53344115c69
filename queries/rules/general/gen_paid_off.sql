-- rule:    GEN-PAID-OFF (policy, conduct): no collection contact about a debt already
--          repaid in full. Debt already paid is one of the largest complaint
--          categories regulators see.
-- purpose: outbound collection contacts on accounts whose cumulative payments had
--          reached the total due by the contact's instant.
-- grain:   offending contact
-- inputs:  stg_contacts, gen_account_totals, payments
-- params:  $regimes (regimes: all, so every account)
-- reading: total_due = the sum of amount_due of all instalments and cum_paid = the
--          sum of payments with paid_at at or before the contact's started_at,
--          reversals subtracting (METRICS.md). "As of the contact's time" includes a
--          payment at the very instant the contact starts. An account without a
--          schedule has no total_due and is not assessed. A collection contact is an
--          outbound contact (any channel but letter, any party) with purpose
--          collection.
with collection_contacts as (
    select contact_id, account_id, started_at
    from stg_contacts
    where in_month
      and list_contains($regimes, regime)
      and is_outbound_contact
      and purpose = 'collection'
),

-- payments before the span of the contacts count for every contact and are summed once
-- per account (gen_account_totals, shared with GEN-NOT-DUE); only payments inside the
-- span are summed per contact, from a list per account (a few payments each: filtering
-- the short list costs less than sorting running totals for an ASOF join). Only
-- accounts that may have been repaid by some contact need per-contact totals.
span as (
    select min(first_at) as first_at, max(last_at) as last_at
    from gen_account_totals
),

candidate_accounts as (
    select account_id, total_due, paid_base
    -- (total_due > 0: ingest rejects other amounts, so an account without payments
    -- is never one)
    from gen_account_totals
    where paid_at_most >= total_due
),

paid_lists as (
    select
        p.account_id,
        list(struct_pack(paid_at := p.paid_at, amount := p.amount)) as paid
    from payments as p
    cross join span as s
    semi join candidate_accounts as a on a.account_id = p.account_id
    where p.paid_at >= s.first_at
      and p.paid_at <= s.last_at
    group by p.account_id
),

-- DuckDB-specific (lambdas): the payments at or before the contact's instant (a
-- payment at the contact's very instant counts)
paid_as_of_contact as (
    select
        c.contact_id,
        a.total_due,
        a.paid_base + coalesce(list_sum(list_transform(
            list_filter(p.paid, lambda x: x.paid_at <= c.started_at), lambda x: x.amount
        )), 0) as cum_paid
    from collection_contacts as c
    inner join candidate_accounts as a on a.account_id = c.account_id
    left join paid_lists as p on p.account_id = c.account_id
),

final as (
    select
        contact_id,
        'collection contact after the account was repaid in full: paid ' || cum_paid
            || ' of ' || total_due || ' due by the contact' as evidence
    from paid_as_of_contact
    where cum_paid >= total_due
)

select * from final
