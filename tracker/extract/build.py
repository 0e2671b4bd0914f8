"""Entries from the chosen reading: each market heading's name, city and domains (by the grammar
in `tracker.headings`), its country from the group above it, its page, and the start of its text.
A hyphen at a line break is resolved by the table of contents, then by the report's own words;
a footnote number glued to a heading at full size is dropped when that footnote is on the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property

from tracker import headings as hd
from tracker.countries import display_country
from tracker.extract.classify import Heading, SectionReading
from tracker.extract.layout import Document, Line
from tracker.extract.toc import Toc
from tracker.extract.trace import Role
from tracker.model import Entry, Notice, NoticeCode
from tracker.owners import owner_of


@dataclass(frozen=True)
class Found:
    entry: Entry
    key: tuple[int, float]  # page, baseline: the heading's place in the document


class Builder:
    def __init__(self, doc: Document, toc: Toc) -> None:
        self.doc, self.toc = doc, toc
        self.listed = {hd.fold(n) for n in toc.online_names}

    def entries(
        self, reading: SectionReading, heads: list[Heading], notes: list[Notice]
    ) -> list[Found]:
        markets = [h for h in heads if h.role in (Role.MARKET, Role.RUNIN)]
        paren_city = not any(hd.has_city_separator(_readings(reading, h)[0]) for h in markets)
        group: str | None = None
        out: list[Found] = []
        for head in heads:
            if head.role is Role.GROUP:
                group = hd.clean(_readings(reading, head)[0])
                if reading.kind == "physical" and head.rule != "country":
                    notes.append(_unknown_country(reading, head, group))
            elif head.role in (Role.MARKET, Role.RUNIN):
                parts = _body_parts(reading, head)
                text = join_lines(parts)
                found = self._entry(reading, head, text, group, paren_city, notes)
                out.append(self._with_words(found, parts, text))
        return out

    def _with_words(self, found: Found, parts: list[str], text: str) -> Found:
        """The entry's opening words (a word broken at a line end joined unless the report
        prints it hyphenated elsewhere) and, online, its operator and where it is based."""
        excerpt = self._running_text(parts)[:400]
        e = replace(found.entry, excerpt=excerpt)
        if e.kind == "online":
            owner = owner_of(e.name, e.domains, text)
            e = replace(e, operator=owner.operator, based_in=owner.based_in)
        return replace(found, entry=e)

    def _running_text(self, parts: list[str]) -> str:
        out = ""
        for part in (p.replace("\t", " ").strip() for p in parts):
            if not part:
                continue
            if out.endswith("-") and out[-2:-1].isalpha() and part[:1].islower():
                left = re.findall(r"[\w’'-]+$", out)
                right = re.findall(r"^[\w’'-]+", part)
                hyphenated = (left[0] if left else "") + (right[0] if right else "")
                out = out + part if hyphenated.casefold() in self.doc_words else out[:-1] + part
            else:
                out = f"{out} {part}" if out else part
        return out

    def _entry(
        self,
        reading: SectionReading,
        head: Heading,
        text: str,
        group: str | None,
        paren_city: bool,
        notes: list[Notice],
    ) -> Found:
        first = reading.items[head.first].line
        notes += _gapped(reading, head)
        heading = self._pick_reading(_readings(reading, head), text)
        heading = _strip_glued_marker(heading, self._footnote_marks(first.page), text, self.listed)
        if reading.kind == "online":
            oh = hd.online_heading(heading)
            domains = tuple(dict.fromkeys([*oh.domains, *hd.body_domains(text)]))
            entry = Entry(oh.name, "online", first.page, domains=domains)
        else:
            ph = hd.physical_heading(heading, paren_city)
            country = None
            if group is None:
                notes.append(
                    Notice(
                        NoticeCode.NO_COUNTRY,
                        f"physical market {ph.name!r} (page {first.page}) has no country",
                        kind="physical",
                        page=first.page,
                    )
                )
            else:
                country = display_country(group)
            entry = Entry(ph.name, "physical", first.page, country=country, city=ph.city)
        if not entry.name:
            notes.append(
                Notice(
                    NoticeCode.EMPTY_HEADING,
                    f"an empty heading on page {first.page} was skipped",
                    kind=reading.kind,
                    page=first.page,
                )
            )
        entry = replace(entry, heading=hd.clean(heading), excerpt=text[:400])  # see _with_words
        return Found(entry, (first.page, first.baseline))

    def _pick_reading(self, texts: list[str], body_text: str) -> str:
        """Choose between readings of a hyphen at a line break, by the table of contents, then
        by the entry's own text, then by the report's words."""
        if len(texts) == 1:
            return texts[0]
        toc = {_squash(n) for n in self.toc.online_names}
        for t in texts:
            if _squash(hd.clean(t)) in toc:
                return t
        body = _squash(body_text)
        for t in texts:
            if _squash(hd.clean(t)) in body:
                return t
        for words in (_words(body_text), self.doc_words):
            for t in texts:
                others = set().union(*(set(o.split()) for o in texts if o != t))
                own = [w.strip("(),").casefold() for w in t.split() if w not in others]
                if own and all(w in words for w in own):
                    return t
        return texts[0]

    @cached_property
    def doc_words(self) -> set[str]:
        return _words(" ".join(ln.text for ln in self.doc.lines()))

    def _footnote_marks(self, page: int) -> set[str]:
        """The footnote numbers at the foot of `page` and of the page before (some engines
        leave a note behind when its heading moves on to the next page)."""
        marks: set[str] = set()
        pages = [p for p in self.doc.pages if p.number in (page - 1, page)]
        for ln in (ln for p in pages for ln in p.lines):
            if ln.role == "footnote":
                marks.update(s.text.strip() for s in ln.spans if s.sup)
                if m := re.match(r"^(\d{1,3})(?!\d)", ln.text):
                    marks.add(m.group(1))
        return marks


def _readings(reading: SectionReading, head: Heading) -> list[str]:
    """The heading's text, one reading per way of resolving a hyphen or a slash at a line
    break; the likelier first (a lower-case continuation drops the hyphen; a slash joins)."""
    readings = [""]
    for n, i in enumerate(head.items):
        item = reading.items[i]
        new = (item.runin.name if item.runin else item.line.plain).strip()
        if n == 0:
            readings = [new]
            continue
        out: list[str] = []
        for t in readings:
            t = t.rstrip()
            if t.endswith("-") and not t.endswith(" -"):
                keep, drop = t + new, t[:-1] + new
                out += [drop, keep] if new[:1].islower() else [keep, drop]
            elif t.endswith("/") and not t.endswith(" /"):
                out += [t + new, f"{t} {new}"]  # a break after a slash (`D/B/` `A OPEN`)
            else:
                out.append(f"{t} {new}")
        readings = list(dict.fromkeys(out))
    return readings


# a tab (a gap wider than `thresholds.TAB_GAP`) after a leading enumerator (`1.\tNAME`) is
# layout; one anywhere else in a heading line says its text was drawn in pieces
_ENUMERATOR_TAB = re.compile(r"^\S{1,4}\t")


def _gapped(reading: SectionReading, head: Heading) -> list[Notice]:
    """A doubt for each heading line with wide gaps between its words: glyphs left from a line
    moved to the next page, hidden or overprinted text. Its reading may be garbled."""
    notes = []
    for i in head.items:
        line = reading.items[i].line
        if "\t" in _ENUMERATOR_TAB.sub("", line.text.strip()):
            shown = line.text.replace("\t", " ⇥ ")
            message = (
                f"page {line.page}: the heading line '{shown}' has wide gaps between its words"
            )
            notes.append(Notice(NoticeCode.GAPPED_HEADING, message, reading.kind, line.page))
    return notes


def _body_parts(reading: SectionReading, head: Heading) -> list[str]:
    last = reading.items[head.items[-1]]
    parts = [last.runin.rest] if last.runin else []
    for item in reading.items[head.items[-1] + 1 :]:
        if item.kind != "text":
            break
        parts.append(item.line.plain)
    return parts


def _words(text: str) -> set[str]:
    return {w.casefold() for w in re.findall(r"[\w’'-]+", text)}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def join_lines(parts: list[str], dehyphenate: bool = False) -> str:
    """Lines as running text; a word broken at a line end is joined (`mar-` `kets`: `markets`
    when `dehyphenate`, else the hyphen stays: `e-` `commerce`)."""
    out = ""
    for part in parts:
        part = part.replace("\t", " ").strip()
        if not part:
            continue
        if out.endswith("-"):
            broken = dehyphenate and part[:1].islower() and out[-2:-1].isalpha()
            out = (out[:-1] if broken else out) + part
        else:
            out = f"{out} {part}" if out else part
    return out


def _strip_glued_marker(heading: str, marks: set[str], body_text: str, listed: set[str]) -> str:
    """Drop a footnote number printed at full size after a heading (`TAOBAO2`, `DYTT87`,
    `Tepito, Mexico City7` with that footnote on the page), unless the entry's text or the
    table of contents spells the heading with those digits."""
    m = re.match(r"^(?P<name>.*\D)(?P<num>\d{1,4})[:.]?$", heading.strip())
    if not m:
        return heading
    body = hd.fold(body_text)
    if hd.fold(heading) in body or hd.fold(hd.clean(heading)) in listed:
        return heading
    digits = m.group("num")
    if hd.fold(hd.clean(m.group("name"))) in listed:  # the contents print it without them
        return m.group("name").rstrip()
    for cut in range(len(digits)):  # the longest suffix that is a footnote on this page
        if digits[cut:] in marks:
            return (m.group("name") + digits[:cut]).rstrip()
    return heading


def check_toc(found: list[Found], toc: Toc, lines: list[Line], notes: list[Notice]) -> list[Found]:
    """Compare the online headings with the table of contents; recover a listed market whose
    heading was not set apart, and say so."""
    listed = {hd.fold(n): n for n in toc.online_names}
    have = {hd.fold(f.entry.heading) for f in found} | {hd.fold(f.entry.name) for f in found}
    for f in found:
        if f.entry.kind == "online" and not (
            {hd.fold(f.entry.heading), hd.fold(f.entry.name)} & listed.keys()
        ):
            notes.append(
                Notice(
                    NoticeCode.NOT_IN_TOC,
                    f"online market {f.entry.name!r} (page {f.entry.page}) "
                    "is not in the table of contents",
                    kind="online",
                    page=f.entry.page,
                )
            )
    for key, name in listed.items():
        if key in have or any(h.startswith(key) and h not in listed for h in have):
            continue  # found (a longer heading that starts so is that heading, read whole)
        line = next((ln for ln in lines if hd.fold(hd.clean(ln.text)) == key), None)
        if line is None:
            notes.append(
                Notice(
                    NoticeCode.TOC_MISSING,
                    f"the table of contents lists {name!r} but no such heading was found",
                    kind="online",
                )
            )
            continue
        oh = hd.online_heading(name)
        entry = Entry(oh.name, "online", line.page, domains=oh.domains, heading=name)
        found.append(Found(entry, (line.page, line.baseline)))
        notes.append(
            Notice(
                NoticeCode.TOC_RECOVERED,
                f"{name!r} (page {line.page}) recovered from the table of contents: "
                "its heading is not set apart from the text",
                kind="online",
                page=line.page,
            )
        )
    return found


def _unknown_country(reading: SectionReading, head: Heading, group: str) -> Notice:
    """Physical markets are grouped by country: a group heading that names none (read as a
    group only because other headings follow it) may be a market's heading, wrapped or set in
    two styles, and the markets under it are doubtful."""
    page = reading.items[head.first].line.page
    message = (
        f"the heading {group!r} (page {page}) is read as the country of the physical markets "
        "below it, but names no country"
    )
    return Notice(NoticeCode.UNKNOWN_COUNTRY, message, kind="physical", page=page)
