"""The orchestrator: the only place that chains the stages."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from alerts import operators
from alerts.digest import DigestInput, render
from alerts.outbox import deliver, queue_digest
from tracker.archive import sha256, store_pdf
from tracker.config import Config
from tracker.diff import Changes, compare
from tracker.discover import ReportLink, is_press_release, parse_page
from tracker.errors import (
    BlockedError,
    ExtractionError,
    NotFoundError,
    SourceError,
    Stopped,
    TrackerError,
)
from tracker.fetch import Fetcher, Validators
from tracker.model import IngestResult, Listing, Report, count_mismatches
from tracker.store import Store
from tracker.store.cache import CacheEntry, cached, cached_reports, remember

log = logging.getLogger(__name__)


def open_store(config: Config) -> Store:
    return Store(config.database_url)


def ingest_file(config: Config, store: Store, path: Path, url: str | None = None) -> IngestResult:
    """Extract a local PDF and store it as its year's report (a revision if the year is
    stored with other bytes; nothing at all if these bytes are)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractionError(f"{path}: cannot read: {exc.strerror}") from exc
    digest = sha256(data)
    if existing := store.report_by_sha(digest):
        log.info("%s is already stored as the %d review", path, existing.review_year)
        return IngestResult("unchanged", existing)
    from tracker.extract import extract

    try:
        report = extract(data)
    except TrackerError as exc:
        raise ExtractionError(f"{path}: {exc}") from exc
    pdf = store_pdf(config.reports_dir, data)
    result = store.save_report(
        report, sha256=digest, source_url=url, pdf_path=str(pdf), aliases=dict(config.aliases)
    )
    log.info(
        "stored the %d review (revision %d): %d online, %d physical, %d new markets",
        report.review_year,
        result.report.revision,
        report.counts.online,
        report.counts.physical,
        len(result.new_markets),
    )
    return result


def changes(store: Store, old: int | None, new: int, session: Session | None = None) -> Changes:
    """The diff between two stored years (old None: everything in `new` is new)."""
    with store.using(session) as s:
        stored = store.years(s)
        for year in (old, new):
            if year is not None and year not in stored:
                raise NotFoundError(f"no report stored for {year} (stored: {_years(stored)})")
        return compare(
            old,
            new,
            store.listings(old, s) if old is not None else [],
            store.listings(new, s),
            store.years_listed(s),
            stored,
            store.possible_matches(new, s),
        )


def default_years(store: Store) -> tuple[int, int]:
    stored = store.years()
    if len(stored) < 2:
        raise NotFoundError(f"a diff needs two stored years (stored: {_years(stored)})")
    return stored[-2], stored[-1]


def _years(years: list[int]) -> str:
    return ", ".join(map(str, years)) or "none"


def market_history(store: Store, query: str) -> dict[str, object]:
    """One market's record across all stored years, found by id, printed name or alias."""
    ids = store.find_markets(query)
    if not ids:
        raise NotFoundError(f"no market named {query!r} in the stored lists")
    if len(ids) > 1:
        raise NotFoundError(f"{query!r} names several markets: {', '.join(ids)}; give a market id")
    market_id = ids[0]
    name, kind, country = store.market(market_id)
    listings = [li for li in store.all_listings() if li.market_id == market_id]
    years = sorted({li.review_year for li in listings})
    return {
        "market_id": market_id,
        "name": name,
        "kind": kind,
        "country": country,
        "years_listed": years,
        "first_listed": years[0] if years else None,
        "aliases": [{"name": n, "source": src} for n, src in store.aliases_of(market_id)],
        "listings": [
            {"review_year": li.review_year, **li.entry.to_json(), "match": li.match}
            for li in listings
        ],
    }


# ---------------------------------------------------------------------------------------------
# check: discover -> fetch -> extract -> store -> diff -> alerts

MAX_PRESS_RELEASES = 12  # press releases followed in one check


@dataclass
class StoredChange:
    """A report this check stored, and how its list differs from the year before."""

    status: str  # new_report | revised | baseline
    review_year: int
    url: str
    entries: int
    report_status: str  # ok | needs_review | unverified
    changes: Changes | None

    def to_json(self) -> dict[str, object]:
        c = self.changes
        return {
            "review_year": self.review_year,
            "url": self.url,
            "entries": self.entries,
            "new": [i.name for i in c.new_entries] if c else [],
            "removed": [i.name for i in c.removed] if c else [],
            "still_listed": len(c.still_listed) if c else 0,
            "status": self.status,
            "report_status": self.report_status,
        }


