"""Read a Notorious Markets List PDF into a Report: the markets its results sections list.

The reader keys on structure, never on one file's wording: the results sections are found by
their headings; inside them a market is a heading set apart from the running text (bold, larger,
another font or colour, or capitals on a line of their own) or a run-in name that starts a
paragraph (`Name (domain) – text`). A heading followed directly by another heading groups the
ones after it (a country, or a category such as "Cyberlockers"). The table of contents, when it
lists the markets, and the counts the report states are cross-checks: disagreements become
warnings, never silent changes.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from tracker import headings as hd
from tracker.countries import display_country, known_country
from tracker.errors import ExtractionError
from tracker.model import Counts, Entry, Kind, Notice, NoticeCode, Report
from tracker.pdftext import Document, Line, Style, read_document
from tracker.toc import Toc, read_toc

log = logging.getLogger(__name__)

_NUM = r"(?:[A-Z0-9]{1,3}[.)]\s+)?"  # optional section numbering: "B.", "2)", "IV."
_SECTION = {
    "online": re.compile(rf"^{_NUM}(?:notorious\s+)?online\s+market(?:s|places?)$", re.I),
    "physical": re.compile(rf"^{_NUM}(?:notorious\s+)?physical\s+market(?:s|places?)$", re.I),
}
_RESULTS = re.compile(rf"^{_NUM}results\b", re.I)
_END = re.compile(
    rf"^{_NUM}(?:public\s+information|positive\s+developments|issue\s+focus|overview|annex|"
    r"appendix|conclusions?|endnotes|methodology|table\s+of\s+contents)\b",
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
_YEAR_IN_TEXT = [
    re.compile(r"\bresults\s+of\s+the\s+(?P<y>(?:19|20)\d\d)\s+(?:out-of-cycle\s+)?review", re.I),
    re.compile(r"\bthe\s+(?P<y>(?:19|20)\d\d)\s+(?:out-of-cycle\s+)?review\s+of\s+notorious", re.I),
    re.compile(
        r"\bthe\s+(?P<y>(?:19|20)\d\d)\s+notorious\s+markets\s+list\s+(?:highlights|"
        r"identifies|includes|lists|features)",
        re.I,
    ),
]
_MONTHS = "january february march april may june july august september october november december"
_DATE = re.compile(
    rf"^(?P<m>{'|'.join(_MONTHS.split())})\s+(?:\d{{1,2}},?\s+)?(?P<y>(?:19|20)\d\d)$", re.I
)
_RUNIN_SEP = re.compile(r"^\s*(?::|[–—]|-\s)")


def extract(source: str | Path | bytes) -> Report:
    """Extract the report at `source` (a path or the PDF's bytes)."""
    if isinstance(source, bytes):
        return parse(read_document(source))
    try:
        return parse(read_document(source))
    except ExtractionError as exc:
        raise ExtractionError(f"{source}: {exc}") from exc


def parse(doc: Document) -> Report:
    notes: list[Notice] = []
    toc = read_toc(doc)
    lines = [ln for ln in doc.lines() if id(ln) not in toc.lines]
    sections = _sections(lines, doc)
    first = min(start for start, _ in sections.values())
    title, year = _title_and_year(doc, lines[:first], notes)
    stated = _stated_counts(lines[:first]) or _stated_counts(lines)
    found: list[_Found] = []
    for kind, (start, end) in sections.items():
        found += _Section(kind, lines[start:end], doc, toc).entries(notes)
    if toc.online_names and "online" in sections:
        start, end = sections["online"]
        found = _check_toc(found, toc, lines[start:end], notes)
    entries = tuple(f.entry for f in sorted(found, key=lambda f: (f.entry.kind != "online", f.key)))
    if not entries:
        raise ExtractionError("no market headings found in the results sections")
    report = Report(year, title, stated, entries, pages=doc.page_count)
    _check_counts(report, notes)
    log.info(
        "extracted %d online and %d physical markets from the %d review (%d warnings)",
        report.counts.online,
        report.counts.physical,
        year,
        len(notes),
    )
    return replace(report, notices=tuple(notes))


# ---------------------------------------------------------------------------------------------
# line classes


def _emphasised(style: Style, body: Style) -> bool:
    return style != body and (
        style.bold != body.bold
        or style.size >= body.size + 0.5
        or (style.italic and not body.italic)
        or style.color != body.color
        or style.font != body.font
    )


def _styled(line: Line, body: Style) -> bool:
    """The whole line (bar footnote marks) is set apart from the running text."""
    total = marked = 0
    for span in line.spans:
        n = len(span.text.strip())
        if span.sup or not n:
            continue
        total += n
        marked += n if _emphasised(span.style, body) else 0
    return total > 0 and marked >= 0.9 * total


def _caps(line: Line) -> bool:
    text = line.text.replace("\t", " ")
    letters = [c for c in text if c.isalpha()]
    return (
        len(letters) >= 1
        and sum(c.isalnum() for c in text) >= 3
        and all(c.isupper() for c in letters)
        and not text.rstrip().endswith((".", ";"))
        and len(text.split()) <= 14
    )


def _runin(line: Line, body: Style) -> tuple[str, str] | None:
    """A paragraph that opens with a set-apart name and a separator: (name, rest of line)."""
    head: list[str] = []
    rest_at = len(line.spans)
    for i, span in enumerate(line.spans):
        if span.sup:
            continue
        if span.text.isspace() or _emphasised(span.style, body):
            head.append(span.text)
            continue
        rest_at = i
        break
    name = "".join(head).strip()
    rest = "".join(s.text for s in line.spans[rest_at:] if not s.sup)
    if sum(c.isalnum() for c in name) < 2 or not rest.strip():
        return None
    if name.endswith((":", "–", "—")):
        return name, rest.strip()
    if _RUNIN_SEP.match(rest):
        return name, _RUNIN_SEP.sub("", rest, count=1).strip()
    # a plain "(domain)" between the name and the separator: `Baidu (baidu.com) – text`
    if m := re.match(r"^\s*(\([^()]{2,80}\))\s*(?::|[–—]|-\s)\s*", rest):
        return f"{name} {m.group(1)}", rest[m.end() :].strip()
    return None


# ---------------------------------------------------------------------------------------------
# sections


def _heading_like(line: Line, doc: Document) -> bool:
    return _styled(line, doc.body) or _caps(line)


def _sections(lines: list[Line], doc: Document) -> dict[Kind, tuple[int, int]]:
    """The [start, end) line ranges of the online and physical results sections."""
    results = next(
        (i for i, ln in enumerate(lines) if _RESULTS.match(ln.text) and _styled(ln, doc.body)), 0
    )
    starts: dict[Kind, int] = {}
    for kind, pattern in _SECTION.items():
        hits = [i for i, ln in enumerate(lines) if pattern.match(ln.text.replace("\t", " "))]
        after = [i for i in hits if i > results]
        if after or hits:
            starts[kind] = (after or hits)[0]  # type: ignore[index]
    if not starts:
        raise ExtractionError(
            "no 'Online Markets' or 'Physical Markets' section found: "
            "is this a Review of Notorious Markets?"
        )
    ends = [i for i, ln in enumerate(lines) if _END.match(ln.text) and _heading_like(ln, doc)]
    out: dict[Kind, tuple[int, int]] = {}
    for kind, start in starts.items():
        stops = [i for i in [*starts.values(), *ends, len(lines)] if i > start]
        out[kind] = (start + 1, min(stops))
    return out


# ---------------------------------------------------------------------------------------------
# entries


@dataclass
class _Block:
    """A heading (one or more wrapped lines) or a run-in paragraph start, or running text."""

    kind: str  # heading | runin | text
    lines: list[Line]
    texts: list[str] = field(default_factory=list)  # heading readings, preferred first
    rest: str = ""  # run-in: the paragraph text after the name


@dataclass(frozen=True)
class _Found:
    entry: Entry
    key: tuple[int, float]  # page, top: the heading's place in the document


class _Section:
    def __init__(self, kind: Kind, lines: list[Line], doc: Document, toc: Toc) -> None:
        self.kind, self.lines, self.doc, self.toc = kind, lines, doc, toc
        self.blocks = self._blocks()

    # -- blocks ----------------------------------------------------------------------------

    def _blocks(self) -> list[_Block]:
        body = self.doc.body
        blocks: list[_Block] = []
        prev: Line | None = None
        for line in self.lines:
            runin = _runin(line, body)
            heading_like = runin is None and (_styled(line, body) or _caps(line))
            if heading_like and blocks and self._continues(blocks[-1], line):
                _extend(blocks[-1], line)
            elif heading_like and (_styled(line, body) or self._starts_paragraph(line, prev)):
                blocks.append(_Block("heading", [line], [line.text.replace("\t", " ")]))
            elif runin is not None and blocks and self._continues(blocks[-1], line):
                last = blocks[-1]  # a long run-in name that wrapped onto this line
                last.kind, last.rest = "runin", runin[1]
                _extend(last, line, runin[0])
            elif runin is not None and self._starts_paragraph(line, prev):
                blocks.append(_Block("runin", [line], [runin[0]], runin[1]))
            elif blocks and blocks[-1].kind == "text":
                blocks[-1].lines.append(line)
            else:
                blocks.append(_Block("text", [line]))
            prev = line
        return blocks

    def _starts_paragraph(self, line: Line, prev: Line | None) -> bool:
        if prev is None or prev.page != line.page:
            return True
        gap = line.top - prev.bottom
        return gap > 0.25 * line.size or prev.text.rstrip().endswith((".", ":", "”", '"'))

    def _continues(self, block: _Block, line: Line) -> bool:
        """Is `line` the wrapped second line of the heading `block`?"""
        last = block.lines[-1]
        if block.kind != "heading" or last.page != line.page:
            return False
        tight = line.top - last.bottom <= 0.5 * line.size
        aligned = abs(line.x0 - last.x0) <= 2 * line.size or (
            abs((line.x0 + line.x1) - (last.x0 + last.x1)) <= 4 * line.size  # centred
        )
        if not (tight and aligned):
            return False
        if last.style != line.style and not _runin(line, self.doc.body):
            return False
        text = last.text.rstrip()
        width = self.doc.text_right - self.doc.text_left
        return (
            last.x1 > self.doc.text_right - 0.3 * width
            or text.endswith(("-", ",", "/", "&", "(", "–"))
            or bool(re.search(r"\b(?:and|of|the|for|AND|OF|THE|FOR|D/B/A)$", text))
            or line.text[:1].islower()
        )

    # -- entries ---------------------------------------------------------------------------

    def entries(self, notes: list[Notice]) -> list[_Found]:
        roles = self._roles()
        paren_city = not any(
            hd.has_city_separator(b.texts[0])
            for b, r in zip(self.blocks, roles, strict=True)
            if r == "entry"
        )
        group: str | None = None
        out: list[_Found] = []
        for i, (block, role) in enumerate(zip(self.blocks, roles, strict=True)):
            if role == "group":
                group = hd.clean(block.texts[0])
            elif role == "entry":
                text = self._body_text(i)
                out.append(self._entry(block, text, group, paren_city, notes))
        return out

    def _roles(self) -> list[str]:
        """entry | group | text for each block."""
        roles = [self._role(i) for i in range(len(self.blocks))]
        # a heading style used mostly one way is used that way throughout (a category with a
        # preamble of its own, an entry with no text)
        tallies: dict[Style, Counter[str]] = defaultdict(Counter)
        for block, role in zip(self.blocks, roles, strict=True):
            if block.kind == "heading":
                tallies[block.lines[0].style][role] += 1
        for i, block in enumerate(self.blocks):
            if block.kind == "heading" and not self._is_country(block):
                tally = tallies[block.lines[0].style]
                major, n = tally.most_common(1)[0]
                if n >= 3 and n >= 0.75 * tally.total():
                    roles[i] = major
        return roles

    def _role(self, i: int) -> str:
        block = self.blocks[i]
        if block.kind == "text":
            return "text"
        if block.kind == "runin":
            return "entry"
        if self._is_country(block):
            return "group"
        nxt = self.blocks[i + 1] if i + 1 < len(self.blocks) else None
        return "group" if nxt is not None and nxt.kind != "text" else "entry"

    def _is_country(self, block: _Block) -> bool:
        return self.kind == "physical" and known_country(hd.clean(block.texts[0])) is not None

    def _body_text(self, i: int) -> str:
        parts = [self.blocks[i].rest]
        for block in self.blocks[i + 1 :]:
            if block.kind != "text":
                break
            parts += [ln.text for ln in block.lines]
        return _join_lines(parts)

    def _entry(
        self, block: _Block, text: str, group: str | None, paren_city: bool, notes: list[Notice]
    ) -> _Found:
        first = block.lines[0]
        heading = self._pick_reading(block.texts, text)
        listed = {hd.fold(n) for n in self.toc.online_names}
        heading = _strip_glued_marker(heading, self._footnote_marks(first.page), text, listed)
        if self.kind == "online":
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
                    kind=self.kind,
                    page=first.page,
                )
            )
        entry = replace(entry, heading=hd.clean(heading), excerpt=text[:400])
        return _Found(entry, (first.page, first.top))

    def _pick_reading(self, texts: list[str], body_text: str) -> str:
        """Choose between readings of a hyphen at a line break, by the table of contents, then
        by the entry's own text."""
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
        # the words that differ between the readings (`GUADALA-JARA` / `GUADALAJARA`), in the
        # entry's text or anywhere in the report
        words = _words(body_text)
        for t in texts:
            others = set().union(*(set(o.split()) for o in texts if o != t))
            own = [w.strip("(),").casefold() for w in t.split() if w not in others]
            if own and all(w in words for w in own):
                return t
        words = self.doc_words
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
        marks: set[str] = set()
        for ln in self.doc.page(page).lines:
            if ln.role == "footnote":
                marks.update(s.text.strip() for s in ln.spans if s.sup)
                if m := re.match(r"^(\d{1,3})\b", ln.text):
                    marks.add(m.group(1))
        return marks


