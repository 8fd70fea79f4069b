"""Horizontal bar charts drawn as SVG on the server: no JavaScript, no chart library.

``bar_chart`` works out the geometry; ``statistics/includes/bar_chart.html``
draws it (the statistics and learning analytics pages include it). Every number is
written as text on the chart, a missing one says so in words, and the chart carries a
title and a description for screen readers. Coordinates are passed as strings so
that no locale turns them into "12,5".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format

WIDTH = 560
LABEL_WIDTH = 130  # the most room for a label (an office's short name), left of the bars
CHAR_WIDTH = 10  # about one character of the labels, at the largest type the CSS uses
VALUE_ROOM = 120  # room right of the longest bar for its number
ROW = 28
BAR = 18
TOP = 6
AXIS = 26


@dataclass(frozen=True)
class Bar:
    """One bar. ``text`` replaces the number written beside it ("87 %", "fewer than 5")."""

    label: str
    value: int | None
    text: str | None = None


@dataclass(frozen=True)
class DrawnBar:
    label: str
    value: int | None
    value_text: str
    x: str
    y: str
    width: str
    height: str
    text_x: str
    text_y: str

    @property
    def missing(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Tick:
    x: str
    text: str
    anchor: str


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    width: str
    height: str
    label_x: str
    axis_y: str
    axis_x1: str
    axis_x2: str
    tick_text_y: str
    grid_y1: str
    bars: list[DrawnBar]
    ticks: list[Tick]


def format_number(value: int) -> str:
    return number_format(value, force_grouping=True)


def nice_maximum(value: int) -> int:
    """The smallest 1, 2, 2.5 or 5 times a power of ten that is at least ``value`` (at least 1)."""
    if value <= 1:
        return 1
    power = 1
    while power * 10 < value:
        power *= 10
    for step in (1, 2, 2.5, 5, 10):
        candidate = int(step * power)
        if candidate >= value:
            return candidate
    return power * 10  # pragma: no cover (the loop always returns)


def _value_text(bar: Bar) -> str:
    if bar.text is not None:
        return bar.text
    return "" if bar.value is None else format_number(bar.value)


def bar_chart(*, chart_id: str, title: str, description: str, bars: Sequence[Bar]) -> Chart:
    """The geometry of a horizontal bar chart: one row per bar, a scale from 0 below."""
    longest = max((len(b.label) for b in bars), default=0)
    label_width = min(LABEL_WIDTH, longest * CHAR_WIDTH + 14)
    area = WIDTH - label_width - VALUE_ROOM
    top_value = nice_maximum(max((b.value for b in bars if b.value is not None), default=0))
    drawn = []
    for index, bar in enumerate(bars):
        y = TOP + index * ROW + (ROW - BAR) // 2
        length = 0 if bar.value is None else round(area * bar.value / top_value)
        if bar.value is not None and bar.value > 0:
            length = max(length, 1)  # a small number still shows a sliver
        drawn.append(
            DrawnBar(
                label=bar.label,
                value=bar.value,
                value_text=_value_text(bar),
                x=str(label_width),
                y=str(y),
                width=str(length),
                height=str(BAR),
                text_x=str(label_width + length + 6),
                text_y=str(y + BAR // 2),
            )
        )
    axis_y = TOP + len(bars) * ROW + 2
    ticks = [
        Tick(x=str(label_width + round(area * share)), text=format_number(value), anchor=anchor)
        for share, value, anchor in [
            (0, 0, "start"),
            (0.5, top_value // 2, "middle"),
            (1, top_value, "end"),
        ]
        if share != 0.5 or top_value % 2 == 0
    ]
    if all(b.value is None for b in bars):
        ticks = []  # nothing reported: a scale would only suggest numbers
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        width=str(WIDTH),
        height=str(axis_y + AXIS),
        label_x=str(label_width - 8),
        axis_y=str(axis_y),
        axis_x1=str(label_width),
        axis_x2=str(label_width + area),
        tick_text_y=str(axis_y + 18),
        grid_y1=str(TOP),
        bars=drawn,
        ticks=ticks,
    )
