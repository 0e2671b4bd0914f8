"""One heading or two? The evidence at each boundary between two heading lines, summed in
log-odds (`thresholds.JOIN_*` / `SPLIT_*`): the table of contents, country and category names,
structure (no text between), grammar (a trailing comma, an open parenthesis, a lower-case or
descriptor start), and the report's own line spacing."""

from __future__ import annotations

import re

from tracker import headings as hd
from tracker.countries import known_country
from tracker.extract import thresholds as th
from tracker.extract.layout import Line
from tracker.extract.profile import Profile
from tracker.extract.reading import Boundary, Item, runin_style
from tracker.model import Kind

_CONNECTOR_END = re.compile(
    r"(?:[-,/&(+–—]|\b(?:and|of|the|for|d/b/a|de|del|da|do|dos|la|el|y|et|at|on|in|to|a/k/a))$",
    re.I,
)
_DESCRIPTOR_START = re.compile(
    r"^(?:markets?|malls?|bazaa?rs?|cent(?:er|re)s?|plaza|street|trade|city|commercial|square|"
    r"complex|building|province|prefecture|district|state|region|shopping|wholesale|"
    r"electronics|commodit(?:y|ies)|gift|clothing|night|flea|ecosystem|group|sites?|"
    r"platforms?|network|services?|hosting|limited|ltd|inc|jsc|llc|co)\b",
    re.I,
)
_CATEGORY = re.compile(
    r"^(?:bittorrent|torrent|cyberlockers?|linking|streaming|social\s+(?:media|network)|"
    r"b2b|b2c|e-?commerce|pay-per-download|live\s+sports?|unlicensed|piracy|hosting|"
    r"mobile|search|forums?|websites?|online\s+platforms?)\b",
    re.I,
)


def boundaries(
    kind: Kind,
    items: list[Item],
    profile: Profile,
    toc_names: set[str],
    toc_countries: set[str],
) -> list[Boundary]:
    out: list[Boundary] = []
    for i in range(1, len(items)):
        above, below = items[i - 1], items[i]
        if above.kind != "heading" or below.kind == "text":
            continue
        if (
            below.kind == "heading"
            and below.style != above.style
            and (not continues_heading(above.line, below.line))
        ):
            continue
        if below.kind == "runin" and runin_style(below) != above.line.style:
            continue
        out.append(_evidence(kind, i - 1, i, items, profile, toc_names, toc_countries))
    return out


class _Evidence:
    """Log-odds summed with their reasons."""

    def __init__(self) -> None:
        self.score = 0.0
        self.why: list[str] = []

    def add(self, weight: float, reason: str) -> None:
        self.score += weight
        self.why.append(f"{weight:+g} {reason}")


def _evidence(
    kind: Kind,
    a: int,
    b: int,
    items: list[Item],
    profile: Profile,
    toc_names: set[str],
    toc_countries: set[str],
) -> Boundary:
    above, below = items[a], items[b]
    first = above.line.plain
    second = below.runin.name if below.runin else below.line.plain
    ev = _Evidence()
    locked = True  # the table of contents or a country name decides, whatever else says
    whole = {hd.fold(hd.clean(t)) for t in _hyphen_readings(first, second)}
    if kind == "online" and toc_names and whole & toc_names:
        ev.add(th.JOIN_TOC_WHOLE, "the table of contents lists the joined text")
    elif kind == "online" and toc_names and hd.fold(hd.clean(first)) in toc_names:
        if hd.fold(hd.clean(second)) in toc_names:
            ev.add(th.SPLIT_TOC_PARTS, "the table of contents lists each line by itself")
        else:  # a contents item may itself be misread: evidence, not a verdict
            locked = False
            ev.add(th.SPLIT_TOC_FIRST, "the table of contents lists the first line by itself")
    elif kind == "physical" and is_country(first, toc_countries):
        ev.add(th.SPLIT_GROUP, "the first line names a country")
    else:
        locked = False
    if kind == "online" and is_category(first):
        ev.add(th.SPLIT_CATEGORY, "the first line names a category of online markets")
    if below.kind == "runin":
        _runin_evidence(above.line, profile, ev)
    else:
        ev.add(th.JOIN_NO_TEXT, "no text between two lines of one heading style")
    _grammar_evidence(first, second, ev)
    _geometry_evidence(above.line, below.line, profile, ev)
    if kind == "online" and below.kind == "heading" and _complete_online(second):
        ev.add(th.SPLIT_COMPLETE, "the second line is a heading on its own (it prints a domain)")
    return Boundary(a, b, ev.score, ev.why, locked=locked)


