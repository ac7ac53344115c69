"""SQL files in ``queries/``: find them by name, bind named parameters, run them.

A query's name is its file name without ``.sql`` and is unique across the
layers (``staging/``, ``metrics/``, ``rules/<pack>/``, ``report/``). Values
are always passed as DuckDB named parameters (``$month``); a query only
receives the parameters it mentions, and a missing one is an error that
names the query and the parameter.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import duckdb

from audit.errors import QueryError

_PARAM = re.compile(r"(?<![\w$])\$([A-Za-z_][A-Za-z0-9_]*)")
_STRING_OR_COMMENT = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", re.DOTALL)
# a $param's name (group 1), or a string or comment, which is left as it is
_PARAM_OUTSIDE_TEXT = re.compile(f"{_STRING_OR_COMMENT.pattern}|{_PARAM.pattern}", re.DOTALL)


def resource_dir(name: str) -> Path:
    """``queries`` or ``report_templates``: inside an installed wheel, else the checkout."""
    packaged = Path(__file__).parent / "_resources" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name


QUERIES_DIR = resource_dir("queries")


@functools.cache
def _index() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(QUERIES_DIR.rglob("*.sql")):
        if path.stem in found:
            raise QueryError(f"two queries are named {path.stem!r}: {found[path.stem]} and {path}")
        found[path.stem] = path
    return found


def names() -> list[str]:
    return sorted(_index())


def path_of(name: str) -> Path:
    try:
        return _index()[name]
    except KeyError:
        raise QueryError(
            f"no query named {name!r}; `audit query --list` shows the saved queries"
        ) from None


def text(name: str) -> str:
    return path_of(name).read_text(encoding="utf-8")


def header(sql: str) -> str:
    """The leading ``--`` comment block of a query (its documentation)."""
    lines = []
    for line in sql.splitlines():
        if line.startswith("--"):
            lines.append(line[2:].strip())
        elif line.strip():
            break
    return "\n".join(lines).strip()


def parameters(sql: str) -> set[str]:
    """Names of the ``$params`` a query uses (ignoring strings and comments)."""
    return set(_PARAM.findall(_STRING_OR_COMMENT.sub(" ", sql)))


def bind(sql: str, params: dict[str, Any], name: str = "query") -> dict[str, Any]:
    needed = parameters(sql)
    missing = sorted(needed - params.keys())
    if missing:
        raise QueryError(f"{name}: no value for parameter(s) {', '.join('$' + m for m in missing)}")
    return {k: params[k] for k in needed}


def execute(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: dict[str, Any] | None = None,
    name: str = "query",
) -> None:
    """Run a statement whose result is not needed (DDL, insert)."""
    bound = bind(sql, params or {}, name)
    try:
        con.execute(sql, bound) if bound else con.execute(sql)
    except duckdb.Error as exc:
        raise QueryError(f"{name}: {exc}") from exc


def relation(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: dict[str, Any] | None = None,
    name: str = "query",
) -> duckdb.DuckDBPyRelation:
    bound = bind(sql, params or {}, name)
    try:
        return con.sql(sql, params=bound) if bound else con.sql(sql)
    except duckdb.Error as exc:
        raise QueryError(f"{name}: {exc}") from exc


def select_sql(name: str) -> str:
    """A saved query's SQL with any trailing semicolon removed, ready to wrap."""
    return text(name).strip().rstrip(";")


def materialize(
    con: duckdb.DuckDBPyConnection,
    table: str,
    name: str,
    params: dict[str, Any],
    temp: bool = False,
    view: bool = False,
    macro: bool = False,
) -> None:
    """``create or replace [temp] table|view <table> as <query name>``.

    ``table`` comes from the caller's fixed list of step names, never from input. A
    view's query takes no parameters. With ``macro``, a table macro whose arguments
    are the query's parameters, in name order: ``<table>($a, $b)`` runs the query
    with those values, which reach its filters as constants, as in a table. Inside
    the macro a parameter hides any column of its name, so such a query must name
    its parameters apart from the columns it reads.
    """
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", table):
        raise QueryError(f"bad table name {table!r}")
    sql = select_sql(name)
    prefix = "create or replace " + ("temp " if temp else "")
    if macro:
        body = _PARAM_OUTSIDE_TEXT.sub(lambda m: m.group(1) or m.group(0), sql)
        args = ", ".join(sorted(parameters(sql)))
        execute(con, f"{prefix}macro {table}({args}) as table\n{body}", {}, name)
        return
    execute(con, f"{prefix}{'view' if view else 'table'} {table} as\n{sql}", params, name)


@contextmanager
def _added_to(con: duckdb.DuckDBPyConnection, setting: str, *values: str) -> Iterator[None]:
    """Within the block, ``values`` are added to the comma-separated list ``setting``.

    The settings used here are the database's, not the connection's, so the list as
    it was is restored on leaving the block, whatever happens inside.
    """
    (before,) = con.execute(f"select current_setting('{setting}')").fetchall()[0]
    added = ",".join(filter(None, [before, *values]))
    con.execute(f"set {setting} = '{added}'")
    try:
        yield
    finally:
        con.execute(f"set {setting} = '{before}'")


def joins_as_written(con: duckdb.DuckDBPyConnection) -> AbstractContextManager[None]:
    """Within the block, a hash join builds its table from the side written on the right.

    DuckDB swaps a join's sides when it estimates the right side to be the larger.
    After unions of filtered window output and an unnest its estimates can be a
    thousandth of the real count (account_month: 15 thousand for 13 million rows),
    and it then builds the hash table from the large side (7 CPU s there at 10M
    contacts). For a query whose joins are written large side left, small side right.
    """
    return _added_to(con, "disabled_optimizers", "build_side_probe_side")


def light_compression(con: duckdb.DuckDBPyConnection) -> AbstractContextManager[None]:
    """Within the block, tables are written without bit-packing or dictionary-FSST.

    DuckDB tries every compression method on every column segment it writes. For a
    wide derived table that costs more than computing some of its columns: writing
    account_month (13.5M rows, 25 columns at 10M contacts) took 12.4 CPU s, and 7.6
    without these two methods, for a table twice as large (0.78 GB instead of 0.36);
    constant, RLE and uncompressed segments are still chosen column by column.
    """
    return _added_to(con, "disabled_compression_methods", "bitpacking", "dict_fsst")


def fetch_dicts(rel: duckdb.DuckDBPyRelation) -> list[dict[str, Any]]:
    cols = rel.columns
    return [dict(zip(cols, row, strict=True)) for row in rel.fetchall()]
