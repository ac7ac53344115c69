"""Charts for the reports: SVG written directly, as data URIs.

SVG stays sharp in print; WeasyPrint embeds it from an ``<img>`` with a
``data:image/svg+xml;base64,…`` source (inline ``<svg>`` makes it warn). The
charts are simple (lines, bars, a matrix of cells), so they are written here as
a few hundred SVG elements instead of through matplotlib: importing and drawing
with matplotlib cost a worker about 1.5 s per run, and its output (every tick
and marker a separate ``<use>``) was slower for WeasyPrint to lay out in every
PDF the chart appears in. Text is SVG ``<text>`` in the report's font, which
WeasyPrint sets like the rest of the page. The output is deterministic: the same
values give the same bytes.

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
import math
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

CJK_FONT = "Noto Sans CJK SC"
WIDTH_IN = 6.7  # the A4 text width at the report's margins
# Series colours; report_templates/css/print.css has the same list as .swatch.s0 … .s6
PALETTE = ("#1f4e79", "#c0504d", "#9bbb59", "#8064a2", "#f79646", "#4bacc6", "#7f7f7f")
# matplotlib's OrRd and viridis colour maps sampled at 0, 1/8, … 1 (interpolated between)
ORRD = ("#fff7ec", "#fee8c8", "#fdd49e", "#fdba83", "#fc8c59", "#ef6447", "#d62f1e", "#b20000",
        "#7f0000")  # fmt: skip
VIRIDIS = ("#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962",
           "#addc30", "#fde725")  # fmt: skip
GRID = "#dddddd"
FONT_SIZE = 7  # tick labels, in pt (1 SVG unit = 1 pt)
AXIS_LEFT = 36  # room for the y tick labels


def _n(value: float) -> str:
    """A coordinate with two decimals at most: short, stable output."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


class _Svg:
    def __init__(self, height_in: float) -> None:
        self.width = WIDTH_IN * 72
        self.height = height_in * 72
        self.parts: list[str] = []

    def line(self, x1, y1, x2, y2, stroke="#000000", width=0.8) -> None:
        self.parts.append(
            f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
            f'stroke="{stroke}" stroke-width="{_n(width)}"/>'
        )

    def rect(self, x, y, w, h, fill, stroke=None, width=0.0) -> None:
        edge = f' stroke="{stroke}" stroke-width="{_n(width)}"' if stroke else ""
        self.parts.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{fill}"{edge}/>'
        )

    def polyline(self, points: list[tuple[float, float]], stroke: str, width: float) -> None:
        coords = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
        self.parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{stroke}" '
            f'stroke-width="{_n(width)}" stroke-linejoin="round"/>'
        )

    def circle(self, x, y, r, fill) -> None:
        self.parts.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="{fill}"/>')

    def text(self, x, y, label, anchor="start", size=FONT_SIZE, fill="#000000", rotate=0) -> None:
        turn = f' transform="rotate({rotate} {_n(x)} {_n(y)})"' if rotate else ""
        self.parts.append(
            f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" text-anchor="{anchor}" '
            f'fill="{fill}"{turn}>{escape(str(label))}</text>'
        )

    def uri(self) -> str:
        svg = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(self.width)}pt" '
            f'height="{_n(self.height)}pt" viewBox="0 0 {_n(self.width)} {_n(self.height)}" '
            f"font-family=\"'{CJK_FONT}', 'DejaVu Sans', sans-serif\">"
            + "".join(self.parts)
            + "</svg>"
        )
        return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _colour(stops: Sequence[str], t: float) -> str:
    """The colour at ``t`` (0..1) of a map given by evenly spaced stops."""
    t = min(max(t, 0.0), 1.0) * (len(stops) - 1)
    i = min(int(t), len(stops) - 2)
    a, b = stops[i], stops[i + 1]
    mix = [
        round(int(a[k : k + 2], 16) + (int(b[k : k + 2], 16) - int(a[k : k + 2], 16)) * (t - i))
        for k in (1, 3, 5)
    ]
    return "#" + "".join(f"{c:02x}" for c in mix)


def _ticks(top: float, most: int = 8, integer: bool = False) -> list[float]:
    """0 and round steps (1, 2, 2.5 or 5 x 10^k) up to at least ``top``."""
    top = top if top > 0 else 1.0
    magnitude = 10 ** math.floor(math.log10(top / most))
    for m in (1, 2, 2.5, 5, 10, 20):
        step = m * magnitude
        if integer and step != int(step):
            continue
        if top / step <= most:
            break
    count = math.ceil(top / step - 1e-9)
    return [i * step for i in range(count + 1)]


