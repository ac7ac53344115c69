"""The metrics engine as a whole: steps, tables, parameters, time zones."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from audit import metrics, queries
from conftest import connect, load, make_config

FEB, MAR, APR = date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)

CONTRACT_COLUMNS = {
    "account_month": [
        "account_id",
        "month",
        "dpd",
        "bucket",
        "overdue_amount",
        "outstanding_balance",
        "paid_in_month",
        "is_closed",
        "is_default",
    ],
    "roll_rates": [
        "month",
        "dimension",
        "dimension_value",
        "from_bucket",
        "to_bucket",
        "accounts",
        "balance",
        "account_rate",
        "balance_rate",
    ],
    "cure_rates": [
        "month",
        "dimension",
        "dimension_value",
        "from_bucket",
        "accounts",
        "cured",
        "cure_rate",
    ],
    "recovery": [
        "month",
        "dimension",
        "dimension_value",
        "delinquent_accounts",
        "overdue_at_start",
        "recovered_amount",
        "recovery_rate",
    ],
    "default_rates": [
        "month",
        "dimension",
        "dimension_value",
        "performing_at_start",
        "new_defaults",
        "default_rate",
    ],
    "vintage": [
        "origination_month",
        "mob",
        "dimension",
        "dimension_value",
        "accounts",
        "defaulted_accounts",
        "cum_default_rate",
    ],
    "ptp": [
        "month",
        "dimension",
        "dimension_value",
        "promises_due",
        "promises_kept",
        "kept_rate",
        "amount_promised",
        "amount_kept",
    ],
    "contact_activity": [
        "month",
        "dimension",
        "dimension_value",
        "attempts",
        "calls",
        "connected_calls",
        "conversations",
        "rpc",
        "accounts_attempted",
        "accounts_with_rpc",
        "rpc_per_attempt",
        "rpc_per_connected_call",
        "penetration",
    ],
    "complaints": [
        "month",
        "dimension",
        "dimension_value",
        "category",
        "complaints",
        "accounts",
        "per_1000_accounts",
    ],
}


def one_account(con, config):
    """A1: originated 2026-01-20, 100 due 02-20 and 03-20; 100 paid 2026-03-31T16:30Z."""
    load(
        con,
        config,
        "accounts",
        [
            {
                "account_id": "A1",
                "customer_id": "P1",
                "principal": "200",
                "origination_date": "2026-01-20",
            }
        ],
    )
    load(
        con,
        config,
        "installments",
        [
            {
                "account_id": "A1",
                "installment_no": 1,
                "due_date": "2026-02-20",
                "amount_due": "100",
            },
            {
                "account_id": "A1",
                "installment_no": 2,
                "due_date": "2026-03-20",
                "amount_due": "100",
            },
        ],
    )
    # 16:30 UTC on 03-31 is 00:30 on 04-01 in Shanghai, still 03-31 in UTC
    load(
        con,
        config,
        "payments",
        [
            {
                "payment_id": "p1",
                "account_id": "A1",
                "paid_at": "2026-03-31T16:30:00Z",
                "amount": "100",
            }
        ],
    )


@pytest.fixture(scope="module")
def empty(tmp_path_factory):
    """An empty warehouse after compute, and the step results."""
    config = make_config(tmp_path_factory.mktemp("empty"))
    con = connect(config)
    results = metrics.compute(con, config, APR)
    yield con, results
    con.close()


def test_every_table_is_created_with_the_contract_columns_on_an_empty_warehouse(empty):
    con, results = empty
    assert [r.name for r in results] == [s.name for s in metrics.STEPS]
    for table, columns in CONTRACT_COLUMNS.items():
        assert table in metrics.OUTPUT_TABLES
        got = con.execute(f"select * from {table} limit 0").fetchall()
        assert got == []
        # the contract's columns first, in its order; extras after them
        assert con.table(table).columns[: len(columns)] == columns, table
    assert con.execute("select count(*) from account_month").fetchall() == [(0,)]


def test_contract_columns_come_first_in_account_month(empty):
    con, _ = empty
    assert con.table("account_month").columns[:9] == CONTRACT_COLUMNS["account_month"]


def test_money_and_month_types(con, config):
    one_account(con, config)
    metrics.compute(con, config, APR)
    am = con.table("account_month")
    types = dict(zip(am.columns, am.dtypes, strict=True))
    assert str(types["month"]) == "DATE"
    assert str(types["overdue_amount"]) == "DECIMAL(18,2)"
    assert str(types["outstanding_balance"]) == "DECIMAL(18,2)"
    rec = con.table("recovery")
    rr = dict(zip(rec.columns, rec.dtypes, strict=True))
    assert str(rr["recovered_amount"]) == "DECIMAL(18,2)"


def test_bucket_labels_follow_the_edges(tmp_path):
    config = make_config(tmp_path, metrics={"bucket_edges": [30, 60, 90]})
    con = connect(config)
    metrics.compute(con, config, APR)
    got = con.execute(
        "select bucket, min_dpd, max_dpd, dpd_range from metric_buckets order by bucket_order"
    ).fetchall()
    assert got == [
        ("M0", 0, 0, "0"),
        ("M1", 1, 30, "1-30"),
        ("M2", 31, 60, "31-60"),
        ("M3", 61, 90, "61-90"),
        ("M4+", 91, None, "> 90"),
        ("CLOSED", None, None, "paid off"),
    ]
    assert metrics.bucket_labels(config) == [r[0] for r in got]


def enum_values(con, table: str, column: str) -> list[str] | None:
    """The values of an ENUM column in their order, None for any other type."""
    (kind,) = con.execute(
        "select data_type from duckdb_columns() where table_name = $t and column_name = $c",
        {"t": table, "c": column},
    ).fetchone()
    if not kind.startswith("ENUM"):
        return None
    return con.execute(f"select enum_range(null::{kind})").fetchone()[0]


def test_bucket_columns_are_an_enum_of_the_labels_in_force_in_text_order(tmp_path):
    config = make_config(tmp_path, metrics={"bucket_edges": [30, 60, 90]})
    con = connect(config)
    one_account(con, config)
    metrics.compute(con, config, APR)
    three_edges = ["CLOSED", "M0", "M1", "M2", "M3", "M4+"]
    assert enum_values(con, "account_month", "bucket") == three_edges
    assert enum_values(con, "account_month", "bucket_at_start") == three_edges
    # they compare and sort as text: March (39 dpd) is M2 with these edges
    got = con.execute(
        "select month, bucket from account_month where bucket >= 'M1' order by bucket, month"
    ).fetchall()
    assert got == [(FEB, "M1"), (MAR, "M2"), (APR, "M2")]
    # other edges in the same session: the table is computed again with their labels
    metrics.compute(con, make_config(tmp_path, metrics={"bucket_edges": [40]}), APR)
    assert enum_values(con, "account_month", "bucket") == ["CLOSED", "M0", "M1", "M2+"]
    got = con.execute("select month, bucket from account_month order by month").fetchall()
    assert got == [(date(2026, 1, 1), "M0"), (FEB, "M1"), (MAR, "M1"), (APR, "M2+")]


def test_default_buckets(empty):
    con, _ = empty
    labels = [
        r[0]
        for r in con.execute("select bucket from metric_buckets order by bucket_order").fetchall()
    ]
    assert labels == ["M0", "M1", "M2", "M3", "M4", "M5", "M6", "M7+", "CLOSED"]


def test_results_do_not_depend_on_the_session_time_zone(con, config):
    one_account(con, config)
    con.execute("set TimeZone = 'America/Los_Angeles'")
    metrics.compute(con, config, APR)
    # the payment is 04-01 in Shanghai: in March A1 still owes #1 (02-20) -> 31 + 8 = 39 dpd
    got = con.execute(
        "select month, dpd, overdue_amount::varchar, paid_in_month::varchar from account_month "
        "order by month"
    ).fetchall()
    assert got == [
        (date(2026, 1, 1), 0, "0.00", "0.00"),
        (FEB, 8, "100.00", "0.00"),  # 02-28 - 02-20
        (MAR, 39, "200.00", "0.00"),  # 03-31 - 02-20
        (APR, 41, "100.00", "100.00"),  # #2 due 03-20 -> 04-30 - 03-20
    ]


def test_portfolio_timezone_parameter_moves_payments_between_months(tmp_path):
    config = make_config(tmp_path, portfolio={"portfolio_timezone": "UTC"})
    con = connect(config)
    one_account(con, config)
    metrics.compute(con, config, APR)
    # in UTC the payment is dated 03-31: March owes only #2 (due 03-20) -> 11 dpd
    got = con.execute(
        "select month, dpd, paid_in_month::varchar from account_month where month >= $m "
        "order by month",
        {"m": MAR},
    ).fetchall()
    assert got == [(MAR, 11, "100.00"), (APR, 41, "0.00")]


def test_compute_twice_gives_the_same_tables(con, config):
    one_account(con, config)
    metrics.compute(con, config, date(2026, 4, 17))  # any day of the month
    first = con.execute("select * from account_month order by all").fetchall()
    results = metrics.compute(con, config, APR)
    assert con.execute("select * from account_month order by all").fetchall() == first
    assert {r.name: r.rows for r in results}["account_month"] == 4


def test_every_metric_query_has_a_header_and_a_final_cte():
    for step in metrics.STEPS:
        sql = queries.text(step.name)
        head = queries.header(sql)
        for part in ("purpose:", "grain:", "inputs:", "output:"):
            assert part in head, (step.name, part)
        assert "select * from final" in sql, step.name


def test_joins_as_written_adds_to_the_disabled_optimizers_and_restores_them():
    con = duckdb.connect()
    con.execute("set disabled_optimizers = 'late_materialization'")

    def setting():
        value = con.execute("select current_setting('disabled_optimizers')").fetchall()[0][0]
        return set(value.split(","))

    with queries.joins_as_written(con):
        assert setting() == {"late_materialization", "build_side_probe_side"}
    assert setting() == {"late_materialization"}
    with pytest.raises(RuntimeError), queries.joins_as_written(con):
        raise RuntimeError("a failing step")
    assert setting() == {"late_materialization"}


def test_light_compression_adds_to_the_disabled_methods_and_restores_them(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("set disabled_compression_methods = 'rle'")

    def setting():
        value = con.execute("select current_setting('disabled_compression_methods')")
        return {m.lower() for m in value.fetchall()[0][0].split(",")}

    def methods(table):
        con.execute(
            f"create table {table} as "
            "select range % 1000 as n, 'account ' || range % 97 as s from range(300000)"
        )
        con.execute("checkpoint")
        used = con.execute(f"select lower(compression) from pragma_storage_info('{table}')")
        return {m for (m,) in used.fetchall()}

    # written outside the block, these columns are bit-packed and dictionary-FSST coded
    assert {"bitpacking", "dict_fsst"} <= methods("outside")
    with queries.light_compression(con):
        assert setting() == {"rle", "bitpacking", "dict_fsst"}
        assert not {"bitpacking", "dict_fsst"} & methods("inside")
    assert setting() == {"rle"}
    with pytest.raises(RuntimeError), queries.light_compression(con):
        raise RuntimeError("a failing step")
    assert setting() == {"rle"}


def test_a_query_as_a_macro_takes_its_parameters_in_name_order(monkeypatch):
    con = duckdb.connect()
    sql = "select $b as b, $a + 1 as a, '$a' as text -- $a is a parameter\n"
    monkeypatch.setattr(queries, "select_sql", lambda name: sql)
    queries.materialize(con, "two_values", "any", {}, temp=True, macro=True)
    # $a and $b become the macro's arguments (a, b); the string keeps its text
    assert con.execute("select * from two_values(10, 20)").fetchall() == [(20, 11, "$a")]


def test_computing_metrics_leaves_the_session_settings_as_they_were(con, config):
    metrics.compute(con, config, APR)
    assert con.execute("select current_setting('disabled_optimizers')").fetchall()[0][0] == ""
    assert (
        con.execute("select current_setting('disabled_compression_methods')").fetchall()[0][0] == ""
    )
