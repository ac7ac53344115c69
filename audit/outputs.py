"""Files a run leaves in ``reports/<YYYY-MM>/``: PDFs, violations.csv, metrics.xlsx, manifest.json.

Everything is first written into a private staging folder; ``move_into_place``
then renames each file into the month's folder (an atomic rename per file)
and writes ``manifest.json`` last, so a reader never finds a half-written file
under its final name and a manifest always describes files that are complete.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import xlsxwriter

from audit import queries
from audit.config import Config

METRIC_SHEETS = (
    "roll_rates",
    "cure_rates",
    "recovery",
    "default_rates",
    "vintage",
    "ptp",
    "contact_activity",
    "complaints",
    "violation_summary",
)


def write_month(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    month: date,
    manifest: dict[str, Any],
    out_dir: Path,
    progress=None,
    metrics_xlsx: bool = True,
) -> list[Path]:
    """Write every output of the month into ``out_dir`` (a staging folder).

    The PDF workers start first and get ready while violations.csv (attached to
    the PDFs) is written and the report data is queried; metrics.xlsx is written
    while they lay out the PDFs (left out with ``metrics_xlsx=False``: the
    benchmark times the PDFs alone).
    """
    from audit import report

    out_dir.mkdir(parents=True, exist_ok=True)
    with report.Renderer(config) as renderer:
        csv = write_violations_csv(con, month, out_dir / "violations.csv")
        data = report.collect(con, config, month, manifest)
        pdfs = renderer.submit(data, out_dir, attachments=[csv])
        xlsx = [write_metrics_xlsx(con, month, out_dir / "metrics.xlsx")] if metrics_xlsx else []
        renderer.wait(progress)
    return [csv, *xlsx, *pdfs]


def write_violations_csv(con: duckdb.DuckDBPyConnection, month: date, path: Path) -> Path:
    """The month's violations (``queries/report/violations_csv.sql``), written by DuckDB.

    A ``COPY`` rather than a frame: the list grows with the data (20 thousand
    rows, 7 MB at 10M contacts a year; ten times that with 10M a month) and
    DuckDB writes it without first converting it to Python objects.
    """
    sql = queries.select_sql("violations_csv")
    target = str(path).replace("'", "''")
    queries.execute(con, f"copy ({sql}) to '{target}' (header)", {"month": month}, "violations_csv")
    return path


def write_metrics_xlsx(con: duckdb.DuckDBPyConnection, month: date, path: Path) -> Path:
    """One sheet per metric table, months up to ``month`` (account-level tables excluded)."""
    existing = {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = current_database()"
        ).fetchall()
    }
    with xlsxwriter.Workbook(path) as workbook:
        # a fixed creation date keeps the file identical when a run is re-rendered
        workbook.set_properties(
            {
                "title": f"Collection metrics {month:%Y-%m}",
                "created": datetime(month.year, month.month, 1),
            }
        )
        for table in METRIC_SHEETS:
            if table not in existing:
                continue
            month_col = "origination_month" if table == "vintage" else "month"
            frame = con.sql(
                f"select * from {table} where {month_col} <= $m order by all", params={"m": month}
            ).pl()
            frame.write_excel(
                workbook=workbook, worksheet=table, autofit=True, table_style="Table Style Light 9"
            )
    return path


def move_into_place(staging: Path, final: Path, manifest: dict[str, Any]) -> list[Path]:
    """Rename staged files into ``final`` one by one, then write manifest.json last."""
    final.mkdir(parents=True, exist_ok=True)
    placed = []
    for path in sorted(staging.iterdir()):
        target = final / path.name
        os.replace(path, target)
        placed.append(target)
    manifest_path = final / "manifest.json"
    tmp = final / ".manifest.json.tmp"
    tmp.write_text(
        json.dumps(manifest, indent=2, default=str, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    os.replace(tmp, manifest_path)
    staging.rmdir()
    return [*placed, manifest_path]
