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

from tracker import htmllinks
from tracker.origins import Origins

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


@dataclass(frozen=True)
class ReportLink:
    url: str
    review_year: int | None
    text: str  # the words that identified it
    source: str  # the page it was found on
    # how strongly it names a report: 3 its own words name the list and a year, 2 the list
    # alone, 1 the sentence around it names the list and a year, 0 the list alone
    evidence: int = 0


@dataclass(frozen=True)
class PageLinks:
    reports: tuple[ReportLink, ...]
    press_releases: tuple[str, ...]  # relevant press releases, to follow one hop
    next_pages: tuple[str, ...]  # further pages of a paginated listing
    links: int  # every link on the page
    bot_wall: bool  # the page looks like a bot check, not content


def parse_page(
    url: str, html: str, allowed: Origins | Iterable[str], deadline: float | None = None
) -> PageLinks:
    """The page's links, in one pass (tracker.htmllinks); `Overtime` past `deadline`. Links
    outside the `allowed` origins (or hosts, as `http.allowed_hosts` names them) are ignored."""
    origins = allowed if isinstance(allowed, Origins) else Origins.of(allowed)
    page = htmllinks.parse(html, deadline)
    reports: dict[str, ReportLink] = {}
    releases: dict[str, None] = {}
    pages: dict[str, None] = {}
    for a in page.links:
        target = _absolute(url, a.href)
        if target is None or not origins.allows(target):
            continue
        path = urlsplit(target).path
        if path.lower().endswith(".pdf"):
            link = _report_link(target, a, url)
            if link and (link.url not in reports or reports[link.url].review_year is None):
                reports[link.url] = link
        elif _PRESS_RELEASE.match(path) and _RELEVANT.search(f"{a.words} {unquote(path)}"):
            releases[_strip_fragment(target)] = None
        elif _LISTING.match(path) and _is_listing_page(url, target):
            pages[_strip_fragment(target)] = None
    bot_wall = bool(_BOT_WALL.search(page.text_head)) and len(page.links) < 15
    return PageLinks(
        tuple(reports.values()), tuple(releases), tuple(pages), len(page.links), bot_wall
    )


def _report_link(url: str, a: htmllinks.Link, source: str) -> ReportLink | None:
    words = a.words
    filename = unquote(urlsplit(url).path.rsplit("/", 1)[-1]).replace("_", " ").replace("-", " ")
    own = f"{words} {filename}"
    if _NML.search(own):
        if _OTHER.search(words) or (_OTHER.search(filename) and not _NML.search(words)):
            return None  # "Fact Sheet: Notorious Markets List", a Special 301 file
        year = _year(words) or _year(filename)
        if year is None:
            year = _year(a.context)
        return ReportLink(url, year, words or filename, source, 2 + (year is not None))
    if _OTHER.search(own):
        return None
    context = a.context
    # a generic link ("the report", "PDF"): the sentence around it must name the list alone
    if context and _NML.search(context) and not _OTHER.search(context):
        year = _year(context)
        return ReportLink(url, year, context[:200], source, int(year is not None))
    return None


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
