"""PDF audit reports: SQL → plain context → Jinja2 (autoescape, strict) → WeasyPrint.

Two reports, each in zh-CN and en from one template and the message catalogue
``report_templates/messages.yaml``:

- ``regulator``: cover, contents, executive summary, one compact section per
  rule with a finding (citation, confidence, description, parameters in force,
  counts, the agencies and collectors with the most violations, masked
  evidence), the rules that applied without one as a table of one line each
  (id, title, citation, contacts in scope), risk indicators, complaints, data
  quality, methodology, run manifest, sign-off;
- ``management``: KPI trends, roll-rate heat map, vintage curves, agency and
  collector league tables (recovery beside conduct), compliance summary.

Every figure comes from a query in ``queries/report/`` that aggregates in SQL
and returns at most ``report.top_n`` (or ``report.evidence_rows``) rows per
table, so rendering time does not grow with the data; the rule sections, which
grow with the number of rules with a finding, print fewer (RULE_TOP_N,
EVIDENCE_BUDGET). Personal data is masked
where query results enter the context (:func:`_rows`, by column name, see
:data:`audit.masking.COLUMN_MASKS`), so a template cannot print it in clear.
The PDF embeds the month's violations.csv and the run manifest, takes its
dates from the run's start, and is rendered with a URL fetcher that refuses
everything but ``data:`` URIs.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import json
import logging
import math
import mimetypes
import os
import pickle
import re
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context

from audit import masking, queries, rules, schema
from audit.config import Config
from audit.errors import AuditError

TEMPLATES_DIR = queries.resource_dir("report_templates")
STYLESHEETS = ("css/print.css",)
AUDIENCES = ("regulator", "management")
LANGUAGES = {"zh": "zh-CN", "en": "en"}
CJK_FONT = "Noto Sans CJK SC"
TREND_MONTHS = 12  # months of KPI history in the management charts
MAX_COHORTS = 12  # vintage curves drawn
MAX_MOB = 24  # months on book drawn
MAX_WORKERS = 4  # PDFs laid out at once
ATTACHMENT_COMPRESSION = 3  # zlib level of embedded files: as fast as 1, 5 % larger than 6
# Every violation rule with a finding gets a section in the regulator report, so
# the sections' size is what its length (and layout time) grows with: a section
# names at most RULE_TOP_N agencies and collectors (the executive summary keeps
# report.top_n over all rules), and the evidence rows of all sections together
# stay near EVIDENCE_BUDGET (at least MIN_EVIDENCE_ROWS per rule, at most
# report.evidence_rows); violations.csv, attached, lists every finding.
RULE_TOP_N = 5
EVIDENCE_BUDGET = 50
MIN_EVIDENCE_ROWS = 2
REGULATOR_METRIC_KEYS = ("outbound", "violation_rate", "complaints")
METRIC_KEYS = (
    "outbound",
    "violation_rate",
    "dpd",
    "roll",
    "cure",
    "recovery",
    "default",
    "vintage",
    "ptp",
    "contact",
    "complaints",
)
# KPI rows of the management report: trend column and how it is shown
KPIS = (
    ("recovery_rate", "rate"),
    ("cure_rate", "rate"),
    ("default_rate", "rate"),
    ("ptp_kept_rate", "rate"),
    ("rpc_per_attempt", "rate"),
    ("rpc_per_connected_call", "rate"),
    ("penetration", "rate"),
    ("violations_per_10k", "per10k"),
    ("complaints_per_1000", "per1000"),
)
_FONT_WARNING = re.compile(r"font|glyph|notdef", re.IGNORECASE)
_PERSONAL = {column for _entity, column in schema.PERSONAL_COLUMNS}

log = logging.getLogger(__name__)


class ReportError(AuditError):
    """A report cannot be rendered (no run for the month, no CJK font, bad template)."""


@dataclass
class RenderResult:
    path: Path
    seconds: float
    pages: int
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- public API


def render_month(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    month: date,
    manifest: dict[str, Any],
    out_dir: Path,
    attachments: list[Path] | None = None,
    progress=None,
) -> list[Path]:
    """Render every configured audience x language into ``out_dir``; return the PDFs.

    The data is queried once; the PDFs are laid out in parallel worker processes
    (see :class:`Renderer`). A caller with other work to do meanwhile (the monthly
    run writes ``metrics.xlsx``) uses :class:`Renderer` directly.
    """
    with Renderer(config) as renderer:
        paths = renderer.submit(collect(con, config, month, manifest), out_dir, attachments)
        renderer.wait(progress)
    return paths


class Renderer:
    """The PDFs of one month, laid out in parallel by a worker started ahead of the data.

    WeasyPrint layout is single-threaded, so the PDFs are laid out in parallel
    processes, one per CPU and at most one per PDF, each rendering a contiguous
    batch of the jobs in language order: with two CPUs one process renders the
    zh-CN regulator and management reports and the other the en ones. The
    regulator report takes longer to lay out than the management report and
    grows with the number of rules with a finding, so splitting by language keeps
    the processes about equally busy (the charts cost milliseconds, building them
    in each process costs nothing).

    Getting a process ready (Python, WeasyPrint, the templates) takes over a
    second of CPU, as long as laying out half a report. So one ``python -m
    audit.report`` worker is started when the Renderer is created and gets ready
    while the caller writes its other files and queries the report data; once
    it has the data it forks a copy of itself per further batch, which costs
    nothing (the worker has started no thread by then). :meth:`submit` hands it
    the data and returns at once; :meth:`wait` collects the results. With one
    CPU or one PDF no process is started and :meth:`wait` renders here.

    A plain subprocess, not multiprocessing: it neither forks the caller, which
    runs DuckDB threads, nor re-imports the caller's ``__main__``. The job goes
    in and the results come out pickled; the worker and its copies die with
    their parent (a killed run leaves no process writing into its staging
    folder), and leaving the ``with`` block kills them.
    """

    def __init__(self, config: Config) -> None:
        jobs = [(a, lang) for lang in config.report.languages for a in config.report.audiences]
        workers = min(len(jobs), os.cpu_count() or 1, MAX_WORKERS)
        size = max(1, math.ceil(len(jobs) / max(workers, 1)))
        self._batches = [jobs[i : i + size] for i in range(0, len(jobs), size)]
        self._proc: subprocess.Popen | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._future = None
        self._inline: list[tuple[dict[str, Any], str, str, Path, list[Path]]] = []
        if workers > 1:
            self._proc = _start_worker(sorted({a for a, _lang in jobs}))

    def submit(
        self, data: dict[str, Any], out_dir: Path, attachments: list[Path] | None = None
    ) -> list[Path]:
        """Hand the month's data (from :func:`collect`) to the worker; return the PDF paths."""
        out_dir.mkdir(parents=True, exist_ok=True)
        files = [Path(p) for p in attachments or []]
        batches = [
            [(audience, lang, out_dir / f"{audience}_{lang}.pdf") for audience, lang in batch]
            for batch in self._batches
        ]
        if self._proc is None:
            self._inline = [(data, *job, files) for batch in batches for job in batch]
        else:
            # a thread writes the job (more than a pipe holds, while the worker may
            # still be importing) and then waits for the results
            self._pool = ThreadPoolExecutor(max_workers=1)
            job = pickle.dumps((data, batches, files))
            self._future = self._pool.submit(self._proc.communicate, job)
        return [path for batch in batches for _audience, _lang, path in batch]

    def wait(self, progress=None) -> list[RenderResult]:
        """Wait for every PDF; report each one's warnings and time to ``progress``."""
        results = []
        for data, audience, lang, path, files in self._inline:
            results.append(_render_job(data, audience, lang, path, files))
            _report_progress(results[-1], progress)
        if self._future is None:
            return results
        out, err = self._future.result()
        if self._proc.returncode != 0:
            tail = err.decode("utf-8", "replace").strip().splitlines()[-5:]
            raise ReportError("rendering the PDFs failed: " + " | ".join(tail))
        outcomes = pickle.loads(out)
        for batch, _results, error in outcomes:
            if error is not None:
                names = ", ".join(Path(path).name for _a, _l, path in batch)
                raise ReportError(f"rendering {names} failed: {error}")
        for _batch, batch_results, _error in outcomes:
            for result in batch_results:
                results.append(result)
                _report_progress(result, progress)
        return results

    def close(self) -> None:
        """Kill the worker if it still runs (its copies die with it)."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.kill()
        if self._pool is not None:
            self._pool.shutdown()  # communicate() returns once the worker is gone
        self._proc.wait()
        for stream in (self._proc.stdin, self._proc.stdout, self._proc.stderr):
            with contextlib.suppress(OSError):
                stream.close()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _start_worker(audiences: list[str]) -> subprocess.Popen:
    package_root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    return subprocess.Popen(
        [sys.executable, "-m", "audit.report", str(os.getpid()), *audiences],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def _die_with_parent(parent_pid: int) -> None:
    """Linux: get SIGKILL when the parent process dies; exit now if it already has."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:
        os._exit(1)


