"""Styled lines: what the layout reader makes of a PDF's characters, and every other step of
the extractor reads."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

_LIGATURES = str.maketrans(
    {
        "ﬀ": "ff",
        "ﬁ": "fi",
        "ﬂ": "fl",
        "ﬃ": "ffi",
        "ﬄ": "ffl",
        "ﬅ": "st",
        "ﬆ": "st",
        "\xa0": " ",
        "\xad": "-",
    }
)


@dataclass(frozen=True, slots=True)
class Style:
    font: str
    size: float
    bold: bool
    italic: bool
    color: str


_MARKER_CHARS = frozenset("¹²³⁴⁵⁶⁷⁸⁹⁰*†‡§¶")


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    style: Style
    sup: bool = False  # a raised, smaller run: a footnote marker

    @property
    def marker(self) -> bool:
        """A footnote marker: raised and smaller, or Unicode superscript digits and signs."""
        text = self.text.strip()
        return self.sup or (bool(text) and all(c in _MARKER_CHARS for c in text))


@dataclass(slots=True)
class Line:
    page: int  # 1-based
    top: float
    bottom: float
    x0: float
    x1: float
    spans: tuple[Span, ...]
    baseline: float = 0.0  # of the line's main-size text, from the top of the page
    role: str = "text"  # text | header | folio | footnote | small
    text: str = field(init=False)
    style: Style = field(init=False)  # the style of most of its (non-marker) characters

    def __post_init__(self) -> None:
        self.text = normalize_text("".join(s.text for s in self.spans if not s.sup)).strip()
        weights: Counter[Style] = Counter()
        for s in self.spans:
            if not s.sup:
                weights[s.style] += len(s.text.strip())
        self.style = weights.most_common(1)[0][0] if weights else self.spans[0].style

    @property
    def size(self) -> float:
        return self.style.size

    @property
    def plain(self) -> str:
        """The text with tabs as spaces."""
        return self.text.replace("\t", " ")

    def __repr__(self) -> str:  # compact, for debugging and test failures
        return f"Line(p{self.page} y{self.baseline:.0f} {self.role} {self.text!r})"


@dataclass(slots=True)
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]
    folio: str | None = None


@dataclass(slots=True)
class Document:
    pages: list[Page]
    metadata: dict[str, str]
    body: Style  # the style of most of the report's running text
    page_count: int

    def page(self, number: int) -> Page:
        return next(p for p in self.pages if p.number == number)

    def lines(self, role: str = "text") -> Iterator[Line]:
        for page in self.pages:
            for line in page.lines:
                if line.role == role:
                    yield line


def normalize_text(text: str) -> str:
    """NFC, ligatures and non-breaking spaces undone, runs of spaces collapsed. A soft hyphen
    in a PDF's text was drawn (an undrawn one leaves no glyph), so it is a hyphen."""
    text = unicodedata.normalize("NFC", text.translate(_LIGATURES))
    return re.sub(r" *\t[ \t]*", "\t", re.sub(r" +", " ", text))