def _words(text: str) -> set[str]:
    return {w.casefold() for w in re.findall(r"[\w’'-]+", text)}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def _extend(block: _Block, line: Line, text: str | None = None) -> None:
    """Add a wrapped line to a heading, keeping both readings of a hyphen at the break."""
    new = (text if text is not None else line.text).replace("\t", " ").strip()
    readings: list[str] = []
    for t in block.texts:
        t = t.rstrip()
        if t.endswith("-") and not t.endswith(" -"):
            keep, drop = t + new, t[:-1] + new
            readings += [drop, keep] if new[:1].islower() else [keep, drop]
        else:
            readings.append(f"{t} {new}")
    block.texts = list(dict.fromkeys(readings))
    block.lines.append(line)


def _join_lines(parts: list[str], dehyphenate: bool = False) -> str:
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
    for cut in range(len(digits)):  # the longest suffix that is a footnote on this page
        if digits[cut:] in marks:
            return (m.group("name") + digits[:cut]).rstrip()
    return heading


# ---------------------------------------------------------------------------------------------
# title, year, counts, cross-checks


def _title_and_year(doc: Document, front: list[Line], notes: list[Notice]) -> tuple[str, int]:
    title = _cover_title(doc) or doc.metadata.get("Title", "").strip()
    if "notorious" not in title.lower():
        title = next((ln.text for ln in doc.lines("header") if "otorious" in ln.text), title)
    if not title:
        raise ExtractionError("no title found: is this a Review of Notorious Markets?")
    year = _year(title)
    if year is None:
        text = _join_lines([ln.text for ln in front])
        for pattern in _YEAR_IN_TEXT:
            if m := pattern.search(text):
                year = int(m.group("y"))
                break
        else:
            year = _year(doc.metadata.get("Title", "")) or _year_from_date(doc, notes)
    return title, year


