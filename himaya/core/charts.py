"""Server-rendered SVG charts: horizontal bar, stacked bar and line (Django-free).

Each function returns one self-contained `<svg>` element as a string, safe to insert into a page
(every label, title and value is XML-escaped here) or to draw into a PDF with
`himaya.core.pdf.Document.svg`. No JavaScript, nothing fetched.

Accessibility: the SVG has `role="img"`, a `<title>` and a `<desc>` referenced by
`aria-labelledby`; when no description is given one is generated listing every value, so a screen
reader gets the numbers. Every bar and point also has its own `<title>` (a tooltip).

Right to left (`rtl=True`, for Arabic pages): category labels sit on the right, bars grow to the
left, a line chart's first label is on the right, and text is set with `direction="rtl"`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape as _xml_escape

# Colour-blind-safe palette (Okabe–Ito), distinguishable in greyscale print order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
FONT = "Noto Sans, Noto Sans Arabic, DejaVu Sans, sans-serif"
_ids = itertools.count(1)


def esc(text: object) -> str:
    """Escape text for an SVG text node or a double-quoted attribute."""
    return _xml_escape(str(text), {'"': "&quot;", "'": "&#x27;"})


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _nice_max(value: float) -> float:
    """The axis maximum: the smallest 1/2/5×10^n at or above `value` (1 for an empty chart)."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value:
            return float(candidate)
    return float(10 ** (exponent + 1))


def _open(*, width: int, height: int, title: str, desc: str, rtl: bool, chart_id: str) -> list[str]:
    direction = ' direction="rtl"' if rtl else ""
    return [
        # Scales down to its container (never up): the viewBox keeps the proportions.
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'style="max-width:{width}px;height:auto" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="{esc(FONT)}" '
        f'font-size="12"{direction} class="chart">',
        f'<title id="{chart_id}-title">{esc(title)}</title>',
        f'<desc id="{chart_id}-desc">{esc(desc)}</desc>',
    ]


def short(label: str, limit: int) -> str:
    """`label` cut to `limit` characters with an ellipsis (the full text stays in the tooltip)."""
    return label if len(label) <= limit else label[: max(limit - 1, 1)].rstrip() + "…"


def _legend(names: Sequence[str], *, x: float, y: float, width: float, rtl: bool) -> list[str]:
    parts = []
    step = width / max(len(names), 1)
    for i, name in enumerate(names):
        colour = PALETTE[i % len(PALETTE)]
        if rtl:
            right = x + width - i * step
            parts.append(f'<rect x="{right - 12:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{colour}"/>')
            parts.append(f'<text x="{right - 16:.1f}" y="{y:.1f}" text-anchor="start">{esc(name)}</text>')
        else:
            left = x + i * step
            parts.append(f'<rect x="{left:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{colour}"/>')
            parts.append(f'<text x="{left + 16:.1f}" y="{y:.1f}" text-anchor="start">{esc(name)}</text>')
    return parts


