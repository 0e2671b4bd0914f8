"""Find Notorious Markets List reports in fetched HTML. Pure: a page's URL and text in, links out.

A link is a report when its own words (text, title, file name) name the Notorious Markets List,
or, for a generic link ("Read the report (PDF)"), when the sentence around it does and names no
other document. Special 301 reports, fact sheets and other USTR PDFs are left alone, and so is
every host outside `http.allowed_hosts`. The review year comes from the words next to "Review of
Notorious Markets" or "Notorious Markets List", never from a date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urljoin, urlsplit, urlunsplit

_NML = re.compile(r"notorious\s+markets?|\bNML\b|out-of-cycle\s+review", re.I)
_OTHER = re.compile(
    r"special\s*301|national\s+trade\s+estimate|\bNTE\b|fact\s*sheet|federal\s+register|"
    r"trade\s+policy\s+agenda|annual\s+report|request\s+for\s+(?:public\s+)?comments?",
    re.I,
)
_YEAR = re.compile(
    r"\b((?:19|20)\d\d)\s*(?:[-–]\s*)?(?:out[-\s]of[-\s]cycle\s+review|review\s+of\s+notorious|"
    r"notorious\s+markets?|nml\b)",
    re.I,
)
_PRESS_RELEASE = re.compile(
    r"^/about(?:-us)?/policy-offices/press-office/press-releases/\d{4}/[a-z]+/[^/]+/?$", re.I
)
_LISTING = re.compile(r"^/about(?:-us)?/policy-offices/press-office/press-releases/?$", re.I)
_RELEVANT = re.compile(
    r"notorious|special[\s-]*301|counterfeit|piracy|intellectual[\s-]*property", re.I
)
_BOT_WALL = re.compile(
    r"access\s+denied|captcha|request\s+unsuccessful|just\s+a\s+moment|are\s+you\s+a\s+robot|"
    r"verify\s+you\s+are\s+(?:a\s+)?human|incapsula|unusual\s+traffic|bot\s+detection",
    re.I,
)
_BLOCKS = ("p", "li", "td", "dd", "h1", "h2", "h3", "h4", "div", "article", "section")


@dataclass(frozen=True)
class ReportLink:
    url: str
    review_year: int | None
    text: str  # the words that identified it
    source: str  # the page it was found on


@dataclass(frozen=True)
class PageLinks:
    reports: tuple[ReportLink, ...]
    press_releases: tuple[str, ...]  # relevant press releases, to follow one hop
    next_pages: tuple[str, ...]  # further pages of a paginated listing
    links: int  # every link on the page
    bot_wall: bool  # the page looks like a bot check, not content


def parse_page(url: str, html: str, allowed_hosts: Iterable[str]) -> PageLinks:
    from bs4 import BeautifulSoup

    allowed = {h.lower() for h in allowed_hosts}
    soup = BeautifulSoup(html, "html.parser")
    reports: dict[str, ReportLink] = {}
    releases: dict[str, None] = {}
    pages: dict[str, None] = {}
    anchors = soup.find_all("a", href=True)
    for a in anchors:
        target = _absolute(url, str(a["href"]))
        if target is None or (urlsplit(target).hostname or "").lower() not in allowed:
            continue
        path = urlsplit(target).path
        words = " ".join(
            s
            for s in (
                a.get_text(" ", strip=True),
                str(a.get("title") or ""),
                str(a.get("aria-label") or ""),
            )
            if s
        )
        if path.lower().endswith(".pdf"):
            link = _report_link(target, words, _context(a), url)
            if link and (link.url not in reports or reports[link.url].review_year is None):
                reports[link.url] = link
        elif _PRESS_RELEASE.match(path) and _RELEVANT.search(f"{words} {unquote(path)}"):
            releases[_strip_fragment(target)] = None
        elif _LISTING.match(path) and _is_listing_page(url, target):
            pages[_strip_fragment(target)] = None
    text = soup.get_text(" ", strip=True)[:5000]
    bot_wall = bool(_BOT_WALL.search(text)) and len(anchors) < 15
    return PageLinks(tuple(reports.values()), tuple(releases), tuple(pages), len(anchors), bot_wall)


def _report_link(url: str, words: str, context: str, source: str) -> ReportLink | None:
    filename = unquote(urlsplit(url).path.rsplit("/", 1)[-1]).replace("_", " ").replace("-", " ")
    own = f"{words} {filename}"
    if _NML.search(own):
        if _OTHER.search(words) or (_OTHER.search(filename) and not _NML.search(words)):
            return None  # "Fact Sheet: Notorious Markets List", a Special 301 file
        year = _year(words) or _year(filename) or _year(context)
        return ReportLink(url, year, words or filename, source)
    if _OTHER.search(own) or not context:
        return None
    # a generic link ("the report", "PDF"): the sentence around it must name the list alone
    if _NML.search(context) and not _OTHER.search(context):
        return ReportLink(url, _year(context), context[:200], source)
    return None


def _context(a: object) -> str:
    """The sentence the link sits in, from its enclosing block."""
    from bs4.element import NavigableString, Tag

    assert isinstance(a, Tag)
    block = a.find_parent(_BLOCKS)
    if block is None:
        return ""
    before: list[str] = []
    after: list[str] = []
    target = before
    for node in block.descendants:
        if node is a:
            target = after
        elif isinstance(node, NavigableString) and not any(p is a for p in node.parents):
            target.append(str(node))
    head = " ".join(" ".join(before).split())
    tail = " ".join(" ".join(after).split())
    head = re.split(r"(?<=[.!?])\s+", head)[-1] if head else ""
    tail = re.split(r"(?<=[.!?])\s+", tail)[0] if tail else ""
    return f"{head} {a.get_text(' ', strip=True)} {tail}".strip()[:400]


def _year(text: str) -> int | None:
    m = _YEAR.search(text)
    return int(m.group(1)) if m else None


def _absolute(base: str, href: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("mailto:", "javascript:", "tel:", "#")):
        return None
    target = urljoin(base, href)
    return target if urlsplit(target).scheme in ("http", "https") else None


def _strip_fragment(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(fragment=""))


def _is_listing_page(current: str, target: str) -> bool:
    """A numbered page of the same listing (`?page=N`), not the page itself."""
    here, there = urlsplit(current), urlsplit(target)
    if here.path.rstrip("/") != there.path.rstrip("/"):
        return False
    page = parse_qs(there.query).get("page") or [""]
    # ?page=0 is the listing's first page again (Drupal numbers pages from 0)
    return (
        page[0].isdigit()
        and int(page[0]) > 0
        and _strip_fragment(target) != _strip_fragment(current)
    )


def is_press_release(url: str) -> bool:
    return bool(_PRESS_RELEASE.match(urlsplit(url).path))
