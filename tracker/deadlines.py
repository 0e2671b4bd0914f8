"""What a Notorious Markets comment request states, read from its text: pure, no I/O.

The notices write their deadlines in prose, in the Federal Register's DATES paragraph and in
the body: "Written comments are due by 11:59 p.m. EDT on October 7, 2024", "October 21, 2024 at
11:59 p.m. EDT: The deadline for the submission of rebuttal comments". A date counts as a
deadline only when a deadline word (due, deadline, by, no later than, ...) stands before it, or
when it opens a DATES entry that names a deadline; what is due is the kind of submission named
nearest before the date (else the first one after it). "USTR will begin accepting comments on
August 16, 2024" is not a deadline.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import date

from tracker.records import Deadline

_MONTHS = {
    m: n
    for n, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for m in names
}
_DATE = re.compile(
    r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{1,2}),?\s+(\d{4})\b",
    re.I,
)
# what is due, most specific first; the name printed in alerts and `status --json`
_WHAT = (
    (re.compile(r"\brebuttal", re.I), "rebuttal comments"),
    (re.compile(r"\bpost-hearing", re.I), "post-hearing comments"),
    (
        re.compile(r"\b(?:requests?|notices?)\s+(?:of\s+intent\s+)?to\s+(?:appear|testify)", re.I),
        "requests to appear",
    ),
    (re.compile(r"\bwritten\s+(?:comments|submissions)", re.I), "written comments"),
    (re.compile(r"\bcomments?\b|\bsubmissions?\b", re.I), "comments"),
)
_CUE = re.compile(
    r"\b(?:due|deadlines?|no\s+later\s+than|by|before|closes?|must\s+be\s+(?:received|submitted))\b",
    re.I,
)
_NAMES_DEADLINE = re.compile(r"\b(?:deadline|due)\b", re.I)
_ENTRY_START = re.compile(r"\s*(?:DATES?\s*:)?[\s,;:-]*", re.I)  # nothing but a DATES label
_YEAR_IN_TITLE = re.compile(r"\b((?:19|20)\d\d)\b[^:]*?\bReview\s+of\s+Notorious\s+Markets", re.I)
_FOCUS = re.compile(
    r"\bissue\s+focus\b.*?(?:\bwill\s+(?:examine|highlight|address|explore|focus\s+on|be)|"
    r"\b(?:examines|highlights|addresses|is)\b|:)\s+(?P<focus>.+)$",
    re.I,
)


def plain(text: str) -> str:
    """Text without markup, entities or line wrapping; `p.m.` and `U.S.` without their dots, so
    that a sentence ends only where a sentence ends."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = re.sub(r"\b([ap])\.\s?m\.", r"\1m", text, flags=re.I)
    text = re.sub(r"\bU\.\s?S\.", "US", text)
    text = re.sub(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|No|Nos)\.", r"\1", text)
    return " ".join(text.split())


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;])\s+(?=[A-Z0-9(])", plain(text)) if s]


def deadlines(text: str | None) -> tuple[Deadline, ...]:
    """Every deadline the text states, once each, by date."""
    found: set[Deadline] = set()
    for sentence in sentences(text or ""):
        found.update(_in_sentence(sentence))
    return tuple(sorted(found))


def _in_sentence(sentence: str) -> Iterable[Deadline]:
    dates = list(_DATE.finditer(sentence))
    for n, m in enumerate(dates):
        before = sentence[dates[n - 1].end() if n else 0 : m.start()]
        after = sentence[m.end() : dates[n + 1].start() if n + 1 < len(dates) else None]
        opens_entry = _ENTRY_START.fullmatch(before) and _NAMES_DEADLINE.search(after)
        when = _date(m)
        what = _what(before) or _what(after)
        if when is not None and what is not None and (_CUE.search(before) or opens_entry):
            yield Deadline(when, what)


def _what(text: str) -> str | None:
    """The most specific kind of submission the text names."""
    return next((name for pattern, name in _WHAT if pattern.search(text)), None)


def _date(m: re.Match[str]) -> date | None:
    try:
        return date(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))
    except ValueError:  # "February 30"
        return None


def merge(*groups: Iterable[Deadline]) -> tuple[Deadline, ...]:
    """The deadlines of several sources; a bare "comments" deadline on a date that another one
    names more precisely says nothing more, and goes."""
    every = {d for group in groups for d in group}
    precise = {d.date for d in every if d.what != "comments"}
    return tuple(sorted(d for d in every if d.what != "comments" or d.date not in precise))


def issue_focus(*texts: str | None) -> str | None:
    """What the review's issue focus will be, from the first text that says."""
    for text in texts:
        for sentence in sentences(text or ""):
            if re.search(r"\bissue\s+focus\b", sentence, re.I):
                m = _FOCUS.search(sentence)
                focus = (m.group("focus") if m else sentence).strip().rstrip(".;")
                return focus[:1].upper() + focus[1:300]
    return None


def review_year(title: str, published: date) -> int:
    """The review a notice opens: the year its title names ("2024 Review of Notorious Markets",
    "2017 Special 301 Out-of-Cycle Review of Notorious Markets"), else the year it was
    published (USTR opens each review in the summer of its year)."""
    m = _YEAR_IN_TITLE.search(title)
    return int(m.group(1)) if m else published.year


def about_the_list(title: str) -> bool:
    """A Notorious Markets review's comment request, or a correction of one (the search also
    finds other USTR notices that mention the list)."""
    return bool(
        re.search(r"\bnotorious\s+markets\b", title, re.I)
        and re.search(r"\bcomments?\b|\bcorrection\b", title, re.I)
    )


def is_correction(title: str) -> bool:
    return bool(re.search(r"\bcorrection\b", title, re.I))
