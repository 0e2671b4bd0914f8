"""The one place that decides what each line of a results section is.

Lines are first sorted into running text, heading lines (set apart by style, or capitals on a
line of their own) and run-in lines (a paragraph opening with a set-apart name). Consecutive
heading lines of one style class with no text between them form a *run*; at each boundary inside
a run the evidence for "one wrapped heading" against "two headings" is summed in log-odds
(`thresholds.JOIN_*` / `SPLIT_*`): structure (a heading with no text of its own), grammar (a
trailing comma, an open parenthesis, a line starting in lower case or with a descriptor), the
table of contents (the joined text is a listed name; the first line is one by itself), the
report's own leading, and names of countries or categories. The segments of each run are
headings; a heading is a group (country, category) when it names a country or heads other
headings directly, else a market; a style class used mostly one way is used that way throughout.

Nothing here is final: `reconcile.py` may flip the least certain boundaries when the report's
stated counts say the first reading is wrong.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from tracker import headings as hd
from tracker.countries import known_country
from tracker.extract import thresholds as th
from tracker.extract.features import RunIn, caps, plain_tail, runin, style_label, styled
from tracker.extract.layout import Line, Style
from tracker.extract.profile import Profile
from tracker.extract.trace import Decision, Role
from tracker.model import Kind

StyleKey = tuple[str, float, bool, bool, str, bool]

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


@dataclass
class Item:
    """One line of a results section, as the classifier sees it."""

    line: Line
    kind: str  # heading | runin | text
    style: StyleKey
    runin: RunIn | None = None


@dataclass
class Boundary:
    """Between two consecutive lines of one heading run: joined (one heading) or not."""

    above: int  # item index
    below: int
    score: float  # log-odds that the two lines are one heading
    why: list[str]
    locked: bool = False  # decided by the table of contents: reconcile never flips it
    join: bool = False

    @property
    def rule(self) -> str:
        return "join" if self.join else "split"


@dataclass
class Heading:
    items: list[int]  # the item indices of its lines, first line first
    role: Role = Role.MARKET
    rule: str = ""
    why: list[str] = field(default_factory=list)

    @property
    def first(self) -> int:
        return self.items[0]


@dataclass
class SectionReading:
    """A results section read one way: its items, boundaries and headings."""

    kind: Kind
    items: list[Item]
    boundaries: list[Boundary]
    labels: dict[StyleKey, str]

    def headings(self, toc_countries: set[str]) -> list[Heading]:
        """Segment the runs by the boundaries' current decisions and give each heading a role."""
        joined = {b.below for b in self.boundaries if b.join}
        heads: list[Heading] = []
        for i, item in enumerate(self.items):
            if item.kind == "text":
                continue
            if i in joined and heads:
                heads[-1].items.append(i)
            else:
                heads.append(Heading([i]))
        _assign_roles(self, heads, toc_countries)
        return heads

    def markets(self, toc_countries: set[str]) -> int:
        return sum(h.role in (Role.MARKET, Role.RUNIN) for h in self.headings(toc_countries))

    def text_of(self, heading: Heading) -> str:
        """The heading's printed text, its lines joined (a hyphen at a break kept)."""
        parts = []
        for i in heading.items:
            item = self.items[i]
            parts.append(item.runin.name if item.runin else item.line.plain)
        return join_heading(parts)


def join_heading(parts: list[str]) -> str:
    out = ""
    for part in parts:
        part = part.strip()
        if out.endswith("-") and not out.endswith(" -"):
            out += part
        else:
            out = f"{out} {part}" if out else part
    return out


def read_section(
    kind: Kind, lines: list[Line], profile: Profile, toc_names: set[str], toc_countries: set[str]
) -> SectionReading:
    items = _items(lines, profile)
    labels = _labels(items)
    boundaries = _boundaries(kind, items, profile, toc_names, toc_countries)
    for b in boundaries:
        b.join = b.score > 0
    return SectionReading(kind, items, boundaries, labels)


