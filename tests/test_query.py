"""audit query: read-only, formats, named parameters, saved queries."""

import json

import polars as pl
import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.errors import EXIT_ERROR, EXIT_OK, EXIT_USAGE


@pytest.fixture
def project(tmp_path):
    (tmp_path / "audit.toml").write_text("", encoding="utf-8")
    ex = tmp_path / "ex"
    ex.mkdir()
    (ex / "accounts.csv").write_text(
        "account_id,customer_id,principal,origination_date,product\n"
        "A1,C1,100.50,2026-01-15,phone\nA2,C2,200,2026-02-01,car\nA3,C3,300,2026-02-03,car\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "audit.toml"), "ingest", str(ex)])
    assert result.exit_code == EXIT_OK, result.stderr
    return tmp_path


def q(project, *args):
    return CliRunner().invoke(cli, ["query", "--config", str(project / "audit.toml"), *args])


def test_csv_and_json_output(project):
    result = q(project, "select account_id, principal from accounts order by 1", "--format", "csv")
    assert result.exit_code == EXIT_OK
    assert result.stdout == "account_id,principal\nA1,100.50\nA2,200.00\nA3,300.00\n"
    result = q(project, "select count(*) as n from accounts", "--format", "json")
    assert json.loads(result.stdout) == [{"n": 3}]


def test_table_output_counts_rows(project):
    result = q(project, "select count(*) from contacts")
    assert result.exit_code == EXIT_OK
    assert "(1 rows)" in result.stdout


def test_named_parameters(project):
    result = q(
        project,
        "select account_id from accounts where product = $p and origination_date >= $d order by 1",
        "-p",
        "p",
        "car",
        "-p",
        "d",
        "2026-02-02",
        "--format",
        "csv",
    )
    assert result.exit_code == EXIT_OK, result.stderr
    assert result.stdout == "account_id\nA3\n"
    missing = q(project, "select * from accounts where product = $p")
    assert missing.exit_code == EXIT_ERROR
    assert "no value for parameter(s) $p" in missing.stderr


def test_parquet_to_a_file(project, tmp_path):
    out = tmp_path / "a.parquet"
    result = q(project, "select * from accounts", "--format", "parquet", "-o", str(out))
    assert result.exit_code == EXIT_OK
    assert pl.read_parquet(out).height == 3


@pytest.mark.parametrize(
    "sql",
    [
        "insert into accounts (account_id) values ('x')",
        "delete from accounts",
        "create table x as select 1",
        "copy accounts to '/tmp/x.csv'",
        "attach '/tmp/other.duckdb'",
        "select 1; drop table accounts",
    ],
)
def test_statements_that_write_are_refused(project, sql):
    result = q(project, sql)
    assert result.exit_code == EXIT_ERROR
    assert "audit query is read-only and refuses" in result.stderr
    assert (
        q(project, "select count(*) from accounts", "--format", "csv").stdout == "count_star()\n3\n"
    )


def test_saved_queries_are_listed_and_run_by_name(project):
    listing = q(project, "--list")
    assert listing.exit_code == EXIT_OK
    assert "violation_summary" in listing.stdout


def test_without_a_warehouse(tmp_path):
    (tmp_path / "audit.toml").write_text("", encoding="utf-8")
    result = q(tmp_path, "select 1")
    assert result.exit_code == EXIT_ERROR
    assert "no warehouse published" in result.stderr


def test_usage_error_exit_code(project):
    assert q(project).exit_code == EXIT_USAGE
    assert CliRunner().invoke(cli, ["query", "--format", "xml", "select 1"]).exit_code == EXIT_USAGE