def _percent(value: float, step: float) -> str:
    digits = 0 if abs(step * 100 - round(step * 100)) < 1e-9 else 1
    return f"{value * 100:.{digits}f}%"


def _values(values: Sequence[Any]) -> list[float | None]:
    out: list[float | None] = []
    for v in values:
        f = None if v is None else float(v)
        out.append(None if f is None or math.isnan(f) else f)
    return out


def _runs(points: list[tuple[float, float | None]]) -> list[list[tuple[float, float]]]:
    """Consecutive points with a value (a missing value breaks the line)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in points:
        if y is None:
            runs.append([])
        else:
            runs[-1].append((x, y))
    return [run for run in runs if run]


class _Axes:
    """A plot area with a y axis from 0 to the top tick and category or numeric x."""

    def __init__(self, svg: _Svg, left, top, right, bottom, yticks, ylabel, grid_x=False):
        self.svg, self.left, self.top, self.right, self.bottom = svg, left, top, right, bottom
        self.ymax = yticks[-1] or 1.0
        for v in yticks:
            y = self.y(v)
            svg.line(left, y, right, y, GRID, 0.6)
            svg.line(left - 3.5, y, left, y)
            svg.text(left - 5, y + 2.5, ylabel(v), anchor="end")
        self.grid_x = grid_x

    def y(self, value: float) -> float:
        return self.bottom - (self.bottom - self.top) * value / self.ymax

    def frame(self) -> None:
        self.svg.line(self.left, self.top, self.left, self.bottom)
        self.svg.line(self.left, self.bottom, self.right, self.bottom)


def _month_axis(svg: _Svg, axes: _Axes, labels: Sequence[str]) -> list[float]:
    """Category positions of the months; labels every other month when there are many."""
    step = (axes.right - axes.left) / len(labels)
    xs = [axes.left + step * (i + 0.5) for i in range(len(labels))]
    every = 2 if len(labels) > 8 else 1
    last = len(labels) - 1
    for i, x in enumerate(xs):
        if (last - i) % every == 0:
            svg.line(x, axes.bottom, x, axes.bottom + 3.5)
            svg.text(x + 2, axes.bottom + 11, labels[i], anchor="end", rotate=-30)
    return xs


def line_chart(
    x_labels: Sequence[str], series: Sequence[Sequence[Any]], height_in: float = 2.2
) -> str | None:
    """Rates (0..1) over months, one line per series in PALETTE order; None = gap."""
    drawn = [(i, _values(s)) for i, s in enumerate(series)]
    drawn = [(i, ys) for i, ys in drawn if any(y is not None for y in ys)]
    if not x_labels or not drawn:
        return None
    svg = _Svg(height_in)
    top = max(y for _i, ys in drawn for y in ys if y is not None)
    yticks = _ticks(top)
    step = yticks[1] if len(yticks) > 1 else 1.0
    axes = _Axes(svg, AXIS_LEFT, 9, svg.width - 4, svg.height - 32, yticks,
                 lambda v: _percent(v, step))  # fmt: skip
    xs = _month_axis(svg, axes, x_labels)
    for i, ys in drawn:
        colour = PALETTE[i % len(PALETTE)]
        points = [(x, None if y is None else axes.y(y)) for x, y in zip(xs, ys, strict=False)]
        for run in _runs(points):
            if len(run) > 1:
                svg.polyline(run, colour, 1.4)
            for x, y in run:
                svg.circle(x, y, 1.3, colour)
    axes.frame()
    return svg.uri()


def bar_chart(x_labels: Sequence[str], values: Sequence[Any], height_in: float = 1.9) -> str | None:
    """Bars over months (violations per 10,000 contacts) labelled with their value."""
    ys = _values(values)
    if not x_labels or all(v is None for v in ys):
        return None
    svg = _Svg(height_in)
    yticks = _ticks(max(v for v in ys if v is not None) * 1.15)
    axes = _Axes(svg, AXIS_LEFT, 9, svg.width - 4, svg.height - 30, yticks,
                 lambda v: f"{v:,.0f}" if v == int(v) else f"{v:,.1f}")  # fmt: skip
    xs = _month_axis(svg, axes, x_labels)
    width = 0.6 * (axes.right - axes.left) / len(x_labels)
    for x, v in zip(xs, ys, strict=False):
        if v is None:
            continue
        y = axes.y(v)
        svg.rect(x - width / 2, y, width, axes.bottom - y, PALETTE[1])
        svg.text(x, y - 2, f"{v:,.1f}", anchor="middle", size=6)
    axes.frame()
    return svg.uri()


def heat_map(
    rows: Sequence[str], cols: Sequence[str], cells: dict[tuple[str, str], float]
) -> str | None:
    """A matrix of shares (0..1) as coloured cells with their percentage; absent = blank."""
    if not cells:
        return None
    svg = _Svg(0.28 * len(rows) + 0.6)
    left, top = AXIS_LEFT, 14
    right, bottom = svg.width - 52, svg.height - 2
    cw, ch = (right - left) / len(cols), (bottom - top) / len(rows)
    for j, col in enumerate(cols):
        svg.text(left + cw * (j + 0.5), top - 4, col, anchor="middle")
    for i, row in enumerate(rows):
        svg.text(left - 5, top + ch * (i + 0.5) + 2.5, row, anchor="end")
    for (r, c), value in cells.items():  # one cell per bucket pair (at most ~80)
        i, j = rows.index(r), cols.index(c)
        x, y = left + cw * j, top + ch * i
        svg.rect(x, y, cw, ch, _colour(ORRD, value), stroke="#ffffff", width=0.8)
        svg.text(x + cw / 2, y + ch / 2 + 2.3, f"{value * 100:.0f}%", anchor="middle", size=6.5,
                 fill="#ffffff" if value > 0.6 else "#222222")  # fmt: skip
    # colour bar: 0% at the bottom, 100% at the top
    bar_x, bands = right + 12, 40
    for k in range(bands):
        y = bottom - (bottom - top) * (k + 1) / bands
        svg.rect(bar_x, y, 8, (bottom - top) / bands + 0.3, _colour(ORRD, (k + 0.5) / bands))
    for k in range(6):
        y = bottom - (bottom - top) * k / 5
        svg.line(bar_x + 8, y, bar_x + 10.5, y)
        svg.text(bar_x + 12, y + 2.2, f"{k * 20}%", size=6)
    return svg.uri()


def curves(
    curves_by_label: Sequence[tuple[str, Sequence[int], Sequence[Any]]], height_in: float = 2.6
) -> str | None:
    """One line per cohort (vintage curves), old (light) to new (dark), labelled at the end."""
    if not curves_by_label:
        return None
    svg = _Svg(height_in)
    values = [y for _label, _xs, ys in curves_by_label for y in _values(ys) if y is not None]
    mobs = [x for _label, xs, _ys in curves_by_label for x in xs]
    yticks = _ticks(max(values, default=0.0))
    step = yticks[1] if len(yticks) > 1 else 1.0
    axes = _Axes(svg, AXIS_LEFT, 9, svg.width - 36, svg.height - 16, yticks,
                 lambda v: _percent(v, step))  # fmt: skip
    xticks = _ticks(max(mobs, default=1), integer=True)
    span = xticks[-1] or 1
    pad = 0.04 * span

    def x_at(mob: float) -> float:
        return axes.left + (axes.right - axes.left) * (mob + pad) / (span + 2 * pad)

    for v in xticks:
        x = x_at(v)
        svg.line(x, axes.top, x, axes.bottom, GRID, 0.6)
        svg.line(x, axes.bottom, x, axes.bottom + 3.5)
        svg.text(x, axes.bottom + 11, f"{v:.0f}", anchor="middle")
    n = len(curves_by_label)
    for i, (label, xs, ys) in enumerate(curves_by_label):
        colour = _colour(VIRIDIS, 1 - (0.15 + 0.8 * i / max(n - 1, 1)))  # viridis reversed
        points = [(x_at(x), None if y is None else axes.y(y))
                  for x, y in zip(xs, _values(ys), strict=False)]  # fmt: skip
        for run in _runs(points):
            if len(run) > 1:
                svg.polyline(run, colour, 1.2)
        if points and points[-1][1] is not None:
            x, y = points[-1]
            svg.text(x + 3, y + 2, label, size=6, fill=colour)
    axes.frame()
    return svg.uri()
