"""Load exports into the warehouse: read, map columns, coerce, validate.

Polars reads each file in batches (CSV, XLSX, Parquet; UTF-8 with or without
a BOM, or GB18030/GBK through a streaming transcode) as text, maps vendor
column names to canonical ones through a column profile, and hands the
batches to DuckDB. DuckDB then types and checks every row in one set-based
pass (SQL generated from :mod:`audit.schema`): a row is either loaded or
written to ``rejects`` with its file, line, column, value and reason, so
rows read = rows loaded + rows rejected for every file. A file that cannot
be read at all stops the whole ingest before anything is loaded.
"""

from __future__ import annotations

import codecs
import fnmatch
import hashlib
import os
import queue
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa
import yaml

from audit import schema
from audit.config import REGIMES, Config
from audit.errors import InputFileError
from audit.schema import Column, Entity

FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}
BATCH_ROWS = 500_000
EXTRA = "__extra_fields__"
LINE = "__line_no__"
PROFILES_DIR = Path(__file__).parent / "profiles"
UTF8 = "utf-8"


# ------------------------------------------------------------------ profiles


@dataclass(frozen=True)
class Profile:
    """How one vendor's export maps onto a canonical entity."""

    name: str
    entity: str
    columns: dict[str, str]  # vendor column name -> canonical name
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # canonical col -> map
    encoding: str = UTF8
    separator: str = ","
    file_patterns: tuple[str, ...] = ()
    description: str = ""
    path: Path | None = None

    def mapping(self, header: list[str]) -> dict[str, str]:
        return {h: self.columns[h] for h in header if h in self.columns}


def load_profiles(config: Config) -> dict[str, Profile]:
    profiles: dict[str, Profile] = {}
    for folder in (PROFILES_DIR, *config.profiles_dirs):
        if not Path(folder).is_dir():
            raise InputFileError(f"profile folder {folder} (ingest.profiles) does not exist")
        for path in sorted(Path(folder).glob("*.y*ml")):
            profile = _read_profile(path)
            profiles[profile.name] = profile
    return profiles


def _read_profile(path: Path) -> Profile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputFileError(f"profile {path}: not valid UTF-8 YAML: {exc}") from None
    where = f"profile {path}"
    entity = data.get("entity")
    if entity not in schema.ENTITIES:
        raise InputFileError(
            f"{where}: entity must be one of {', '.join(schema.ENTITIES)}; got {entity!r}"
        )
    known = set(schema.ENTITIES[entity].column_names)
    columns = {str(k).strip(): str(v) for k, v in (data.get("columns") or {}).items()}
    for vendor, canonical in columns.items():
        if canonical not in known:
            raise InputFileError(
                f"{where}: column {vendor!r} maps to {canonical!r}, which is not a column of "
                f"{entity} ({', '.join(sorted(known))})"
            )
    values = {
        str(k): {str(a): str(b) for a, b in v.items()}
        for k, v in (data.get("values") or {}).items()
    }
    for col in values:
        if col not in known:
            raise InputFileError(f"{where}: values given for unknown column {col!r}")
    encoding = str(data.get("encoding", UTF8)).lower()
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputFileError(f"{where}: unknown encoding {encoding!r}") from None
    return Profile(
        name=str(data.get("name") or path.stem),
        entity=entity,
        columns=columns,
        values=values,
        encoding=encoding,
        separator=str(data.get("separator", ",")),
        file_patterns=tuple(data.get("file_patterns") or ()),
        description=str(data.get("description", "")),
        path=path,
    )


# ------------------------------------------------------------------ planning


@dataclass
class SourceFile:
    path: Path
    entity: str
    format: str
    encoding: str
    sha256: str  # "" until :func:`ingest` needs it (a file loaded before is not hashed)
    size: int
    header: list[str]
    mapping: dict[str, str]  # source column -> canonical column
    profile: Profile | None = None
    separator: str = ","
    ignored_columns: list[str] = field(default_factory=list)
    mtime_ns: int = 0

    @property
    def stamp(self) -> tuple[str, int, int]:
        """(absolute path, size, modification time): what ``loads`` records of a file."""
        return (str(self.path.resolve()), self.size, self.mtime_ns)


