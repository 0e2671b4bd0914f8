"""Read a report's table of contents: since the 2019 review it lists every online market and the
countries of the physical markets, which makes it a cross-check for the body headings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise, takewhile

from tracker.extract.layout import Document, Line

_TOC_TITLE = re.compile(r"^(?:table\s+of\s+)?contents$", re.I)
# text, then dot leaders or a wide gap (tab), then a page label
_ENTRY = re.compile(
    r"^(?P<text>.*?\S)\s*(?:[.·…_ ]{3,}|\t)\s*(?P<page>\d{1,4}|[ivxlc]{1,6})$"
    r"|^(?P<page2>\d{1,4})\t(?P<text2>.*\S)$",  # some tables print the page number first
    re.I,
)
_ONLINE = re.compile(
    r"^(?:[A-Z0-9]{1,3}[.)]\s+)?(?:the\s+)?(?:notorious\s+)?online\s+market(?:s|places?)?\W?$", re.I
)
_PHYSICAL = re.compile(
    r"^(?:[A-Z0-9]{1,3}[.)]\s+)?(?:the\s+)?(?:notorious\s+)?physical\s+market(?:s|places?)?\W?$",
    re.I,
)
_SECTION = re.compile(
    r"^(?:[A-Z0-9]{1,3}[.)]\s+)?(?:(?:online|physical)\s+market|public\s+information|annex|appendix)",
    re.I,
)


@dataclass(frozen=True)
class TocItem:
    text: str
    page_label: str
    indent: float


@dataclass(frozen=True)
class Toc:
    items: tuple[TocItem, ...] = ()
    lines: frozenset[int] = field(default_factory=frozenset)  # id() of the lines that form it

    def children(self, pattern: re.Pattern[str]) -> list[TocItem]:
        """Items listed under the first item matching `pattern`: those indented deeper, or,
        in a table without indentation, those up to the next section item."""
        for i, item in enumerate(self.items):
            if pattern.match(item.text):
                rest, depth = self.items[i + 1 :], item.indent + 2
                nested = list(takewhile(lambda c, d=depth: c.indent > d, rest))  # type: ignore[misc]
                if nested or any(c.indent > depth for c in self.items):
                    return nested
                flat = list(takewhile(lambda c: not _SECTION.match(c.text), rest))
                return flat if len(flat) < len(rest) else []
        return []

    @property
    def online_names(self) -> list[str]:
        return [c.text for c in self.children(_ONLINE)]

    @property
    def countries(self) -> list[str]:
        return [c.text for c in self.children(_PHYSICAL)]


def read_toc(doc: Document, first_pages: int = 8) -> Toc:
    """Find and parse the table of contents in the first pages; an empty Toc if there is none."""
    pages = [p for p in doc.pages if p.number <= first_pages]
    for n, page in enumerate(pages):
        body = [ln for ln in page.lines if ln.role == "text"]
        for i, line in enumerate(body):
            if _TOC_TITLE.match(line.text.replace("\t", " ")):
                lines = body[i + 1 :]
                for later in pages[n + 1 :]:
                    more = [ln for ln in later.lines if ln.role == "text"]
                    if not more or sum(bool(_ENTRY.match(ln.text)) for ln in more) < len(more) / 2:
                        break
                    lines += more
                return _parse(lines)
    return Toc()


def _parse(lines: list[Line]) -> Toc:
    items: list[TocItem] = []
    used: set[int] = set()
    pending: list[Line] = []
    last: Line | None = None  # the last line of the previous item
    edges = sorted(ln.x1 for ln in lines if _ENTRY.match(ln.text))
    column = edges[len(edges) // 2] if edges else None  # where the page numbers end
    for line in lines:
        m = _ENTRY.match(line.text) or _in_number_column(line, column)
        if m is None:
            if len(pending) >= 2:  # two lines without a page number: the table has ended
                break
            pending.append(line)
            continue
        if pending and last is not None and items and (k := _wrapping_above(last, pending, line)):
            # the item above printed its number on its first line: these are its next lines
            prev = items[-1]
            parts = [prev.text, *(ln.plain for ln in pending[:k])]
            items[-1] = TocItem(_join(parts), prev.page_label, prev.indent)
            used.update(id(ln) for ln in pending[:k])
            pending = pending[k:]
        text, page = m.group("text") or m.group("text2"), m.group("page") or m.group("page2")
        parts = [p.plain for p in pending] + [text.replace("\t", " ")]
        first = pending[0] if pending else line
        items.append(TocItem(_join(parts), page, first.x0))
        used.update(id(ln) for ln in [*pending, line])
        pending, last = [], line
    return Toc(tuple(items), frozenset(used))


# a line's last word, when it may be a page label (after what room was left for leaders)
_LAST_WORD_PAGE = re.compile(r"^(?P<text>.*?\S)\s+[.·…_]*\s*(?P<page>\d{1,4})$")


def _in_number_column(line: Line, column: float | None) -> re.Match[str] | None:
    """A line that fills its measure prints its page number after a mere space: it is an entry
    when that number ends where the table's other page numbers end."""
    if column is None or abs(line.x1 - column) > 0.5 * line.size:
        return None
    return _LAST_WORD_PAGE.match(line.text)


def _wrapping_above(above: Line, pending: list[Line], below: Line) -> int:
    """How many of the lines without a page number between two numbered lines wrap the item
    above (some engines print an item's number on its first line), the rest starting the item
    below (most print it on the last). The table's own spacing decides: items are set apart by
    the widest gap among these lines. Evenly set, a parenthesis the item above leaves open goes
    on to where it closes; else none wrap the item above.
    """
    seq = [above, *pending, below]
    if len({ln.page for ln in seq}) > 1:
        return 0
    gaps = [b.baseline - a.baseline for a, b in pairwise(seq)]
    widest = max(range(len(gaps)), key=gaps.__getitem__)
    if gaps[widest] >= min(gaps) + 0.05 * below.size:
        return widest
    # evenly set: only a parenthesis the item above leaves open says it goes on
    depth = above.plain.count("(") - above.plain.count(")")
    if depth <= 0:
        return 0
    for k, line in enumerate(pending, start=1):
        depth += line.plain.count("(") - line.plain.count(")")
        if depth <= 0:
            return k
    return 0


def _join(parts: list[str]) -> str:
    text = parts[0].strip()
    for part in parts[1:]:
        text = text + part.strip() if text.endswith("-") else f"{text} {part.strip()}"
    return re.sub(r"\s+", " ", text).strip()
