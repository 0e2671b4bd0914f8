"""Page furniture: running headers and footers (repeated in the margins), folios, footnotes
and other small print are marked so the structure reader sees only the page body."""

from __future__ import annotations

import re
from collections import Counter

from tracker.extract import thresholds as th
from tracker.extract.lines import Line, Page, Style

_FOLIO = re.compile(r"^\W*(?:page\s+)?(\d{1,4}|[ivxlcdm]{1,8})(?:\s+of\s+\d+)?\W*$", re.I)
_FOOTNOTE = re.compile(r"^(?:\d{1,3}|[*†‡§])\s*\S")


def mark_roles(pages: list[Page], body: Style) -> None:
    """Mark running headers and footers, folios, footnotes and other small print."""
    repeats: Counter[tuple[str, int]] = Counter()
    for page in pages:
        seen = set()
        for line in page.lines:
            if _in_margin(line, page):
                seen.add(_repeat_key(line))
        repeats.update(seen)
    threshold = max(3, th.REPEAT_SHARE * len(pages))
    for page in pages:
        for line in page.lines:
            small = line.size <= body.size - th.SMALL_PRINT
            low = line.top > page.height * th.FOOTNOTE_ZONE
            if small and low and _FOOTNOTE.match(line.text):
                line.role = "footnote"  # even when its wording recurs on other pages
                continue
            if _in_margin(line, page):
                if (m := _FOLIO.match(line.text)) and line.size <= body.size * 1.1:
                    line.role = "folio"
                    if line.top > page.height / 2 or page.folio is None:
                        page.folio = m.group(1)
                    continue
                if len(pages) >= 3 and repeats[_repeat_key(line)] >= threshold:
                    line.role = "header"
                    continue
            if small:
                line.role = "footnote" if low else "small"


def _in_margin(line: Line, page: Page) -> bool:
    band = th.MARGIN_BAND
    return line.bottom < page.height * band or line.top > page.height * (1 - band)


def _repeat_key(line: Line) -> tuple[str, int]:
    return re.sub(r"\d+", "#", line.text.lower()), round(line.top / 12)
