"""Configuration: ``audit.toml`` with built-in defaults.

The file is optional. Every key has a default; an unknown key or a bad value
is a :class:`ConfigError` that names the key (``metrics.default_dpd``) and
what would be accepted. Paths in the file are relative to the file's folder.
"""

from __future__ import annotations

import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit.errors import ConfigError

CONFIG_FILE_NAME = "audit.toml"
REGIMES = ("cn", "us_regf", "uk_conc")

_SIZE = re.compile(r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.IGNORECASE)


@dataclass(frozen=True)
class Institution:
    name: str = "Example Consumer Finance Co., Ltd."
    name_zh: str = "示例消费金融有限公司"
    licence_no: str = ""


@dataclass(frozen=True)
class Portfolio:
    portfolio_timezone: str = "Asia/Shanghai"
    source_timezone: str = "Asia/Shanghai"
    default_timezone: str = "Asia/Shanghai"
    default_regime: str = "cn"
    currency: str = "CNY"


@dataclass(frozen=True)
class Paths:
    exports: Path = Path("exports")
    warehouse: Path = Path("warehouse")
    reports: Path = Path("reports")


@dataclass(frozen=True)
class Metrics:
    bucket_edges: tuple[int, ...] = (30, 60, 90, 120, 150, 180)
    default_dpd: int = 90
    ptp_grace_days: int = 3
    ptp_tolerance: float = 1.0


@dataclass(frozen=True)
class Warehouse:
    keep_versions: int = 6
    memory_limit: str = ""
    threads: int = 0
    temp_directory: str = ""


@dataclass(frozen=True)
class Run:
    violation_alert_per_10k: float | None = None


@dataclass(frozen=True)
class Report:
    languages: tuple[str, ...] = ("zh", "en")
    audiences: tuple[str, ...] = ("regulator", "management")
    top_n: int = 15
    evidence_rows: int = 5


@dataclass(frozen=True)
class Config:
    institution: Institution = field(default_factory=Institution)
    portfolio: Portfolio = field(default_factory=Portfolio)
    paths: Paths = field(default_factory=Paths)
    metrics: Metrics = field(default_factory=Metrics)
    warehouse: Warehouse = field(default_factory=Warehouse)
    run: Run = field(default_factory=Run)
    report: Report = field(default_factory=Report)
    # {pack: {rule_id: {param: value}}}; checked against the packs by audit.rules
    rules: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    profiles_dirs: tuple[Path, ...] = ()
    source: Path | None = None

    @property
    def warehouse_dir(self) -> Path:
        return self.paths.warehouse

    @property
    def reports_dir(self) -> Path:
        return self.paths.reports

    @property
    def exports_dir(self) -> Path:
        return self.paths.exports


# ---------------------------------------------------------------- validation


def _timezone(key: str, value: Any) -> str:
    _string(key, value)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{key}: unknown time zone {value!r}; use an IANA name such as 'Asia/Shanghai'"
        ) from None
    return value


