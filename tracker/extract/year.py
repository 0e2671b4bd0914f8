"""The report's title, the review year it reports on, and the counts it states.

The review year is never taken from one signal alone. Each place that names it is evidence with
a weight: the title and the results heading (strong), the Overview's own sentences ("the results
of the 2012 review", "the 2012 Notorious Markets List highlights"), the public-comment sentence
("comments for the 2011 review"), the previous list named by Positive Developments (one year
back), and the cover date read through the publication window (December to April: a report
dated February 2022 is the 2021 review). The heaviest year wins; a strong signal for another
year is a conflict, and a year resting on weak signals only is said to be inferred. Both are
notices that hold the report for a person.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from tracker import headings as hd
from tracker.errors import ExtractionError
from tracker.extract.build import join_lines
from tracker.extract.layout import Document, Line
from tracker.model import Counts, Notice, NoticeCode

_Y = r"(?P<y>(?:19|20)\d\d)"
_MONTHS = "january february march april may june july august september october november december"
_MONTH = rf"(?P<m>{'|'.join(_MONTHS.split())})"
DATE = re.compile(rf"^{_MONTH}\s+(?:\d{{1,2}},?\s+)?{_Y}$", re.I)
STRONG, MEDIUM, WEAK = 3.0, 2.0, 1.0
# sentences that name the year of this very review; "since the 2020 ..." names the last one
_THIS_REVIEW = [
    (re.compile(rf"\bresults\s+of\s+the\s+{_Y}\s+(?:out-of-cycle\s+)?review", re.I), STRONG),
    (
        re.compile(rf"(?<!since )\bthe\s+{_Y}\s+(?:out-of-cycle\s+)?review\s+of\s+notorious", re.I),
        MEDIUM,
    ),
    (
        re.compile(
            rf"(?<!since )\bthe\s+{_Y}\s+(?:notorious\s+markets\s+)?list\s+(?:highlights|"
            r"identifies|includes|lists|features|names)",
            re.I,
        ),
        STRONG,
    ),
    (re.compile(rf"\bcomments?\s+(?:for|on|in)\s+the\s+{_Y}\s+review", re.I), MEDIUM),
]
_SINCE_LIST = re.compile(
    rf"\bsince\s+the\s+(?:{_MONTH}\s+)?{_Y}\s+(?:out-of-cycle\s+review|review|notorious|list)",
    re.I,
)
_STATED = [
    re.compile(
        rf"\b(?P<online>{hd.NUMBER_WORD})\s+online\s+(?:markets?|marketplaces?)?\s*"
        rf",?\s*(?:and|as\s+well\s+as)\s+(?P<physical>{hd.NUMBER_WORD})\s+physical\s+market",
        re.I,
    ),
    re.compile(
        rf"\b(?P<physical>{hd.NUMBER_WORD})\s+physical\s+(?:markets?)?\s*,?\s*"
        rf"(?:and|as\s+well\s+as)"
        rf"\s+(?P<online>{hd.NUMBER_WORD})\s+online\s+market",
        re.I,
    ),
]


# each count in a sentence of its own: "identifies 42 online markets", within a few sentences
_APART = re.compile(
    rf"\b(?:lists|includes|identifies|highlights|names|features|covers)\s+(?:a\s+total\s+of\s+)?"
    rf"(?P<n>{hd.NUMBER_WORD})\s+(?P<kind>online|physical)\s+(?:markets?|marketplaces?)\b",
    re.I,
)
_APART_WITHIN = 400  # characters between the two counts' sentences


@dataclass(frozen=True)
class Signal:
    year: int
    weight: float
    source: str  # where it was read, for the trace and the notices
    page: int | None = None


def title_of(doc: Document) -> tuple[str, bool]:
    """The report's title, and whether it was read off its pages (the cover, else a running
    header) rather than from the PDF's Title property."""
    title, printed = _cover_title(doc), True
    if not title:
        title, printed = doc.metadata.get("Title", "").strip(), False
    if "notorious" not in title.lower():
        header = next((ln.text for ln in doc.lines("header") if "otorious" in ln.text), None)
        if header:
            title, printed = header, True
    if not title:
        raise ExtractionError("no title found: is this a Review of Notorious Markets?")
    return title, printed


def review_year(
    doc: Document, title: tuple[str, bool], front: list[Line], results_heading: Line | None
) -> tuple[int, list[Notice], list[str]]:
    """The review year, the notices its evidence calls for, and the evidence as trace lines.
    `title` is `title_of`'s answer."""
    signals = _signals(doc, title, front, results_heading)
    if not signals:
        raise ExtractionError("no review year found in the title, the overview or the cover date")
    weights: dict[int, float] = defaultdict(float)
    for s in signals:
        weights[s.year] += s.weight
    year = max(weights, key=lambda y: (weights[y], y))
    trace = [f"{s.year}: {s.source} (weight {s.weight:g})" for s in signals]
    trace.append(f"chosen: {year} (total weight {weights[year]:g})")
    notices: list[Notice] = []
    against = [s for s in signals if s.year != year and s.weight >= MEDIUM]
    if against:
        said = "; ".join(f"{s.source} says {s.year}" for s in against)
        notices.append(
            Notice(
                NoticeCode.YEAR_CONFLICT,
                f"the review year is uncertain: {year} by most signals, but {said}",
                page=against[0].page,
            )
        )
    elif weights[year] < MEDIUM:
        only = ", ".join(s.source for s in signals if s.year == year)
        notices.append(
            Notice(
                NoticeCode.YEAR_INFERRED,
                f"review year {year} inferred from {only} only",
                page=next((s.page for s in signals if s.year == year), None),
            )
        )
    return year, notices, trace


