"""Follow the yearly review as it happens: the Federal Register step of each check.

Ask the documents search (conditionally: a 304 costs nothing), read the notices that are new or
changed (their full text too, when recent), store them, and tell the orchestrator, in the same
transaction, what to announce: a review just opened, a review whose notice was corrected (only
what changed), and each deadline whose reminder day has come. Reminders come from the stored
notices, so they go out even on a day the Federal Register cannot be reached; the outbox's keys
make every announcement exactly once, across restarts.

Nothing here may fail the check: any failure is returned as a warning, and counted, so that
the operators hear when it keeps failing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from tracker import fedreg
from tracker import review as rv
from tracker.config import Config
from tracker.errors import Stopped, TrackerError
from tracker.fetch import Fetcher, Validators
from tracker.model import CheckWarning, WarningCode
from tracker.origins import Origins
from tracker.records import CacheEntry, Deadline, ReviewDocument
from tracker.store import Store, Transaction

log = logging.getLogger(__name__)

SOURCE = "federal-register"


@dataclass(frozen=True)
class Announcements:
    """What the step found worth telling, on `today` (the schedule's time zone)."""

    today: date
    opened: tuple[rv.Review, ...] = ()
    corrected: tuple[tuple[rv.Review, tuple[str, ...]], ...] = ()
    reminders: tuple[tuple[rv.Review, Deadline], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.opened or self.corrected or self.reminders)


Announce = Callable[[Transaction, Announcements], object]


@dataclass
class Followed:
    warnings: list[CheckWarning] = field(default_factory=list)
    failures: int = 0  # failed checks in a row (0 after one that went through)
    error: str | None = None
    stopped: bool = False
    announced: Announcements | None = None


def local_day(config: Config, now: datetime) -> date:
    return now.astimezone(ZoneInfo(config.schedule.timezone)).date()


def asks(config: Config) -> bool:
    """Whether the step runs: enabled, and its host allowed (http.allowed_hosts is the operator's
    word on where the tracker may go)."""
    host = (urlsplit(config.federal_register.api_url).hostname or "").lower()
    allowed = host in Origins.of(config.http.allowed_hosts).hosts
    if config.federal_register.enabled and not allowed:
        log.info("federal register: %s is not in http.allowed_hosts; not asked", host)
    return config.federal_register.enabled and allowed


def follow(
    config: Config, store: Store, fetcher: Fetcher, now: datetime, announce: Announce
) -> Followed:
    today = local_day(config, now)
    out = Followed()
    try:
        found: _Found | None = _fetch(config, store, fetcher, today)
    except Stopped:
        out.stopped = True
        return out
    except TrackerError as exc:
        out.error, found = str(exc), None
    except Exception as exc:  # a bug must not fail the check either; the traceback with -v
        log.debug("the federal register step crashed", exc_info=True)
        out.error, found = f"internal error: {type(exc).__name__}: {exc}", None
    try:
        _record(config, store, found, now, announce, out)
    except Exception as exc:  # the database failed: the check itself will say so, or not
        log.debug("the federal register step could not record", exc_info=True)
        out.error = out.error or f"{type(exc).__name__}: {exc}"
    if out.error:
        log.warning("federal register: %s", out.error)
        out.warnings.append(_warning(f"{out.error} (the list's check is not affected)"))
    return out


def _record(
    config: Config,
    store: Store,
    found: _Found | None,
    now: datetime,
    announce: Announce,
    out: Followed,
) -> None:
    """Store what was found (or count the failure) and announce, in one transaction."""
    today = local_day(config, now)
    with store.transaction() as tx:
        before = rv.reviews(tx.notices.all())
        if found is None:
            out.failures = tx.notices.failed(SOURCE, out.error or "").failures
        else:
            _save(tx, found, now)
            tx.notices.succeeded(SOURCE)
            out.warnings += [_warning(f"skipped {s}") for s in found.search.skipped]
        after = rv.reviews(tx.notices.all())
        out.announced = _announcements(before, after, today, config.federal_register.reminder_days)
        if out.announced:
            announce(tx, out.announced)


@dataclass(frozen=True)
class _Found:
    search: fedreg.Search
    documents: tuple[ReviewDocument, ...]


def _fetch(config: Config, store: Store, fetcher: Fetcher, today: date) -> _Found:
    url = fedreg.search_url(config.federal_register.api_url)
    with store.transaction() as tx:
        cached, stored = tx.cache.get(url), {d.document_number: d for d in tx.notices.all()}
    validators = Validators(cached.etag, cached.last_modified) if cached else None
    search = fedreg.search(fetcher, url, validators)
    documents = []
    for doc in search.documents:
        known = stored.get(doc.document_number)
        if (known and known.fingerprint == doc.fingerprint) or not _about_the_list(doc):
            continue
        body = fedreg.body_text(fetcher, doc) if rv.worth_reading(doc, today) else None
        documents.append(rv.read_document(doc, body))
    return _Found(search, tuple(documents))


def _about_the_list(doc: fedreg.ApiDocument) -> bool:
    from tracker.deadlines import about_the_list

    if not about_the_list(doc.title):
        log.debug("federal register: %s is not about the list: %s", doc.document_number, doc.title)
        return False
    return True


def _save(tx: Transaction, found: _Found, now: datetime) -> None:
    for doc in found.documents:
        tx.notices.save(doc, now)
        log.info(
            "federal register: stored %s (%d review, %d deadline(s))",
            doc.document_number,
            doc.review_year,
            len(doc.deadlines),
        )
    s = found.search
    if not s.not_modified:
        v = s.validators
        tx.cache.remember(
            CacheEntry(s.url, "api", v.etag, v.last_modified, s.sha256, None, len(s.documents))
        )


def _announcements(
    before: dict[int, rv.Review], after: dict[int, rv.Review], today: date, days: int
) -> Announcements:
    opened, corrected, reminders = [], [], []
    for year, review in after.items():
        if not review.is_open(today):
            continue  # a closed review is history: stored, never announced
        if year not in before:
            opened.append(review)
        elif changed := rv.what_changed(before[year], review):
            corrected.append((review, changed))
        reminders += [(review, d) for d in rv.due_reminders(review, today, days)]
    return Announcements(today, tuple(opened), tuple(corrected), tuple(reminders))


def _warning(message: str) -> CheckWarning:
    return CheckWarning(WarningCode.FEDERAL_REGISTER, f"federal register: {message}")