# ---------------------------------------------------------------------------------------------
# items


def _items(lines: list[Line], profile: Profile) -> list[Item]:
    body = profile.body
    items: list[Item] = []
    for n, line in enumerate(lines):
        prev = lines[n - 1] if n else None
        style = style_label(line, body)
        ri = runin(line, body)
        # a heading ends its paragraph: the line after it starts one (or wraps the heading)
        after_heading = bool(items) and items[-1].kind == "heading"
        new_para = after_heading or _starts_paragraph(line, prev, profile)
        tail = plain_tail(line, body) is not None
        if ri is not None and tail and _stands_alone(line, lines[n + 1 : n + 2], profile):
            ri = None  # `**Name** – City` on a line of its own heads text: not a run-in
        set_apart = styled(line, body) or tail
        if ri is None and (set_apart or (caps(line) and new_para)):
            items.append(Item(line, "heading", style))
        elif ri is not None and (new_para or after_heading):
            items.append(Item(line, "runin", style, ri))
        elif (
            after_heading
            and _continues_heading(items[-1].line, line)
            and _stands_alone(line, lines[n + 1 : n + 2], profile)
        ):
            items.append(Item(line, "heading", style))  # a wrapped tail in a plainer style
        else:
            items.append(Item(line, "text", style))
    return items


def _stands_alone(line: Line, after: list[Line], profile: Profile) -> bool:
    """A line that ends its paragraph: the next line's first word would have fitted after it
    (a paragraph breaks a line short only where it ends), or the next line starts another."""
    room = profile.text_right - line.x1
    if not after:
        return room > line.size
    nxt = after[0]
    word = nxt.plain.split()[0] if nxt.plain.split() else ""
    width = (nxt.x1 - nxt.x0) / max(len(nxt.plain), 1) * (len(word) + 1)
    if room > width + line.size:
        return True
    # a page break says nothing: a paragraph's line at the foot of a page is full
    return nxt.page == line.page and _starts_paragraph(nxt, line, profile)


def _continues_heading(above: Line, line: Line) -> bool:
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


def _starts_paragraph(line: Line, prev: Line | None, profile: Profile) -> bool:
    if prev is None or prev.page != line.page:
        return True
    extra = (line.baseline - prev.baseline) - profile.leading_of(max(line.size, prev.size))
    indented = line.x0 > prev.x0 + line.size and abs(prev.x0 - profile.text_left) < line.size
    return (
        extra > (th.PARAGRAPH_GAP - 1.0) * profile.leading_of(line.size)
        or indented
        or prev.text.rstrip().endswith((".", ":", "”", '"'))
    )


def _labels(items: list[Item]) -> dict[StyleKey, str]:
    """A short name per heading style class, numbered by first use."""
    labels: dict[StyleKey, str] = {}
    for item in items:
        if item.kind == "text" or item.style in labels:
            continue
        font, size, _, _, colour, capitals = item.style
        if item.kind == "runin" and (name := _runin_style(item)) is not None:
            font, size, colour = name.font, name.size, name.color  # the name's own style
        extra = " caps" if capitals else ("" if colour == "black" else f" {colour}")
        labels[item.style] = f"S{len(labels) + 1} {font} {size:g}{extra}"
    return labels


# ---------------------------------------------------------------------------------------------
# boundaries: one heading or two?


def _boundaries(
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
            and (not _continues_heading(above.line, below.line))
        ):
            continue
        if below.kind == "runin" and _runin_style(below) != above.line.style:
            continue
        out.append(_evidence(kind, i - 1, i, items, profile, toc_names, toc_countries))
    return out