def _worker_main(args: list[str]) -> None:
    """``python -m audit.report PARENT_PID AUDIENCE...``: get ready, then render the
    pickled batches from stdin and write the pickled outcomes to stdout."""
    parent_pid, *audiences = args
    _die_with_parent(int(parent_pid))
    _get_ready(audiences)
    data, batches, attachments = pickle.loads(sys.stdin.buffer.read())
    outcomes = _render_batches(data, batches, attachments)
    sys.stdout.buffer.write(pickle.dumps(outcomes))
    sys.stdout.flush()
    os._exit(0)  # nothing left to clean up: skip the interpreter's teardown


Outcome = tuple[list[tuple[str, str, Path]], list[RenderResult], str | None]


def _render_batches(
    data: dict[str, Any], batches: list[list[tuple[str, str, Path]]], attachments: list[Path]
) -> list[Outcome]:
    """Render the first batch here and every other one in a forked copy of this process.

    A copy shares the imports and compiled templates, so it starts laying out at
    once; it sends its outcome through a pipe and exits without cleaning up.
    """
    if not hasattr(os, "fork"):
        return [_render_batch(data, batch, attachments) for batch in batches]
    worker = os.getpid()
    copies = []
    for batch in batches[1:]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(read_end)
                _die_with_parent(worker)
                outcome = _render_batch(data, batch, attachments)
                with os.fdopen(write_end, "wb") as pipe:
                    pickle.dump(outcome, pipe)
            finally:
                os._exit(0)
        os.close(write_end)
        copies.append((batch, pid, read_end))
    outcomes = [_render_batch(data, batches[0], attachments)]
    for batch, pid, read_end in copies:
        with os.fdopen(read_end, "rb") as pipe:
            payload = pipe.read()
        _pid, status = os.waitpid(pid, 0)
        outcomes.append(
            pickle.loads(payload) if payload else (batch, [], f"process ended ({status})")
        )
    return outcomes


