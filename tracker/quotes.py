"""The report's own words, quoted: sentences, an entry's opening sentence or two, and the
sentence of a section that names a market. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from tracker.headings import fold

QUOTE_CHARS = 300  # an opening quote stops at a sentence end before this length

# a period that ends a sentence: not after an abbreviation or an initial (U.S., B.V., Inc.)
_END = re.compile(r"(?<=[.!?])[”\"’')\]]?\s+(?=[“\"(‘']?[A-Z0-9])")
_ABBREVIATIONS = {
    "u.s",
    "b.v",
    "n.v",
    "s.a",
    "inc",
    "ltd",
    "co",
    "corp",
    "no",
    "nos",
    "mr",
    "ms",
    "dr",
    "st",
    "e.g",
    "i.e",
    "vs",
    "approx",
    "p",
    "pp",
}
# a footnote number printed at full size after a word and its punctuation: `operations.12 The`
_GLUED_NOTE = re.compile(r"(?<=[A-Za-z][.,;:”\"’)])\d{1,3}(?=\s|$)")
_RUN_IN = re.compile(r"^[^.]{2,120}?\s*(?:[–—:]|\s-)\s")


def clean(text: str) -> str:
    """Running text as one line: spaces squeezed, glued footnote numbers dropped."""
    return _GLUED_NOTE.sub("", " ".join(text.split()))


def sentences(text: str) -> list[str]:
    out: list[str] = []
    start = 0
    text = clean(text)
    for m in _END.finditer(text):
        before = text[start : m.start()].rstrip("”\"’')]")
        word = before.rsplit(" ", 1)[-1].rstrip(".").casefold()
        if word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", word):
            continue
        out.append(text[start : m.start()].strip())
        start = m.end()
    tail = text[start:].strip()
    return [*out, tail] if tail else out


def opening(excerpt: str, limit: int = QUOTE_CHARS) -> str:
    """An entry's opening sentence or two, whole sentences only, at most `limit` characters
    (a first sentence longer than that is cut at a word, with an ellipsis). The stored excerpt
    is the start of the text cut at a length: its last, cut-off sentence never counts."""
    found = sentences(excerpt)
    if found and not found[-1].endswith((".", "!", "?", ".”", '."', "?”")):
        found = found[:-1] if len(found) > 1 else found
    out = ""
    for s in found[:2]:
        joined = f"{out} {s}".strip()
        if len(joined) > limit:
            break
        out = joined
    if not out and found:
        out = _cut(found[0], limit)
    return out


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit and text.endswith((".", "!", "?")):
        return text
    head = text[: limit - 2].rsplit(" ", 1)[0] if len(text) > limit - 2 else text
    return head.rstrip(",;:–—- ") + " …"


def mention(passage: Sequence[str], names: Iterable[str], limit: int = QUOTE_CHARS) -> str:
    """The sentence of `passage` (a section's sentences) that names one of `names` (whole
    words, case and punctuation ignored); a run-in entry (`Snapdeal: ...`, `Name – ...`) keeps
    its next sentence too. "" when none names it."""
    names = list(names)
    keys = [k for k in (*map(_words, names), *((fold(n),) for n in names)) if k and k[0]]
    for i, s in enumerate(passage):
        words = _words(s)
        if not any(_contains(words, k) for k in keys):
            continue
        quote = s
        run_in = _RUN_IN.match(s)
        if run_in and i + 1 < len(passage) and not _RUN_IN.match(passage[i + 1]):
            longer = f"{s} {passage[i + 1]}"
            quote = longer if len(longer) <= limit else s
        return _cut(quote, limit) if len(quote) > limit else quote
    return ""


def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in (fold(t) for t in re.split(r"[\s/]+", text)) if w)


def _contains(words: tuple[str, ...], key: tuple[str, ...]) -> bool:
    n = len(key)
    return any(words[i : i + n] == key for i in range(len(words) - n + 1))
