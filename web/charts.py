"""Small charts as inline SVG, drawn on the server: no chart library, no script, prints well.

Pure: plain numbers in, an SVG string out (text escaped). Colours come in pairs that stay
apart in grey-scale and for the common colour blindnesses (dark blue and orange).

>>> svg = paired_bars([("11-29", 3, 1), ("11-30", 5, 4)], labels=("上报", "办结"), title="近两日")
>>> svg.startswith('<svg') and svg.count('<rect class="bar') == 4
True
>>> '<title>11-30 上报 5</title>' in svg
True
>>> paired_bars([], labels=("a", "b"), title="空")
'<p class="muted">暂无数据</p>'
"""
from __future__ import annotations

from collections.abc import Sequence
from html import escape

COLOURS = ("#0b3d6b", "#e07b00")


def _nice_max(value: int) -> int:
    """The smallest "round" number ≥ value for the axis (1, 2, 5 × 10^k).

    >>> [_nice_max(v) for v in (0, 1, 3, 7, 12, 49, 51)]
    [1, 1, 5, 10, 20, 50, 100]
    """
    if value <= 1:
        return 1
    scale = 1
    while True:
        for step in (1, 2, 5):
            if step * scale >= value:
                return step * scale
        scale *= 10


def paired_bars(rows: Sequence[tuple[str, int, int]], *, labels: tuple[str, str], title: str,
                width: int = 640, height: int = 220) -> str:
    """A bar chart of two series side by side per label (e.g. reported and closed per day)."""
    if not rows:
        return '<p class="muted">暂无数据</p>'
    left, right, top, bottom = 36, 8, 28, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max(max(a, b) for _, a, b in rows))
    slot = plot_w / len(rows)
    bar_w = max(2.0, slot * 0.38)
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
             f'width="100%" xmlns="http://www.w3.org/2000/svg">',
             f'<title>{escape(title)}</title>']
    for i, (name, colour) in enumerate(zip(labels, COLOURS, strict=True)):
        x = left + i * 90
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{x + 16}" y="16" font-size="12">{escape(name)}</text>')
    for tick in (0, top_value // 2 if top_value > 1 else None, top_value):
        if tick is None:
            continue
        y = top + plot_h - plot_h * tick / top_value
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ccc"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{tick}</text>')
    every = max(1, len(rows) // 7)
    for i, (label, a, b) in enumerate(rows):
        x0 = left + i * slot + (slot - 2 * bar_w) / 2
        for j, (value, colour) in enumerate(((a, COLOURS[0]), (b, COLOURS[1]))):
            h = plot_h * value / top_value
            parts.append(f'<rect class="bar s{j}" x="{x0 + j * bar_w:.1f}" y="{top + plot_h - h:.1f}" '
                         f'width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}">'
                         f'<title>{escape(label)} {escape(labels[j])} {value}</title></rect>')
        if i % every == 0 or i == len(rows) - 1:
            parts.append(f'<text x="{left + i * slot + slot / 2:.1f}" y="{height - 12}" font-size="11" '
                         f'text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
