"""The orchestrator: the only place that chains the stages, and the only module of `tracker`
that calls into `alerts`.

    crawl -> fetch -> extract -> identity + store -> diff -> alerts (outbox -> channels)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from alerts import holds, operators, samples, watch
from alerts.digest import DigestInput, Rendered, render
from alerts.outbox import DeliveryStats, deliver, queue_digest
from alerts.review import queue_review
from tracker import dbidentity, report_review
from tracker.config import Config
from tracker.crawl import Target, crawl
from tracker.diff import Changes
from tracker.errors import BlockedError, ExtractionError, SourceError, Stopped, TrackerError
from tracker.fetch import Fetcher, PdfResult
from tracker.history import changes, latest_year, same_markets, year_before, year_digest
from tracker.ingest import archived_if_stored, curation, save_report
from tracker.model import (
    AlertKind,
    CheckStatus,
    CheckWarning,
    DeliveryStatus,
    Entry,
    Report,
    ReportStatus,
    WarningCode,
    count_mismatches,
)
from tracker.outcome import CheckResult, RunMode, StoredChange
from tracker.records import CacheEntry, ReportSource
from tracker.report_review import Corrected
from tracker.store import Store, Transaction, utcnow
from tracker.watching import watched_ids

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


def run_check(
    config: Config,
    store: Store,
    *,
    fetcher: Fetcher | None = None,
    trigger: str = "manual",
    backfill: bool = False,
    notify_baseline: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> CheckResult:
    """One full check. Failures of the source or of one report's extraction are recorded and
    returned (status "failed"), never raised: the caller decides the exit code. `clock`: what
    time it is (the review's deadlines and reminders depend on the day)."""
    with store.transaction() as tx:
        empty = not tx.reports.years()
        run_id = tx.runs.start(trigger)
    mode = RunMode.of(empty=empty, backfill=backfill, notify_baseline=notify_baseline)
    fetcher = fetcher or Fetcher(config.http, config.reports_dir, cancel, config.origins)
    check = _Check(config, store, mode, fetcher)
    try:
        stopped = check.run(progress)
        if not stopped and not backfill:
            stopped = _follow_review(config, store, check.fetcher, check.result, clock())
    finally:
        if fetcher is None:
            check.fetcher.close()
    result = check.result
    result.status = result.settle(empty)
    try:
        with store.transaction() as tx:
            tx.runs.finish(run_id, result.status, result.error, result.to_json())
        if not stopped:  # a stopping process leaves the alerts to the next one
            _alert_after_check(config, store, result, check.fetcher.cancel, trigger != "daemon")
    except TrackerError as exc:  # a full disk, say: what was stored before it stays stored
        exc.args = (result.stored_then(exc),)
        raise
    log.info(
        "check %s: %d report(s) stored, %d request(s), %d PDF bytes%s",
        result.status,
        len(result.reports),
        result.requests,
        result.pdf_bytes,
        f", error: {result.error}" if result.error else "",
    )
    return result


class _Check:
    """The stages of one check, and what it found so far."""

    def __init__(self, config: Config, store: Store, mode: RunMode, fetcher: Fetcher) -> None:
        self.config, self.store, self.mode, self.fetcher = config, store, mode, fetcher
        self.result = CheckResult()

    def warn(self, warning: CheckWarning) -> None:
        self.result.warnings.append(warning)

    def run(self, progress: Progress | None) -> bool:
        """Crawl, then process each report URL; record any failure. Returns whether the check
        was stopped."""
        result, stopped = self.result, False
        try:
            self._run(progress)
        except Stopped as exc:
            stopped, result.error = True, str(exc)
        except TrackerError as exc:
            result.error = str(exc)
            result.blocked = isinstance(exc, BlockedError)
        except Exception as exc:  # a bug: recorded like any failure; the traceback with --verbose
            log.debug("check crashed", exc_info=True)
            result.error = f"internal error: {type(exc).__name__}: {exc}"
        finally:
            result.requests, result.pdf_bytes = self.fetcher.requests, self.fetcher.pdf_bytes
        return stopped

    def _run(self, progress: Progress | None) -> None:
        dbidentity.verify(self.config, self.store, self.warn)  # never a silent new baseline
        full = self.mode is not RunMode.CHECK
        with self.store.transaction() as tx:
            cache, known = tx.cache.all(), tx.cache.reports()
        found = crawl(self.config, self.fetcher, cache, known, full=full, warn=self.warn)
        failed: set[str] = set()
        for n, target in enumerate(found.targets, 1):
            if self.fetcher.cancel.is_set():
                raise Stopped("the check was stopped before it finished")
            if progress:
                progress(n, len(found.targets), target.url)
            try:
                self._process(target)
            except Stopped:
                raise
            except TrackerError as exc:
                failed.add(target.url)
                self._failed(exc)
        # remember the pages whose links all went through; the others are read again next time
        with self.store.transaction() as tx:
            for entry in found.pages_to_remember(failed):
                tx.cache.remember(entry)
        if self.mode is RunMode.NOTIFY_BASELINE and self.result.reports:
            with self.store.transaction() as tx:
                year = max(r.review_year for r in self.result.reports)
                self.result.held += _announce(tx, self.config, year)

    def _failed(self, exc: TrackerError) -> None:
        result = self.result
        result.blocked = result.blocked or isinstance(exc, BlockedError)
        if result.error:
            log.info("also failed: %s", exc)  # the first error is the one line
        result.error = result.error or str(exc)

    def _process(self, target: Target) -> None:
        """Fetch one report URL; when it holds new bytes, extract, store, diff and queue the
        digest (in the transaction that stores the report)."""
        try:
            pdf = self.fetcher.pdf(target.url, target.validators)
        except SourceError as exc:
            if target.validators is None or not exc.gone:
                raise
            # a stored report's URL that no longer serves it: say so once, and stop asking
            message = f"{exc}: the stored report's URL is gone; no longer checked"
            self.warn(CheckWarning(WarningCode.REPORT_GONE, message, target.year))
            with self.store.transaction() as tx:
                tx.cache.remember(
                    CacheEntry(target.url, "gone", None, None, None, target.year, None)
                )
            return
        if pdf.not_modified:
            return
        v = pdf.validators
        cache = CacheEntry(target.url, "pdf", v.etag, v.last_modified, pdf.sha256, None, None)
        with self.store.transaction() as tx:
            existing = tx.reports.by_sha(pdf.sha256)
            if existing:  # the same PDF, elsewhere or unchanged
                tx.cache.remember(replace(cache, review_year=existing.review_year))
        if existing:
            return
        assert pdf.path is not None  # fetched bytes are archived
        with archived_if_stored(self.store, pdf.path, pdf.sha256):
            self._store(target, pdf, self._extract(target, pdf), cache)

    def _extract(self, target: Target, pdf: PdfResult) -> Report:
        """In a child process with a time limit and a memory cap."""
        from tracker.sandbox import extract_isolated

        assert pdf.path is not None
        try:
            report = extract_isolated(pdf.path, self.config.extraction, self.fetcher.cancel)
        except Stopped:
            raise
        except TrackerError as exc:
            raise ExtractionError(f"{target.url}: {exc}") from exc
        if target.year is not None and target.year != report.review_year:
            message = (
                f"{target.url}: the link names the {target.year} review but the PDF's title "
                f"says {report.review_year}; stored as {report.review_year}"
            )
            self.warn(CheckWarning(WarningCode.YEAR_DIFFERS, message, report.review_year))
        return report

    def _store(self, target: Target, pdf: PdfResult, report: Report, cache: CacheEntry) -> None:
        """Store the report, its diff and its digest in one transaction."""
        year = report.review_year
        source = ReportSource(pdf.sha256, target.url, target.press_release, str(pdf.path))
        with self.store.transaction() as tx:
            before = tx.reports.years()
            previous = tx.reports.listings(year) if year in before else []
            saved = save_report(tx, report, source, curation(self.config))
            tx.cache.remember(replace(cache, review_year=year))
            diff = changes(tx, year_before(before, year), year)
            status = self.mode.stored(saved.status)
            newest = year >= max(before, default=year)
            unchanged = status is CheckStatus.REVISED and same_markets(
                previous, tx.reports.listings(year)
            )
            if newest and not unchanged and self.mode is RunMode.CHECK:
                self.result.held += _announce(tx, self.config, year, report.entries, diff)
        if saved.report.status is ReportStatus.NEEDS_REVIEW:
            message = f"the {year} review is stored as NEEDS REVIEW: " + count_mismatches(
                report.notices
            )
            log.warning("%s", message)
            self.warn(CheckWarning(WarningCode.NEEDS_REVIEW, message, year))
            self.result.needs_review.append(year)
        self.result.reports.append(
            StoredChange(status, year, target.url, len(report.entries), saved.report.status, diff)
        )
        sizes = (len(report.entries), len(diff.new_entries), len(diff.removed))
        message = "stored the %d review from %s (%s): %d markets, %d new, %d removed"
        log.info(message, year, target.url, status, *sizes)


# ---------------------------------------------------------------------------------------------
# alerts: digests, operators, delivery


def digest_input(tx: Transaction, year: int, diff: Changes | None = None) -> DigestInput:
    """What the digest of a stored year says: its diff against the stored year before it
    (`diff`, when the caller has just computed it)."""
    d = year_digest(tx, year, diff)
    return DigestInput(
        title=d.report.title,
        review_year=year,
        report_url=d.report.source_url,
        changes=d.changes,
        counts=d.report.counts,
        stated_counts=d.report.stated_counts,
        report_status=d.report.status.value,
        press_release_url=d.report.source_page,
        old_report_url=d.previous.source_url if d.previous else None,
        warnings=d.report.warnings,
    )


def _queue_digest(
    tx: Transaction, config: Config, year: int, diff: Changes | None = None, key_suffix: str = ""
) -> int:
    digest = digest_input(tx, year, diff)
    report = tx.reports.current(year)
    assert report is not None  # digest_input found it
    rendered = render(digest, config.alerts.templates_dir)
    ids = watched_ids(tx, config)
    personal = watch.personal_digests(digest, config, ids)
    if not key_suffix:  # a resend is the digest again, not the news
        watch.queue_watch_alerts(tx.outbox, config, digest, ids)
    return queue_digest(tx.outbox, config, report.id, rendered, key_suffix, personal)


def _announce(
    tx: Transaction,
    config: Config,
    year: int,
    extracted: tuple[Entry, ...] | None = None,
    diff: Changes | None = None,
) -> list[int]:
    """Queue a new list's digest, or hold it when the report is doubtful (`report_review.hold`):
    the operators get one alert naming each doubt, recipients nothing. Returns the years held."""
    held = report_review.hold(tx, config.alerts.hold_unverified, year, extracted, diff)
    if held is None:
        _queue_digest(tx, config, year, diff)
        return []
    holds.queue_held(tx.outbox, config, held.report, held.doubts, held.changes)
    return [year]


def approve_review(config: Config, store: Store, year: int) -> tuple[bool, DeliveryStats]:
    """`review YEAR --approve`: the diff as corrected, and the held digest released, once.
    Returns whether this call released it."""
    with store.transaction() as tx:
        stored = report_review.current(tx, year)
        released = tx.report_reviews.release(stored.id)
        if released:
            _queue_digest(tx, config, year)
    return released, deliver(store.outbox, config, at_once=True)


def correct_review(
    config: Config, store: Store, year: int, do: Callable[[Transaction], Corrected]
) -> tuple[Corrected, DeliveryStats]:
    """A correction of a year's list (`do`); once its digest went out, recipients get a short
    correction notice (what changed), not a second digest."""
    with store.transaction() as tx:
        done = do(tx)
        if report_review.digest_went_out(tx, done.review_year):
            holds.queue_correction(
                tx.outbox, config, report_review.current(tx, done.review_year), done
            )
    return done, deliver(store.outbox, config, at_once=True)


def _follow_review(
    config: Config, store: Store, fetcher: Fetcher, result: CheckResult, now: datetime
) -> bool:
    """The Federal Register step: its failure is a warning, and the operators' concern once it
    keeps failing; never the check's. Returns whether the check was stopped meanwhile."""
    from tracker.follow import asks, follow

    if not asks(config):
        return False
    done = follow(config, store, fetcher, now, lambda tx, ev: queue_review(tx.outbox, config, ev))
    result.warnings += done.warnings
    if done.failures >= config.alerts.failures_before_alert:
        what = f"the Federal Register has failed {done.failures} checks in a row"
        text = f"The last error:\n\n  {done.error}\n\nThe list's own checks are not affected.\n"
        operators.raise_problem(store.outbox, config, "federal-register-failing", what, text)
    return done.stopped


def _alert_after_check(
    config: Config, store: Store, result: CheckResult, cancel: threading.Event, at_once: bool
) -> None:
    """`at_once`: a person asked (not the daemon): every pending alert is tried now."""
    with store.transaction() as tx:
        recent = tx.runs.last(config.alerts.failures_before_alert)
    unheld = [y for y in result.needs_review if y not in result.held]  # held: one alert, sent
    facts = operators.CheckFacts(result.blocked, result.error, unheld, result.warnings, recent)
    operators.after_check(store.outbox, config, facts)
    stats = deliver(store.outbox, config, cancel=cancel, at_once=at_once)
    result.alerts_sent, result.alerts_pending = stats.sent, stats.pending


def deliver_alerts(
    config: Config, store: Store, cancel: threading.Event | None = None
) -> DeliveryStats:
    """Send what is due, and tell the operators about deliveries that are stuck."""
    stats = deliver(store.outbox, config, cancel=cancel)
    operators.after_delivery(store.outbox, config)
    return stats


def preview_digest(config: Config, store: Store, year: int | None) -> tuple[int, Rendered]:
    """A stored year's digest (default: the latest year) as it would be sent."""
    with store.transaction() as tx:
        year = year or latest_year(tx)
        if year is None:
            raise TrackerError("no report stored yet: run `nml-tracker check` or `ingest`")
        return year, render(digest_input(tx, year), config.alerts.templates_dir)


def resend_digest(config: Config, store: Store, year: int) -> DeliveryStats:
    """Send a stored year's digest again to every recipient: a new message on purpose."""
    with store.transaction() as tx:
        suffix = f":resend-{utcnow().isoformat()}"
        if not _queue_digest(tx, config, year, key_suffix=suffix):
            raise TrackerError("no recipient is configured (alerts.email, webhooks, apprise)")
    return deliver(store.outbox, config, at_once=True)


def send_test_alert(config: Config, store: Store, kind: str = "test") -> DeliveryStats:
    """A test message (or, by `kind`, samples of the other alerts) through every configured
    channel; what is not sent now is given up (a test is not retried later)."""
    from tracker.follow import local_day
    from tracker.review import latest, reviews

    now = utcnow()
    with store.transaction() as tx:
        year = latest_year(tx) if kind in ("watch", "all") else None
        facts = samples.TestFacts(
            local_day(config, now),
            now.isoformat(),
            latest(reviews(tx.notices.all())),
            digest_input(tx, year) if year is not None else None,
            watched_ids(tx, config),
        )
    if not samples.queue_tests(store.outbox, config, kind, facts, operators.recipients(config)):
        raise TrackerError(samples.nothing_to_send(kind))
    stats = deliver(store.outbox, config)
    for item in store.outbox.items((DeliveryStatus.PENDING,), kind=AlertKind.TEST):
        store.outbox.give_up(item.id, item.last_error or "not sent")
    return stats
