-- rule:    GEN-NOT-DUE (policy): no collection contact when nothing is overdue.
-- purpose: outbound collection contacts on accounts that had no overdue amount at the
--          contact's time.
-- grain:   offending contact x candidate zone
-- inputs:  stg_contact_zones, gen_account_totals, installments, payments
-- params:  $regimes (regimes: all, so every account)
-- reading: overdue = sum of amount_due of instalments due before the contact's local
--          date (an instalment due today is not yet overdue) minus the sum of
--          payments made before the contact's instant (strictly earlier, reversals
--          subtracting); overdue <= 0 is a violation. The local date is taken in
--          every candidate zone and a contact violates if nothing was overdue in any
--          of them. Accounts with no instalment schedule are not assessed (there is
--          nothing to compare with). A collection contact is an outbound contact (any
--          channel but letter, any party) with purpose collection.
-- whatever lies before the span of the contacts counts for every contact and is summed
-- once per account (gen_account_totals, shared with GEN-PAID-OFF); only the few rows
-- inside the span are summed per contact, from a list per account (a dozen instalments
-- and a few payments each over 12 months: filtering the short list costs less than
-- sorting running totals for an ASOF join). Local dates lie within a day of the UTC
-- date in every zone, so the date span is widened by a day on each side; any span that
-- holds every contact gives exact totals.
with span as (
    select
        min(first_date) as first_date,
        timezone('UTC', max(last_at))::date + 2 as last_date,
        min(first_at) as first_at,
        max(last_at) as last_at
    from gen_account_totals
),

-- due only grows, so due_base is the least any contact sees; an account whose
-- due_base exceeds the most it can have paid was overdue at every contact: only the
-- others need per-contact totals
candidate_accounts as (
    select
        account_id,
        due_base,
        paid_base,
        paid_at_most
    from gen_account_totals
    where due_base - paid_at_most <= 0
),

-- the instalments and payments inside the span, a list per candidate account
due_lists as (
    select
        i.account_id,
        list(struct_pack(due_date := i.due_date, amount := i.amount_due)) as dues
    from installments as i
    cross join span as s
    semi join candidate_accounts as a on a.account_id = i.account_id
    where i.due_date >= s.first_date
      and i.due_date < s.last_date
    group by i.account_id
),

paid_lists as (
    select
        p.account_id,
        list(struct_pack(paid_at := p.paid_at, amount := p.amount)) as paid
    from payments as p
    cross join span as s
    semi join candidate_accounts as a on a.account_id = p.account_id
    where p.paid_at >= s.first_at
      and p.paid_at < s.last_at
    group by p.account_id
),

-- only what the sums need is carried; the zone and wall clock of the few offending
-- contacts are looked up at the end
candidate_dues as (
    -- each candidate account with its list of dues inside the span (null: none), so
    -- that a contact meets its account's bounds and dues in one join, not two
    select a.*, d.dues
    from candidate_accounts as a
    left join due_lists as d on d.account_id = a.account_id
),

contact_dates as (
    -- the collection contacts of the candidate accounts, in each candidate zone
    select
        c.contact_id, c.staged_row, c.account_id, a.due_base, a.paid_base, a.paid_at_most,
        a.dues, c.started_at, c.zone_rank, c.local_date
    from stg_contact_zones as c
    inner join candidate_dues as a on a.account_id = c.account_id
    where c.in_month
      and list_contains($regimes, c.regime)
      and c.is_outbound_contact
      and c.purpose = 'collection'
),

-- DuckDB-specific (lambdas): the instalments due strictly before the local date (an
-- instalment due today is not yet overdue) and the payments strictly before the
-- instant. The due side first: a contact whose due already exceeds the most the
-- account can have paid (paid_at_most) was overdue, and its payments are not summed
-- (at 10M contacts over 12 months, 2.0M of the 4.9M contact zones go on to them).
due_before as (
    select
        c.* exclude (dues),
        c.due_base + coalesce(list_sum(list_transform(
            list_filter(c.dues, lambda x: x.due_date < c.local_date), lambda x: x.amount
        )), 0) as due_before
    from contact_dates as c
),

balances as (
    select
        c.*,
        c.paid_base + coalesce(list_sum(list_transform(
            list_filter(p.paid, lambda x: x.paid_at < c.started_at), lambda x: x.amount
        )), 0) as paid_before
    from due_before as c
    left join paid_lists as p on p.account_id = c.account_id
    where c.due_before - c.paid_at_most <= 0
),

final as (
    select
        b.contact_id,
        b.zone_rank,
        coalesce(a.zone, c.account_timezone) as timezone,
        coalesce(a.local_at, c.local_at) as local_time,
        -- DuckDB-specific: timezone is the alias just above
        'collection contact with nothing overdue: due before ' || b.local_date
            || ' (local date in ' || timezone || ') '
            || b.due_before || ', paid before the contact ' || b.paid_before as evidence
    from balances as b
    -- the contact's own zone from its staged row, found by row id (DuckDB then reads
    -- only those rows), another zone from the few alternative ones
    inner join stg_contact_rows as c on c.rowid = b.staged_row
    left join stg_contact_alt_zones as a
        on a.contact_id = b.contact_id and a.zone_rank = b.zone_rank
    where b.due_before - b.paid_before <= 0
)

select * from final
