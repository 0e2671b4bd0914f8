"""Read a report's table of contents: since the 2019 review it lists every online market and the
countries of the physical markets, which makes it a cross-check for the body headings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import takewhile

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
    for line in lines:
        m = _ENTRY.match(line.text)
        if m is None:
            if len(pending) >= 2:  # two lines without a page number: the table has ended
                break
            pending.append(line)
            continue
        if pending and last is not None and items and _tighter_above(last, pending[0], line):
            # the item above printed its number on its first line: this is its second line
            prev = items[-1]
            items[-1] = TocItem(_join([prev.text, pending[0].plain]), prev.page_label, prev.indent)
            used.add(id(pending.pop(0)))
        text, page = m.group("text") or m.group("text2"), m.group("page") or m.group("page2")
        parts = [p.plain for p in pending] + [text.replace("\t", " ")]
        first = pending[0] if pending else line
        items.append(TocItem(_join(parts), page, first.x0))
        used.update(id(ln) for ln in [*pending, line])
        pending, last = [], line
    return Toc(tuple(items), frozenset(used))


def _tighter_above(above: Line, middle: Line, below: Line) -> bool:
    """A line without a page number sits closer to the item above than to the one below: it
    wraps the item above (whose number came on its first line, as some engines set it)."""
    if not (above.page == middle.page == below.page):
        return False
    up = middle.baseline - above.baseline
    down = below.baseline - middle.baseline
    return up < down - 0.05 * middle.size


def _join(parts: list[str]) -> str:
    text = parts[0].strip()
    for part in parts[1:]:
        text = text + part.strip() if text.endswith("-") else f"{text} {part.strip()}"
    return re.sub(r"\s+", " ", text).strip()
