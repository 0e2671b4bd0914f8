"""The chart of listed markets per year by kind, as geometry for an inline SVG (pure).

Stacked bars on a continuous year axis: a year that is not stored shows as a gap, never as a
year that was skipped silently."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.model import KINDS, Kind
from tracker.site.model import YearReport

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 40, 52  # margins around the plot: tick labels, axis titles


@dataclass(frozen=True)
class Segment:
    kind: Kind
    count: int
    y: float
    height: float


@dataclass(frozen=True)
class Bar:
    year: int
    x: float  # left edge
    width: float
    total: int
    top: float  # y of the stack's top
    segments: tuple[Segment, ...]  # bottom first

    @property
    def middle(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    bars: tuple[Bar, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]


def nice_step(top: int, most: int = 6) -> int:
    """A round tick step giving at most `most` ticks up to `top`."""
    for base in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if math.ceil(top / base) <= most:
            return base
    return int(10 ** len(str(top)))


def chart(years: Sequence[YearReport]) -> Chart | None:
    if not years:
        return None
    first, last = years[0].year, years[-1].year
    slots = last - first + 1
    left, right, top, bottom = LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM
    slot = (right - left) / slots
    highest = max(max(y.counts.online + y.counts.physical for y in years), 1)
    step = nice_step(highest)
    y_max = step * math.ceil(highest / step)

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * value / y_max

    bars = []
    for y in years:
        width = min(32.0, slot * 0.7)
        x = left + (y.year - first) * slot + (slot - width) / 2
        segments, base = [], 0
        for kind in KINDS:
            count = y.counts.online if kind == "online" else y.counts.physical
            segments.append(
                Segment(kind, count, y_of(base + count), y_of(base) - y_of(base + count))
            )
            base += count
        bars.append(Bar(y.year, x, width, base, y_of(base), tuple(segments)))
    every = 1 if slots <= 16 else math.ceil(slots / 16)
    x_ticks = tuple(
        Tick(left + (year - first + 0.5) * slot, str(year))
        for year in range(first, last + 1)
        if (year - first) % every == 0
    )
    y_ticks = tuple(Tick(y_of(v), str(v)) for v in range(0, y_max + 1, step))
    return Chart(WIDTH, HEIGHT, left, right, top, bottom, tuple(bars), x_ticks, y_ticks)
