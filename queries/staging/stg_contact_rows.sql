-- purpose: the columns of stg_contacts that cost a join or a parameter to compute:
--          each contact in scope for the month's conduct checks, with the account's
--          regime and debtor, its wall clock and its month; stg_contacts (a view)
--          adds the flags that come from its own columns.
-- grain:   one row per contact started in [$scope_start_at, $month_end_at)
-- inputs:  contacts, accounts, stg_tz_offsets
-- params:  $scope_start_at (month start minus the longest look-back window),
--          $month_start_at, $month_end_at (the month in portfolio_timezone),
--          $portfolio_timezone
-- output:  contact columns (but is_ai_voice; recording_id only as has_recording,
--          the one test a rule makes of it; debts_discussed as exported, null
--          when empty) + customer_id, regime, account_timezone, local_at
--          (TIMESTAMP: the wall clock in account_timezone), alt_timezones (the
--          account's other candidate zones; stg_contact_zones has a row per contact
--          and zone), in_month, month (first day of the contact's month in
--          portfolio_timezone: the month its findings are filed under)
-- types:   party, channel, direction, purpose, call_result and outcome are the
--          warehouse's ENUMs of their vocabularies (schema.sql_type: a filter on one
--          is a byte compare); the account's regime is cast once per account, before
--          the join, to stg_regime (a temporary type rules.build_staging creates).
-- note:    copying the rows is most of what staging costs (a text column of 10M
--          contacts about 0.4 CPU s, a flag about 0.1), so nothing a reader can
--          compute from a row's own columns is stored: stg_contacts computes it as
--          it is read. No list of all the zones per contact either: only the few
--          accounts with alt_timezones carry a list.
with contacts_in_scope as (
    select *
    from contacts
    where started_at >= $scope_start_at
      and started_at < $month_end_at
),

final as (
    select
        c.contact_id,
        c.account_id,
        a.customer_id,
        a.regime,
        a.timezone as account_timezone,
        -- DuckDB-specific: wall clock = UTC instant + the zone's offset at that slot
        make_timestamp(epoch_us(c.started_at) + z.offset_us) as local_at,
        a.alt_timezones,
        c.person_id,
        c.party,
        c.channel,
        c.direction,
        c.started_at,
        c.ended_at,
        c.collector_id,
        c.agency_id,
        c.phone_number,
        c.call_result,
        c.outcome,
        c.purpose,
        c.debts_discussed,
        c.recording_id is not null as has_recording,
        c.note,
        c.conversation,
        c.started_at >= $month_start_at as in_month,
        -- DuckDB-specific: wall clock = UTC instant + the zone's offset at that slot
        date_trunc(
            'month',
            coalesce(
                make_timestamp(epoch_us(c.started_at) + o.offset_us),
                timezone($portfolio_timezone, c.started_at)
            )
        )::date as month
    from contacts_in_scope as c
    inner join (
        select account_id, customer_id, regime::stg_regime as regime, timezone, alt_timezones
        from accounts
    ) as a on a.account_id = c.account_id
    left join stg_tz_offsets as o
        on o.zone = $portfolio_timezone and o.slot = epoch_us(c.started_at) // 900000000
    left join stg_tz_offsets as z
        on z.zone = a.timezone and z.slot = epoch_us(c.started_at) // 900000000
)

select * from final
