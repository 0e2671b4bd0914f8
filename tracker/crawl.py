"""The crawl of ustr.gov: which report URLs a check fetches.

From the seed pages, follow relevant press releases one hop (at most MAX_PRESS_RELEASES new ones
per check: the rest next time) and paginated listings a few pages deep; every page is asked
conditionally (its validators from the HTTP cache) unless the check reads everything again (a
baseline or a backfill). The targets are the new report links, oldest year first, then every
known report URL, asked only if it changed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from tracker.config import Config
from tracker.discover import PageLinks, ReportLink, is_press_release, parse_page
from tracker.errors import BlockedError, SourceError
from tracker.fetch import Fetcher, Validators
from tracker.htmllinks import Overtime
from tracker.model import CheckWarning, WarningCode
from tracker.records import CacheEntry

log = logging.getLogger(__name__)

MAX_PRESS_RELEASES = 12  # press releases followed in one check

Warn = Callable[[CheckWarning], None]


@dataclass(frozen=True)
class Target:
    """A report URL to fetch."""

    url: str
    year: int | None  # the review year its link names
    validators: Validators | None  # a known report URL: ask only if it changed
    press_release: str | None = None  # the press release that linked it


@dataclass
class Crawl:
    """What the crawl found: report URLs to fetch, and the pages read on the way."""

    targets: list[Target] = field(default_factory=list)
    pages: dict[str, CacheEntry] = field(default_factory=dict)
    parent: dict[str, str | None] = field(default_factory=dict)  # page -> the page linking it
    linked_from: dict[str, str] = field(default_factory=dict)  # report URL -> its page
    incomplete: set[str] = field(default_factory=set)  # pages with links left for later

    def pages_to_remember(self, failed: set[str]) -> list[CacheEntry]:
        """Pages whose links all went through: a page (and the pages leading to it) that led
        to a failed report, or whose press releases were cut short, is read again next time."""
        redo = set(self.incomplete) | {self.linked_from[u] for u in failed if u in self.linked_from}
        for page in list(redo):
            up = self.parent.get(page)
            while up is not None and up not in redo:
                redo.add(up)
                up = self.parent.get(up)
        return [entry for url, entry in self.pages.items() if url not in redo]


def crawl(
    config: Config,
    fetcher: Fetcher,
    cache: Mapping[str, CacheEntry],
    known: Sequence[CacheEntry],
    *,
    full: bool,
    warn: Warn,
) -> Crawl:
    """Read the seed pages and what they lead to. `cache`: what each URL served last time;
    `known`: the URLs that served a stored report, oldest year first; `full`: ignore the
    validators and read everything."""
    return _Crawler(config, fetcher, cache, full, warn).run(known)


class _Crawler:
    def __init__(
        self,
        config: Config,
        fetcher: Fetcher,
        cache: Mapping[str, CacheEntry],
        full: bool,
        warn: Warn,
    ) -> None:
        self.config, self.fetcher, self.cache, self.full, self.warn = (
            config,
            fetcher,
            cache,
            full,
            warn,
        )
        self.out = Crawl()
        self.links: dict[str, ReportLink] = {}
        self.queue: list[tuple[str, str | None]] = [(url, None) for url in config.sources]
        self.queued = set(config.sources)
        self.followed = 0  # press releases followed so far
        self.deadline = time.monotonic() + config.discovery.deadline_s

    def run(self, known: Sequence[CacheEntry]) -> Crawl:
        while self.queue:
            url, parent = self.queue.pop(0)
            self.out.parent[url] = parent
            try:
                if time.monotonic() > self.deadline:
                    raise Overtime
                found = self._read(url, parent)
            except Overtime:
                self._overtime(url)
                break
            if found is not None:
                self._follow(url, found)
        self.out.targets = self._new_targets(known) + [
            Target(c.url, c.review_year, None if self.full else Validators(c.etag, c.last_modified))
            for c in known
        ]
        log.info(
            "discovery: %d page(s) read, %d new report link(s), %d known report URL(s)",
            len(self.out.pages),
            len(self.out.targets) - len(known),
            len(known),
        )
        return self.out

    def _read(self, url: str, parent: str | None) -> PageLinks | None:
        """Fetch and parse one page; None when it is unchanged or gone."""
        before = self.cache.get(url)
        validators = (
            None if (self.full or before is None) else Validators(before.etag, before.last_modified)
        )
        try:
            page = self.fetcher.page(url, validators)
        except SourceError as exc:
            if isinstance(exc, BlockedError) or not exc.gone:
                raise
            # a moved seed page or press release must not stop every check from now on
            where = "seed page" if parent is None else "page"
            self.warn(CheckWarning(WarningCode.PAGE_GONE, f"{where} {exc}"))
            return None
        if page.not_modified:
            return None
        found = parse_page(page.url, page.text, self.fetcher.origins, self.deadline)
        if found.bot_wall:
            raise BlockedError(
                f"{url}: answered a bot-check page: the source is blocking this client"
            )
        emptied = not found.reports and not found.press_releases
        if parent is None and before and before.reports_found and emptied:
            self.warn(
                CheckWarning(
                    WarningCode.LAYOUT_CHANGED,
                    f"seed page {url} listed {before.reports_found} report(s) before and "
                    "none now: has the site's layout changed?",
                )
            )
        v = page.validators
        self.out.pages[url] = CacheEntry(
            url, "page", v.etag, v.last_modified, None, None, len(found.reports)
        )
        return found

    def _follow(self, url: str, found: PageLinks) -> None:
        """Keep the page's report links; queue its press releases (within the budget) and,
        when it led somewhere new, its further listing pages."""
        for link in found.reports:
            if link.url not in self.links or self.links[link.url].review_year is None:
                self.links[link.url] = link
                self.out.linked_from.setdefault(link.url, url)
        fresh = [
            u
            for u in found.press_releases
            if u not in self.queued and (self.full or u not in self.cache)
        ]
        room = max(0, MAX_PRESS_RELEASES - self.followed)
        if len(fresh) > room:
            self.out.incomplete.add(url)  # the rest next time
        follow = fresh[:room]
        if fresh or self.full:
            limit = self.config.http.max_listing_pages
            follow += [p for p in found.next_pages if _page_number(p) < limit]
        for page_url in follow:
            if page_url not in self.queued:
                self.queued.add(page_url)
                self.queue.append((page_url, url))
        self.followed += min(len(fresh), room)

    def _overtime(self, url: str) -> None:
        """Out of time: the pages not read yet are read next time (their parents too)."""
        left = [(url, self.out.parent.get(url)), *self.queue]
        self.queue = []
        for page, parent in left:
            self.out.incomplete.add(parent or page)
        self.warn(
            CheckWarning(
                WarningCode.DISCOVERY_OVERTIME,
                f"discovery stopped after discovery.deadline_s "
                f"({self.config.discovery.deadline_s:g} s) at {url}: {len(left)} page(s) "
                "left for the next check",
            )
        )

    def _new_targets(self, known: Sequence[CacheEntry]) -> list[Target]:
        """The links never stored, the strongest evidence first within the cap, then in the
        order they are processed: oldest year first."""
        stored = {c.url for c in known}
        fresh = [link for url, link in self.links.items() if url not in stored]
        cap = self._cap(bool(known))
        fresh.sort(key=lambda link: (-link.evidence, -(link.review_year or 0)))
        if len(fresh) > cap:
            self._capped(fresh, cap)
            fresh = fresh[:cap]
        targets = [
            Target(
                link.url,
                link.review_year,
                None,
                link.source if is_press_release(link.source) else None,
            )
            for link in fresh
        ]
        targets.sort(key=lambda t: (t.year is None, t.year or 0))
        return targets

    def _cap(self, has_reports: bool) -> int:
        bounds = self.config.discovery
        return (
            bounds.max_new_reports if has_reports and not self.full else bounds.max_backfill_reports
        )

    def _capped(self, fresh: list[ReportLink], cap: int) -> None:
        left = fresh[cap:]
        for link in left:  # their pages are read again next time
            self.out.incomplete.add(self.out.linked_from.get(link.url, link.source))
        pages = sorted({link.source for link in fresh})
        key = (
            "max_new_reports"
            if cap == self.config.discovery.max_new_reports
            else ("max_backfill_reports")
        )
        self.warn(
            CheckWarning(
                WarningCode.TOO_MANY_REPORTS,
                f"{len(fresh)} new report links, more than discovery.{key} ({cap}): fetched "
                f"the {cap} with the strongest evidence, {len(left)} left for later; found on "
                + ", ".join(pages[:3])
                + (f" and {len(pages) - 3} more page(s)" if len(pages) > 3 else ""),
            )
        )


def _page_number(url: str) -> int:
    value = parse_qs(urlsplit(url).query).get("page", ["0"])[0]
    return int(value) if value.isdigit() else 0
