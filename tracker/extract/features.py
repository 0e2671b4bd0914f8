"""What a single line looks like, measured against the report's running text: set apart or
not, in capitals, opening with a run-in name. Pure functions of a line and the body style."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.extract import thresholds as th
from tracker.extract.layout import Line, Style

_RUNIN_SEP = re.compile(r"^\s*(?::|[–—]|-\s)")
_RUNIN_DOMAIN = re.compile(r"^\s*(\([^()]{2,80}\))\s*(?::|[–—]|-\s)\s*")


def emphasised(style: Style, body: Style) -> bool:
    """Is text in `style` set apart from running text in `body`?"""
    return style != body and (
        style.bold != body.bold
        or style.size >= body.size + th.SIZE_EMPHASIS
        or (style.italic and not body.italic)
        or style.color != body.color
        or style.font != body.font
    )


def styled(line: Line, body: Style) -> bool:
    """The whole line (bar footnote markers) is set apart from the running text."""
    total = marked = 0
    for span in line.spans:
        n = len(span.text.strip())
        if span.marker or not n:
            continue
        total += n
        marked += n if emphasised(span.style, body) else 0
    return total > 0 and marked >= th.EMPHASIS_SHARE * total


def caps(line: Line) -> bool:
    """A short line in capitals that does not end a sentence."""
    text = line.plain
    letters = [c for c in text if c.isalpha()]
    return (
        len(letters) >= 1
        and sum(c.isalnum() for c in text) >= 3
        and all(c.isupper() for c in letters)
        and not text.rstrip().endswith((".", ";"))
        and len(text.split()) <= th.CAPS_MAX_WORDS
    )


def heading_like(line: Line, body: Style) -> bool:
    return styled(line, body) or caps(line) or plain_tail(line, body) is not None


_TAIL = re.compile(r"^(?:\((?:[^()]|\([^()]*\))+\)|[,–—]\s*\S.*|-\s+\S.*)$")


def plain_tail(line: Line, body: Style) -> Style | None:
    """A heading whose name is set apart and whose domain or place is not: `**Putlocker**
    (putlocker.ch)`, `**La Salada**, Lomas de Zamora`. The style of its name, or None."""
    spans = [s for s in line.spans if not s.marker and s.text.strip()]
    head = 0
    while head < len(spans) and emphasised(spans[head].style, body):
        head += 1
    if head == 0 or head == len(spans):
        return None
    name = "".join(s.text for s in spans[:head])
    tail = "".join(s.text for s in spans[head:]).strip()
    if any(emphasised(s.style, body) for s in spans[head:]) or sum(c.isalnum() for c in name) < 2:
        return None
    if len(tail) > 80 or tail.endswith((".", ";", ":", "!", "?")) or not _TAIL.match(tail):
        return None
    return spans[0].style if _placelike(tail) else None


_SMALL_WORDS = frozenset(
    [
        "de",
        "del",
        "da",
        "das",
        "do",
        "dos",
        "la",
        "las",
        "el",
        "los",
        "y",
        "e",
        "of",
        "the",
        "and",
        "on",
        "upon",
        "am",
    ]
)


def _placelike(tail: str) -> bool:
    """A domain or a place (`Lomas de Zamora, Buenos Aires`), not running words."""
    words = re.findall(r"[^\W\d_][\w.'’-]*", tail)
    lower = [w for w in words if w[:1].islower() and w.casefold() not in _SMALL_WORDS]
    return len(words) <= 8 and all("." in w for w in lower)  # lower case only in domains


@dataclass(frozen=True)
class RunIn:
    name: str  # the set-apart name (with a plain parenthesised domain after it, if any)
    rest: str  # the paragraph's text after the separator


def runin(line: Line, body: Style) -> RunIn | None:
    """A paragraph that opens with a set-apart name and a separator (`Name: text`,
    `Name (domain) – text`); a footnote marker may sit between the name and the separator."""
    head: list[str] = []
    rest_at = len(line.spans)
    for i, span in enumerate(line.spans):
        if span.marker:
            continue
        if span.text.isspace() or emphasised(span.style, body):
            head.append(span.text)
            continue
        rest_at = i
        break
    name = "".join(head).strip()
    rest = "".join(s.text for s in line.spans[rest_at:] if not s.marker)
    if sum(c.isalnum() for c in name) < 2 or not rest.strip():
        return None
    if name.endswith((":", "–", "—")):
        return RunIn(name, rest.strip())
    if _RUNIN_SEP.match(rest):
        return RunIn(name, _RUNIN_SEP.sub("", rest, count=1).strip())
    if m := _RUNIN_DOMAIN.match(rest):  # a plain "(domain)" between the name and separator
        return RunIn(f"{name} {m.group(1)}", rest[m.end() :].strip())
    return None


def style_label(line: Line, body: Style) -> tuple[str, float, bool, bool, str, bool]:
    """A line's style class: its style (its name's, when only the name is set apart), plus
    capitals when set in the body's own style."""
    s = line.style
    if s == body and (name := plain_tail(line, body)) is not None:
        s = name
    return (s.font, s.size, s.bold, s.italic, s.color, s == body and caps(line))