def _render_batch(
    data: dict[str, Any], batch: list[tuple[str, str, Path]], attachments: list[Path]
) -> Outcome:
    try:
        return batch, [_render_job(data, *job, attachments) for job in batch], None
    except Exception:
        tail = traceback.format_exc().strip().splitlines()[-5:]
        return batch, [], " | ".join(tail)


def _get_ready(audiences: list[str]) -> None:
    """What a worker can do before the data arrives: imports and template compilation."""
    import weasyprint  # noqa: F401  (about a second of imports)

    for audience in audiences:
        environment().get_template(f"{audience}/report.html")
    messages()


def _render_job(
    data: dict[str, Any], audience: str, lang: str, path: Path, attachments: list[Path]
) -> RenderResult:
    return write_pdf(context_for(data, audience, lang), path, attachments)


def _report_progress(result: RenderResult, progress) -> None:
    _report_warnings(result, progress)
    if progress is not None:
        step = getattr(progress, "step", None)  # a run's stage logs each PDF's time
        if step is not None:
            step(result.path.name, result.seconds, pages=result.pages)
        progress.advance(result.path.name)


def render_one(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    month: date,
    audience: str,
    lang: str,
    manifest: dict[str, Any],
    out_path: Path,
    attachments: list[Path] | None = None,
) -> Path:
    """Render one report (``regulator``/``management``, ``zh``/``en``) to ``out_path``."""
    _check_choice(audience, lang)
    context = context_for(collect(con, config, month, manifest), audience, lang)
    return write_pdf(context, out_path, attachments or []).path


