"""The report's redundancy as constraints: when the first reading of a section disagrees with
the count the report states for it, weigh the other readings (join or split heading lines whose
boundary the classifier was least sure of) and take the cheapest one that meets the count.

Counts are evidence, not law: a boundary decided by the table of contents or by a country name is
locked and never flipped, nor is one decided more firmly than `FLIP_FLOOR`; two readings that meet
the count at nearly the same cost are a tie, flagged for a person rather than guessed.
"""

from __future__ import annotations

from itertools import combinations

from tracker.extract import thresholds as th
from tracker.extract.classify import Boundary, SectionReading
from tracker.model import Counts, Kind, Notice, NoticeCode

_MAX_CANDIDATES = 12  # the least certain boundaries weighed per section
_MAX_FLIPS = 3  # at most this many boundaries changed to meet a count


def reconcile(
    readings: dict[Kind, SectionReading], stated: Counts | None, toc_countries: set[str]
) -> tuple[list[Notice], list[str]]:
    """Flip boundaries in place where the counts call for it; the notices and trace lines."""
    notices: list[Notice] = []
    trace: list[str] = []
    if stated is None:
        return notices, ["the report states no counts: the first reading stands"]
    for kind, reading in readings.items():
        want = getattr(stated, kind)
        got = reading.markets(toc_countries)
        if got == want:
            trace.append(f"{kind}: the first reading gives {got}, as the report states")
            continue
        notice, lines = _choose(kind, reading, want, got, toc_countries)
        trace += lines
        if notice is not None:
            notices.append(notice)
    return notices, trace


def _choose(
    kind: Kind, reading: SectionReading, want: int, got: int, toc_countries: set[str]
) -> tuple[Notice | None, list[str]]:
    lines = [f"{kind}: the first reading gives {got}, the report states {want}"]
    candidates = sorted(
        (b for b in reading.boundaries if not b.locked and abs(b.score) < -th.FLIP_FLOOR),
        key=lambda b: abs(b.score),
    )[:_MAX_CANDIDATES]
    found: list[tuple[float, tuple[Boundary, ...]]] = []
    for k in range(1, min(_MAX_FLIPS, len(candidates)) + 1):
        for combo in combinations(candidates, k):
            _flip(combo)
            if reading.markets(toc_countries) == want:
                found.append((sum(abs(b.score) for b in combo), combo))
            _flip(combo)
    if not found:
        lines.append(f"{kind}: no reading within reach meets the stated count: flagged")
        return None, lines
    found.sort(key=lambda f: f[0])
    cost, combo = found[0]
    if len(found) > 1 and found[1][0] - cost < th.TIE_MARGIN:
        lines.append(
            f"{kind}: readings tie ({_describe(reading, combo)} / "
            f"{_describe(reading, found[1][1])}): the first reading stands, flagged"
        )
        message = (
            f"the {kind} count {want} is met by more than one reading "
            f"({_describe(reading, combo)}; {_describe(reading, found[1][1])})"
        )
        page = reading.items[combo[0].above].line.page
        return Notice(NoticeCode.READINGS_TIED, message, kind=kind, page=page), lines
    what = _describe(reading, combo)
    _flip(combo)
    lines.append(f"{kind}: chose {what} (cost {cost:.1f}): it meets the stated count {want}")
    page = reading.items[combo[0].above].line.page
    message = f"the stated {kind} count ({want}) chose the reading: {what}"
    return Notice(NoticeCode.READING_CHOSEN, message, kind=kind, page=page), lines


def _flip(combo: tuple[Boundary, ...]) -> None:
    for b in combo:
        b.join = not b.join


def _describe(reading: SectionReading, combo: tuple[Boundary, ...]) -> str:
    """What flipping `combo` (not yet flipped) would do."""
    parts = []
    for b in combo:
        above = reading.items[b.above].line
        below = reading.items[b.below].line
        verb = "split" if b.join else "join"
        parts.append(f"{verb} {above.plain!r} / {below.plain!r} (page {above.page})")
    return ", ".join(parts)
