"""The ``audit`` command line: parse, call one library function, format the result.

Data goes to stdout; progress and messages to stderr. Exit codes are listed
in ``audit --help`` and in :mod:`audit.errors`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from audit import __version__, errors
from audit import config as config_mod

EXIT_CODES_HELP = f"""
\b
Exit codes:
  {errors.EXIT_OK}  success
  {errors.EXIT_ERROR}  error (bad input file, bad config, failed run)
  {errors.EXIT_USAGE}  usage error (unknown option, missing argument)
  {errors.EXIT_REJECTED_ROWS}  ingest finished but some rows were rejected (see rejects)
  {errors.EXIT_VIOLATIONS_ABOVE_THRESHOLD}  run done; violations above run.violation_alert_per_10k
  {errors.EXIT_LOCKED}  another run or ingest holds the warehouse; try again later
"""


def config_option(f):
    """``--config PATH`` on every command (also accepted before the command name)."""

    def store(ctx: click.Context, _param, value):
        if value is not None:
            ctx.find_root().ensure_object(dict)["config_path"] = value
        return value

    return click.option(
        "--config",
        type=click.Path(path_type=Path, dir_okay=False),
        expose_value=False,
        callback=store,
        is_eager=True,
        help="Configuration file (default: ./audit.toml when present, else built-in defaults).",
    )(f)


def get_config(ctx: click.Context) -> config_mod.Config:
    """The configuration, loaded once per invocation."""
    obj = ctx.find_root().ensure_object(dict)
    if "config" not in obj:
        obj["config"] = config_mod.load(obj.get("config_path"))
    return obj["config"]


def say(message: str) -> None:
    click.echo(message, err=True)


class AuditGroup(click.Group):
    """Turn library errors into one clean line on stderr and the matching exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except errors.AuditError as exc:
            click.secho(f"error: {exc}", err=True, fg="red")
            ctx.exit(exc.exit_code)


@click.group(cls=AuditGroup, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="audit")
@config_option
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Audit debt collection: recovery, default and conduct metrics, and PDF reports.

    \b
    Typical month:
      audit ingest exports/              load the month's exports
      audit run --month 2026-10          compute, check, render, publish
      audit query "select * from violation_summary limit 10"
    """
    ctx.ensure_object(dict)


# ---------------------------------------------------------------- ingest


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--entity", help="Entity of every file (default: from each file name).")
@click.option(
    "--profile", "profile_name", help="Column profile for every file (see audit/profiles)."
)
@click.option("--encoding", help="Text encoding of CSV files, e.g. gb18030 (default: utf-8).")
@config_option
@click.pass_context
def ingest(ctx, paths, entity, profile_name, encoding):
    """Load export files or folders into the warehouse.

    Example: audit ingest exports/2026-10/
    """
    from audit import pipeline

    config = get_config(ctx)
    results = pipeline.ingest_paths(
        config, list(paths), entity=entity, profile_name=profile_name, encoding=encoding, log=say
    )
    rejected = sum(r.rows_rejected for r in results)
    for r in results:
        say(_file_line(r))
        for rej in r.reject_sample[:5]:
            say(
                f"    line {rej['line_no']}: {rej['column_name'] or '(line)'} = "
                f"{_short(rej['value'])}: {rej['reason']}"
            )
        if r.rows_rejected > 5:
            say(
                f'    ... {r.rows_rejected - 5} more: audit query "select * from rejects '
                f'where load_id = {r.load_id}"'
            )
    loaded = sum(r.rows_loaded for r in results)
    read = sum(r.rows_read for r in results)
    say(f"{len(results)} file(s): {read} rows read, {loaded} loaded, {rejected} rejected")
    if rejected:
        ctx.exit(errors.EXIT_REJECTED_ROWS)


def _file_line(r) -> str:
    if r.skipped:
        return f"{r.path}: skipped, {r.skipped}"
    via = f" via profile {r.profile}" if r.profile else ""
    line = (
        f"{r.path} -> {r.entity}{via}: {r.rows_read} read, {r.rows_loaded} loaded, "
        f"{r.rows_rejected} rejected (load {r.load_id})"
    )
    if r.ignored_columns:
        line += f"; ignored columns: {', '.join(r.ignored_columns)}"
    return line


def _short(value, width: int = 40) -> str:
    text = "(empty)" if value is None else repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


# ---------------------------------------------------------------- query


@cli.command()
@click.argument("sql_or_name", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "parquet"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-p",
    "--param",
    "params",
    nargs=2,
    multiple=True,
    metavar="NAME VALUE",
    help="Named parameter for $NAME in the query; repeatable.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write to this file instead of stdout (required for parquet on a terminal).",
)
@click.option("--list", "list_saved", is_flag=True, help="List the saved queries and exit.")
@config_option
@click.pass_context
def query(ctx, sql_or_name, fmt, params, output, list_saved):
    """Run a read-only SQL query or a saved query on the published warehouse.

    Example: audit query "select rule_id, count(*) from violations group by 1"
    """
    from audit import querying

    if list_saved:
        for name, doc in querying.saved_queries():
            click.echo(f"{name:32} {doc}")
        return
    if not sql_or_name:
        raise click.UsageError("give a SQL statement or a saved query name (see --list)")
    config = get_config(ctx)
    frame = querying.run(config, sql_or_name, dict(params))
    querying.write(frame, fmt, output, sys.stdout)


def main() -> None:
    cli(prog_name="audit")
