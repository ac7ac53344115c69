"""The steps a command runs, in order: ingest, compute, check, render, publish."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from audit import ingest
from audit.config import Config
from audit.warehouse import Warehouse

Log = Callable[[str], None]


def _quiet(_message: str) -> None:
    pass


def ingest_paths(
    config: Config,
    paths: list[Path],
    *,
    entity: str | None = None,
    profile_name: str | None = None,
    encoding: str | None = None,
    log: Log = _quiet,
) -> list[ingest.FileResult]:
    """Load files into a new warehouse version and publish it (when anything was loaded)."""
    sources = ingest.plan(
        paths, config, entity=entity, profile_name=profile_name, encoding=encoding
    )
    wh = Warehouse(config)
    with wh.change("ingest") as change:
        results = ingest.ingest(
            change.con,
            config,
            sources,
            wh.root / "tmp",
            progress=lambda s: log(f"loading {s.path} ({s.entity})"),
        )
        change.discard = all(r.skipped for r in results)
    return results
