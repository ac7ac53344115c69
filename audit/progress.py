"""Progress for long commands: bars on a terminal, structured lines under cron.

On a terminal each stage shows a progress bar on stderr. Otherwise (cron,
systemd, a pipe) nothing but one JSON object per stage start and end, and per
warning, goes to stderr, so logs stay quiet and machine-readable.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

import click


@dataclass
class StageTiming:
    name: str
    seconds: float
    detail: dict[str, Any] = field(default_factory=dict)


class Progress:
    """Reports stages of one command; remembers their timings for the summary."""

    def __init__(
        self,
        stream: IO[str] | None = None,
        interactive: bool | None = None,
        context: dict[str, Any] | None = None,
    ):
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty() if interactive is None else interactive
        self.context = context or {}
        self.timings: list[StageTiming] = []

    def event(self, event: str, **fields: Any) -> None:
        """A structured line (non-interactive) or a plain message (terminal)."""
        if self.interactive:
            text = fields.pop("message", None) or " ".join(f"{k}={v}" for k, v in fields.items())
            click.echo(f"{event}: {text}" if text else event, file=self.stream)
            return
        record = {
            "ts": datetime.now(UTC).isoformat(timespec="seconds"),
            "event": event,
            **self.context,
            **fields,
        }
        self.stream.write(json.dumps(record, default=str, ensure_ascii=False) + "\n")
        self.stream.flush()

    @contextlib.contextmanager
    def stage(self, name: str, total: int | None = None) -> Iterator[Stage]:
        started = time.perf_counter()
        # CPU time of the whole process, DuckDB's threads included
        cpu_started = time.process_time()
        stage = Stage(self, name, total)
        if not self.interactive:
            self.event("stage_started", stage=name, **({"items": total} if total else {}))
        try:
            with stage.bar():
                yield stage
        except BaseException as exc:
            self.event(
                "stage_failed",
                stage=name,
                error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
            )
            raise
        seconds = time.perf_counter() - started
        self.timings.append(StageTiming(name, seconds, dict(stage.detail)))
        if self.interactive:
            extra = ", ".join(f"{k} {v}" for k, v in stage.detail.items())
            click.echo(
                f"  {name}: {seconds:.1f} s" + (f" ({extra})" if extra else ""), file=self.stream
            )
        else:
            self.event(
                "stage_finished",
                stage=name,
                seconds=round(seconds, 3),
                cpu_seconds=round(time.process_time() - cpu_started, 3),
                **stage.detail,
            )


class Stage:
    def __init__(self, progress: Progress, name: str, total: int | None):
        self.progress = progress
        self.name = name
        self.total = total
        self.detail: dict[str, Any] = {}
        self._bar = None

    @contextlib.contextmanager
    def bar(self) -> Iterator[None]:
        if self.progress.interactive and self.total:
            with click.progressbar(
                length=self.total,
                label=f"{self.name:8}",
                file=self.progress.stream,
                show_pos=True,
                item_show_func=lambda x: x,
            ) as bar:
                self._bar = bar
                yield
            self._bar = None
        else:
            yield

    def step(self, name: str, seconds: float, **fields: Any) -> None:
        """Record one step's time: a ``step_finished`` line in logs, silent on a terminal."""
        if not self.progress.interactive:
            self.progress.event(
                "step_finished", stage=self.name, step=name, seconds=round(seconds, 3), **fields
            )

    def advance(self, label: str = "") -> None:
        if self._bar is not None:
            self._bar.update(1, label[:40])
