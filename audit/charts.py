"""Charts for the reports: matplotlib figures as SVG data URIs.

SVG stays sharp in print; WeasyPrint embeds it from an ``<img>`` with a
``data:image/svg+xml;base64,…`` source (inline ``<svg>`` makes it warn). Text is
kept as SVG ``<text>`` in the report's font, which WeasyPrint sets like the
rest of the page: drawing every glyph as an outline (``svg.fonttype = path``)
made each chart about twice as slow to lay out in every PDF it appears in. The
output is deterministic (fixed hash salt, no date): rendering twice gives the
same bytes.

Charts carry no words: axes show months, bucket labels and percentages, and
the title, legend and axis captions are HTML next to the image, from the
message catalogue. One chart therefore serves the zh-CN and the en report.
The font list still starts with ``Noto Sans CJK SC`` so that a Chinese label
(a cohort or agency name) would never render as empty boxes.

Each function takes plain values already computed in SQL and only draws them;
it returns None when there is nothing to draw.
"""

from __future__ import annotations

import base64
import functools
import io
import math
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

CJK_FONT = "Noto Sans CJK SC"
WIDTH_IN = 6.7  # the A4 text width at the report's margins
# Series colours; report_templates/css/print.css has the same list as .swatch.s0 … .s6
PALETTE = ("#1f4e79", "#c0504d", "#9bbb59", "#8064a2", "#f79646", "#4bacc6", "#7f7f7f")


@functools.cache
def _matplotlib():
    """matplotlib with the Agg backend and a private config/cache folder (no pyplot)."""
    # matplotlib writes its font cache under MPLCONFIGDIR, never into $HOME here. A stable
    # folder under the temp dir keeps the cache between runs (building it takes seconds).
    if "MPLCONFIGDIR" not in os.environ:
        folder = Path(tempfile.gettempdir()) / f"audit-matplotlib-{os.getuid()}"
        folder.mkdir(mode=0o700, exist_ok=True)
        os.environ["MPLCONFIGDIR"] = str(folder)
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    return matplotlib, Figure, FuncFormatter


def prepare() -> None:
    """Import matplotlib now (about a second), e.g. in a process waiting for its data."""
    _matplotlib()


def _rc() -> dict[str, Any]:
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [CJK_FONT, "DejaVu Sans"],
        "font.size": 8,
        "xtick.labelsize": 7,
        "ytick.labelsize": 7,
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.fonttype": "none",
        "svg.hashsalt": "collections-audit",
    }