def _string(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{key}: expected a string, got {value!r}")
    return value


def _int(key: str, value: Any, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{key}: expected a whole number, got {value!r}")
    if minimum is not None and value < minimum:
        raise ConfigError(f"{key}: must be at least {minimum}, got {value}")
    return value


def _number(key: str, value: Any, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{key}: expected a number, got {value!r}")
    if minimum is not None and value < minimum:
        raise ConfigError(f"{key}: must be at least {minimum}, got {value}")
    return float(value)


def _choice(key: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ConfigError(f"{key}: expected one of {', '.join(choices)}; got {value!r}")
    return value


def _size(key: str, value: Any) -> str:
    _string(key, value)
    if value and not _SIZE.match(value.strip()):
        raise ConfigError(f"{key}: expected a size such as '16GB', got {value!r}")
    return value


def _list_of(key: str, value: Any, item) -> tuple:
    if not isinstance(value, list):
        raise ConfigError(f"{key}: expected a list, got {value!r}")
    return tuple(item(f"{key}[{i}]", v) for i, v in enumerate(value))


def _bucket_edges(key: str, value: Any) -> tuple[int, ...]:
    edges = _list_of(key, value, lambda k, v: _int(k, v, minimum=1))
    if not edges or list(edges) != sorted(set(edges)):
        raise ConfigError(
            f"{key}: expected increasing whole numbers of days such as [30, 60, 90], got {value!r}"
        )
    return edges


def _currency(key: str, value: Any) -> str:
    _string(key, value)
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise ConfigError(f"{key}: expected an ISO 4217 code such as 'CNY', got {value!r}")
    return value


_SECTIONS: dict[str, dict[str, Any]] = {
    "institution": {
        "name": _string,
        "name_zh": _string,
        "licence_no": _string,
    },
    "portfolio": {
        "portfolio_timezone": _timezone,
        "source_timezone": _timezone,
        "default_timezone": _timezone,
        "default_regime": lambda k, v: _choice(k, v, REGIMES),
        "currency": _currency,
    },
    "paths": {"exports": _string, "warehouse": _string, "reports": _string},
    "metrics": {
        "bucket_edges": _bucket_edges,
        "default_dpd": lambda k, v: _int(k, v, minimum=1),
        "ptp_grace_days": lambda k, v: _int(k, v, minimum=0),
        "ptp_tolerance": lambda k, v: _number(k, v, minimum=0.0),
    },
    "warehouse": {
        "keep_versions": lambda k, v: _int(k, v, minimum=1),
        "memory_limit": _size,
        "threads": lambda k, v: _int(k, v, minimum=0),
        "temp_directory": _string,
    },
    "run": {"violation_alert_per_10k": lambda k, v: _number(k, v, minimum=0.0)},
    "report": {
        "languages": lambda k, v: _list_of(k, v, lambda kk, vv: _choice(kk, vv, ("zh", "en"))),
        "audiences": lambda k, v: _list_of(
            k, v, lambda kk, vv: _choice(kk, vv, ("regulator", "management"))
        ),
        "top_n": lambda k, v: _int(k, v, minimum=1),
        "evidence_rows": lambda k, v: _int(k, v, minimum=0),
    },
    "ingest": {"profiles": lambda k, v: _list_of(k, v, _string)},
}

_CLASSES = {
    "institution": Institution,
    "portfolio": Portfolio,
    "metrics": Metrics,
    "warehouse": Warehouse,
    "run": Run,
    "report": Report,
}


def parse(data: dict[str, Any], base: Path, source: Path | None = None) -> Config:
    """Build a Config from parsed TOML; relative paths are taken from ``base``."""
    for section in data:
        if section not in _SECTIONS and section != "rules":
            known = ", ".join(sorted([*_SECTIONS, "rules"]))
            raise ConfigError(f"unknown section [{section}]; known sections: {known}")
    values: dict[str, dict[str, Any]] = {}
    for section, checks in _SECTIONS.items():
        table = data.get(section, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{section}: expected a table [{section}]")
        for key, value in table.items():
            if key not in checks:
                raise ConfigError(
                    f"unknown key {section}.{key}; known keys in [{section}]: " + ", ".join(checks)
                )
            values.setdefault(section, {})[key] = checks[key](f"{section}.{key}", value)

    kwargs: dict[str, Any] = {}
    for section, cls in _CLASSES.items():
        kwargs[section] = cls(**values.get(section, {}))
    paths = {k: _resolve(base, v) for k, v in values.get("paths", {}).items()}
    kwargs["paths"] = Paths(
        **{
            k: paths.get(k, _resolve(base, getattr(Paths(), k)))
            for k in ("exports", "warehouse", "reports")
        }
    )
    kwargs["profiles_dirs"] = tuple(
        _resolve(base, p) for p in values.get("ingest", {}).get("profiles", ())
    )
    kwargs["rules"] = _rule_overrides(data.get("rules", {}))
    config = Config(source=source, **kwargs)
    if config.metrics.default_dpd <= 0:
        raise ConfigError("metrics.default_dpd: must be positive")
    from audit import rules  # late import: rules reads its packs, which need no config

    rules.check_overrides(config.rules)
    return config


def _resolve(base: Path, value: str | Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path)


def _rule_overrides(table: Any) -> dict[str, dict[str, dict[str, Any]]]:
    if not isinstance(table, dict):
        raise ConfigError("rules: expected tables such as [rules.us_regf.US-REGF-7IN7]")
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for pack, rules_table in table.items():
        if not isinstance(rules_table, dict):
            raise ConfigError(f"rules.{pack}: expected a table of rules")
        for rule_id, params in rules_table.items():
            if not isinstance(params, dict):
                raise ConfigError(
                    f"rules.{pack}.{rule_id}: expected a table of parameters, got {params!r}"
                )
            out.setdefault(pack, {})[rule_id] = dict(params)
    return out


def load(path: Path | None = None, cwd: Path | None = None) -> Config:
    """Load ``path``, else ``./audit.toml`` when present, else the defaults."""
    cwd = cwd or Path.cwd()
    if path is None:
        candidate = cwd / CONFIG_FILE_NAME
        if not candidate.exists():
            return parse({}, base=cwd)
        path = candidate
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"config file {path} does not exist; create one with `audit init DIR`")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    try:
        return parse(data, base=path.resolve().parent, source=path)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
