"""The DuckDB warehouse: immutable published versions behind one stable path.

DuckDB lets one process write a file *or* many processes read it, so a run
never writes the file analysts read. Every change (an ingest, a monthly run)
works on a private copy of the current version and, once complete, publishes
it by atomically re-pointing a symlink::

    warehouse/
      current.duckdb -> versions/v00012_run.duckdb   what analysts open
      versions/v00012_run.duckdb                     immutable once published
      versions/v00013_run.duckdb.tmp                 work in progress (never read)
      audit.lock                                     held while a change runs
      run_log.jsonl                                  every run attempt

A reader that has ``current.duckdb`` open keeps seeing the version it opened
until it reconnects; a killed change leaves only a ``.tmp`` file, removed by
the next one. Files are written in DuckDB's v1.5 storage format so the DuckDB
CLI analysts install today (1.5) can open them.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from audit import schema
from audit.config import Config
from audit.errors import WarehouseError, WarehouseLocked

STORAGE_VERSION = "v1.5.0"  # readable by the DuckDB 1.5 CLI as well as duckdb 2.x
CURRENT = "current.duckdb"
_VERSION_RE = re.compile(r"^v(\d{5,})_([a-z0-9-]+)\.duckdb$")

LOADS_DDL = """
create table if not exists loads (
    load_id INTEGER NOT NULL,
    source_file VARCHAR NOT NULL,
    entity VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL,
    file_format VARCHAR,
    encoding VARCHAR,
    profile VARCHAR,
    bytes BIGINT,
    mtime_ns BIGINT
)"""

REJECTS_DDL = """
create table if not exists rejects (
    load_id INTEGER NOT NULL,
    source_file VARCHAR NOT NULL,
    line_no BIGINT,
    column_name VARCHAR,
    value VARCHAR,
    reason VARCHAR NOT NULL
)"""

RUNS_DDL = """
create table if not exists runs (
    run_id VARCHAR NOT NULL,
    month DATE NOT NULL,
    status VARCHAR NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    code_version VARCHAR,
    params_sha256 VARCHAR,
    inputs_sha256 VARCHAR,
    warehouse_version VARCHAR,
    contacts BIGINT,
    violations BIGINT,
    rows_rejected BIGINT,
    manifest VARCHAR
)"""


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the canonical tables, loads, rejects and runs when missing."""
    for name in schema.LOAD_ORDER:
        con.execute(schema.table_ddl(schema.ENTITIES[name]))
    _convert_label_columns(con)
    con.execute(LOADS_DDL)
    # warehouses written before loads recorded each file's modification time
    con.execute("alter table loads add column if not exists mtime_ns BIGINT")
    con.execute(REJECTS_DDL)
    con.execute(RUNS_DDL)


def _convert_label_columns(con: duckdb.DuckDBPyConnection) -> None:
    """Bring columns with a vocabulary to their ENUM type (schema.sql_type).

    Warehouses written before the label columns were ENUMs hold them as VARCHAR, and
    a vocabulary that grows changes the type; the stored values are in the vocabulary
    (ingest rejects others), so the conversion keeps every row.
    """
    stored = {
        (t, c): kind
        for t, c, kind in con.execute(
            "select table_name, column_name, data_type from duckdb_columns() "
            "where database_name = current_database() and schema_name = 'main'"
        ).fetchall()
    }
    for name in schema.LOAD_ORDER:
        for col in schema.ENTITIES[name].columns:
            want = schema.sql_type(col)
            if col.type == schema.ENUM and stored.get((name, col.name), want) != want:
                con.execute(f'alter table {name} alter column "{col.name}" type {want}')


