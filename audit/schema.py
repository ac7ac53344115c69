"""The canonical input entities of DATA_CONTRACT.md §1, as data.

One description per column drives three things: the warehouse DDL, the
ingest validation (type coercion and checks, generated as SQL in
``audit.ingest``) and the documentation of what a file must hold. Names here
are binding: analysts and scheduled jobs depend on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

PARTIES = (
    "debtor",
    "guarantor",
    "spouse",
    "attorney",
    "emergency_contact",
    "relative",
    "employer",
    "third_party",
    "unknown",
)
CHANNELS = ("call", "ringless_voicemail", "sms", "email", "letter", "visit", "im", "app_push")
DIRECTIONS = ("outbound", "inbound")
CALL_RESULTS = (
    "answered",
    "no_answer",
    "voicemail",
    "rejected",
    "busy",
    "failed",
    "not_in_service",
    "sent",
    "delivered",
    "bounced",
    "completed",
)
OUTCOMES = (
    "none",
    "promise_to_pay",
    "refused",
    "dispute",
    "cease_request",
    "callback",
    "wrong_number",
    "paid",
    "third_party_refused",
)
PURPOSES = ("collection", "location_info", "notice", "servicing")
EVENT_TYPES = (
    "cease_request",
    "refuse_to_pay",
    "attorney_represented",
    "dispute",
    "consent_to_call",
    "consent_revoked",
    "medium_optout",
    "inconvenient_time",
    "wrong_number",
    "contact_refused",
    "bankruptcy",
    "deceased",
    "vulnerable",
    "complaint",
    "hardship_plan",
)

# Logical types; ingest turns each into a DuckDB type and a parse expression.
TEXT = "text"
INT = "int"
MONEY = "money"  # DECIMAL(18,2)
DATE = "date"
TIMESTAMP = "timestamp"  # TIMESTAMPTZ; naive values are local time in source_timezone
TIMESTAMP_OR_DATE = "timestamp_or_date"  # a bare date means 00:00 in portfolio_timezone
BOOL = "bool"
ENUM = "enum"
TEXT_LIST = "text_list"  # '|'-separated in a cell
TIMEZONE = "timezone"  # IANA name
TIMEZONE_LIST = "timezone_list"
REGIME = "regime"
CURRENCY = "currency"

DUCKDB_TYPES = {
    TEXT: "VARCHAR",
    INT: "INTEGER",
    MONEY: "DECIMAL(18,2)",
    DATE: "DATE",
    TIMESTAMP: "TIMESTAMPTZ",
    TIMESTAMP_OR_DATE: "TIMESTAMPTZ",
    BOOL: "BOOLEAN",
    ENUM: "VARCHAR",
    TEXT_LIST: "VARCHAR[]",
    TIMEZONE: "VARCHAR",
    TIMEZONE_LIST: "VARCHAR[]",
    REGIME: "VARCHAR",
    CURRENCY: "VARCHAR",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str = TEXT
    required: bool = False
    values: tuple[str, ...] = ()  # allowed values of an ENUM
    default: str | None = None  # SQL expression used when the cell is empty
    check: str | None = None  # SQL condition on the typed value {v}; false = reject
    check_reason: str = ""
    personal: bool = False  # personal data: masked in every report
    not_future: bool = False  # a timestamp later than the load is rejected
    default_doc: str = ""  # the default in words, for the docs


@dataclass(frozen=True)
class Entity:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # unique across all loads
    account_ref: str | None = None  # column that must name a loaded account
    account_ref_optional: bool = False  # the reference may be empty
    doc: str = ""
    extra_checks: tuple[tuple[str, str, str], ...] = field(default=())
    # (column, SQL condition over typed columns that must hold, reason)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


ENTITIES: dict[str, Entity] = {}


def _entity(entity: Entity) -> Entity:
    ENTITIES[entity.name] = entity
    return entity


_entity(
    Entity(
        "agencies",
        key=("agency_id",),
        doc="Outside collection agencies the lender places accounts with.",
        columns=(
            Column("agency_id", required=True),
            Column("name"),
            Column("licence_no"),
            Column("contract_start", DATE),
            Column("contract_end", DATE),
        ),
    )
)

_entity(
    Entity(
        "collectors",
        key=("collector_id",),
        doc="Collectors, in-house or at an agency, with their certification.",
        columns=(
            Column("collector_id", required=True),
            Column("agency_id"),
            Column("name", personal=True),
            Column("certified_until", DATE),
            Column("hired_on", DATE),
        ),
    )
)

_entity(
    Entity(
        "accounts",
        key=("account_id",),
        doc="One row per loan (the particular debt).",
        columns=(
            Column("account_id", required=True),
            Column("customer_id", required=True),
            Column("product"),
            Column("currency", CURRENCY, default="$currency"),
            Column(
                "principal",
                MONEY,
                required=True,
                check="{v} >= 0",
                check_reason="principal must not be negative",
            ),
            Column("origination_date", DATE, required=True),
            Column(
                "term_months",
                INT,
                check="{v} > 0",
                check_reason="term_months must be a positive whole number",
            ),
            Column("regime", REGIME, default="$default_regime"),
            Column("timezone", TIMEZONE, default="$default_timezone"),
            Column("alt_timezones", TIMEZONE_LIST),
            Column("agency_id"),
            Column("customer_name", personal=True),
            Column("phone", personal=True),
            Column("id_number", personal=True),
        ),
    )
)

_entity(
    Entity(
        "installments",
        key=("account_id", "installment_no"),
        account_ref="account_id",
        doc="The repayment schedule: one row per instalment.",
        columns=(
            Column("account_id", required=True),
            Column(
                "installment_no",
                INT,
                required=True,
                check="{v} >= 1",
                check_reason="installment_no must be 1 or more",
            ),
            Column("due_date", DATE, required=True),
            Column(
                "amount_due",
                MONEY,
                required=True,
                check="{v} > 0",
                check_reason="amount_due must be greater than 0",
            ),
        ),
    )
)

_entity(
    Entity(
        "account_snapshots",
        key=("account_id", "as_of_date"),
        account_ref="account_id",
        doc="Month-end delinquency, for sources without a schedule.",
        columns=(
            Column("account_id", required=True),
            Column("as_of_date", DATE, required=True),
            Column(
                "dpd", INT, required=True, check="{v} >= 0", check_reason="dpd must not be negative"
            ),
            Column(
                "overdue_amount",
                MONEY,
                required=True,
                check="{v} >= 0",
                check_reason="overdue_amount must not be negative",
            ),
            Column(
                "outstanding_balance",
                MONEY,
                required=True,
                check="{v} >= 0",
                check_reason="outstanding_balance must not be negative",
            ),
        ),
    )
)

_entity(
    Entity(
        "payments",
        key=("payment_id",),
        account_ref="account_id",
        doc="Payments and reversals (negative amounts).",
        columns=(
            Column("payment_id", required=True),
            Column("account_id", required=True),
            Column("paid_at", TIMESTAMP_OR_DATE, required=True, not_future=True),
            Column(
                "amount",
                MONEY,
                required=True,
                check="{v} <> 0",
                check_reason="amount must not be 0 (a reversal is negative)",
            ),
            Column("channel"),
        ),
    )
)

_entity(
    Entity(
        "contacts",
        key=("contact_id",),
        account_ref="account_id",
        doc="One row per contact or contact attempt.",
        columns=(
            Column("contact_id", required=True),
            Column("account_id", required=True),
            Column("person_id", default_doc="the account's customer_id when party is debtor"),
            Column("party", ENUM, values=PARTIES, default="'unknown'"),
            Column("channel", ENUM, required=True, values=CHANNELS),
            Column("direction", ENUM, values=DIRECTIONS, default="'outbound'"),
            Column("started_at", TIMESTAMP, required=True, not_future=True),
            Column("ended_at", TIMESTAMP),
            Column("collector_id"),
            Column("agency_id"),
            Column("phone_number", personal=True),
            Column("call_result", ENUM, values=CALL_RESULTS),
            Column(
                "conversation",
                BOOL,
                default="coalesce(lower(\"call_result\") = 'answered', false)",
                default_doc="true when call_result is answered",
            ),
            Column("outcome", ENUM, values=OUTCOMES, default="'none'"),
            Column("ptp_amount", MONEY),
            Column("ptp_date", DATE),
            Column("purpose", ENUM, values=PURPOSES, default="'collection'"),
            Column("debts_discussed", TEXT_LIST),
            Column("is_ai_voice", BOOL, default="false"),
            Column("recording_id"),
            Column("note"),
        ),
        extra_checks=(
            (
                "ended_at",
                "ended_at is null or ended_at >= started_at",
                "ended_at is before started_at",
            ),
        ),
    )
)

_entity(
    Entity(
        "account_events",
        key=("event_id",),
        account_ref="account_id",
        account_ref_optional=True,
        doc="What the debtor or others told the lender (cease, consent, complaints ...).",
        columns=(
            Column("event_id", required=True),
            Column("account_id"),
            Column("person_id"),
            Column("event_type", ENUM, required=True, values=EVENT_TYPES),
            Column("effective_at", TIMESTAMP, required=True, not_future=True),
            Column("ended_at", TIMESTAMP),
            Column("channel", ENUM, values=CHANNELS),
            Column("phone_number", personal=True),
            Column("window"),
            Column("category"),
            Column("detail"),
        ),
        extra_checks=(
            (
                "account_id",
                "account_id is not null or person_id is not null",
                "an event needs an account_id or a person_id",
            ),
            (
                "ended_at",
                "ended_at is null or ended_at >= effective_at",
                "ended_at is before effective_at",
            ),
            (
                "window",
                "event_type <> 'inconvenient_time' or regexp_full_match(coalesce(\"window\", ''), "
                "'\\s*((mon|tue|wed|thu|fri|sat|sun)(\\s*-\\s*(mon|tue|wed|thu|fri|sat|sun))?"
                "(\\s*,\\s*(mon|tue|wed|thu|fri|sat|sun)(\\s*-\\s*(mon|tue|wed|thu|fri|sat|sun))?)*)?"
                "\\s*([0-2]?[0-9]:[0-5][0-9]\\s*-\\s*[0-2]?[0-9]:[0-5][0-9])?\\s*', 'i') "
                "and trim(coalesce(\"window\", '')) <> ''",
                "window must look like 'Mon-Fri 15:00-17:00', 'Sat,Sun' or '21:00-23:00'",
            ),
            (
                "channel",
                "event_type <> 'medium_optout' or channel is not null",
                "a medium_optout event needs the channel it bars",
            ),
        ),
    )
)

# Load order: referenced entities first, so one `audit ingest` of a folder works.
LOAD_ORDER = (
    "agencies",
    "collectors",
    "accounts",
    "installments",
    "account_snapshots",
    "payments",
    "contacts",
    "account_events",
)

PERSONAL_COLUMNS = {(e.name, c.name) for e in ENTITIES.values() for c in e.columns if c.personal}


def sql_strings(values: Iterable[str]) -> str:
    """SQL string literals, comma-separated: 'a', 'b' (quotes doubled)."""
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def enum_type(values: Iterable[str]) -> str:
    """A DuckDB ENUM of ``values`` in text order, so that it sorts and compares as text."""
    return f"ENUM({sql_strings(sorted(values))})"


def sql_type(column: Column) -> str:
    """The warehouse type of a canonical column.

    A column with a vocabulary (ENUM) is stored as a DuckDB ENUM of its values in
    text order: a filter on it compares a byte instead of a string, it is cheaper to
    write than text, and it sorts and compares as text does (a comparison with a
    value outside the vocabulary is false, not an error).
    """
    if column.type == ENUM and column.values:
        return enum_type(column.values)
    return DUCKDB_TYPES[column.type]


def table_ddl(entity: Entity) -> str:
    """CREATE TABLE for a canonical entity, plus load_id and line_no lineage."""
    cols = [f'    "{c.name}" {sql_type(c)}' for c in entity.columns]
    cols += ["    load_id INTEGER NOT NULL", "    line_no BIGINT NOT NULL"]
    return f"create table if not exists {entity.name} (\n" + ",\n".join(cols) + "\n)"


_TYPE_DOC = {
    TEXT: "text",
    INT: "whole number",
    MONEY: "decimal, 2 places",
    DATE: "date YYYY-MM-DD",
    TIMESTAMP: "timestamp (offset, or local time in source_timezone)",
    TIMESTAMP_OR_DATE: "timestamp or date (a date is 00:00 in portfolio_timezone)",
    BOOL: "true/false (also 1/0, yes/no, 是/否)",
    ENUM: "one of",
    TEXT_LIST: "list, '|'-separated",
    TIMEZONE: "IANA time zone",
    TIMEZONE_LIST: "IANA time zones, '|'-separated",
    REGIME: "cn, us_regf or uk_conc",
    CURRENCY: "ISO 4217 code",
}


def markdown() -> str:
    """The canonical input columns as Markdown (docs/data-contract.md)."""
    out = [
        "# Input files: canonical columns",
        "",
        "Generated from `audit/schema.py` by `python -m audit.schema`; a test keeps it",
        "in step. One entity per file; columns in any order; unknown columns are",
        "ignored (and listed when loading). Empty cells are missing values.",
        "",
    ]
    for name in LOAD_ORDER:
        e = ENTITIES[name]
        out += [f"## {name}", "", e.doc, ""]
        if e.key:
            out += [
                f"Unique key: `{', '.join(e.key)}`."
                + (" Rows for unknown accounts are rejected." if e.account_ref else ""),
                "",
            ]
        out += ["| column | type | required | default | rule |", "|---|---|---|---|---|"]
        for c in e.columns:
            kind = _TYPE_DOC[c.type]
            if c.type == ENUM:
                kind = "one of " + ", ".join(f"`{v}`" for v in c.values)
            rule = c.check_reason or ""
            if c.not_future:
                rule = "not later than the time of loading"
            if c.personal:
                rule = (rule + "; " if rule else "") + "personal data, masked in reports"
            default = c.default_doc or (c.default or "").replace("$", "config ").replace("'", "")
            out.append(
                f"| `{c.name}` | {kind} | {'yes' if c.required else ''} | "
                f"{default.replace('|', '/')} | {rule} |"
            )
        for column, _cond, reason in e.extra_checks:
            out.append(f"| | | | | `{column}`: {reason} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(markdown(), end="")