def _svg_uri(fig) -> str:
    buf = io.BytesIO()
    # fixed margins (subplots_adjust in each chart) instead of bbox_inches="tight",
    # which draws the figure twice
    fig.savefig(buf, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _percent_axis(axis, formatter_cls) -> None:
    axis.set_major_formatter(formatter_cls(lambda v, _pos: f"{v * 100:.0f}%"))


def _month_ticks(ax, labels: Sequence[str]) -> None:
    # every other month when there are many: each glyph is a path WeasyPrint must draw
    step = 2 if len(labels) > 8 else 1
    last = len(labels) - 1
    ticks = [i for i in range(len(labels)) if (last - i) % step == 0]
    ax.set_xticks(ticks, [labels[i] for i in ticks], rotation=30, ha="right",
                  rotation_mode="anchor")  # fmt: skip


def _values(values: Sequence[Any]) -> list[float]:
    return [math.nan if v is None else float(v) for v in values]


def line_chart(
    x_labels: Sequence[str], series: Sequence[Sequence[Any]], height_in: float = 2.2
) -> str | None:
    """Rates (0..1) over months, one line per series in PALETTE order; None = gap."""
    drawn = [(i, _values(s)) for i, s in enumerate(series)]
    drawn = [(i, ys) for i, ys in drawn if not all(math.isnan(y) for y in ys)]
    if not x_labels or not drawn:
        return None
    matplotlib, figure_cls, formatter = _matplotlib()
    with matplotlib.rc_context(_rc()):
        fig = figure_cls(figsize=(WIDTH_IN, height_in))
        ax = fig.add_subplot()
        for i, ys in drawn:
            ax.plot(range(len(ys)), ys, marker="o", markersize=2.5, linewidth=1.4,
                    color=PALETTE[i % len(PALETTE)])  # fmt: skip
        _month_ticks(ax, x_labels)
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        _percent_axis(ax.yaxis, formatter)
        fig.subplots_adjust(left=0.07, right=0.99, top=0.96, bottom=0.2)
        return _svg_uri(fig)


def bar_chart(x_labels: Sequence[str], values: Sequence[Any], height_in: float = 1.9) -> str | None:
    """Bars over months (violations per 10,000 contacts) labelled with their value."""
    if not x_labels or all(v is None for v in values):
        return None
    matplotlib, figure_cls, _formatter = _matplotlib()
    with matplotlib.rc_context(_rc()):
        fig = figure_cls(figsize=(WIDTH_IN, height_in))
        ax = fig.add_subplot()
        ys = [0.0 if v is None else float(v) for v in values]
        bars = ax.bar(range(len(ys)), ys, color=PALETTE[1], width=0.6)
        ax.bar_label(bars, labels=["" if v is None else f"{v:,.1f}" for v in values],
                     fontsize=6, padding=1)  # fmt: skip
        _month_ticks(ax, x_labels)
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        ax.margins(y=0.15)
        fig.subplots_adjust(left=0.07, right=0.99, top=0.95, bottom=0.22)
        return _svg_uri(fig)


def heat_map(
    rows: Sequence[str], cols: Sequence[str], cells: dict[tuple[str, str], float]
) -> str | None:
    """A matrix of shares (0..1) as coloured cells with their percentage; absent = blank."""
    if not cells:
        return None
    matplotlib, figure_cls, formatter = _matplotlib()
    import numpy as np

    with matplotlib.rc_context(_rc()):
        fig = figure_cls(figsize=(WIDTH_IN, 0.28 * len(rows) + 0.6))
        ax = fig.add_subplot()
        grid = np.full((len(rows), len(cols)), np.nan)
        for (r, c), value in cells.items():  # one cell per bucket pair (at most ~80)
            grid[rows.index(r), cols.index(c)] = value
        # pcolormesh draws vector cells (imshow would embed a bitmap)
        mesh = ax.pcolormesh(np.ma.masked_invalid(grid), cmap="OrRd", vmin=0.0, vmax=1.0,
                             edgecolors="white", linewidth=0.8)  # fmt: skip
        for (r, c), value in cells.items():
            ax.text(cols.index(c) + 0.5, rows.index(r) + 0.5, f"{value * 100:.0f}%",
                    ha="center", va="center", fontsize=6.5,
                    color="white" if value > 0.6 else "#222222")  # fmt: skip
        ax.set_xticks([j + 0.5 for j in range(len(cols))], list(cols))
        ax.set_yticks([i + 0.5 for i in range(len(rows))], list(rows))
        ax.set_xlim(0, len(cols))
        ax.set_ylim(len(rows), 0)
        ax.xaxis.tick_top()
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        cbar = fig.colorbar(mesh, ax=ax, fraction=0.03, pad=0.02)
        _percent_axis(cbar.ax.yaxis, formatter)
        cbar.ax.tick_params(labelsize=6)
        fig.subplots_adjust(left=0.07, right=0.97, top=0.9, bottom=0.02)
        return _svg_uri(fig)


def curves(
    curves_by_label: Sequence[tuple[str, Sequence[int], Sequence[Any]]], height_in: float = 2.6
) -> str | None:
    """One line per cohort (vintage curves), old (light) to new (dark), labelled at the end."""
    if not curves_by_label:
        return None
    matplotlib, figure_cls, formatter = _matplotlib()
    with matplotlib.rc_context(_rc()):
        fig = figure_cls(figsize=(WIDTH_IN, height_in))
        ax = fig.add_subplot()
        cmap = matplotlib.colormaps["viridis_r"]
        n = len(curves_by_label)
        for i, (label, xs, ys) in enumerate(curves_by_label):
            colour = cmap(0.15 + 0.8 * (i / max(n - 1, 1)))
            values = _values(ys)
            ax.plot(list(xs), values, linewidth=1.2, color=colour)
            if xs:
                ax.annotate(label, (xs[-1], values[-1]), xytext=(3, 0),
                            textcoords="offset points", fontsize=6, color=colour,
                            va="center")  # fmt: skip
        ax.set_ylim(bottom=0)
        ax.grid(color="#dddddd", linewidth=0.6)
        _percent_axis(ax.yaxis, formatter)
        ax.margins(x=0.08)
        fig.subplots_adjust(left=0.07, right=0.99, top=0.96, bottom=0.1)
        return _svg_uri(fig)