def _signals(
    doc: Document, titled: tuple[str, bool], front: list[Line], results_heading: Line | None
) -> list[Signal]:
    out: list[Signal] = []
    meta = doc.metadata.get("Title", "").strip()
    title, printed = titled
    if (y := _year(title)) is not None:
        # a word processor keeps a document's Title property from its template: weak alone
        weight, source = (STRONG, "the title") if printed else (WEAK, "the PDF's Title")
        out.append(Signal(y, weight, f"{source} {title!r}", 1 if printed else None))
    if printed and meta != title and "otorious" in meta and (y := _year(meta)) is not None:
        out.append(Signal(y, WEAK, f"the PDF's Title {meta!r}"))
    if results_heading is not None and (y := _year(results_heading.plain)) is not None:
        out.append(
            Signal(y, STRONG, f"the heading {results_heading.plain!r}", results_heading.page)
        )
    text = join_lines([ln.text for ln in front], dehyphenate=True)
    for pattern, weight in _THIS_REVIEW:
        if m := pattern.search(text):
            page = _page_of(front, m.group("y"))
            out.append(Signal(int(m.group("y")), weight, f"the words {m.group(0)!r}", page))
    if m := _SINCE_LIST.search(text):
        out.append(Signal(_after_list(m), WEAK, f"the words {m.group(0)!r}"))
    out += _cover_date(doc)
    return out


def _after_list(m: re.Match[str]) -> int:
    """The review after the list `m` names: a list published in January to August belongs
    to the review of the year before."""
    year = int(m.group("y"))
    month = m.group("m")
    if month and _MONTHS.split().index(month.lower()) < 8:
        return year
    return year + 1


def _cover_date(doc: Document) -> list[Signal]:
    if doc.pages[0].number != 1:
        return []
    for ln in doc.pages[0].lines:
        if m := DATE.match(ln.plain.strip()):
            month = _MONTHS.split().index(m.group("m").lower()) + 1
            year = int(m.group("y")) - (month < 9)  # reviews come out from December to April
            weight = WEAK if month >= 11 or month <= 4 else WEAK / 2
            return [Signal(year, weight, f"the cover date {ln.plain!r}", ln.page)]
    return []


def _page_of(lines: list[Line], year: str) -> int | None:
    return next((ln.page for ln in lines if year in ln.text), None)


def _cover_title(doc: Document) -> str:
    cover = (
        [ln for ln in doc.pages[0].lines if ln.role == "text"] if doc.pages[0].number == 1 else []
    )
    if not cover:
        return ""
    biggest = max(ln.size for ln in cover)
    parts = [ln.text for ln in cover if ln.size >= 0.75 * biggest and not DATE.match(ln.plain)]
    title = ""
    for part in parts:
        if title.endswith("-"):  # `Mar-` `kets` was hyphenated; `Out-of-` `Cycle` keeps it
            title = (title[:-1] if part[:1].islower() else title) + part
        else:
            title = f"{title} {part}"
    return " ".join(title.split())


def _year(text: str) -> int | None:
    m = re.search(r"\b((?:19|20)\d\d)\b", text)
    return int(m.group(1)) if m else None


def stated_counts(lines: list[Line]) -> Counts | None:
    return stated_counts_in(join_lines([ln.text for ln in lines], dehyphenate=True))


def stated_counts_in(text: str) -> Counts | None:
    """The counts the report states: "42 online markets and 35 physical markets", in digits or
    words, in either order; else each in a sentence of its own, close together ("The List
    includes 42 online markets. It also names 35 physical markets")."""
    for pattern in _STATED:
        if m := pattern.search(text):
            online, physical = (
                hd.parse_number(m.group("online")),
                hd.parse_number(m.group("physical")),
            )
            if online is not None and physical is not None:
                return Counts(online=online, physical=physical)
    found: dict[str, tuple[int, int]] = {}  # kind -> (count, position)
    for m in _APART.finditer(text):
        kind = m.group("kind").lower()
        n = hd.parse_number(m.group("n"))
        if n is not None and kind not in found:
            found[kind] = (n, m.start())
    if len(found) == 2 and abs(found["online"][1] - found["physical"][1]) <= _APART_WITHIN:
        return Counts(online=found["online"][0], physical=found["physical"][0])
    return None
