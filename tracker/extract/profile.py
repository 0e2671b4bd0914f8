"""The document's own units, measured once per report: the style of its running text, its line
spacing (baseline to baseline of consecutive body lines) and its text column. Every distance the
classifier compares is expressed in these units, never in fractions of the page."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from tracker.extract import thresholds as th
from tracker.extract.layout import Document, Style


@dataclass(frozen=True)
class Profile:
    body: Style
    leading: float  # pt: the modal baseline distance of consecutive running-text lines
    text_left: float  # pt: where running text starts
    text_right: float  # pt: where full running-text lines end

    @property
    def spacing(self) -> float:
        """The typesetter's line spacing as a multiple of the font size (1.15, 1.2, 1.38...)."""
        return self.leading / self.body.size

    def leading_of(self, size: float) -> float:
        """The leading a line of `size` would have at the report's line spacing."""
        return size * self.spacing


def measure(doc: Document) -> Profile:
    body = doc.body
    distances: Counter[float] = Counter()
    lefts: Counter[float] = Counter()
    rights: list[float] = []
    for page in doc.pages:
        prev = None
        for line in page.lines:
            if line.role != "text" or line.style != body:
                prev = None
                continue
            lefts[round(line.x0)] += 1
            rights.append(line.x1)
            if prev is not None:
                d = line.baseline - prev.baseline
                if th.LEADING_MIN * body.size <= d <= th.LEADING_MAX * body.size:
                    distances[round(d, 1)] += 1
            prev = line
    leading = _mode(distances) or th.DEFAULT_LEADING * body.size
    left = float(lefts.most_common(1)[0][0]) if lefts else 72.0
    right = _full_line_end(rights) if rights else 540.0
    return Profile(body=body, leading=leading, text_left=left, text_right=right)


def _mode(counts: Counter[float]) -> float | None:
    """The most common value, merged with its neighbours 0.1 pt away (rounding noise)."""
    if not counts:
        return None
    best = max(
        counts, key=lambda v: counts[v] + counts[round(v - 0.1, 1)] + counts[round(v + 0.1, 1)]
    )
    near = [v for v in (round(best - 0.1, 1), best, round(best + 0.1, 1)) if v in counts]
    total = sum(counts[v] for v in near)
    return sum(v * counts[v] for v in near) / total


def _full_line_end(rights: list[float]) -> float:
    """Where justified or full lines end: the 90th percentile of line ends."""
    ordered = sorted(rights)
    return ordered[int(0.9 * (len(ordered) - 1))]
