"""Small bar charts drawn on the server as SVG: nothing loaded from elsewhere, nothing run in the
browser (the Content-Security-Policy allows neither inline scripts nor style attributes; colours
are SVG presentation attributes, the size comes from reports/static/reports/stats.css).

One row per item: its label on a line of its own above the bar, so a long unit name fits a phone
390 pixels wide as well as a desktop; the value after the bar. The picture is one image for
screen readers (role="img", a <title> and a <desc> listing every value); the table under each
chart on the page holds the same numbers. Every label is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH = 400
LABEL_SIZE = 14
ROW_HEIGHT = 42
BAR_HEIGHT = 16
LABEL_CHARS = 54  # longer labels are cut with "…" in the picture (the table has them whole)
VALUE_ROOM = 104  # room right of the longest bar for its value, "123 (45,6 %)"
PRIMARY = "#0d6efd"
SECONDARY = "#0a3622"
COLOURS = ["#0d6efd", "#198754", "#fd7e14", "#dc3545", "#6f42c1", "#20c997", "#6c757d", "#ffc107", "#0dcaf0"]


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    inner: int | None = None  # a second value drawn inside the bar (e.g. meetings held)
    text: str = ""  # the value as shown; str(value) when empty


def _cut(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def bar_chart(
    chart_id: str,
    title: str,
    bars: Sequence[Bar],
    *,
    colourful: bool = False,
    legend: tuple[str, str] | None = None,
) -> SafeString:
    """An SVG horizontal bar chart. `colourful`: each bar its own colour (parts of one whole);
    `legend`: the names of the bar and of its inner bar, drawn above the rows."""
    top = 26 if legend else 4
    height = top + ROW_HEIGHT * max(len(bars), 1) + 4
    largest = max((bar.value for bar in bars), default=0) or 1
    scale = (WIDTH - VALUE_ROOM) / largest
    parts: list[str] = []
    if legend:
        parts.append(
            format_html(
                '<rect x="0" y="4" width="12" height="12" fill="{}"/><text x="18" y="15" font-size="{}">{}</text>'
                '<rect x="170" y="4" width="12" height="12" fill="{}"/><text x="188" y="15" font-size="{}">{}</text>',
                PRIMARY,
                LABEL_SIZE,
                legend[0],
                SECONDARY,
                LABEL_SIZE,
                legend[1],
            )
        )
    for index, bar in enumerate(bars):
        y = top + index * ROW_HEIGHT
        width = round(bar.value * scale, 1)
        colour = COLOURS[index % len(COLOURS)] if colourful else PRIMARY
        parts.append(
            format_html(
                '<g><text x="0" y="{}" font-size="{}">{}</text>'
                '<rect x="0" y="{}" width="{}" height="{}" rx="2" fill="{}"/>'
                '<text x="{}" y="{}" font-size="{}" font-weight="600">{}</text></g>',
                y + LABEL_SIZE,
                LABEL_SIZE,
                _cut(bar.label),
                y + LABEL_SIZE + 5,
                max(width, 1 if bar.value else 0),
                BAR_HEIGHT,
                colour,
                width + 6,
                y + LABEL_SIZE + 5 + BAR_HEIGHT - 3,
                LABEL_SIZE,
                bar.text or str(bar.value),
            )
        )
        if bar.inner is not None:
            parts.append(
                format_html(
                    '<rect x="0" y="{}" width="{}" height="{}" fill="{}"/>',
                    y + LABEL_SIZE + 5 + BAR_HEIGHT / 2,
                    round(bar.inner * scale, 1),
                    BAR_HEIGHT / 2,
                    SECONDARY,
                )
            )
    desc = "; ".join(
        f"{bar.label}: {bar.text or bar.value}" + (f" ({bar.inner})" if bar.inner is not None else "") for bar in bars
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="stats-chart" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc" data-testid="stats-chart"><title id="{}-title">{}</title>'
        '<desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        desc,
        mark_safe("".join(parts)),  # noqa: S308 - each part built by format_html above
    )