def _cover_title(doc: Document) -> str:
    cover = (
        [ln for ln in doc.pages[0].lines if ln.role == "text"] if doc.pages[0].number == 1 else []
    )
    if not cover:
        return ""
    biggest = max(ln.size for ln in cover)
    parts = [ln.text for ln in cover if ln.size >= 0.75 * biggest and not _DATE.match(ln.text)]
    title = ""
    for part in parts:
        title = title + part if title.endswith("-") else f"{title} {part}"
    return " ".join(title.split())


def _year(text: str) -> int | None:
    m = re.search(r"\b((?:19|20)\d\d)\b", text)
    return int(m.group(1)) if m else None


def _year_from_date(doc: Document, notes: list[Notice]) -> int:
    for ln in doc.pages[0].lines:
        if m := _DATE.match(ln.text):
            month = _MONTHS.split().index(m.group("m").lower()) + 1
            year = int(m.group("y")) - (month < 9)  # reviews come out from December to April
            notes.append(
                Notice(
                    NoticeCode.YEAR_INFERRED,
                    f"review year {year} inferred from the cover date {ln.text!r}",
                    page=ln.page,
                )
            )
            return year
    raise ExtractionError("no review year found in the title or the overview")


def _stated_counts(lines: list[Line]) -> Counts | None:
    return stated_counts_in(_join_lines([ln.text for ln in lines], dehyphenate=True))