def configure(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Session settings every connection gets: time zone, memory, threads, spill, pool."""
    con.execute("set enable_progress_bar = false")
    con.execute(f"set TimeZone = '{config.portfolio.portfolio_timezone}'")
    wh = config.warehouse
    if wh.memory_limit:
        con.execute(f"set memory_limit = '{wh.memory_limit}'")
    if wh.threads:
        con.execute(f"set threads = {int(wh.threads)}")
    temp = Path(wh.temp_directory) if wh.temp_directory else config.warehouse_dir / "tmp"
    con.execute(f"set temp_directory = '{_sql_str(str(temp))}'")
    _pool_blocks(con)


def _pool_blocks(con: duckdb.DuckDBPyConnection) -> None:
    """Let DuckDB keep the memory of freed blocks, up to half its memory limit, for reuse.

    Without a pool every hash table and sort of a run asks the kernel for fresh pages
    and hands them back afterwards: at 10M contacts a first run took 1.3M page faults
    and about 10 CPU s in the kernel; with a pool of 8 GB, 0.5M and 6. The pool grows
    only as blocks are used and is released when the database closes. DuckDB takes a
    percentage here of the memory limit in force, and refuses to shrink the pool, so a
    second connection to an open database keeps the larger one.
    """
    with contextlib.suppress(duckdb.InvalidInputException):
        con.execute("set block_allocator_memory = '50%'")


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the connection's database has a table (not a temp one) named ``name``."""
    return bool(
        con.execute(
            "select 1 from information_schema.tables where table_name = $n "
            "and table_catalog = current_database()",
            {"n": name},
        ).fetchall()
    )


def _sql_str(text: str) -> str:
    return text.replace("'", "''")


@dataclass(frozen=True)
class Version:
    number: int
    kind: str
    path: Path

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class Change:
    """An open work version: write through ``con``; published when the block ends."""

    con: duckdb.DuckDBPyConnection
    work: Version
    discard: bool = False
    version: Version | None = None


class Warehouse:
    """Paths, lock, versions and connections of one warehouse folder."""

    def __init__(self, config: Config):
        self.config = config
        self.root = Path(config.warehouse_dir)
        self.versions_dir = self.root / "versions"
        self.current_path = self.root / CURRENT
        self.lock_path = self.root / "audit.lock"
        self.run_log_path = self.root / "run_log.jsonl"

    # ------------------------------------------------------------ reading

    def current(self) -> Version | None:
        """The published version, or None before the first publish."""
        if not self.current_path.is_symlink():
            return None
        target = self.root / os.readlink(self.current_path)
        match = _VERSION_RE.match(target.name)
        if not match or not target.exists():
            raise WarehouseError(
                f"{self.current_path} points at {target}, which is missing; "
                "re-point it at a file in versions/ or run `audit run` again"
            )
        return Version(int(match.group(1)), match.group(2), target)

    def versions(self) -> list[Version]:
        if not self.versions_dir.exists():
            return []
        out = []
        for path in self.versions_dir.iterdir():
            match = _VERSION_RE.match(path.name)
            if match:
                out.append(Version(int(match.group(1)), match.group(2), path))
        return sorted(out, key=lambda v: v.number)

    def connect_read(self) -> duckdb.DuckDBPyConnection:
        """A read-only connection to the published version."""
        version = self.current()
        if version is None:
            raise WarehouseError(
                f"no warehouse published under {self.root} yet; "
                "load data with `audit ingest PATH` or `audit run --month YYYY-MM`"
            )
        try:
            con = duckdb.connect(str(version.path), read_only=True)
        except duckdb.IOException as exc:
            raise WarehouseError(f"cannot open {version.path}: {exc}") from None
        configure(con, self.config)
        return con

    # ------------------------------------------------------------ writing

    @contextlib.contextmanager
    def lock(self, purpose: str) -> Iterator[None]:
        """Hold the warehouse lock; raise WarehouseLocked at once when it is taken.

        The lock is an flock(2) on ``audit.lock``: the kernel releases it when
        the holder exits, so a killed run never blocks the next one.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_holder(fd)
                raise WarehouseLocked(
                    f"the warehouse {self.root} is busy: {holder}. "
                    "Wait for it to finish; a lock left by a process that died is released "
                    "automatically."
                ) from None
            info = {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "purpose": purpose,
                "since": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(info).encode(), 0)
            self._remove_leftovers()
            yield
        finally:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _remove_leftovers(self) -> None:
        """Delete work files of changes that were killed (only called under the lock)."""
        if self.versions_dir.exists():
            for path in self.versions_dir.glob("*.tmp*"):
                path.unlink(missing_ok=True)
        tmp = self.root / "tmp"
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)

    def begin(self, kind: str) -> Version:
        """Start a new version as a private copy of the current one (caller holds the lock)."""
        self.versions_dir.mkdir(parents=True, exist_ok=True)
        existing = self.versions()
        number = (existing[-1].number + 1) if existing else 1
        final = self.versions_dir / f"v{number:05d}_{kind}.duckdb"
        work = final.with_name(final.name + ".tmp")
        current = self.current()
        if current is not None:
            shutil.copyfile(current.path, work)
        return Version(number, kind, work)

    def connect_write(self, work: Version) -> duckdb.DuckDBPyConnection:
        """Open a work version for writing, creating it (v1.5 format) if new."""
        con = duckdb.connect(":memory:")
        configure(con, self.config)
        path = _sql_str(str(work.path))
        if work.path.exists():
            con.execute(f"attach '{path}' as wh")
        else:
            con.execute(f"attach '{path}' as wh (storage_version '{STORAGE_VERSION}')")
        con.execute("use wh")
        create_schema(con)
        return con

    def finish(self, work: Version, con: duckdb.DuckDBPyConnection) -> Version:
        """Checkpoint and close the work file and give it its final name (not yet published)."""
        con.execute("checkpoint wh")
        con.close()
        final = work.path.with_name(work.path.name.removesuffix(".tmp"))
        _fsync(work.path)
        os.replace(work.path, final)
        _fsync_dir(final.parent)
        return Version(work.number, work.kind, final)

    def publish(self, version: Version) -> None:
        """Point current.duckdb at ``version`` in one atomic rename."""
        link = self.root / f".{CURRENT}.{os.getpid()}.tmp"
        link.unlink(missing_ok=True)
        os.symlink(os.path.relpath(version.path, self.root), link)
        os.replace(link, self.current_path)
        _fsync_dir(self.root)

    @contextlib.contextmanager
    def change(self, kind: str) -> Iterator[Change]:
        """Lock, copy, let the caller write, then publish; on error publish nothing.

        The caller may set ``change.discard = True`` when it changed nothing.
        """
        with self.lock(kind):
            work = self.begin(kind)
            change = Change(self.connect_write(work), work)
            try:
                yield change
            except BaseException:
                change.con.close()
                work.path.unlink(missing_ok=True)
                raise
            if change.discard:
                change.con.close()
                work.path.unlink(missing_ok=True)
                return
            change.version = self.finish(work, change.con)
            self.publish(change.version)
            self.prune()

    def prune(self, keep_also: set[str] | None = None) -> list[Path]:
        """Delete old versions beyond ``warehouse.keep_versions``.

        Never deletes the published version, nor a version named in a report
        manifest still on disk (so every report on disk can be reproduced).
        """
        keep = set(keep_also or ())
        keep |= _versions_named_in_manifests(Path(self.config.reports_dir))
        current = self.current()
        if current is not None:
            keep.add(current.name)
        versions = self.versions()
        newest = {v.name for v in versions[-self.config.warehouse.keep_versions :]}
        removed = []
        for v in versions:
            if v.name not in keep and v.name not in newest:
                v.path.unlink(missing_ok=True)
                removed.append(v.path)
        return removed

    def log_run(self, record: dict) -> None:
        """Append one line to run_log.jsonl (every attempt, including failures)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.run_log_path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, default=str, ensure_ascii=False) + "\n")


def _versions_named_in_manifests(reports: Path) -> set[str]:
    names = set()
    if reports.exists():
        for manifest in reports.glob("*/manifest.json"):
            with contextlib.suppress(OSError, ValueError):
                name = json.loads(manifest.read_text(encoding="utf-8")).get("warehouse_version")
                if name:
                    names.add(name)
    return names


def _read_holder(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0) or b"{}")
    except ValueError:
        return "another process holds the lock"
    if not info:
        return "another process holds the lock"
    return (
        f"{info.get('purpose', 'a change')} by pid {info.get('pid')} on {info.get('host')} "
        f"since {info.get('since')}"
    )


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        _fsync(path)
