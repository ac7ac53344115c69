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
from audit.progress import Progress

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
        config,
        list(paths),
        entity=entity,
        profile_name=profile_name,
        encoding=encoding,
        progress=Progress(),
        warn=say,
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
        f"{r.rows_rejected} rejected (load {r.load_id}, {r.seconds:.1f} s)"
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


# ---------------------------------------------------------------- init / sample


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite an existing audit.toml.")
def init(directory, force):
    """Create a project folder with a commented audit.toml and an exports folder.

    Example: audit init my-audit && cd my-audit
    """
    target = directory / config_mod.CONFIG_FILE_NAME
    if target.exists() and not force:
        raise errors.ConfigError(f"{target} exists; pass --force to overwrite it")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "exports").mkdir(exist_ok=True)
    template = Path(__file__).with_name("audit.toml.template").read_text(encoding="utf-8")
    target.write_text(template, encoding="utf-8")
    click.echo(str(target))
    say(
        f"wrote {target}; put exports in {directory / 'exports'} and run "
        "`audit run --month YYYY-MM` there"
    )


@cli.command()
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder to write the export files into.",
)
@click.option(
    "--accounts",
    default=300,
    show_default=True,
    type=click.IntRange(min=10),
    help="Number of accounts.",
)
@click.option(
    "--months",
    default=6,
    show_default=True,
    type=click.IntRange(1, 36),
    help="Months of history, ending with --end-month.",
)
@click.option("--seed", default=7, show_default=True, type=int, help="Random seed.")
@click.option("--end-month", default="2026-10", show_default=True, help="Last month (YYYY-MM).")
@click.option(
    "--contacts",
    type=click.IntRange(min=1),
    default=None,
    help="Approximate number of contact rows (default: natural intensity).",
)
@click.option(
    "--no-vendor-file",
    is_flag=True,
    help="Write every contact file as UTF-8 with canonical headers (no GB18030 vendor file).",
)
def sample(out_dir, accounts, months, seed, end_month, contacts, no_vendor_file):
    """Generate a deterministic synthetic portfolio with known injected violations.

    Example: audit sample --out exports --accounts 1000 --months 12 --seed 1
    """
    from audit import sample as sample_mod

    try:
        summary = sample_mod.generate(
            out_dir,
            accounts=accounts,
            months=months,
            seed=seed,
            end_month=end_month,
            contacts=contacts,
            chinese_file=not no_vendor_file,
        )
    except ValueError as exc:  # a combination of options the generator cannot honour
        raise click.UsageError(str(exc)) from None
    for name, rows in summary.files.items():
        click.echo(f"{out_dir / name}\t{rows}")
    say(
        f"wrote {len(summary.files)} files to {out_dir}; injected problems are listed in "
        f"{out_dir / 'ground_truth.csv'}"
    )


# ---------------------------------------------------------------- run


@cli.command()
@click.option(
    "--month",
    "month_text",
    required=True,
    help="Month to report, YYYY-MM, or 'previous' for the month before today.",
)
@click.option("--no-report", is_flag=True, help="Compute and publish without rendering reports.")
@config_option
@click.pass_context
def run(ctx, month_text, no_report):
    """The monthly batch: ingest new exports, compute, check, render, publish.

    Example: audit run --month previous    (from cron on the 1st of each month)
    """
    from audit import pipeline

    config = get_config(ctx)
    month = pipeline.parse_month(month_text)
    progress = Progress()
    summary = pipeline.run_month(config, month, progress=progress, render=not no_report)
    _print_run_summary(summary, progress)
    if summary.alert:
        say(
            f"alert: {summary.violations_per_10k:.1f} violations per 10,000 contacts exceeds "
            f"run.violation_alert_per_10k = {config.run.violation_alert_per_10k}"
        )
        ctx.exit(errors.EXIT_VIOLATIONS_ABOVE_THRESHOLD)


