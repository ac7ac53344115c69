"""The steps a command runs, in order: ingest, compute, check, render, publish.

``run_month`` is the scheduled job. It works on a private copy of the
warehouse (see :mod:`audit.warehouse`), writes reports under temporary names,
and only at the very end moves the reports into place and publishes the new
warehouse version; a run killed at any point leaves the last published state
as it was, and the next run cleans up after it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from audit import __version__, ingest, outputs, rules, warehouse
from audit.config import Config
from audit.errors import AuditError
from audit.progress import Progress
from audit.warehouse import Warehouse


def ingest_paths(
    config: Config,
    paths: list[Path],
    *,
    entity: str | None = None,
    profile_name: str | None = None,
    encoding: str | None = None,
    progress: Progress | None = None,
    warn: Callable[[str], None] | None = None,
) -> list[ingest.FileResult]:
    """Load files into a new warehouse version and publish it (when anything was loaded)."""
    progress = progress or Progress()
    sources = ingest.plan(
        paths, config, entity=entity, profile_name=profile_name, encoding=encoding, warn=warn
    )
    wh = Warehouse(config)
    with wh.change("ingest") as change, progress.stage("ingest", total=len(sources)) as stage:
        results = ingest.ingest(
            change.con,
            config,
            sources,
            wh.root / "tmp",
            progress=lambda s: stage.advance(s.path.name),
        )
        change.discard = all(r.skipped and not r.stamped for r in results)
        stage.detail["rows_loaded"] = sum(r.rows_loaded for r in results)
    return results


@dataclass
class RunSummary:
    run_id: str
    month: date
    warehouse_version: str
    ingested: list[ingest.FileResult] = field(default_factory=list)
    months_evaluated: list[date] = field(default_factory=list)
    contacts: int = 0
    violations: int = 0
    violations_per_10k: float | None = None
    rows_rejected: int = 0
    reports: list[Path] = field(default_factory=list)
    report_seconds: float = 0.0
    timings: list[Any] = field(default_factory=list)
    alert: bool = False


def parse_month(text: str, today: date | None = None) -> date:
    """``YYYY-MM`` or ``previous`` (the month before today) -> first day of the month."""
    today = today or date.today()
    if text == "previous":
        first = today.replace(day=1)
        return (
            first.replace(year=first.year - 1, month=12)
            if first.month == 1
            else first.replace(month=first.month - 1)
        )
    try:
        parsed = datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise AuditError(
            f"--month {text!r}: expected YYYY-MM (e.g. 2026-10) or 'previous'"
        ) from None
    return parsed


def code_version() -> str:
    """Package version plus the git commit of the checkout, when there is one."""
    root = Path(__file__).resolve().parent.parent
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        if out.returncode == 0 and out.stdout.strip():
            dirty = subprocess.run(
                ["git", "-C", str(root), "status", "--porcelain", "-uno"],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            )
            suffix = "-dirty" if dirty.stdout.strip() else ""
            return f"{__version__}+{out.stdout.strip()}{suffix}"
    return __version__


def params_of(config: Config) -> dict[str, Any]:
    """Everything that changes results: metric parameters and rule parameters in force."""
    _, rule_params = rules.params_fingerprint(config)
    m = config.metrics
    return {
        "portfolio_timezone": config.portfolio.portfolio_timezone,
        "metrics": {
            "bucket_edges": list(m.bucket_edges),
            "default_dpd": m.default_dpd,
            "ptp_grace_days": m.ptp_grace_days,
            "ptp_tolerance": m.ptp_tolerance,
        },
        "rules": rule_params,
    }


def _sha(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()


def run_month(
    config: Config,
    month: date,
    progress: Progress | None = None,
    render: bool = True,
    exports: list[Path] | None = None,
) -> RunSummary:
    """The monthly batch: ingest new exports, compute, check, render, publish."""
    progress = progress or Progress()
    wh = Warehouse(config)
    started = datetime.now(UTC)
    run_id = f"{month:%Y-%m}_{started:%Y%m%dT%H%M%SZ}_{os.getpid()}"
    progress.context.update(run_id=run_id, month=f"{month:%Y-%m}")
    record = {
        "run_id": run_id,
        "month": f"{month:%Y-%m}",
        "started_at": started.isoformat(),
        "pid": os.getpid(),
    }
    try:
        with wh.lock(f"run {month:%Y-%m}"):
            wh.log_run({**record, "status": "started"})
            summary = _run_locked(config, wh, month, run_id, started, progress, render, exports)
    except BaseException as exc:
        with contextlib.suppress(Exception):
            wh.log_run(
                {
                    **record,
                    "status": "failed",
                    "error": str(exc)[:500],
                    "finished_at": datetime.now(UTC).isoformat(),
                }
            )
        raise
    wh.log_run(
        {
            **record,
            "status": "succeeded",
            "finished_at": datetime.now(UTC).isoformat(),
            "warehouse_version": summary.warehouse_version,
            "violations": summary.violations,
            "contacts": summary.contacts,
        }
    )
    summary.timings = progress.timings
    return summary


def _run_locked(
    config: Config,
    wh: Warehouse,
    month: date,
    run_id: str,
    started: datetime,
    progress: Progress,
    render: bool,
    exports: list[Path] | None,
) -> RunSummary:
    from audit import metrics  # imported here: `audit ingest` needs none of it

    _remove_report_leftovers(Path(config.reports_dir))
    work = wh.begin("run")
    final_name = work.path.name.removesuffix(".tmp")
    staging_reports = Path(config.reports_dir) / f".tmp-{run_id}"
    con = wh.connect_write(work)
    summary = RunSummary(run_id=run_id, month=month, warehouse_version=final_name)
    try:
        # 1. ingest new exports (files already loaded are skipped by sha256)
        export_paths = (
            exports
            if exports is not None
            else ([config.exports_dir] if Path(config.exports_dir).exists() else [])
        )
        sources = (
            ingest.plan(export_paths, config, warn=lambda m: progress.event("warning", message=m))
            if export_paths
            else []
        )
        with progress.stage("ingest", total=len(sources)) as stage:
            summary.ingested = ingest.ingest(
                con, config, sources, wh.root / "tmp", progress=lambda s: stage.advance(s.path.name)
            )
            summary.rows_rejected = sum(r.rows_rejected for r in summary.ingested)
            stage.detail.update(
                files=len(sources),
                rows_loaded=sum(r.rows_loaded for r in summary.ingested),
                rows_rejected=summary.rows_rejected,
            )

        _check_has_data(con, month)

        # 2. metrics for every month up to the latest month any run reported
        through = max([month, *_run_months(con)])
        with progress.stage("metrics", total=len(metrics.STEPS)) as stage:
            steps = metrics.compute(
                con, config, through, progress=lambda step: stage.advance(step.name)
            )
            for step in steps:
                stage.step(
                    step.name,
                    step.seconds,
                    rows=step.rows,
                    **({"how": step.note} if step.note else {}),
                )
            stage.detail["tables"] = len(steps)

        # 3. conduct rules: this month, plus earlier months never evaluated
        contacts_per_month = _months_to_evaluate(con, month)
        months = list(contacts_per_month)
        summary.months_evaluated = months
        spans = rules.spans(months, contacts_per_month)
        with progress.stage("rules", total=len(spans) * len(rules.all_rules())) as stage:
            for span in spans:
                label = f"{span[0]:%Y-%m}" + (f"..{span[-1]:%Y-%m}" if len(span) > 1 else "")
                span_started = time.perf_counter()
                results = rules.evaluate(
                    con,
                    config,
                    span,
                    run_id=run_id,
                    progress=lambda r, label=label: stage.advance(f"{label} {r.id}"),
                )
                for r in results:
                    stage.step(r.rule.id, r.seconds, months=label, rows=r.rows)
                shared = time.perf_counter() - span_started - sum(r.seconds for r in results)
                stage.step("staging and summary", shared, months=label)
            stage.detail["months"] = len(months)

        summary.contacts, summary.violations, summary.violations_per_10k = _month_totals(con, month)
        threshold = config.run.violation_alert_per_10k
        summary.alert = (
            threshold is not None
            and summary.violations_per_10k is not None
            and summary.violations_per_10k > threshold
        )

        # 4. outputs under temporary names, read from the work version
        params = params_of(config)
        inputs = _inputs(con)
        manifest = {
            "run_id": run_id,
            "month": f"{month:%Y-%m}",
            "code_version": code_version(),
            "started_at": started.isoformat(),
            "warehouse_version": final_name,
            "portfolio_timezone": config.portfolio.portfolio_timezone,
            "params": params,
            "params_sha256": _sha(params),
            "inputs": inputs,
            "inputs_sha256": _sha([i["sha256"] for i in inputs]),
            "months_evaluated": [f"{m:%Y-%m}" for m in months],
            "contacts": summary.contacts,
            "violations": summary.violations,
            "violations_per_10k_contacts": summary.violations_per_10k,
            "outputs": [],
        }
        files: list[Path] = []
        if render:
            with progress.stage("report", total=None) as stage:
                files = outputs.write_month(
                    con, config, month, manifest, staging_reports, progress=stage
                )
                stage.detail["files"] = len(files)
            summary.report_seconds = progress.timings[-1].seconds
        manifest["outputs"] = [
            {"file": f.name, "sha256": _file_sha(f), "bytes": f.stat().st_size} for f in files
        ]
        manifest["finished_at"] = datetime.now(UTC).isoformat()

        # 5. the run row, then seal the version (immutable from here on)
        con.execute("delete from runs where run_id = $id", {"id": run_id})
        con.execute(
            "insert into runs values ($run_id, $month, 'succeeded', $started, now(), $code, "
            "$psha, $isha, $version, $contacts, $violations, $rejected, $manifest)",
            {
                "run_id": run_id,
                "month": month,
                "started": started,
                "code": manifest["code_version"],
                "psha": manifest["params_sha256"],
                "isha": manifest["inputs_sha256"],
                "version": final_name,
                "contacts": summary.contacts,
                "violations": summary.violations,
                "rejected": summary.rows_rejected,
                "manifest": json.dumps(manifest, default=str, ensure_ascii=False),
            },
        )
        version = wh.finish(work, con)
    except BaseException:
        with contextlib.suppress(Exception):
            con.close()
        work.path.unlink(missing_ok=True)
        shutil.rmtree(staging_reports, ignore_errors=True)
        raise

    # 6. reports into place (each file atomically, manifest last), then publish
    with progress.stage("publish"):
        if render:
            summary.reports = outputs.move_into_place(
                staging_reports, Path(config.reports_dir) / f"{month:%Y-%m}", manifest
            )
        wh.publish(version)
        wh.prune()
    return summary


def _remove_report_leftovers(reports: Path) -> None:
    """Staging folders of runs that were killed (only called under the warehouse lock)."""
    if reports.exists():
        for leftover in reports.glob(".tmp-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        for leftover in reports.glob("*/.*.tmp"):
            leftover.unlink(missing_ok=True)


def _check_has_data(con, month: date) -> None:
    accounts = con.execute("select count(*) from accounts").fetchall()[0][0]
    if accounts == 0:
        raise AuditError(
            "the warehouse has no accounts: put the exports in the exports folder "
            "(paths.exports) or load them with `audit ingest PATH` first"
        )


def _run_months(con) -> list[date]:
    return [
        r[0]
        for r in con.execute(
            "select distinct month from runs where status = 'succeeded'"
        ).fetchall()
    ]


def _months_to_evaluate(con, month: date) -> dict[date, int]:
    """``month`` and every earlier month with contacts that no run has evaluated yet,
    oldest first, with the contacts each holds (spans are cut by size)."""
    evaluated = (
        "and month not in (select month from rule_months)"
        if warehouse.has_table(con, "rule_months")
        else ""
    )
    # counted per 15-minute slot first: a month starts on a slot boundary in every
    # zone, so only the slots go through the zone (every contact took 1.7 s at 10M)
    rows = con.execute(
        f"""
        with slots as (
            select epoch_us(started_at) // 900000000 as slot, count(*) as contacts
            from contacts
            group by all
        )
        select
            date_trunc('month', make_timestamptz(slot * 900000000))::date as month,
            sum(contacts)::bigint as contacts
        from slots
        group by all
        having month < $month {evaluated}
           or month = $month
        order by month
        """,
        {"month": month},
    ).fetchall()
    found = dict(rows)  # oldest first; ``month`` is the latest
    found.setdefault(month, 0)
    return found


def _month_totals(con, month: date) -> tuple[int, int, float | None]:
    row = con.execute(
        "select contacts, violations, per_10k_contacts from violation_summary "
        "where month = $m and rule_id = 'ALL' and dimension = 'portfolio'",
        {"m": month},
    ).fetchall()
    if not row:
        return 0, 0, None
    contacts, violations, rate = row[0]
    return int(contacts), int(violations), rate


def _inputs(con) -> list[dict[str, Any]]:
    rows = con.execute(
        "select load_id, source_file, entity, sha256, rows_read, rows_loaded, rows_rejected, "
        "loaded_at from loads order by load_id"
    ).fetchall()
    keys = (
        "load_id",
        "file",
        "entity",
        "sha256",
        "rows_read",
        "rows_loaded",
        "rows_rejected",
        "loaded_at",
    )
    return [dict(zip(keys, r, strict=True)) for r in rows]


def _file_sha(path: Path) -> str:
    return ingest.sha256_of(path)