@dataclass
class CheckResult:
    status: str = "no_change"  # baseline | new_report | no_change | revised | failed
    reports: list[StoredChange] = field(default_factory=list)
    alerts_sent: int = 0
    alerts_pending: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    requests: int = 0
    pdf_bytes: int = 0
    blocked: bool = False
    needs_review: list[int] = field(default_factory=list)
    already_running: bool = False  # another process held the check lock

    def to_json(self) -> dict[str, object]:
        return {
            "status": self.status,
            "reports": [r.to_json() for r in self.reports],
            "alerts": {"sent": self.alerts_sent, "pending": self.alerts_pending},
            "error": self.error,
            "warnings": self.warnings,
            "already_running": self.already_running,
        }


@dataclass
class _Target:
    url: str
    year: int | None
    validators: Validators | None  # a known report URL: ask only if it changed
    press_release: str | None = None  # the press release that linked it


def locked_check(config: Config, store: Store, *, wait_s: float = 0.0, **kw: Any) -> CheckResult:
    """`run_check` under the database's check lock. When another process holds it beyond
    `wait_s`, nothing is done: status no_change, `already_running` set."""
    from tracker.lock import check_lock

    cancel = kw.pop("cancel", None) or threading.Event()
    with check_lock(store, wait_s, on_lost=cancel.set) as held:
        if held.acquired:
            return run_check(config, store, cancel=cancel, **kw)
    log.info("a check is already running (%s); not starting another", held.holder)
    return CheckResult(
        already_running=True,
        warnings=[f"a check is already running ({held.holder}); this one did nothing"],
    )


def run_check(
    config: Config,
    store: Store,
    *,
    fetcher: Fetcher | None = None,
    trigger: str = "manual",
    backfill: bool = False,
    notify_baseline: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
    cancel: threading.Event | None = None,
) -> CheckResult:
    """One full check. Failures of the source or of one report's extraction are recorded and
    returned (status "failed"), never raised: the caller decides the exit code."""
    result = CheckResult()
    baseline = not store.years()
    mode = "backfill" if backfill else "check"
    if baseline and not backfill:
        mode = "notify-baseline" if notify_baseline else "baseline"
    run_id = store.start_run(trigger)
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(config.http, config.reports_dir, cancel)
    stopped = False
    try:
        found = _discover(config, store, fetcher, result, full=baseline or backfill)
        failed: set[str] = set()
        for n, target in enumerate(found.targets, 1):
            if fetcher.cancel.is_set():
                raise Stopped("the check was stopped before it finished")
            if progress:
                progress(n, len(found.targets), target.url)
            try:
                _process(config, store, fetcher, target, result, mode)
            except Stopped:
                raise
            except TrackerError as exc:
                failed.add(target.url)
                result.blocked = result.blocked or isinstance(exc, BlockedError)
                if result.error:
                    log.info("also failed: %s", exc)  # the first error is the one line
                result.error = result.error or str(exc)
        # remember the pages whose links all went through; the others are read again next time
        with store.session() as s:
            for entry in found.pages_to_remember(failed):
                remember(s, entry)
        if mode == "notify-baseline" and result.reports:
            _queue_digest(config, store, max(r.review_year for r in result.reports))
    except Stopped as exc:
        stopped = True
        result.error = str(exc)
    except TrackerError as exc:
        result.error = str(exc)
        result.blocked = isinstance(exc, BlockedError)
    except Exception as exc:  # a bug: recorded like any failure; the traceback with --verbose
        log.debug("check crashed", exc_info=True)
        result.error = f"internal error: {type(exc).__name__}: {exc}"
    finally:
        result.requests, result.pdf_bytes = fetcher.requests, fetcher.pdf_bytes
        if own_fetcher:
            fetcher.close()
    result.status = _status(result, baseline)
    store.finish_run(run_id, result.status, result.error, result.to_json())
    if not stopped:  # a stopping process leaves the alerts to the next one
        operators.after_check(
            store,
            config,
            blocked=result.blocked,
            error=result.error,
            needs_review=result.needs_review,
            warnings=result.warnings,
        )
        stats = deliver(store, config, cancel=fetcher.cancel)
        result.alerts_sent, result.alerts_pending = stats.sent, stats.pending
    log.info(
        "check %s: %d report(s) stored, %d request(s), %d PDF bytes%s",
        result.status,
        len(result.reports),
        result.requests,
        result.pdf_bytes,
        f", error: {result.error}" if result.error else "",
    )
    return result


def _queue_digest(config: Config, store: Store, year: int) -> None:
    with store.session() as s:
        report = store.current_report(year, s)
        assert report is not None
        digest = digest_input(store, year, s)
        queue_digest(s, config, report.id, render(digest, config.alerts.templates_dir))


