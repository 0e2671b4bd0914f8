"""Where the results are: the online and physical sections, found by their headings. The
Overview, Issue Focus, Positive Developments and Public Information never count."""

from __future__ import annotations

import re

from tracker.errors import ExtractionError
from tracker.extract.build import join_lines
from tracker.extract.features import heading_like, styled
from tracker.extract.layout import Line, Style
from tracker.model import Kind
from tracker.quotes import sentences

_NUM = r"(?:[A-Z0-9]{1,3}[.)]\s+)?"  # optional section numbering: "B.", "2)", "IV."
# "Online Markets", "B. Notorious Online Markets:", "The Physical Marketplaces"
SECTION = {
    kind: re.compile(
        rf"^{_NUM}(?:the\s+)?(?:notorious\s+)?{kind}\s+(?:notorious\s+)?market(?:s|places?)\W?$",
        re.I,
    )
    for kind in ("online", "physical")
}
RESULTS = re.compile(rf"^{_NUM}results\b", re.I)
_END = re.compile(
    rf"^{_NUM}(?:public\s+information|positive\s+developments|issue\s+focus|overview|annex|"
    r"appendix|conclusions?|endnotes|notes|references|sources|glossary|acknowledg\w*|"
    r"methodology|table\s+of\s+contents)\b",
    re.I,
)


_POSITIVE = re.compile(rf"^{_NUM}positive\s+developments\b", re.I)


def positive_developments(lines: list[Line], body: Style, stop: int) -> tuple[str, ...]:
    """The sentences of the Positive Developments section (markets delisted or improved), from
    its heading (and the heading's wrapped lines) to the next section heading or `stop`."""
    heads = (i for i, ln in enumerate(lines[:stop]) if _POSITIVE.match(ln.plain))
    start = next((i for i in heads if heading_like(lines[i], body)), None)
    if start is None:
        return ()
    parts: list[str] = []
    for ln in lines[start + 1 : stop]:
        if (
            _END.match(ln.plain)
            or RESULTS.match(ln.plain)
            or any(p.match(ln.plain) for p in SECTION.values())
        ):
            break
        if parts or not styled(ln, body):  # the heading's own wrapped lines are not text
            parts.append(ln.plain)
    return tuple(sentences(join_lines(parts, dehyphenate=True)))


def find_sections(lines: list[Line], body: Style) -> dict[Kind, tuple[int, int]]:
    """The [start, end) line ranges of the online and physical results sections (the section
    heading itself excluded)."""
    results = next(
        (i for i, ln in enumerate(lines) if RESULTS.match(ln.plain) and styled(ln, body)), 0
    )
    starts: dict[Kind, int] = {}
    for kind, pattern in SECTION.items():
        hits = [i for i, ln in enumerate(lines) if pattern.match(ln.plain)]
        after = [i for i in hits if i > results]
        if after or hits:
            starts[kind] = (after or hits)[0]  # type: ignore[index]
    if not starts:
        raise ExtractionError(
            "no 'Online Markets' or 'Physical Markets' section found: "
            "is this a Review of Notorious Markets?"
        )
    ends = [i for i, ln in enumerate(lines) if _END.match(ln.plain) and heading_like(ln, body)]
    out: dict[Kind, tuple[int, int]] = {}
    for kind, start in starts.items():
        stops = [i for i in [*starts.values(), *ends, len(lines)] if i > start]
        out[kind] = (start + 1, min(stops))
    return out