def render_report(
    config: Config,
    month: date,
    audience: str,
    lang: str,
    out: Path | None = None,
) -> RenderResult:
    """``audit report``: render one report of a month that was run, from the warehouse.

    Uses the manifest of the month's latest succeeded run and, when it is still
    kept, the warehouse version that run published, so the report is the one the
    run produced. Writes to ``reports/<YYYY-MM>/<audience>_<lang>.pdf`` (or
    ``out``) under a temporary name first, then renames it into place.
    """
    from audit import outputs
    from audit.warehouse import Warehouse, configure

    _check_choice(audience, lang)
    month = month.replace(day=1)
    wh = Warehouse(config)
    con = wh.connect_read()
    try:
        manifest = run_manifest(con, month)
        pinned = wh.versions_dir / str(manifest.get("warehouse_version") or "")
        current = wh.current()
        if pinned.is_file() and current is not None and pinned.resolve() != current.path.resolve():
            con.close()
            con = duckdb.connect(str(pinned), read_only=True)
            configure(con, config)
        target = (
            Path(out)
            if out
            else Path(config.reports_dir) / f"{month:%Y-%m}" / f"{audience}_{lang}.pdf"
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            with tempfile.TemporaryDirectory(prefix="audit-report-") as scratch:
                csv = outputs.write_violations_csv(con, month, Path(scratch) / "violations.csv")
                context = context_for(collect(con, config, month, manifest), audience, lang)
                result = write_pdf(context, tmp, [csv])
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    finally:
        con.close()
    result.path = target
    return result


def run_manifest(con: duckdb.DuckDBPyConnection, month: date) -> dict[str, Any]:
    """The manifest of the latest succeeded run of ``month``; ReportError if none."""
    rows = _rows(con, "report_run_manifest", {"month": month.replace(day=1)})
    if not rows:
        raise ReportError(
            f"month {month:%Y-%m} has no succeeded run in the warehouse; "
            f"run `audit run --month {month:%Y-%m}` first"
        )
    try:
        return json.loads(rows[0]["manifest"])
    except ValueError:
        raise ReportError(
            f"the manifest of run {rows[0]['run_id']} is not valid JSON; re-run the month"
        ) from None


def _check_choice(audience: str, lang: str) -> None:
    if audience not in AUDIENCES:
        raise ReportError(f"unknown audience {audience!r}; use one of {', '.join(AUDIENCES)}")
    if lang not in LANGUAGES:
        raise ReportError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")


# ---------------------------------------------------------------- data (SQL → dicts)


def _rows(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> list[dict]:
    """Run ``queries/report/<name>.sql``; personal and free-text columns come back masked."""
    rel = queries.relation(con, queries.select_sql(name), params, name)
    columns = rel.columns
    unmasked = [c for c in columns if c in _PERSONAL and c not in masking.COLUMN_MASKS]
    if unmasked:
        raise ReportError(f"{name}: personal column(s) {', '.join(unmasked)} have no mask")
    masks = {c: masking.COLUMN_MASKS[c] for c in columns if c in masking.COLUMN_MASKS}
    rows = queries.fetch_dicts(rel)
    if masks:
        for row in rows:  # every report query returns a bounded number of rows
            for column, mask in masks.items():
                if row[column] is not None:
                    row[column] = mask(row[column])
    return rows


def _group(rows: list[dict], key: str) -> dict[Any, list[dict]]:
    grouped: dict[Any, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped


def _confidence_key(value: str) -> str:
    return re.sub(r"[^a-z]+", "_", value.lower()).strip("_")


def _parse_instant(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _run_info(manifest: dict[str, Any], config: Config) -> dict[str, Any]:
    tz = manifest.get("portfolio_timezone") or config.portfolio.portfolio_timezone
    started = _parse_instant(manifest.get("started_at")) or datetime(1970, 1, 1, tzinfo=UTC)
    return {
        "run_id": str(manifest.get("run_id") or "—"),
        "code_version": str(manifest.get("code_version") or "—"),
        "started_at": started.astimezone(ZoneInfo(tz)),
        "started_at_w3c": started.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "started_at_utc": started.astimezone(UTC).replace(tzinfo=None),
        "warehouse_version": str(manifest.get("warehouse_version") or "—"),
        "portfolio_timezone": tz,
        "params_sha256": str(manifest.get("params_sha256") or "—"),
        "inputs_sha256": str(manifest.get("inputs_sha256") or "—"),
        "months_evaluated": [str(m) for m in manifest.get("months_evaluated") or []],
        "inputs": len(manifest.get("inputs") or []),
        "contacts": manifest.get("contacts"),
        "violations": manifest.get("violations"),
    }


def _rule_meta(config: Config, manifest: dict[str, Any], rule: rules.Rule) -> dict[str, Any]:
    used = (manifest.get("params") or {}).get("rules") or {}
    values = used.get(rule.id) if rule.id in used else rules.params_in_force(config, rule)
    params = [
        {
            "name": p.name,
            "value": values.get(p.name, p.default),
            "default": p.default,
            "changed": values.get(p.name, p.default) != p.default,
            "doc": p.doc,
        }
        for p in rule.params
    ]
    pack = rules.packs()[rule.pack]
    return {
        "id": rule.id,
        "anchor": "rule-" + rule.id.lower(),
        "pack": rule.pack,
        "pack_titles": dict(pack.title),
        "kind": rule.kind,
        "severity": rule.severity,
        "confidence": rule.confidence,
        "confidence_key": _confidence_key(rule.confidence),
        "citation": rule.citation,
        "titles": dict(rule.title),
        "descriptions": dict(rule.description),
        "params": params,
    }


def _plain_number(text: Any) -> Any:
    """'1.000000' -> '1' for parameters stored as text."""
    try:
        value = float(str(text))
    except ValueError:
        return text
    return f"{value:g}" if math.isfinite(value) else text


def evidence_per_rule(evidence_rows: int, rules_with_findings: int) -> int:
    """Evidence rows printed per rule section: ``evidence_rows``, fewer when so many
    rules have a finding that the sections together would pass EVIDENCE_BUDGET."""
    if rules_with_findings <= 0:
        return evidence_rows
    share = max(EVIDENCE_BUDGET // rules_with_findings, MIN_EVIDENCE_ROWS)
    return min(evidence_rows, share)


def collect(
    con: duckdb.DuckDBPyConnection, config: Config, month: date, manifest: dict[str, Any]
) -> dict[str, Any]:
    """Everything the reports show, language-independent, from queries/report/*.sql."""
    month = month.replace(day=1)
    previous = (month - timedelta(days=1)).replace(day=1)
    tz = manifest.get("portfolio_timezone") or config.portfolio.portfolio_timezone
    bounds = rules.month_bounds(month, tz)
    params = {
        "month": month,
        "previous_month": previous,
        "month_start_at": bounds.start_at,
        "month_end_at": bounds.end_at,
        "top_n": config.report.top_n,
        "rule_top_n": min(config.report.top_n, RULE_TOP_N),
        "evidence_rows": config.report.evidence_rows,
        "trend_months": TREND_MONTHS,
        "max_cohorts": MAX_COHORTS,
        "max_mob": MAX_MOB,
    }

    def q(name: str) -> list[dict]:
        return _rows(con, name, params)

    totals = {row["month"]: row for row in q("report_month_totals")}
    counts = {row["rule_id"]: row for row in q("report_rule_counts")}
    agencies = _group(q("report_rule_agencies"), "rule_id")
    collectors = _group(q("report_rule_collectors"), "rule_id")
    with_findings = sum(
        1
        for rule in rules.all_rules()
        if rule.kind == "violation" and (counts.get(rule.id) or {}).get("violations")
    )
    per_rule = evidence_per_rule(config.report.evidence_rows, with_findings)
    evidence = _group(
        _rows(con, "report_rule_evidence", {**params, "evidence_rows": per_rule}), "rule_id"
    )

    catalogue = []
    applicable = []
    for rule in rules.all_rules():  # the rule catalogue (about 30 entries), not data rows
        meta = _rule_meta(config, manifest, rule)
        meta["applies"] = rule.id in counts
        catalogue.append(meta)
        if rule.kind == "violation" and rule.id in counts:
            applicable.append(
                {
                    **meta,
                    **counts[rule.id],
                    "agencies": agencies.get(rule.id, []),
                    "collectors": collectors.get(rule.id, []),
                    "evidence": evidence.get(rule.id, []),
                }
            )
    with_violations = sorted(
        (r for r in applicable if r["violations"]), key=lambda r: (-r["violations"], r["id"])
    )[: config.report.top_n]

    flag_meta = {m["id"]: m for m in catalogue if m["kind"] == "risk_flag"}
    flag_counts = [
        {**row, **_flag_fields(flag_meta.get(row["rule_id"]), row["rule_id"])}
        for row in q("report_risk_flags")
    ]

    load_totals = q("report_load_totals")
    files = q("report_loads")
    total = {
        key: sum(row[key] for row in load_totals)  # one row per entity (at most eight)
        for key in ("files", "rows_read", "rows_loaded", "rows_rejected")
    }
    metric_param_rows = [
        {**row, "param_value": _plain_number(row["param_value"])}
        for row in q("report_metric_params")
    ]
    metric_params = {
        "default_dpd": config.metrics.default_dpd,
        "ptp_grace_days": config.metrics.ptp_grace_days,
        "ptp_tolerance": _plain_number(config.metrics.ptp_tolerance),
    }
    metric_params.update({row["param_name"]: row["param_value"] for row in metric_param_rows})

    return {
        "month": month,
        "previous_month": previous,
        "start": bounds.month,
        "end": bounds.month_end,
        "config": {
            "institution": {
                "name": config.institution.name,
                "name_zh": config.institution.name_zh,
                "licence_no": config.institution.licence_no,
            },
            "currency": config.portfolio.currency,
            "limits": {
                "top_n": config.report.top_n,
                "rule_top_n": params["rule_top_n"],
                "evidence_rows": config.report.evidence_rows,
                "evidence_per_rule": per_rule,
            },
        },
        "manifest": manifest,
        "run": _run_info(manifest, config),
        # months checked before violation_summary had its regime cut: from the contacts
        "regimes": q("report_regimes") or q("report_regimes_contacts"),
        "summary": {"current": totals.get(month), "previous": totals.get(previous)},
        "rules": applicable,
        "rules_with_violations": with_violations,
        "rule_catalogue": catalogue,
        "overall": {"agencies": agencies.get("ALL", []), "collectors": collectors.get("ALL", [])},
        "risk_flags": {"counts": flag_counts, "examples": q("report_risk_flag_examples")},
        "complaints": {
            "by_category": q("report_complaints"),
            "by_agency": q("report_complaints_by_agency"),
        },
        "data_quality": {
            "totals": load_totals,
            "total": total,
            "balanced": total["rows_read"] == total["rows_loaded"] + total["rows_rejected"],
            "files": files,
            "files_total": files[0]["files_total"] if files else 0,
            "reasons": q("report_reject_reasons"),
        },
        "metric_param_rows": metric_param_rows,
        "metric_params": metric_params,
        "buckets": q("report_buckets"),
        "trend": q("report_kpi_trend"),
        "roll": q("report_roll_matrix"),
        "vintage": q("report_vintage"),
        "agency_league": q("report_agency_league"),
        "collector_league": q("report_collector_league"),
    }


def _flag_fields(meta: dict[str, Any] | None, rule_id: str) -> dict[str, Any]:
    if meta is None:
        return {"titles": {"en": rule_id, "zh": rule_id}, "confidence_key": "policy"}
    return {"titles": meta["titles"], "confidence_key": meta["confidence_key"]}


# ---------------------------------------------------------------- context per language


def _localized(values: dict[str, str], lang: str) -> str:
    return values.get(lang) or values.get("en") or next(iter(values.values()), "")


def context_for(data: dict[str, Any], audience: str, lang: str) -> dict[str, Any]:
    """The template context of one report in one language (plain values only)."""
    _check_choice(audience, lang)
    cfg = data["config"]
    institution = cfg["institution"]

    def localize(items: list[dict]) -> list[dict]:
        out = []
        for item in items:
            extra = {"title": _localized(item["titles"], lang)}
            if "descriptions" in item:
                extra["description"] = _localized(item["descriptions"], lang)
            if "pack_titles" in item:
                extra["pack_title"] = _localized(item["pack_titles"], lang)
            out.append({**item, **extra})
        return out

    context = {
        "audience": audience,
        "lang": lang,
        "html_lang": LANGUAGES[lang],
        "title": message(f"doc.{audience}.title", lang),
        "institution": {
            "name": (institution["name_zh"] if lang == "zh" else "") or institution["name"],
            "licence_no": institution["licence_no"],
        },
        "currency": cfg["currency"],
        "limits": cfg["limits"],
        "period": {
            "month": data["month"],
            "previous_month": data["previous_month"],
            "start": data["start"],
            "end": data["end"],
        },
        "run": data["run"],
        "regimes": data["regimes"],
        "summary": data["summary"],
        "rules": localize(data["rules"]),
        "rules_with_violations": localize(data["rules_with_violations"]),
        "rule_catalogue": localize(data["rule_catalogue"]),
        "overall": data["overall"],
        "risk_flags": {
            "counts": localize(data["risk_flags"]["counts"]),
            "examples": data["risk_flags"]["examples"],
        },
        "complaints": data["complaints"],
        "data_quality": data["data_quality"],
        "metric_keys": METRIC_KEYS if audience == "management" else REGULATOR_METRIC_KEYS,
        "metric_param_rows": data["metric_param_rows"],
        "metric_params": data["metric_params"],
        "buckets": data["buckets"],
        "attachment_names": ["manifest.json"],  # write_pdf adds the files it attaches
        "manifest_json": json.dumps(
            data["manifest"], indent=2, sort_keys=True, default=str, ensure_ascii=False
        ),
    }
    if audience == "management":
        context.update(_management(data))
    return context


PORTFOLIO_SERIES = ("recovery_rate", "cure_rate", "default_rate", "ptp_kept_rate")
CONTACT_SERIES = ("rpc_per_attempt", "rpc_per_connected_call", "penetration")


def charts_for(data: dict[str, Any]) -> dict[str, str | None]:
    """The management charts (language-neutral SVG data URIs), built once per month."""
    if "charts" not in data:
        from audit import charts

        trend = data["trend"]  # at most TREND_MONTHS rows
        months = [f"{row['month']:%Y-%m}" for row in trend]
        buckets = [b["bucket"] for b in data["buckets"]]
        from_buckets = [b for b in buckets if b != "CLOSED"]
        cells = {
            (c["from_bucket"], c["to_bucket"]): c["account_rate"]
            for c in data["roll"]  # one row per bucket pair
            if c["from_bucket"] in from_buckets and c["to_bucket"] in buckets
        }
        cohorts = _group(data["vintage"], "origination_month")  # <= MAX_COHORTS x MAX_MOB
        curves = [
            (f"{month:%Y-%m}", [r["mob"] for r in rows], [r["cum_default_rate"] for r in rows])
            for month, rows in sorted(cohorts.items())
        ]
        data["charts"] = {
            "portfolio_rates": charts.line_chart(
                months, [[row[k] for row in trend] for k in PORTFOLIO_SERIES]
            ),
            "contact_rates": charts.line_chart(
                months, [[row[k] for row in trend] for k in CONTACT_SERIES]
            ),
            "violations_trend": charts.bar_chart(
                months, [row["violations_per_10k"] for row in trend]
            ),
            "roll_heat_map": charts.heat_map(from_buckets, buckets, cells),
            "vintage": charts.curves(curves),
        }
    return data["charts"]


def _management(data: dict[str, Any]) -> dict[str, Any]:
    by_month = {row["month"]: row for row in data["trend"]}
    current = by_month.get(data["month"], {})
    previous = by_month.get(data["previous_month"], {})
    kpis = [
        {"key": key, "kind": kind, "value": current.get(key), "previous": previous.get(key)}
        for key, kind in KPIS
    ]
    return {
        "kpis": kpis,
        "trend_months": len(data["trend"]),
        "vintage_cohorts": len({row["origination_month"] for row in data["vintage"]}),
        "legends": {"portfolio_rates": PORTFOLIO_SERIES, "contact_rates": CONTACT_SERIES},
        "agency_league": data["agency_league"],
        "collector_league": data["collector_league"],
        "charts": charts_for(data),
    }


# ---------------------------------------------------------------- messages and filters


@functools.cache
def messages() -> dict[str, dict[str, str]]:
    """The message catalogue: key -> {zh: ..., en: ...}."""
    path = TEMPLATES_DIR / "messages.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, texts in data.items():
        if set(texts) != set(LANGUAGES):
            raise ReportError(f"{path}: {key} needs exactly the languages {', '.join(LANGUAGES)}")
    return data


def message(key: str, lang: str, **values: Any) -> str:
    try:
        text = messages()[key][lang]
    except KeyError:
        raise ReportError(f"no message {key!r} in report_templates/messages.yaml") from None
    return text.format(**values) if values else text


@pass_context
def _t(ctx, key: str, **values: Any) -> str:
    return message(key, ctx["lang"], **values)


@pass_context
def _label(ctx, kind: str, value: Any) -> str:
    """A translated enum value (channel, party, severity, regime, param) or the value."""
    if value is None:
        return ""
    entry = messages().get(f"{kind}.{value}")
    return entry[ctx["lang"]] if entry else str(value)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_number(value: Any, digits: int = 0) -> str:
    """1,234 / 198.8; '—' for a missing value."""
    if _is_missing(value):
        return "—"
    return f"{float(value) if digits else round(value):,.{digits}f}"


def format_percent(value: Any, digits: int = 1) -> str:
    """A share (0..1) as 12.3%."""
    if _is_missing(value):
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


@pass_context
def _money(ctx, value: Any, currency: str | None = None, digits: int = 2) -> str:
    if _is_missing(value):
        return "—"
    return f"{currency or ctx['currency']} {Decimal(value):,.{digits}f}"


_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@pass_context
def _date(ctx, value: Any, style: str = "day") -> str:
    """day 2026-10-31; month 2026年10月 / October 2026; iso_month 2026-10;
    minute 2026-10-09 23:40; datetime with the UTC offset."""
    if value is None:
        return "—"
    if style == "month":
        return (
            f"{value.year}年{value.month}月"
            if ctx["lang"] == "zh"
            else (f"{_MONTHS_EN[value.month - 1]} {value.year}")
        )
    if style == "iso_month":
        return f"{value:%Y-%m}"
    if style == "minute":
        return f"{value:%Y-%m-%d %H:%M}"
    if style == "datetime":
        offset = value.strftime("%z")
        zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else ""
        return f"{value:%Y-%m-%d %H:%M:%S} {zone}".strip()
    return f"{value:%Y-%m-%d}"


@pass_context
def _change(ctx, current: Any, previous: Any, kind: str = "count") -> str:
    """Signed change against the previous month: +5, +25.7, +1.2 pp."""
    if _is_missing(current) or _is_missing(previous):
        return "—"
    delta = float(current) - float(previous)
    if kind == "rate":
        return f"{delta * 100:+.1f} {message('kpi.pp', ctx['lang'])}"
    if kind in ("per10k", "per1000"):
        return f"{delta:+,.{1 if kind == 'per10k' else 2}f}"
    return f"{round(delta):+,d}"


def _kpi_value(value: Any, kind: str) -> str:
    if kind == "rate":
        return format_percent(value)
    return format_number(value, 1 if kind == "per10k" else 2)


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=lambda value: "" if value is None else value,
    )
    env.filters.update(
        number=format_number,
        percent=format_percent,
        money=_money,
        date=_date,
        mask_phone=masking.mask_phone,
        mask_name=masking.mask_name,
        mask_id=masking.mask_id,
        redact=masking.redact,
    )
    env.globals.update(t=_t, label=_label, change=_change, kpi_value=_kpi_value)
    return env


def render_html(context: dict[str, Any]) -> str:
    """The report's HTML (what WeasyPrint lays out)."""
    template = environment().get_template(f"{context['audience']}/report.html")
    return template.render(context)


# ---------------------------------------------------------------- PDF


def _data_uri_fetcher():
    """A WeasyPrint URL fetcher that serves data: URIs and refuses every other URL."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class DataOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith("data:"):
                raise ValueError(f"report renderer fetches no external resource: {url[:80]}")
            meta, _, payload = url[5:].partition(",")
            mime, *options = meta.split(";")
            body = (
                base64.b64decode(payload)
                if "base64" in options
                else urllib.parse.unquote_to_bytes(payload)
            )
            return URLFetcherResponse(url, body, {"Content-Type": mime or "text/plain"})

    return DataOnlyFetcher()


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _weasyprint_messages() -> Iterator[list[str]]:
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


def write_pdf(context: dict[str, Any], out_path: Path, attachments: list[Path]) -> RenderResult:
    """Render ``context`` to a PDF at ``out_path`` with the attachments and the manifest."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    started = time.perf_counter()
    files = [_embedded_file(path) for path in attachments]
    files.append(
        EmbeddedFile.of("manifest.json", "run manifest", context["manifest_json"].encode("utf-8"))
    )
    html = render_html({**context, "attachment_names": [f.name for f in files]})
    fetcher = _data_uri_fetcher()
    created = context["run"]["started_at_utc"]  # naive UTC: the PDF's dates are the run's
    with _weasyprint_messages() as warnings:
        fonts = FontConfiguration()
        stylesheets = [
            weasyprint.CSS(
                filename=str(TEMPLATES_DIR / name), font_config=fonts, url_fetcher=fetcher
            )
            for name in STYLESHEETS
        ]
        document = weasyprint.HTML(string=html, url_fetcher=fetcher).render(
            stylesheets=stylesheets, font_config=fonts
        )
        document.write_pdf(out_path, finisher=functools.partial(_embed, files, created))
    families = {font.family for font in document.fonts.values()}
    if not any(CJK_FONT in family for family in families):
        raise ReportError(
            f"{out_path.name}: the font {CJK_FONT!r} was not used (fonts: "
            f"{', '.join(sorted(families)) or 'none'}); install it, e.g. "
            "`apt-get install fonts-noto-cjk libharfbuzz-subset0`"
        )
    return RenderResult(
        path=out_path,
        seconds=time.perf_counter() - started,
        pages=len(document.pages),
        warnings=list(warnings),
    )


@dataclass(frozen=True)
class EmbeddedFile:
    """A file to embed in the PDFs, compressed once however many PDFs carry it."""

    name: str
    description: str
    size: int
    md5: str
    deflated: bytes

    @classmethod
    def of(cls, name: str, description: str, data: bytes) -> EmbeddedFile:
        return cls(
            name=name,
            description=description,
            size=len(data),
            md5=hashlib.md5(data, usedforsecurity=False).hexdigest(),
            deflated=zlib.compress(data, ATTACHMENT_COMPRESSION),
        )


def _embedded_file(path: Path) -> EmbeddedFile:
    stat = Path(path).stat()
    return _embedded_file_cached(Path(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _embedded_file_cached(path: Path, _size: int, _mtime_ns: int) -> EmbeddedFile:
    # keyed by size and time too: a rewritten file is read again
    return EmbeddedFile.of(path.name, path.name, path.read_bytes())


def _embed(files: list[EmbeddedFile], created: datetime, _document, pdf) -> None:
    """WeasyPrint finisher: add ``files`` to the PDF as embedded files (its attachments).

    WeasyPrint's own attachments deflate each file at level 9 in every PDF, the
    month's violations.csv included (7 MB at 10M contacts a year, ten times that
    with 10M a month), four times a month; here each is deflated once (at
    :data:`ATTACHMENT_COMPRESSION`) and written as it is. The objects are those
    WeasyPrint writes: a /Filespec per file in the catalogue's /EmbeddedFiles
    name tree, whose keys are sorted.
    """
    import pydyf

    stamp = pydyf.String(created.strftime("D:%Y%m%d%H%M%SZ"))
    names = pydyf.Array()
    for file in sorted(files, key=lambda f: f.name):
        mime_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        stream = pydyf.Stream(
            [file.deflated],
            pydyf.Dictionary(
                {
                    "Type": "/EmbeddedFile",
                    "Subtype": "/" + mime_type.replace("/", "#2f"),
                    "Filter": "/FlateDecode",
                    "Params": pydyf.Dictionary(
                        {
                            "CheckSum": f"<{file.md5}>",
                            "Size": file.size,
                            "CreationDate": stamp,
                            "ModDate": stamp,
                        }
                    ),
                }
            ),
        )
        pdf.add_object(stream)
        spec = pydyf.Dictionary(
            {
                "Type": "/Filespec",
                "F": pydyf.String(file.name.encode(errors="ignore")),
                "UF": pydyf.String(file.name),
                "EF": pydyf.Dictionary({"F": stream.reference}),
                "Desc": pydyf.String(file.description),
                "AFRelationship": "/Data",
            }
        )
        pdf.add_object(spec)
        names.extend([spec["F"], spec.reference])
    tree = pydyf.Dictionary({"Names": names})
    pdf.add_object(tree)
    if "Names" not in pdf.catalog:
        pdf.catalog["Names"] = pydyf.Dictionary()
    pdf.catalog["Names"]["EmbeddedFiles"] = tree.reference


def font_warnings(result: RenderResult) -> list[str]:
    """The warnings of a render that are about fonts or missing glyphs."""
    return [w for w in result.warnings if _FONT_WARNING.search(w)]


def _report_warnings(result: RenderResult, progress) -> None:
    for warning in result.warnings:
        text = f"{result.path.name}: WeasyPrint: {warning}"
        owner = getattr(progress, "progress", None)
        if owner is not None:
            owner.event("warning", message=text)
        else:
            log.warning(text)


if __name__ == "__main__":
    # through the package module, so the pickled result names audit.report.RenderResult
    from audit import report

    report._worker_main(sys.argv[1:])