def _status(result: CheckResult, baseline: bool) -> str:
    if result.error:
        return "failed"
    if not result.reports:
        return "no_change"
    if baseline:
        return "baseline"
    if any(r.status == "new_report" for r in result.reports):
        return "new_report"
    return "revised"


@dataclass
class _Found:
    """What discovery found: report URLs to fetch, and the pages read on the way."""

    targets: list[_Target] = field(default_factory=list)
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


def _discover(
    config: Config, store: Store, fetcher: Fetcher, result: CheckResult, *, full: bool
) -> _Found:
    """Report URLs to fetch: new links found on the seed pages (and the press releases and
    listing pages they lead to), and every known report URL, asked conditionally."""
    out = _Found()
    links: dict[str, ReportLink] = {}
    queue: list[tuple[str, str | None]] = [(url, None) for url in config.sources]
    queued = set(config.sources)
    followed = 0
    while queue:
        url, parent = queue.pop(0)
        out.parent[url] = parent
        before = cached(store, url)
        validators = (
            None if (full or before is None) else Validators(before.etag, before.last_modified)
        )
        try:
            page = fetcher.page(url, validators)
        except SourceError as exc:
            if isinstance(exc, BlockedError) or not _gone(exc):
                raise
            # a moved seed page or press release must not stop every check from now on
            result.warnings.append(f"{'seed page' if parent is None else 'page'} {exc}")
            continue
        if page.not_modified:
            continue
        found = parse_page(page.url, page.text, config.http.allowed_hosts)
        if found.bot_wall:
            raise BlockedError(
                f"{url}: answered a bot-check page: the source is blocking this client"
            )
        if (
            parent is None
            and before
            and before.reports_found
            and not found.reports
            and not (found.press_releases)
        ):
            result.warnings.append(
                f"seed page {url} listed {before.reports_found} report(s) before and none now: "
                "has the site's layout changed?"
            )
        out.pages[url] = CacheEntry(
            url,
            "page",
            page.validators.etag,
            page.validators.last_modified,
            None,
            None,
            len(found.reports),
        )
        for link in found.reports:
            if link.url not in links or links[link.url].review_year is None:
                links[link.url] = link
                out.linked_from.setdefault(link.url, url)
        fresh = [
            u
            for u in found.press_releases
            if u not in queued and (full or cached(store, u) is None)
        ]
        room = max(0, MAX_PRESS_RELEASES - followed)
        if len(fresh) > room:
            out.incomplete.add(url)  # the rest next time
        follow = fresh[:room]
        if fresh or full:
            follow += [
                p for p in found.next_pages if _page_number(p) < config.http.max_listing_pages
            ]
        for page_url in follow:
            if page_url not in queued:
                queued.add(page_url)
                queue.append((page_url, url))
        followed += min(len(fresh), room)
    known = {c.url: c for c in cached_reports(store)}
    out.targets = [
        _Target(url, link.review_year, None, link.source if is_press_release(link.source) else None)
        for url, link in links.items()
        if url not in known
    ]
    out.targets.sort(key=lambda t: (t.year is None, t.year or 0))
    fresh_count = len(out.targets)
    out.targets += [
        _Target(c.url, c.review_year, None if full else Validators(c.etag, c.last_modified))
        for c in known.values()
    ]
    log.info(
        "discovery: %d page(s) read, %d new report link(s), %d known report URL(s)",
        len(out.pages),
        fresh_count,
        len(known),
    )
    return out


def _gone(exc: SourceError) -> bool:
    return bool(re.search(r"answered 4(?:04|10)\b", str(exc)))


def _page_number(url: str) -> int:
    from urllib.parse import parse_qs, urlsplit

    value = parse_qs(urlsplit(url).query).get("page", ["0"])[0]
    return int(value) if value.isdigit() else 0


