"""Rules staging: the labels as ENUMs, and the contacts' local time in every zone.

Naive timestamps are local time in Asia/Shanghai (the default source_timezone and the
default account timezone).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from audit import rules, schema
from audit.config import REGIMES
from conftest import load

OCTOBER = date(2026, 10, 1)


def stage(con, config, accounts: list[dict], contacts: list[dict]) -> dict:
    """Load accounts (account_id and extra columns) and contacts, then stage October.

    Returns the staging parameters."""
    load(
        con,
        config,
        "accounts",
        [
            {"customer_id": "P1", "principal": "200", "origination_date": "2026-07-01", **a}
            for a in accounts
        ],
    )
    load(con, config, "contacts", contacts)
    return rules.build_staging(con, config, OCTOBER)


def test_staged_labels_are_enums_that_compare_as_text(con, config):
    stage(
        con,
        config,
        [{"account_id": "A1"}],
        [
            {
                "contact_id": "c1",
                "account_id": "A1",
                "party": "Debtor",
                "channel": "call",
                "started_at": "2026-10-06 10:00:00",
                "call_result": "no_answer",
            }
        ],
    )
    types = dict(
        con.execute(
            "select column_name, data_type from duckdb_columns() where table_name = 'stg_contacts'"
        ).fetchall()
    )
    vocabularies = {
        "regime": REGIMES,
        "party": schema.PARTIES,
        "channel": schema.CHANNELS,
        "direction": schema.DIRECTIONS,
        "purpose": schema.PURPOSES,
        "call_result": schema.CALL_RESULTS,
        "outcome": schema.OUTCOMES,
    }
    for column, values in vocabularies.items():
        # in text order, so that sorting them sorts as text
        assert types[column] == "ENUM(" + ", ".join(f"'{v}'" for v in sorted(values)) + ")"
    assert types["agency_id"] == "VARCHAR"
    # a value outside the vocabulary compares false rather than failing the query
    assert con.execute(
        "select party = 'debtor', party = 'nobody', party in ('x', 'debtor'), "
        "channel || '/' || direction, regime, purpose from stg_contacts"
    ).fetchall() == [(True, False, True, "call/outbound", "cn", "collection")]


def test_every_candidate_zone_has_a_row_with_its_local_time(con, config):
    stage(
        con,
        config,
        [
            {"account_id": "A1", "alt_timezones": "America/Los_Angeles|Europe/London"},
            {"account_id": "A2", "customer_id": "P2"},
        ],
        [
            {
                "contact_id": "c1",
                "account_id": "A1",
                "channel": "call",
                "started_at": "2026-10-06 10:00:00",
            },
            {
                "contact_id": "c2",
                "account_id": "A2",
                "channel": "sms",
                "started_at": "2026-10-31 23:30:00",
            },
        ],
    )
    rows = con.execute(
        "select contact_id, zone_rank, zone, local_at, local_date, local_time, local_isodow, "
        "channel from stg_contact_zones order by contact_id, zone_rank"
    ).fetchall()
    # 2026-10-06 10:00 in Shanghai (UTC+8) is 02:00 UTC: 19:00 the day before in Los
    # Angeles (PDT, UTC-7) and 03:00 in London (BST, UTC+1); 6 Oct 2026 is a Tuesday
    assert [r[:4] for r in rows] == [
        ("c1", 0, "Asia/Shanghai", datetime(2026, 10, 6, 10, 0)),
        ("c1", 1, "America/Los_Angeles", datetime(2026, 10, 5, 19, 0)),
        ("c1", 2, "Europe/London", datetime(2026, 10, 6, 3, 0)),
        ("c2", 0, "Asia/Shanghai", datetime(2026, 10, 31, 23, 30)),
    ]
    assert rows[1][4:] == (date(2026, 10, 5), datetime(2026, 10, 5, 19, 0).time(), 1, "call")
    assert rows[0][6] == 2
    # the account's own zone is stg_contacts' local_at; only c1 has other zones
    assert con.execute(
        "select contact_id, zone_rank from stg_contact_alt_zones order by all"
    ).fetchall() == [("c1", 1), ("c1", 2)]


def test_the_history_holds_every_contact_to_the_span_end_once(con, config):
    # the span of October starts lookback_days before 1 October, local midnight in
    # Shanghai; the contacts table gives what is older, stg_contact_rows the span
    start = datetime(2026, 10, 1) - timedelta(days=rules.lookback_days(config))
    before = start - timedelta(seconds=1)
    contact = {
        "account_id": "A1",
        "party": "relative",
        "channel": "call",
        "phone_number": "13800000000",
    }
    params = stage(
        con,
        config,
        [{"account_id": "A1"}],
        [
            {**contact, "contact_id": "july", "started_at": "2026-07-15 10:00:00"},
            {**contact, "contact_id": "just_before", "started_at": str(before)},
            {**contact, "contact_id": "span_start", "started_at": str(start)},
            {**contact, "contact_id": "october", "started_at": "2026-10-31 23:59:59"},
            {**contact, "contact_id": "november", "started_at": "2026-11-01 00:00:00"},
            {
                **contact,
                "contact_id": "named",
                "started_at": "2026-10-06 10:00:00",
                "person_id": "R1",
            },
        ],
    )
    assert (
        params["scope_start_at"]
        == con.execute(
            "select started_at from contacts where contact_id = 'span_start'"
        ).fetchall()[0][0]
    )
    rows = con.execute(
        "select contact_id, person_key from stg_contact_history($s) order by started_at",
        {"s": params["scope_start_at"]},
    ).fetchall()
    assert rows == [
        ("july", "phone:13800000000"),
        ("just_before", "phone:13800000000"),
        ("span_start", "phone:13800000000"),
        ("named", "R1"),
        ("october", "phone:13800000000"),
    ]
