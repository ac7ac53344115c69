-- purpose: UTC offset of every time zone in use, per 15-minute UTC slot, so that
--          millions of timestamps become local time through one equality join
--          instead of one IANA conversion per row (FACTS.md: ~1 s vs ~3 s per 10M).
-- grain:   zone x 15-minute slot (slot = epoch microseconds // 900e6)
-- inputs:  accounts (timezone, alt_timezones)
-- params:  $from_at, $to_at (timestamptz range to cover), $portfolio_timezone
-- output:  zone, slot, offset_us
-- note:    exact for every offset change that happens on a quarter hour of UTC,
--          which holds for all IANA zones since 1970. DuckDB-specific:
--          epoch_us, to_timestamp, timezone() (ICU).
with zones as (
    select distinct timezone as zone from accounts where timezone is not null
    union
    select distinct unnest(alt_timezones) as zone from accounts
    union
    select $portfolio_timezone as zone
),

slots as (
    select range as slot, to_timestamp(range * 900) as slot_start
    from range(
        epoch_us($from_at::timestamptz) // 900000000 - 96,
        epoch_us($to_at::timestamptz) // 900000000 + 97
    )
),

final as (
    select
        zones.zone,
        slots.slot,
        epoch_us(timezone(zones.zone, slots.slot_start)) - epoch_us(slots.slot_start) as offset_us
    from zones
    cross join slots
)

select * from final