def stacked_bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    desc: str = "",
    rtl: bool = False,
    width: int = 640,
    label_width: int = 180,
    bar_height: int = 22,
    value_format: Callable[[float], str] = _number,
    maximum: float | None = None,
) -> str:
    """Horizontal bars, one per label, each split into the `series` (name, one value per label).

    `maximum` fixes the axis end (e.g. 100 for percentages); otherwise it is a round number above
    the largest total.
    """
    if any(len(values) != len(labels) for _, values in series):
        raise ValueError("every series needs one value per label")
    if any(v < 0 for _, values in series for v in values):
        raise ValueError("bar charts take non-negative values")
    chart_id = f"chart{next(_ids)}"
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    axis_max = maximum if maximum is not None else _nice_max(max(totals, default=0))
    legend = len(series) > 1
    top = 8 + (24 if legend else 0)
    height = top + max(len(labels), 1) * (bar_height + 8) + 24
    plot = width - label_width - 56  # room for the total at the bar's end
    if not desc:
        desc = "; ".join(
            f"{label}: " + ", ".join(f"{name} {value_format(values[i])}" for name, values in series)
            for i, label in enumerate(labels)
        )
    parts = _open(width=width, height=height, title=title, desc=desc, rtl=rtl, chart_id=chart_id)
    if legend:
        parts += _legend([name for name, _ in series], x=8, y=18, width=width - 16, rtl=rtl)
    # axis origin: left edge of the plot (LTR) or right edge (RTL)
    origin = width - label_width if rtl else label_width
    sign = -1 if rtl else 1
    for tick in range(5 if labels else 0):
        value = axis_max * tick / 4
        x = origin + sign * plot * tick / 4
        parts.append(f'<line x1="{x:.1f}" y1="{top - 2}" x2="{x:.1f}" y2="{height - 22}" stroke="#d0d4da"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" fill="#555" font-size="10">'
            f"{esc(value_format(value))}</text>"
        )
    for i, label in enumerate(labels):
        y = top + i * (bar_height + 8)
        label_x = width - label_width + 8 if rtl else label_width - 8
        parts.append(
            f'<text x="{label_x:.1f}" y="{y + bar_height * 0.68:.1f}" text-anchor="end">'
            f"<title>{esc(label)}</title>{esc(short(label, label_width // 7))}</text>"
        )
        offset = 0.0
        for s, (name, values) in enumerate(series):
            value = values[i]
            length = plot * min(value / axis_max, 1.0) if axis_max else 0.0
            x = origin + sign * offset - (length if rtl else 0)
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{bar_height}" '
                f'fill="{PALETTE[s % len(PALETTE)]}"><title>{esc(label)} — {esc(name)}: '
                f"{esc(value_format(value))}</title></rect>"
            )
            offset += length
        total_x = origin + sign * (offset + 4)
        parts.append(
            f'<text x="{total_x:.1f}" y="{y + bar_height * 0.68:.1f}" text-anchor="start" font-weight="bold">'
            f"{esc(value_format(totals[i]))}</text>"
        )
    if not labels:
        parts.append(f'<text x="{width / 2:.1f}" y="{top + 16}" text-anchor="middle" fill="#555">—</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    desc: str = "",
    rtl: bool = False,
    series_name: str = "",
    **options: object,
) -> str:
    """Horizontal bars, one value per label (see `stacked_bar_chart` for the options)."""
    if len(values) != len(labels):
        raise ValueError("one value per label")
    if not desc:
        fmt = options.get("value_format", _number)
        desc = "; ".join(f"{label}: {fmt(value)}" for label, value in zip(labels, values, strict=True))  # type: ignore[operator]
    return stacked_bar_chart(
        title=title,
        labels=labels,
        series=[(series_name or title, values)],
        desc=desc,
        rtl=rtl,
        **options,  # type: ignore[arg-type]
    )


def line_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    desc: str = "",
    rtl: bool = False,
    width: int = 640,
    height: int = 260,
    value_format: Callable[[float], str] = _number,
) -> str:
    """Lines over the x-axis `labels` (e.g. months), one per (name, values) series."""
    if any(len(values) != len(labels) for _, values in series):
        raise ValueError("every series needs one value per label")
    chart_id = f"chart{next(_ids)}"
    if not desc:
        desc = "; ".join(
            f"{name}: " + ", ".join(f"{label} {value_format(v)}" for label, v in zip(labels, values, strict=True))
            for name, values in series
        )
    parts = _open(width=width, height=height, title=title, desc=desc, rtl=rtl, chart_id=chart_id)
    legend = len(series) > 1
    top = 12 + (24 if legend else 0)
    if legend:
        parts += _legend([name for name, _ in series], x=8, y=18, width=width - 16, rtl=rtl)
    axis_max = _nice_max(max((v for _, values in series for v in values), default=0))
    axis_min = min(0.0, min((v for _, values in series for v in values), default=0))
    left, right, bottom = (16, width - 48, height - 28) if rtl else (48, width - 16, height - 28)
    span = axis_max - axis_min or 1.0

    def y_of(value: float) -> float:
        return bottom - (value - axis_min) / span * (bottom - top)

    def x_of(index: int) -> float:
        if len(labels) <= 1:
            return (left + right) / 2
        fraction = index / (len(labels) - 1)
        return right - fraction * (right - left) if rtl else left + fraction * (right - left)

    for tick in range(5):
        value = axis_min + span * tick / 4
        y = y_of(value)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#d0d4da"/>')
        # Under direction="rtl", "end" is the text's left edge: both put the numbers outside the plot.
        tick_x = right + 6 if rtl else left - 6
        anchor = "end"
        parts.append(
            f'<text x="{tick_x:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" fill="#555" font-size="10">'
            f"{esc(value_format(value))}</text>"
        )
    every = max(1, math.ceil(len(labels) / 12))
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(
                f'<text x="{x_of(i):.1f}" y="{height - 10}" text-anchor="middle" fill="#555" font-size="10">'
                f"{esc(label)}</text>"
            )
    for s, (name, values) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        points = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in enumerate(values))
        if points:
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for i, v in enumerate(values):
            parts.append(
                f'<circle cx="{x_of(i):.1f}" cy="{y_of(v):.1f}" r="3.5" fill="{colour}">'
                f"<title>{esc(name)} — {esc(labels[i])}: {esc(value_format(v))}</title></circle>"
            )
    parts.append("</svg>")
    return "".join(parts)