def _process(
    config: Config,
    store: Store,
    fetcher: Fetcher,
    target: _Target,
    result: CheckResult,
    mode: str,
) -> None:
    """Fetch one report URL; when it holds new bytes, extract, store, diff and queue the digest
    (in the transaction that stores the report). `mode`: check | baseline | notify-baseline |
    backfill."""
    try:
        pdf = fetcher.pdf(target.url, target.validators)
    except SourceError as exc:
        if target.validators is None or not _gone(exc):
            raise
        # a stored report's URL that no longer serves it: say so once, and stop asking
        result.warnings.append(f"{exc}: the stored report's URL is gone; no longer checked")
        with store.session() as s:
            remember(s, CacheEntry(target.url, "gone", None, None, None, target.year, None))
        return
    if pdf.not_modified:
        return
    assert pdf.path is not None
    cache = CacheEntry(
        target.url, "pdf", pdf.validators.etag, pdf.validators.last_modified, pdf.sha256, None, None
    )
    if existing := store.report_by_sha(pdf.sha256):  # the same PDF, elsewhere or unchanged
        with store.session() as s:
            remember(s, replace(cache, review_year=existing.review_year))
        return
    try:
        report = extract_report(config, pdf.path, fetcher.cancel)
    except Stopped:
        raise
    except TrackerError as exc:
        raise ExtractionError(f"{target.url}: {exc}") from exc
    if target.year is not None and target.year != report.review_year:
        result.warnings.append(
            f"{target.url}: the link names the {target.year} review but the PDF's title says "
            f"{report.review_year}; stored as {report.review_year}"
        )
    with store.session() as s:
        before = store.years(s)
        previous = store.listings(report.review_year, s) if report.review_year in before else []
        saved = store.save_report(
            report,
            sha256=pdf.sha256,
            source_url=target.url,
            source_page=target.press_release,
            pdf_path=str(pdf.path),
            aliases=dict(config.aliases),
            session=s,
        )
        remember(s, replace(cache, review_year=report.review_year))
        older = [y for y in before if y < report.review_year]
        diff = changes(store, older[-1] if older else None, report.review_year, s)
        status = "revised" if saved.status == "revised" else "new_report"
        newest = report.review_year >= max(before, default=report.review_year)
        unchanged = status == "revised" and _same_markets(
            previous, store.listings(report.review_year, s)
        )
        if newest and not unchanged and mode == "check":  # a baseline notifies once, at its end
            digest = digest_input(store, report.review_year, s, diff)
            queue_digest(s, config, saved.report.id, render(digest, config.alerts.templates_dir))
    if saved.report.status == "needs_review":
        message = f"the {report.review_year} review is stored as NEEDS REVIEW: " + (
            count_mismatches(report.notices)
        )
        log.warning("%s", message)
        result.warnings.append(message)
        result.needs_review.append(report.review_year)
    if mode != "check" and status == "new_report":
        status = "baseline"
    result.reports.append(
        StoredChange(
            status, report.review_year, target.url, len(report.entries), saved.report.status, diff
        )
    )
    log.info(
        "stored the %d review from %s (%s): %d markets, %d new, %d removed",
        report.review_year,
        target.url,
        status,
        len(report.entries),
        len(diff.new_entries),
        len(diff.removed),
    )


def digest_input(
    store: Store, year: int, session: Session | None = None, diff: Changes | None = None
) -> DigestInput:
    """What the digest of a stored year says: its diff against the stored year before it
    (`diff`, when the caller has just computed it)."""
    with store.using(session) as s:
        report = store.current_report(year, s)
        if report is None:
            raise NotFoundError(f"no report stored for {year} (stored: {_years(store.years(s))})")
        older = [y for y in store.years(s) if y < year]
        old = store.current_report(older[-1], s) if older else None
        return DigestInput(
            title=report.title,
            review_year=year,
            report_url=report.source_url,
            changes=diff or changes(store, old.review_year if old else None, year, s),
            counts=report.counts,
            stated_counts=report.stated_counts,
            report_status=report.status,
            press_release_url=report.source_page,
            old_report_url=old.source_url if old else None,
            warnings=report.warnings,
        )


def _same_markets(a: list[Listing], b: list[Listing]) -> bool:
    return sorted((li.market_id, li.entry.name) for li in a) == sorted(
        (li.market_id, li.entry.name) for li in b
    )


def extract_report(config: Config, path: Path, cancel: threading.Event | None = None) -> Report:
    """Extract a downloaded PDF in a child process with a time limit and a memory cap."""
    from tracker.sandbox import extract_isolated

    return extract_isolated(path, config.extraction, cancel)


def status(store: Store) -> dict[str, Any]:
    """The contract's status document, plus the deliveries that are not through."""
    from tracker.store import outbox as box

    problems = [  # test alerts report their outcome at once and are not retried
        i
        for i in box.items(store, ("pending", "sending", "failed", "unknown"))
        if i.message.kind != "test"
    ]
    return {
        "stored_years": store.years(),
        "last_checks": store.last_runs(5),
        "next_run": store.next_run(),
        "pending_alerts": sum(1 for i in problems if i.status in ("pending", "sending")),
        "needs_review": sorted(
            {
                r.review_year
                for r in store.reports()
                if r.status == "needs_review" and store.current_report(r.review_year) == r
            }
        ),
        "deliveries": [
            {
                "id": i.id,
                "kind": i.message.kind,
                "channel": i.message.channel,
                "recipient": i.message.recipient,
                "status": i.status,
                "attempts": i.attempts,
                "last_error": i.last_error,
                "created_at": i.created_at.isoformat(timespec="seconds"),
            }
            for i in problems
        ],
    }
