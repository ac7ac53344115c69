-- staging: gen_account_totals (pack general, materialized before its rules run)
-- purpose: what each account with a schedule and a collection contact in the evaluated
--          months owed and paid before those contacts began, and the most it can have
--          paid by the last of them: the bounds GEN-NOT-DUE and GEN-PAID-OFF prune with,
--          summed once for both (each would otherwise sum the whole schedule and
--          payment history of every contacted account).
-- grain:   account (with at least one instalment and one collection contact)
-- inputs:  stg_contacts, installments, payments
-- params:  $regimes (the pack's)
-- output:  account_id, total_due (every instalment), due_base (instalments due before
--          first_date), paid_base (payments before first_at, reversals subtracting;
--          0 without payments), paid_at_most (paid_base plus the positive payments
--          from first_at through last_at: no contact can have seen more paid),
--          first_date, first_at, last_at (the span below)
-- span:    first_at, last_at = the first and last collection contact; first_date = the
--          UTC date of first_at less a day (a local date lies within a day of the UTC
--          date in every zone). Whatever lies before the span counts for every contact;
--          only the rows inside it need running totals (the rules' own work).
-- collection contact: an outbound contact (any channel but letter, any party) with
--          purpose collection, in the evaluated months, on an account of the pack's
--          regimes.
with collection_contacts as (
    select account_id, started_at
    from stg_contacts
    where in_month
      and list_contains($regimes, regime)
      and is_outbound_contact
      and purpose = 'collection'
),

span as (
    select
        timezone('UTC', min(started_at))::date - 1 as first_date,
        min(started_at) as first_at,
        max(started_at) as last_at
    from collection_contacts
),

schedules as (
    select
        i.account_id,
        sum(i.amount_due) as total_due,
        coalesce(sum(i.amount_due) filter (where i.due_date < s.first_date), 0) as due_base
    from installments as i
    cross join span as s
    -- each account once: a semi join builds its hash table from every row it is given
    semi join (select distinct account_id from collection_contacts) as c
        on c.account_id = i.account_id
    group by i.account_id
),

paid as (
    select
        p.account_id,
        coalesce(sum(p.amount) filter (where p.paid_at < s.first_at), 0) as paid_base,
        -- reversals inside the span may be undone by later payments, so only the
        -- positive amounts bound what was paid at any contact
        coalesce(sum(p.amount) filter (where p.paid_at < s.first_at), 0)
            + coalesce(sum(p.amount) filter (where p.paid_at >= s.first_at and p.amount > 0), 0)
            as paid_at_most
    from payments as p
    cross join span as s
    semi join schedules as d on d.account_id = p.account_id
    where p.paid_at <= s.last_at
    group by p.account_id
)

select
    d.account_id,
    d.total_due,
    d.due_base,
    coalesce(p.paid_base, 0) as paid_base,
    coalesce(p.paid_at_most, 0) as paid_at_most,
    s.first_date,
    s.first_at,
    s.last_at
from schedules as d
cross join span as s
left join paid as p on p.account_id = d.account_id
