-- rule:    GEN-PAID-OFF (policy, conduct): no collection contact about a debt already
--          repaid in full. Debt already paid is one of the largest complaint
--          categories regulators see.
-- purpose: outbound collection contacts on accounts whose cumulative payments had
--          reached the total due by the contact's instant.
-- grain:   offending contact
-- inputs:  stg_contacts, installments, payments
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

-- the span of the month's contacts: payments before it count for every contact, so
-- they are summed once per account by hashing and only payments inside the span need
-- running totals (sorting whole payment histories is the cost)
span as (
    select min(started_at) as first_at, max(started_at) as last_at
    from collection_contacts
),

schedules as (
    select i.account_id, sum(i.amount_due) as total_due
    from installments as i
    semi join collection_contacts as c on c.account_id = i.account_id
    group by i.account_id
),

paid_base as (
    select
        p.account_id,
        coalesce(sum(p.amount) filter (where p.paid_at < s.first_at), 0) as paid_base,
        -- the most that can have been paid at any contact: reversals inside the span
        -- may be undone by later payments, so only the positive amounts bound it
        coalesce(sum(p.amount) filter (where p.paid_at < s.first_at), 0)
            + coalesce(sum(p.amount) filter (where p.paid_at >= s.first_at and p.amount > 0), 0)
            as paid_at_most
    from payments as p
    cross join span as s
    semi join schedules as d on d.account_id = p.account_id
    where p.paid_at <= s.last_at
    group by p.account_id
),

-- only accounts that may have been repaid by some contact need per-contact totals
candidate_accounts as (
    select d.account_id, d.total_due, p.paid_base
    from schedules as d
    inner join paid_base as p on p.account_id = d.account_id
    where p.paid_at_most >= d.total_due
),

paid_steps as (
    select
        p.account_id,
        p.paid_at,
        -- range frame: payments sharing an instant enter together
        sum(p.amount) over (partition by p.account_id order by p.paid_at) as paid_in_span
    from payments as p
    cross join span as s
    semi join candidate_accounts as a on a.account_id = p.account_id
    where p.paid_at >= s.first_at
      and p.paid_at <= s.last_at
),

-- DuckDB-specific: asof join picks the running total at the latest payment instant
-- not after the contact (a payment at the contact's very instant counts)
paid_as_of_contact as (
    select
        c.contact_id,
        a.total_due,
        a.paid_base + coalesce(ps.paid_in_span, 0) as cum_paid
    from collection_contacts as c
    inner join candidate_accounts as a on a.account_id = c.account_id
    asof left join paid_steps as ps
        on ps.account_id = c.account_id and c.started_at >= ps.paid_at
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