def stated_counts_in(text: str) -> Counts | None:
    """The counts a sentence states: "42 online markets and 35 physical markets", in digits or
    words, in either order."""
    for pattern in _STATED:
        if m := pattern.search(text):
            online, physical = (
                hd.parse_number(m.group("online")),
                hd.parse_number(m.group("physical")),
            )
            if online is not None and physical is not None:
                return Counts(online=online, physical=physical)
    return None


def _check_counts(report: Report, notes: list[Notice]) -> None:
    stated, got = report.stated_counts, report.counts
    if stated is None:
        notes.append(
            Notice(
                NoticeCode.NO_STATED_COUNTS,
                "the report states no counts of online and physical markets",
            )
        )
        return
    for kind in ("online", "physical"):
        if getattr(stated, kind) != getattr(got, kind):
            notes.append(
                Notice(
                    NoticeCode.COUNT_MISMATCH,
                    f"extracted {getattr(got, kind)} {kind} markets but the report states "
                    f"{getattr(stated, kind)}",
                    kind=kind,
                    got=getattr(got, kind),
                    stated=getattr(stated, kind),
                )
            )


def _check_toc(
    found: list[_Found], toc: Toc, lines: list[Line], notes: list[Notice]
) -> list[_Found]:
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
        if key in have:
            continue
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
        found.append(_Found(entry, (line.page, line.top)))
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
