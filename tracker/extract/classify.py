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

from collections import Counter, defaultdict
from dataclasses import dataclass

from tracker.extract import thresholds as th
from tracker.extract.evidence import boundaries, continues_heading, is_category, is_country
from tracker.extract.features import caps, emphasised, plain_tail, runin, style_label, styled
from tracker.extract.layout import Line
from tracker.extract.profile import Profile
from tracker.extract.reading import Boundary, Heading, Item, StyleKey, runin_style
from tracker.extract.trace import Decision, Role
from tracker.model import Kind, Notice, NoticeCode

__all__ = [
    "Boundary",
    "Heading",
    "Item",
    "SectionReading",
    "decisions",
    "read_section",
    "unread_openings",
]


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
    found = boundaries(kind, items, profile, toc_names, toc_countries)
    for b in found:
        b.join = b.score > 0
    return SectionReading(kind, items, found, labels)


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
        elif ri is not None and not ri.rest and _place_wrapped(lines, n, profile):
            ri = None  # `**Name** –` whose place wrapped onto a line of its own
        set_apart = styled(line, body) or tail
        if ri is None and (set_apart or (caps(line) and new_para)):
            items.append(Item(line, "heading", style))
        elif ri is not None and (new_para or after_heading):
            items.append(Item(line, "runin", style, ri))
        elif (
            after_heading
            and continues_heading(items[-1].line, line)
            and _stands_alone(line, lines[n + 1 : n + 2], profile)
        ):
            items.append(Item(line, "heading", style))  # a wrapped tail in a plainer style
        else:
            items.append(Item(line, "text", style))
    return items


def unread_openings(reading: SectionReading, profile: Profile) -> list[Notice]:
    """The safety net under the rules above: a paragraph read as running text that opens with
    words set apart the way names are (`**Taobao (taobao.com)**²: …` in a form no rule knew)
    may be a market the list lost. Each is a doubt for a person, never a guess."""
    notes: list[Notice] = []
    for n, item in enumerate(reading.items):
        prev = reading.items[n - 1] if n else None
        after_heading = prev is not None and prev.kind != "text"
        opens = after_heading or _starts_paragraph(item.line, prev.line if prev else None, profile)
        name = _set_apart_opening(item.line, profile) if item.kind == "text" and opens else None
        if name is not None:
            page = item.line.page
            message = (
                f"page {page}: '{name}' opens a paragraph set apart like a market's name "
                "but was not read as one"
            )
            notes.append(Notice(NoticeCode.UNREAD_NAME, message, kind=reading.kind, page=page))
    return notes


def _set_apart_opening(line: Line, profile: Profile) -> str | None:
    """The line's opening words when they, and not all of it, are set apart from the body."""
    spans = [s for s in line.spans if not s.marker and s.text.strip()]
    head: list[str] = []
    for span in spans:
        if not emphasised(span.style, profile.body):
            break
        head.append(span.text)
    name = " ".join("".join(head).split())
    if not 0 < len(head) < len(spans) or sum(c.isalnum() for c in name) < 2:
        return None
    return name if len(name.split()) <= th.CAPS_MAX_WORDS else None


def _place_wrapped(lines: list[Line], n: int, profile: Profile) -> bool:
    """The line after `lines[n]` is short and ends its paragraph: a heading's place, not the
    first line of a run-in's text (which would go on to fill the measure)."""
    if n + 1 >= len(lines) or lines[n + 1].page != lines[n].page:
        return False
    nxt = lines[n + 1]
    return len(nxt.plain.split()) <= 6 and _stands_alone(nxt, lines[n + 2 : n + 3], profile)


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
        if item.kind == "runin" and (name := runin_style(item)) is not None:
            font, size, colour = name.font, name.size, name.color  # the name's own style
        extra = " caps" if capitals else ("" if colour == "black" else f" {colour}")
        labels[item.style] = f"S{len(labels) + 1} {font} {size:g}{extra}"
    return labels


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
        elif reading.kind == "physical" and is_country(text, toc_countries):
            head.role, head.rule, head.why = Role.GROUP, "country", ["names a country"]
        elif reading.kind == "online" and following is not None and is_category(text):
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