def _hyphen_readings(first: str, second: str) -> list[str]:
    first, second = first.strip(), second.strip()
    if first.endswith("-") and not first.endswith(" -"):
        return [first + second, first[:-1] + second]
    return [f"{first} {second}"]


def is_category(text: str) -> bool:
    clean = hd.clean(text)
    return (
        bool(_CATEGORY.match(clean))
        and len(clean.split()) <= 4
        and "(" not in clean
        and not _CONNECTOR_END.search(clean)
    )


def _runin_evidence(line: Line, profile: Profile, ev: _Evidence) -> None:
    """A run-in's name wraps only at the text's own measure: its first line is full."""
    if line.x1 >= profile.text_right - 4 * line.size:
        ev.add(th.JOIN_FULL_MEASURE, "the run-in name's first line fills the text measure")
    else:
        ev.add(th.SPLIT_SHORT_OVER_RUNIN, "a short line over a run-in paragraph heads it")


def _grammar_evidence(first: str, second: str, ev: _Evidence) -> None:
    first, second = first.strip(), second.strip()
    if _CONNECTOR_END.search(first):
        ev.add(th.JOIN_CONNECTOR, f"the first line ends with {first.split()[-1]!r}")
    if first.count("(") > first.count(")"):
        ev.add(th.JOIN_OPEN_PAREN, "the first line opens a parenthesis it does not close")
    if second[:1].islower():
        ev.add(th.JOIN_LOWERCASE, "the second line starts in lower case")
    elif _DESCRIPTOR_START.match(second) and not _CONNECTOR_END.search(first):
        ev.add(th.JOIN_DESCRIPTOR, f"the second line starts with {second.split()[0]!r}")


def _geometry_evidence(above: Line, below: Line, profile: Profile, ev: _Evidence) -> None:
    if above.page != below.page:
        ev.add(th.SPLIT_PAGE_BREAK, "a page break between the lines")
        return
    size = max(above.size, below.size)
    extra = (below.baseline - above.baseline - profile.leading_of(size)) / size
    aligned = abs(above.x0 - below.x0) <= 2 * size or (
        abs((above.x0 + above.x1) - (below.x0 + below.x1)) <= 4 * size
    )
    if not aligned:
        ev.add(th.SPLIT_MISALIGNED, "the lines share neither a left edge nor a centre")
    if extra <= th.TIGHT_EXTRA:
        ev.add(th.JOIN_TIGHT, f"set at the report's line spacing ({extra:+.2f} em)")
    elif extra >= th.LOOSE_EXTRA:
        ev.add(th.SPLIT_LOOSE, f"farther apart than the report's line spacing ({extra:+.2f} em)")


def _complete_online(text: str) -> bool:
    m = re.match(r"^.*\S\s*\(([^()]*)\)$", hd.clean(text))
    return bool(m and hd.online_heading(hd.clean(text)).domains)


def continues_heading(above: Line, line: Line) -> bool:
    """A line, in another style, that can only be the rest of the heading line above it: it
    opens with a separator or a closing parenthesis, or the heading ends with a comma or an
    open parenthesis."""
    first = above.plain.rstrip()
    return (
        (
            line.plain.lstrip()[:1] in ("–", "—", ",", ")", "/", "&")
            or first.endswith((",", "(", "–", "—", "/", "&"))
            or first.count("(") > first.count(")")
        )
        and line.page == above.page
        and len(line.plain) <= 80
    )


def is_country(text: str, toc_countries: set[str]) -> bool:
    clean = hd.clean(text)
    return known_country(clean) is not None or hd.fold(clean) in toc_countries
