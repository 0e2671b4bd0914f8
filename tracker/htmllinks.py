"""One pass over an HTML page: its links, each with its own words and the sentence around it.

Linear in the page's size: the parser (the standard library's `html.parser`) keeps one stream of
the page's text and, for each link, where its text starts and ends in that stream and which block
(`p`, `li`, `td`, `div` ...) encloses it. A link's context is read from a bounded window of the
stream either side of it, so a block holding thousands of links costs no more than their text.
The page is fed in slices; past `deadline` (a `time.monotonic()` value) parsing stops with
`Overtime`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from html.parser import HTMLParser

BLOCKS = frozenset(("p", "li", "td", "dd", "h1", "h2", "h3", "h4", "div", "article", "section"))
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
_SKIP = frozenset(("script", "style", "template"))
_WINDOW = 600  # characters of context read either side of a link (it is cut to 400)
_SLICE = 256 * 1024  # characters fed between two looks at the clock


class Overtime(Exception):
    """The page took longer to parse than the time left."""


@dataclass
class _Block:
    start: int
    end: int | None = None


@dataclass
class Anchor:
    href: str
    title: str
    label: str
    block: _Block | None
    start: int  # where its text starts in the page's text stream
    end: int | None = None
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(s.strip() for s in self.parts if s.strip())


@dataclass(frozen=True)
class Link:
    href: str
    words: str  # its text, title and aria-label
    _stream: str = field(repr=False)
    _anchor: Anchor = field(repr=False)

    @property
    def context(self) -> str:
        """The sentence it sits in ("" outside any block), read when asked."""
        return _context(self._stream, self._anchor)


@dataclass(frozen=True)
class Page:
    links: tuple[Link, ...]  # every <a href>
    text_head: str  # the page's first 5,000 characters of text


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.size = 0
        self.stack: list[tuple[str, _Block | Anchor | None]] = []
        self.blocks: list[_Block] = []
        self.anchors: list[Anchor] = []
        self.open_anchors: list[Anchor] = []
        self.skipping = 0
        self.depth: dict[str, int] = {}  # open elements by tag name

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        if tag == "a" and self.depth.get("a"):
            self.handle_endtag("a")  # a link never holds another: the open one ends here
        item: _Block | Anchor | None = None
        if tag in BLOCKS:
            item = _Block(self.size)
            self.blocks.append(item)
        elif tag == "a":
            a = dict(attrs)
            if a.get("href") is not None:
                block = self.blocks[-1] if self.blocks else None
                item = Anchor(
                    a["href"] or "",
                    a.get("title") or "",
                    a.get("aria-label") or "",
                    block,
                    self.size,
                )
                self.anchors.append(item)
                self.open_anchors.append(item)
        elif tag in _SKIP:
            self.skipping += 1
        self.stack.append((tag, item))
        self.depth[tag] = self.depth.get(tag, 0) + 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.depth.get(tag):
            return  # a stray end tag
        while self.stack:
            name, item = self.stack.pop()
            self._close(name, item)
            if name == tag:
                return

    def _close(self, name: str, item: _Block | Anchor | None) -> None:
        self.depth[name] -= 1
        if isinstance(item, _Block):
            item.end = self.size
            self.blocks.pop()
        elif isinstance(item, Anchor):
            item.end = self.size
            self.open_anchors.remove(item)
        elif name in _SKIP:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        self.chunks.append(data)
        self.chunks.append(" ")
        self.size += len(data) + 1
        for a in self.open_anchors:
            a.parts.append(data)

    def finish(self) -> None:
        self.close()
        while self.stack:
            self._close(*self.stack.pop())


def parse(html: str, deadline: float | None = None) -> Page:
    parser = _Parser()
    for i in range(0, len(html), _SLICE):
        if deadline is not None and time.monotonic() > deadline:
            raise Overtime
        parser.feed(html[i : i + _SLICE])
    parser.finish()
    stream = "".join(parser.chunks)
    links = tuple(
        Link(a.href, " ".join(s for s in (a.text, a.title, a.label) if s), stream, a)
        for a in parser.anchors
    )
    return Page(links, " ".join(stream[:10000].split())[:5000])


def _context(stream: str, a: Anchor) -> str:
    """The sentence the link sits in, from its enclosing block."""
    block = a.block
    if block is None:
        return ""
    end = a.end if a.end is not None else a.start
    block_end = block.end if block.end is not None else len(stream)
    head = " ".join(stream[max(block.start, a.start - _WINDOW) : a.start].split())
    tail = " ".join(stream[end : min(block_end, end + _WINDOW)].split())
    cut = max(head.rfind(". "), head.rfind("! "), head.rfind("? "))
    head = head[cut + 2 :] if cut >= 0 else head
    stops = [i for i in (tail.find(". "), tail.find("! "), tail.find("? ")) if i >= 0]
    tail = tail[: min(stops) + 1] if stops else tail
    return f"{head} {a.text} {tail}".strip()[:400]