def _print_run_summary(summary, progress: Progress) -> None:
    rate = (
        "n/a"
        if summary.violations_per_10k is None
        else f"{summary.violations_per_10k:.1f} per 10,000 contacts"
    )
    loaded = sum(r.rows_loaded for r in summary.ingested)
    lines = [
        f"run {summary.run_id}: month {summary.month:%Y-%m} published as "
        f"{summary.warehouse_version}",
        f"  ingest: {len([r for r in summary.ingested if not r.skipped])} new file(s), "
        f"{loaded} rows loaded, {summary.rows_rejected} rejected",
        f"  rules:  months evaluated {', '.join(f'{m:%Y-%m}' for m in summary.months_evaluated)}",
        f"  month:  {summary.contacts} outbound contacts, {summary.violations} violations ({rate})",
    ]
    if summary.reports:
        lines.append(f"  reports ({summary.report_seconds:.1f} s): {summary.reports[0].parent}/")
        lines += [f"    {p.name}" for p in summary.reports]
    lines.append(
        "  time per stage: " + ", ".join(f"{t.name} {t.seconds:.1f} s" for t in progress.timings)
    )
    if progress.interactive:
        for line in lines:
            say(line)
    else:
        progress.event(
            "run_finished",
            run_id=summary.run_id,
            month=f"{summary.month:%Y-%m}",
            contacts=summary.contacts,
            violations=summary.violations,
            violations_per_10k=summary.violations_per_10k,
            rows_rejected=summary.rows_rejected,
            reports=[str(p) for p in summary.reports],
            seconds={t.name: round(t.seconds, 3) for t in progress.timings},
        )


# ---------------------------------------------------------------- report


@cli.command()
@click.option("--month", "month_text", required=True, help="Month that was run, YYYY-MM.")
@click.option(
    "--audience",
    type=click.Choice(["regulator", "management"]),
    required=True,
    help="Which report.",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), required=True, help="Language.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="PDF to write (default: reports/<YYYY-MM>/<audience>_<lang>.pdf).",
)
@config_option
@click.pass_context
def report(ctx, month_text, audience, lang, out):
    """Render one PDF report of a month that was run, from the published warehouse.

    Example: audit report --month 2026-10 --audience regulator --lang zh
    """
    from audit import pipeline
    from audit import report as report_mod

    config = get_config(ctx)
    result = report_mod.render_report(
        config, pipeline.parse_month(month_text), audience, lang, out=out
    )
    click.echo(str(result.path))
    say(f"rendered {result.pages} pages in {result.seconds:.1f} s")


# ---------------------------------------------------------------- rules / runs


@cli.group()
def rules():
    """The conduct rules: list them or show one with its parameters in force."""


@rules.command("list")
@config_option
@click.pass_context
def rules_list(ctx):
    """List every rule: id, pack, kind, severity, confidence, title.

    Example: audit rules list
    """
    from audit import rules as rules_mod

    get_config(ctx)  # validates rule overrides in the config
    for r in rules_mod.all_rules():
        click.echo(
            f"{r.id:24} {r.pack:8} {r.kind:9} {r.severity:8} {r.confidence:10} {r.title['en']}"
        )


@rules.command("show")
@click.argument("rule_id")
@config_option
@click.pass_context
def rules_show(ctx, rule_id):
    """Show one rule: citation, description, parameters in force, query.

    Example: audit rules show US-REGF-7IN7
    """
    from audit import queries
    from audit import rules as rules_mod

    config = get_config(ctx)
    r = rules_mod.find(rule_id)
    values = rules_mod.params_in_force(config, r)
    click.echo(f"{r.id}  ({r.pack}, {r.kind}, severity {r.severity})")
    click.echo(f"  title:      {r.title['en']}")
    click.echo(f"              {r.title['zh']}")
    click.echo(f"  citation:   {r.citation} (confidence: {r.confidence})")
    click.echo(f"  regimes:    {', '.join(r.regimes)}")
    for lang in ("en", "zh"):
        if r.description.get(lang):
            click.echo(f"  {lang}: {r.description[lang]}")
    if r.params:
        click.echo("  parameters in force:")
        for p in r.params:
            note = "" if values[p.name] == p.default else f" (default {p.default})"
            click.echo(f"    {p.name} = {values[p.name]}{note}  {p.doc}")
    click.echo(f"  query:      {queries.path_of(r.query)}")


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@config_option
@click.pass_context
def runs(ctx, fmt):
    """List runs: published runs from the warehouse and failed attempts from run_log.jsonl.

    Example: audit runs
    """
    from audit import querying

    frame = querying.runs(get_config(ctx))
    querying.write(frame, fmt, None, sys.stdout)


def main() -> None:
    cli(prog_name="audit")