@dataclass
class FileResult:
    path: Path
    entity: str
    load_id: int | None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    skipped: str | None = None  # why nothing was loaded (already loaded)
    stamped: bool = False  # skipped, but its load now records the file's time
    reject_sample: list[dict[str, Any]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    profile: str | None = None
    seconds: float = 0.0


class UnknownEntity(InputFileError):
    """A file whose entity cannot be told from its name, profile or header."""


def discover(paths: Iterable[Path]) -> list[tuple[Path, bool]]:
    """Expand folders into the export files they hold: (path, found in a folder).

    Hidden files and files of other types (README.md, PDFs) are passed over.
    """
    files: list[tuple[Path, bool]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(
                (p, True)
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in FORMATS
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            files.append((path, False))
        else:
            raise InputFileError(f"{path}: no such file or folder")
    return files


def entity_from_name(path: Path) -> str | None:
    """``contacts_2026-10.csv`` -> contacts; the longest entity name that prefixes the stem."""
    stem = path.stem.lower()
    matches = [e for e in schema.ENTITIES if stem.startswith(e)]
    return max(matches, key=len) if matches else None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            digest.update(chunk)
    return digest.hexdigest()


def plan(
    paths: Iterable[Path],
    config: Config,
    entity: str | None = None,
    profile_name: str | None = None,
    encoding: str | None = None,
    warn: Callable[[str], None] | None = None,
) -> list[SourceFile]:
    """Work out entity, profile, encoding and column mapping of every file.

    Reads only headers. Raises one InputFileError listing every file that
    cannot be loaded, so nothing is loaded until all files are readable. A
    file found in a folder whose entity cannot be told is passed over with a
    warning (folders of exports often hold other files); a file named
    explicitly must be loadable.
    """
    profiles = load_profiles(config)
    if profile_name is not None and profile_name not in profiles:
        raise InputFileError(
            f"no profile named {profile_name!r}; known: {', '.join(sorted(profiles)) or 'none'}"
        )
    if entity is not None and entity not in schema.ENTITIES:
        raise InputFileError(f"unknown entity {entity!r}; known: {', '.join(schema.ENTITIES)}")
    files = discover(paths)
    planned, problems = [], []
    for path, in_folder in files:
        try:
            planned.append(_plan_file(path, profiles, entity, profile_name, encoding))
        except UnknownEntity as exc:
            if not in_folder:
                problems.append(str(exc))
            elif warn:
                warn(
                    f"{path}: skipped, not an export of a known entity (name it e.g. "
                    "contacts_2026-10.csv to load it)"
                )
        except InputFileError as exc:
            problems.append(str(exc))
    if problems:
        raise InputFileError(
            "nothing was loaded; fix these files and run again:\n  " + "\n  ".join(problems)
        )
    order = {name: i for i, name in enumerate(schema.LOAD_ORDER)}
    return sorted(planned, key=lambda s: (order[s.entity], str(s.path)))


def _plan_file(
    path: Path,
    profiles: dict[str, Profile],
    entity: str | None,
    profile_name: str | None,
    encoding: str | None,
) -> SourceFile:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputFileError(
            f"{path}: unsupported file type {path.suffix!r}; use .csv, .tsv, .xlsx or .parquet"
        )
    profile = profiles[profile_name] if profile_name else None
    if profile is None:
        profile = next(
            (
                p
                for p in profiles.values()
                if any(fnmatch.fnmatch(path.name, pat) for pat in p.file_patterns)
            ),
            None,
        )
    name_entity = entity or (profile.entity if profile else entity_from_name(path))
    enc = (encoding or (profile.encoding if profile else UTF8)).lower()
    sep = "\t" if path.suffix.lower() == ".tsv" else (profile.separator if profile else ",")
    header = _read_header(path, fmt, enc, sep)
    if profile is None:
        profile = _profile_by_header(path, fmt, sep, header, profiles, name_entity, encoding)
        if profile is not None:
            enc = (encoding or profile.encoding).lower()
            header = _read_header(path, fmt, enc, sep)
            name_entity = entity or profile.entity
    if name_entity is None:
        raise UnknownEntity(
            f"{path}: cannot tell which entity this file holds; name it after one "
            f"({', '.join(schema.LOAD_ORDER)}), e.g. contacts_2026-10.csv, or pass --entity "
            "or --profile"
        )
    ent = schema.ENTITIES[name_entity]
    if profile is not None and profile.entity != ent.name:
        raise InputFileError(
            f"{path}: profile {profile.name!r} is for {profile.entity}, not {ent.name}"
        )
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise InputFileError(f"{path}: the header repeats column(s) {', '.join(dupes)}")
    if profile is not None:
        mapping = profile.mapping(header)
        mapping.update(
            {
                h: h
                for h in header
                if h in ent.column_names and h not in mapping and h not in mapping.values()
            }
        )
    else:
        mapping = {h: h for h in header if h in ent.column_names}
    targets = list(mapping.values())
    twice = sorted({t for t in targets if targets.count(t) > 1})
    if twice:
        raise InputFileError(f"{path}: several columns map to {', '.join(twice)}")
    missing = [c for c in ent.required if c not in targets]
    if missing:
        how = (
            f"check profile {profile.name!r}"
            if profile
            else "rename the columns, or pass --profile with a column profile"
        )
        raise InputFileError(
            f"{path}: missing required column(s) {', '.join(missing)} for {ent.name} "
            f"(found: {', '.join(header) or 'no header'}); {how}"
        )
    stat = path.stat()
    return SourceFile(
        path=path,
        entity=ent.name,
        format=fmt,
        encoding=enc if fmt == "csv" else "",
        sha256="",
        size=stat.st_size,
        mtime_ns=stat.st_mtime_ns,
        header=header,
        mapping=mapping,
        profile=profile,
        separator=sep,
        ignored_columns=[h for h in header if h not in mapping],
    )


def _profile_by_header(path, fmt, sep, header, profiles, entity, encoding) -> Profile | None:
    """A profile whose required vendor columns all appear in the file's header."""
    for profile in profiles.values():
        if entity is not None and profile.entity != entity:
            continue
        enc = (encoding or profile.encoding).lower()
        try:
            head = header if fmt != "csv" or enc == UTF8 else _read_header(path, fmt, enc, sep)
        except InputFileError:
            continue
        required = schema.ENTITIES[profile.entity].required
        vendor_for = {v: k for k, v in profile.columns.items()}
        if (
            all(vendor_for.get(c) in head for c in required if c in vendor_for)
            and all(c in vendor_for or c in head for c in required)
            and any(k in head for k in profile.columns)
        ):
            return profile
    return None


def _read_header(path: Path, fmt: str, encoding: str, sep: str) -> list[str]:
    try:
        if fmt == "parquet":
            return [c.strip() for c in pl.read_parquet_schema(path)]
        if fmt == "xlsx":
            return [c.strip() for c in pl.read_excel(path, infer_schema_length=0).columns]
    except Exception as exc:  # polars/fastexcel raise many types for unreadable files
        raise InputFileError(f"{path}: cannot read as {fmt}: {exc}") from None
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if not head.strip():
        raise InputFileError(f"{path}: the file is empty; expected a header line")
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
        if encoding != UTF8:
            raise InputFileError(
                f"{path}: starts with a UTF-8 byte-order mark but {encoding} was asked for; "
                "drop --encoding or fix the profile's encoding"
            )
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        text = first.decode(encoding)
    except UnicodeDecodeError:
        hint = (
            "it looks like GB18030/GBK: pass --encoding gb18030 or use a profile that declares it"
            if _decodes(first, "gb18030")
            else "save it as UTF-8"
        )
        raise InputFileError(f"{path}: header is not valid {encoding}; {hint}") from None
    try:
        names = pl.read_csv(text.encode(), separator=sep, n_rows=0, infer_schema=False).columns
    except Exception as exc:
        raise InputFileError(f"{path}: cannot parse the header line: {exc}") from None
    return [n.strip() for n in names]


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


# ------------------------------------------------------------------ reading


def read_batches(src: SourceFile, workdir: Path) -> Iterator[pl.DataFrame]:
    """Yield text batches with canonical column names plus line number and extra fields."""
    canonical = schema.ENTITIES[src.entity].column_names
    if src.format == "csv":
        batches = _csv_batches(src, workdir)
    elif src.format == "xlsx":
        batches = _xlsx_batches(src)
    else:
        batches = _parquet_batches(src)
    values = src.profile.values if src.profile else {}
    for batch in batches:
        batch = batch.rename({k: v for k, v in src.mapping.items() if k != v})
        exprs = []
        for col in canonical:
            if col not in batch.columns:
                exprs.append(pl.lit(None, dtype=pl.String).alias(col))
            elif col in values:
                exprs.append(pl.col(col).str.strip_chars().replace(values[col]).alias(col))
            else:
                exprs.append(pl.col(col))
        extra = pl.col(EXTRA) if EXTRA in batch.columns else pl.lit(None, dtype=pl.String)
        yield batch.select(*exprs, pl.col(LINE).cast(pl.Int64), extra.alias(EXTRA))


def _csv_batches(src: SourceFile, workdir: Path) -> Iterator[pl.DataFrame]:
    path = src.path
    if src.encoding not in (UTF8, "utf8", "utf-8-sig"):
        path = _transcode(src, workdir)
    names = [*src.header, EXTRA]
    lf = pl.scan_csv(
        path,
        has_header=False,
        skip_rows=1,
        separator=src.separator,
        schema=dict.fromkeys(names, pl.String),
        truncate_ragged_lines=True,
        missing_columns="insert",
    )
    text_cols = list(src.header)
    offset = 0  # records before this batch
    newlines = 0  # newlines inside quoted fields before this batch
    try:
        for batch in lf.collect_batches(chunk_size=BATCH_ROWS):
            # A record's physical line: header line + records before + newlines inside them.
            nl = (
                batch.select(
                    pl.sum_horizontal(pl.col(text_cols).str.count_matches("\n", literal=True))
                )
                .to_series()
                .fill_null(0)
            )
            line = pl.int_range(pl.len(), dtype=pl.Int64) + (2 + offset + newlines)
            inside = int(nl.sum())
            if inside:  # rare: most batches have no quoted newline and skip the running sum
                nl = nl.cast(pl.Int64)
                line = line + pl.lit(nl.cum_sum() - nl)
            offset += batch.height
            newlines += inside
            yield batch.with_columns(line.alias(LINE))
    except pl.exceptions.ComputeError as exc:
        raise InputFileError(f"{src.path}: cannot be read as {src.encoding} CSV: {exc}") from None


def _transcode(src: SourceFile, workdir: Path) -> Path:
    """Stream a GB18030 (or other) file into UTF-8; a bad byte stops with its offset."""
    workdir.mkdir(parents=True, exist_ok=True)
    out = Path(tempfile.mkstemp(suffix=".csv", dir=workdir)[1])
    decoder = codecs.getincrementaldecoder(src.encoding)()
    done = 0
    with open(src.path, "rb") as fin, open(out, "w", encoding=UTF8, newline="") as fout:
        while chunk := fin.read(1 << 22):
            try:
                fout.write(decoder.decode(chunk))
            except UnicodeDecodeError as exc:
                raise InputFileError(
                    f"{src.path}: not valid {src.encoding} at byte {done + exc.start}; "
                    "check the file's encoding (--encoding, or the profile's encoding)"
                ) from None
            done += len(chunk)
        fout.write(decoder.decode(b"", final=True))
    return out


def _xlsx_batches(src: SourceFile) -> Iterator[pl.DataFrame]:
    try:
        df = pl.read_excel(src.path, infer_schema_length=0)
    except Exception as exc:
        raise InputFileError(f"{src.path}: cannot read the first sheet: {exc}") from None
    df = df.rename({c: c.strip() for c in df.columns})
    # Spreadsheet dates arrive as 'YYYY-MM-DD 00:00:00'; whole numbers as '12' or '12.0'.
    yield df.with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).add(2).alias(LINE),
        *[pl.col(c).str.replace(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", "$1") for c in df.columns],
    )


def _parquet_batches(src: SourceFile) -> Iterator[pl.DataFrame]:
    lf = pl.scan_parquet(src.path)
    offset = 0
    for batch in lf.collect_batches(chunk_size=BATCH_ROWS):
        batch = batch.rename({c: c.strip() for c in batch.columns})
        yield batch.select(
            *[_as_text(batch.schema[c], c) for c in batch.columns],
            (pl.int_range(pl.len(), dtype=pl.Int64) + (offset + 1)).alias(LINE),
        )
        offset += batch.height


def _as_text(dtype: pl.DataType, name: str) -> pl.Expr:
    col = pl.col(name)
    if isinstance(dtype, pl.Datetime):
        fmt = "%Y-%m-%dT%H:%M:%S%.f%:z" if dtype.time_zone else "%Y-%m-%d %H:%M:%S%.f"
        return col.dt.to_string(fmt).alias(name)
    if isinstance(dtype, pl.List):
        return col.cast(pl.List(pl.String)).list.join("|").alias(name)
    return col.cast(pl.String).alias(name)


# ------------------------------------------------------------------ validation SQL


def _q(name: str) -> str:
    return f'"{name}"'


_INT_RE = r"[+-]?\d+(\.0*)?"
_MONEY_RE = r"[+-]?(\d+(\.\d*)?|\.\d+)"
_DATE_RE = r"\d{4}[-/]\d{1,2}[-/]\d{1,2}"
_TS_RE = (
    r"\d{4}[-/]\d{1,2}[-/]\d{1,2}([T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}(:?\d{2})?)?"
)


def _parse(col: Column) -> tuple[str, str]:
    """(typed expression, reason when the text does not parse) for raw text ``r``."""
    r = _q(col.name)
    t = col.type
    if t == schema.INT:
        return (
            f"case when regexp_full_match({r}, '{_INT_RE}') "
            f"then try_cast(try_cast({r} as decimal(38,6)) as integer) end",
            "not a whole number",
        )
    if t == schema.MONEY:
        clean = f"replace({r}, ',', '')"
        return (
            f"case when regexp_full_match({clean}, '{_MONEY_RE}') "
            f"and try_cast({clean} as decimal(38,10)) = try_cast({clean} as decimal(18,2)) "
            f"then try_cast({clean} as decimal(18,2)) end",
            "not an amount with at most 2 decimals, like 1234.56",
        )
    if t == schema.DATE:
        return (
            f"case when regexp_full_match({r}, '{_DATE_RE}') "
            f"then try_cast(replace({r}, '/', '-') as date) end",
            "not a date; use YYYY-MM-DD",
        )
    if t == schema.TIMESTAMP:
        # Session TimeZone is the source_timezone while loading: naive text is local time there.
        return (
            f"case when regexp_full_match({r}, '{_TS_RE}') then try_cast({r} as timestamptz) end",
            "not a timestamp; use 2026-10-03T20:15:00+08:00 or 2026-10-03 20:15:00",
        )
    if t == schema.TIMESTAMP_OR_DATE:
        return (
            f"case when regexp_full_match({r}, '{_DATE_RE}') "
            "then timezone($portfolio_timezone, "
            f"try_cast(replace({r}, '/', '-') as date)::timestamp) "
            f"when regexp_full_match({r}, '{_TS_RE}') then try_cast({r} as timestamptz) end",
            "not a date or timestamp; use 2026-10-03 or 2026-10-03T20:15:00+08:00",
        )
    if t == schema.BOOL:
        return (
            f"case when lower({r}) in ('true','t','1','yes','y','是') then true "
            f"when lower({r}) in ('false','f','0','no','n','否') then false end",
            "not a true/false value (true, false, 1, 0, yes, no)",
        )
    if t == schema.ENUM:
        return (
            f"case when lower({r}) in ({schema.sql_strings(col.values)}) then lower({r}) end",
            f"unknown {col.name}; expected one of {', '.join(col.values)}",
        )
    if t == schema.REGIME:
        return (
            f"case when lower({r}) in ({schema.sql_strings(REGIMES)}) then lower({r}) end",
            f"unknown regime; expected one of {', '.join(REGIMES)}",
        )
    if t == schema.CURRENCY:
        return (
            f"case when regexp_full_match(upper({r}), '[A-Z]{{3}}') then upper({r}) end",
            "not an ISO 4217 currency code like CNY",
        )
    if t == schema.TIMEZONE:
        return (
            f"case when {r} in (select name from _zones) then {r} end",
            "unknown time zone; use an IANA name like Asia/Shanghai",
        )
    if t in (schema.TEXT_LIST, schema.TIMEZONE_LIST):
        items = (
            f"list_filter(list_transform(string_split({r}, '|'), lambda s: trim(s)), "
            "lambda s: s <> '')"
        )
        if t == schema.TEXT_LIST:
            return f"nullif({items}, [])", "not a list"
        return (
            f"case when list_has_all($zones, {items}) then nullif({items}, []) end",
            "unknown time zone in the list; use IANA names separated by |",
        )
    return r, ""


def validation_sql(entity: Entity) -> str:
    """One SELECT over ``_source`` giving typed columns and the first problem of each row."""
    raw_cols = ",\n        ".join(
        f"nullif(trim({_q(c)}), '') as {_q(c)}" for c in entity.column_names
    )
    typed, checks = [], []
    for col in entity.columns:
        expr, bad_reason = _parse(col)
        r, tcol = _q(col.name), _q(col.name + "__t")
        value = f"case when {r} is null then {col.default} else {expr} end" if col.default else expr
        typed.append(f"{value} as {tcol}")
        if col.required:
            checks.append((f"{r} is null", col.name, f"{col.name} is required but empty"))
        if bad_reason and col.type != schema.TEXT:
            checks.append((f"{r} is not null and {tcol} is null", col.name, bad_reason))
        if col.check:
            checks.append((f"not ({col.check.format(v=tcol)})", col.name, col.check_reason))
        if col.not_future:
            checks.append(
                (f"{tcol} > $loaded_at", col.name, f"{col.name} is later than the time of loading")
            )
    for column, cond, reason in entity.extra_checks:
        typed_cond = cond
        for name in sorted(entity.column_names, key=len, reverse=True):
            typed_cond = _rename_identifier(typed_cond, name, name + "__t")
        checks.append((f"not coalesce({typed_cond}, false)", column, reason))
    cases = "\n            ".join(
        f"when {cond} then {{'column_name': '{col}', 'value': {_q(col)}::varchar, "
        f"'reason': '{reason.replace(chr(39), chr(39) * 2)}'}}"
        for cond, col, reason in checks
    )
    typed_sql = ",\n        ".join(typed)
    return f"""
with raw as (
    select {LINE} as line_no, {_q(EXTRA)} as extra_fields,
        {raw_cols}
    from _source
),
typed as (
    select raw.*,
        {typed_sql}
    from raw
)
select line_no, {", ".join(_q(c + "__t") for c in entity.column_names)},
    case
        when extra_fields is not null then {{'column_name': null::varchar,
            'value': extra_fields, 'reason': 'the line has more fields than the header'}}
            {cases}
    end as row_problem
from typed"""


def _rename_identifier(sql: str, name: str, new: str) -> str:
    return re.sub(rf'(?<![\w"]){re.escape(name)}(?![\w"])|"{re.escape(name)}"', f'"{new}"', sql)


def key_checks_sql(entity: Entity) -> str:
    """Rows of ``_typed`` that pass the row checks but fail a key or account check.

    Narrow on purpose: only line numbers, keys and the account reference take
    part, so no join carries the wide typed rows. Rows already loaded are
    probed on the key columns alone and only within this file's range of the
    first key column (``$key_min`` .. ``$key_max``): exports number their
    records in order, so the zone maps of the table skip the row groups of
    earlier loads and the probe grows with the file, not with the warehouse.
    The first problem of a row wins, as in :func:`validation_sql`: a repeat
    within the file, then a key already loaded, then an unknown account.
    """
    keys_t = [_q(k + "__t") for k in entity.key]
    keys = [_q(k) for k in entity.key]
    dup_on = " and ".join(f"d.{k} = c.{k}" for k in keys_t)
    old_on = " and ".join(f"e.{k} = c.{kt}" for k, kt in zip(keys, keys_t, strict=True))
    key_text = " || '/' || ".join(f"c.{k}::varchar" for k in keys_t)
    key_name = "/".join(entity.key)
    ref_col = fk = fk_join = ""
    if entity.account_ref:
        ref = _q(entity.account_ref + "__t")
        ref_col = f", {ref}"
        fk = f"""
            when c.{ref} is not null and a.account_id is null then {{
                'column_name': '{entity.account_ref}', 'value': c.{ref},
                'reason': 'unknown account_id: load the accounts file first or fix the id'}}"""
        fk_join = f"\n    left join accounts as a on a.account_id = c.{ref}"
    return f"""
with keyed as (
    select line_no, {", ".join(keys_t)}{ref_col}
    from _typed
    where row_problem is null
),
dupes as (
    select {", ".join(keys_t)}, min(line_no) as first_line
    from keyed
    group by all
    having count(*) > 1
),
loaded as (
    select {", ".join(keys)}, load_id, line_no
    from {entity.name}
    where {keys[0]} between $key_min and $key_max
),
checked as (
    select c.line_no, case
            when c.line_no > d.first_line then {{'column_name': '{entity.key[-1]}',
                'value': {key_text},
                'reason': 'duplicate {key_name}: first seen on line ' || d.first_line
                          || ' of this file'}}
            when e.load_id is not null then {{'column_name': '{entity.key[-1]}',
                'value': {key_text},
                'reason': 'duplicate {key_name}: already loaded from ' || l.source_file
                          || ' line ' || e.line_no}}{fk}
        end as problem
    from keyed as c
    left join dupes as d on {dup_on}
    left join loaded as e on {old_on}
    left join loads as l on l.load_id = e.load_id{fk_join}
)
select line_no, problem
from checked
where problem is not null"""


def insert_sql(entity: Entity) -> str:
    """Insert the rows of ``_typed`` that passed every check into the entity's table."""
    outputs, join = [], ""
    for col in entity.column_names:
        expr = f"t.{_q(col + '__t')}"
        if entity.name == "contacts" and col == "person_id":
            # person_id defaults to the account's debtor when the party is the debtor
            expr = f"coalesce({expr}, case when t.\"party__t\" = 'debtor' then a.customer_id end)"
            join = '\nleft join accounts as a on a.account_id = t."account_id__t"'
        outputs.append(expr)
    names = ", ".join(_q(c) for c in entity.column_names)
    return f"""
insert into {entity.name} ({names}, load_id, line_no)
select {", ".join(outputs)}, $load_id, t.line_no
from _typed as t{join}
where t.row_problem is null
    and not exists (select 1 from _key_problems as p where p.line_no = t.line_no)"""


REJECTED_SQL = """
select line_no, row_problem as problem from _typed where row_problem is not null
union all
select line_no, problem from _key_problems"""


# ------------------------------------------------------------------ loading


def ingest(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    sources: list[SourceFile],
    workdir: Path,
    progress=None,
) -> list[FileResult]:
    """Load planned files in entity order; each file is one transaction.

    A file whose path, size and modification time match a load is not read
    again, not even to hash it (as git's index and rsync tell unchanged files
    apart): a monthly run finds every earlier export in its folder, and
    hashing them all again took longer than anything else it does before the
    metrics. Any other file is hashed, the files in parallel, and one whose
    sha256 was loaded before (a copy, a file touched) is skipped too.
    """
    _ensure_zone_table(con)
    loaded = _stamps_loaded(con)
    unhashed = [s for s in sources if not s.sha256 and s.stamp not in loaded]
    workers = max(1, min(len(unhashed), os.cpu_count() or 1, 4))
    with ThreadPoolExecutor(max_workers=workers) as pool:  # hashlib releases the GIL
        digests = pool.map(lambda s: sha256_of(s.path), unhashed)
        for src, digest in zip(unhashed, digests, strict=True):
            src.sha256 = digest
    results = []
    for src in sources:
        if progress:
            progress(src)
        started = time.perf_counter()
        result = load_file(con, config, src, workdir)
        result.seconds = time.perf_counter() - started
        results.append(result)
    return results


def _ensure_zone_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create or replace temp table _zones as select name from pg_timezone_names()")


def _zone_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute("select name from _zones").fetchall()]


# Loads whose stamp identifies their file: one modified at least 2 s before it was
# loaded. A file changed within the clock's granularity of its load (or on a file
# server whose clock is a little behind) could keep the stamp of the content loaded,
# so such a load's file is hashed again, as git does with a "racily clean" file.
STAMPED_LOADS = """
select source_file, bytes, mtime_ns, load_id, loaded_at
from loads
where mtime_ns < epoch_ns(loaded_at) - 2_000_000_000"""


def _stamps_loaded(con: duckdb.DuckDBPyConnection) -> set[tuple[str, int, int]]:
    rows = con.execute(f"select source_file, bytes, mtime_ns from ({STAMPED_LOADS})").fetchall()
    return set(rows)


def load_file(
    con: duckdb.DuckDBPyConnection, config: Config, src: SourceFile, workdir: Path
) -> FileResult:
    result = FileResult(
        path=src.path,
        entity=src.entity,
        load_id=None,
        ignored_columns=src.ignored_columns,
        profile=src.profile.name if src.profile else None,
    )
    path, size, mtime_ns = src.stamp
    same = con.execute(
        f"select load_id, loaded_at from ({STAMPED_LOADS}) "
        "where source_file = $path and bytes = $size and mtime_ns = $mtime",
        {"path": path, "size": size, "mtime": mtime_ns},
    ).fetchall()
    if same:
        load_id, loaded_at = same[0]
        result.skipped = (
            f"already loaded as load {load_id} ({loaded_at:%Y-%m-%d %H:%M}); "
            "same path, size and modification time, nothing to do"
        )
        return result
    if not src.sha256:
        src.sha256 = sha256_of(src.path)
    done = con.execute(
        "select load_id, source_file, loaded_at, bytes, mtime_ns from loads where sha256 = $sha",
        {"sha": src.sha256},
    ).fetchall()
    if done:
        load_id, source, loaded_at, loaded_size, loaded_mtime = done[0]
        if loaded_mtime is None and (source, loaded_size) == (path, size):
            # loaded before loads recorded file times: record it, so that the next
            # ingest knows the file without hashing it
            con.execute(
                "update loads set mtime_ns = $mtime where load_id = $id",
                {"mtime": mtime_ns, "id": load_id},
            )
            result.stamped = True
        result.skipped = (
            f"already loaded as load {load_id} ({source}, {loaded_at:%Y-%m-%d %H:%M}); "
            "same sha256, nothing to do"
        )
        return result
    return load_batches(
        con,
        config,
        src.entity,
        read_batches(src, workdir),
        result,
        source_file=path,
        sha256=src.sha256,
        file_format=src.format,
        encoding=src.encoding,
        size=size,
        mtime_ns=mtime_ns,
    )


def load_batches(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    entity_name: str,
    batches: Iterable[pl.DataFrame],
    result: FileResult,
    *,
    source_file: str,
    sha256: str,
    file_format: str = "frame",
    encoding: str = "",
    size: int = 0,
    mtime_ns: int | None = None,
) -> FileResult:
    """Validate and load text batches of one source as one transaction."""
    entity = schema.ENTITIES[entity_name]
    cols = entity.column_names
    loaded_at = datetime.now(UTC)
    p = config.portfolio
    params = {
        "loaded_at": loaded_at,
        "zones": _zone_names(con),
        "portfolio_timezone": p.portfolio_timezone,
        "currency": p.currency,
        "default_regime": p.default_regime,
        "default_timezone": p.default_timezone,
    }
    con.execute("begin transaction")
    try:
        # The batches stream into the query through an Arrow reader: no copy of the raw text.
        source = _arrow_stream(batches, [*cols, LINE, EXTRA])
        con.register("_source", source.reader())
        # naive timestamps in the file are local time in the source time zone
        con.execute(f"set TimeZone = '{p.source_timezone}'")
        sql = validation_sql(entity)
        try:
            con.execute("create or replace temp table _typed as " + sql, _needed(sql, params))
        except duckdb.Error:
            if source.error is not None:  # the file, not the query: raise what the reader said
                raise source.error from None
            raise
        con.execute(f"set TimeZone = '{p.portfolio_timezone}'")
        con.unregister("_source")
        first_key = _q(entity.key[0] + "__t")
        key_min, key_max = con.execute(
            f"select min({first_key}), max({first_key}) from _typed where row_problem is null"
        ).fetchall()[0]
        con.execute(
            "create or replace temp table _key_problems as " + key_checks_sql(entity),
            {"key_min": key_min, "key_max": key_max},
        )
        load_id = con.execute("select coalesce(max(load_id), 0) + 1 from loads").fetchall()[0][0]
        (loaded,) = con.execute(insert_sql(entity), {"load_id": load_id}).fetchall()[0]
        (rejected,) = con.execute(
            "insert into rejects select $load_id, $source, line_no, problem.column_name, "
            f"problem.value, problem.reason from ({REJECTED_SQL}) order by line_no",
            {"load_id": load_id, "source": source_file},
        ).fetchall()[0]
        (read,) = con.execute("select count(*) from _typed").fetchall()[0]
        assert read == loaded + rejected
        con.execute(
            "insert into loads values ($load_id, $source, $entity, $sha, $read, $loaded, $rejected,"
            " $loaded_at, $fmt, $enc, $profile, $bytes, $mtime_ns)",
            {
                "load_id": load_id,
                "source": source_file,
                "entity": entity.name,
                "sha": sha256,
                "read": read,
                "loaded": loaded,
                "rejected": rejected,
                "loaded_at": loaded_at,
                "fmt": file_format,
                "enc": encoding or None,
                "profile": result.profile,
                "bytes": size,
                "mtime_ns": mtime_ns,
            },
        )
        sample = con.execute(
            "select line_no, column_name, value, reason from rejects "
            "where load_id = $load_id order by line_no limit 20",
            {"load_id": load_id},
        ).fetchall()
        con.execute("drop table _typed")
        con.execute("drop table _key_problems")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        con.execute(f"set TimeZone = '{p.portfolio_timezone}'")
        raise
    result.load_id = load_id
    result.rows_read, result.rows_loaded, result.rows_rejected = read, loaded, rejected
    result.reject_sample = [
        dict(zip(("line_no", "column_name", "value", "reason"), row, strict=True)) for row in sample
    ]
    return result


def _arrow_stream(batches: Iterable[pl.DataFrame], names: list[str]) -> _Prefetch:
    """Text batches as Arrow record batches of a fixed schema, read ahead in a thread."""
    schema_ = pa.schema(
        [pa.field(n, pa.int64() if n == LINE else pa.large_string()) for n in names]
    )

    def record_batches():
        for batch in batches:
            yield from (
                batch.to_arrow(compat_level=pl.CompatLevel.oldest()).cast(schema_).to_batches()
            )

    return _Prefetch(record_batches(), schema_)


class _Prefetch:
    """Record batches produced by a thread while DuckDB consumes the previous ones.

    Polars parses the next batch while DuckDB checks this one, instead of each
    waiting for the other; at most ``depth`` batches wait in between, so memory
    stays bounded. DuckDB reports an error in the stream as its own error, so
    the producer's exception is kept in ``error`` to be raised as it was.
    """

    def __init__(self, items: Iterator[pa.RecordBatch], schema_: pa.Schema, depth: int = 2):
        self.items = items
        self.schema = schema_
        self.error: BaseException | None = None
        self._ready: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()

    def reader(self) -> pa.RecordBatchReader:
        return pa.RecordBatchReader.from_batches(self.schema, self._consume())

    def _put(self, item: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self) -> None:
        try:
            for item in self.items:
                if not self._put(item):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            self.error = exc
        self._put(None)

    def _consume(self) -> Iterator[pa.RecordBatch]:
        thread = threading.Thread(target=self._produce, name="ingest-reader", daemon=True)
        thread.start()
        try:
            while (item := self._ready.get()) is not None:
                yield item
            if self.error is not None:
                raise self.error
        finally:
            self._stop.set()
            thread.join()


def _needed(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    from audit.queries import parameters

    return {k: v for k, v in params.items() if k in parameters(sql)}


def load_rows(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    entity: str,
    rows: list[dict[str, Any]],
    source: str = "rows",
) -> FileResult:
    """Load Python rows (values as text) through the same validation as files.

    For tests and small programmatic loads; the line number of a row is its
    1-based position.
    """
    _ensure_zone_table(con)
    cols = schema.ENTITIES[entity].column_names
    unknown = sorted({k for r in rows for k in r} - set(cols))
    if unknown:
        raise InputFileError(f"{source}: unknown column(s) for {entity}: {', '.join(unknown)}")
    frame = pl.DataFrame(
        {c: [None if r.get(c) is None else _text(r.get(c)) for r in rows] for c in cols},
        schema=dict.fromkeys(cols, pl.String),
    ).with_columns(
        pl.int_range(1, len(rows) + 1, dtype=pl.Int64).alias(LINE),
        pl.lit(None, dtype=pl.String).alias(EXTRA),
    )
    digest = hashlib.sha256(frame.write_csv().encode()).hexdigest()
    result = FileResult(path=Path(source), entity=entity, load_id=None)
    return load_batches(con, config, entity, [frame], result, source_file=source, sha256=digest)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "|".join(str(v) for v in value)
    return str(value)