def _runin_style(item: Item) -> Style | None:
    first = next((s for s in item.line.spans if not s.sup and s.text.strip()), None)
    return first.style if first else None


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
        ev.add(th.SPLIT_TOC_PARTS, "the table of contents lists the first line by itself")
    elif kind == "physical" and _is_country(first, toc_countries):
        ev.add(th.SPLIT_GROUP, "the first line names a country")
    else:
        locked = False
    if kind == "online" and _is_category(first):
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


def _is_category(text: str) -> bool:
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


# ---------------------------------------------------------------------------------------------
# roles


def _assign_roles(reading: SectionReading, heads: list[Heading], toc_countries: set[str]) -> None:
    items = reading.items
    for head in heads:
        last = items[head.items[-1]]
        text = reading.text_of(head)
        nxt = head.items[-1] + 1
        following = items[nxt] if nxt < len(items) else None
        if last.kind == "runin":
            head.role, head.rule = Role.RUNIN, "run-in"
            head.why = ["a set-apart name and a separator open a paragraph"]
        elif reading.kind == "physical" and _is_country(text, toc_countries):
            head.role, head.rule, head.why = Role.GROUP, "country", ["names a country"]
        elif reading.kind == "online" and following is not None and _is_category(text):
            head.role, head.rule = Role.GROUP, "category"
            head.why = ["names a category of online markets and heads the markets below"]
        elif (
            following is not None
            and following.kind == "heading"
            and (following.style == last.style)
        ):
            head.role, head.rule = Role.MARKET, "own-style-follows"
            head.why = ["no text of its own, but a heading of its own style follows"]
        elif following is not None and following.kind != "text":
            head.role, head.rule = Role.GROUP, "heads-headings"
            head.why = ["a heading of another style follows it directly"]
        else:
            head.role, head.rule = Role.MARKET, "heads-text"
            head.why = ["running text follows it"]
    _style_majority(reading, heads, toc_countries)


def _is_country(text: str, toc_countries: set[str]) -> bool:
    clean = hd.clean(text)
    return known_country(clean) is not None or hd.fold(clean) in toc_countries


def _style_majority(reading: SectionReading, heads: list[Heading], toc_countries: set[str]) -> None:
    """A heading style used mostly one way is used that way throughout (a category with a
    preamble of its own, a market with no text of its own)."""
    tallies: dict[StyleKey, Counter[Role]] = defaultdict(Counter)
    for head in heads:
        if head.role in (Role.MARKET, Role.GROUP):
            tallies[reading.items[head.first].style][head.role] += 1
    for head in heads:
        if head.role not in (Role.MARKET, Role.GROUP) or head.rule == "country":
            continue
        tally = tallies[reading.items[head.first].style]
        major, n = tally.most_common(1)[0]
        firm = n >= th.STYLE_MAJORITY_MIN and n >= th.STYLE_MAJORITY * tally.total()
        if major != head.role and firm:
            head.why.append(f"but its style is used {n} of {tally.total()} times as {major}")
            head.role, head.rule = major, "style-majority"


def decisions(reading: SectionReading, heads: list[Heading]) -> list[Decision]:
    """The trace of one section: every heading and run-in line with its role and reasons."""
    by_below = {b.below: b for b in reading.boundaries}
    out: list[Decision] = []
    for head in heads:
        for n, i in enumerate(head.items):
            item = reading.items[i]
            label = reading.labels.get(item.style, "")
            if n == 0:
                why = list(head.why)
                if (b := by_below.get(i)) is not None:
                    why = [f"split from the line above ({b.score:+.1f}: {', '.join(b.why)})", *why]
                out.append(
                    Decision(
                        item.line.page,
                        item.line.plain,
                        reading.kind,
                        label,
                        head.role,
                        head.rule,
                        why,
                    )
                )
            else:
                b = by_below[i]
                out.append(
                    Decision(
                        item.line.page,
                        item.line.plain,
                        reading.kind,
                        label,
                        Role.CONTINUATION,
                        "join",
                        [f"{b.score:+.1f}", *b.why],
                    )
                )
    return out
