"""Store a report, with identity as a visible stage: read the whole history from the store,
cluster it with the pure resolver (tracker.resolve, through tracker.identity), save the
report and every listing's market, all in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.archive import sha256, store_pdf
from tracker.config import Config
from tracker.errors import ExtractionError, RevisionRefused, TrackerError
from tracker.model import Entry, IngestResult, IngestStatus, NoticeCode, Report, StoredReport
from tracker.records import ReportSource
from tracker.store import Store, Transaction

if TYPE_CHECKING:
    from tracker.identity import Curation

log = logging.getLogger(__name__)

REVISION_KEEPS = 0.9  # share of the stored list a corrected PDF of the same year keeps
_YEAR_DOUBTS = (NoticeCode.YEAR_CONFLICT, NoticeCode.YEAR_INFERRED)


def save_report(
    tx: Transaction,
    report: Report,
    source: ReportSource,
    curation: Curation | Mapping[str, str],
    force_revision: bool = False,
) -> IngestResult:
    """Store a report in `tx`: a stored sha256 is a no-op and new bytes for a stored year
    become its next revision, unless the report's own evidence says it may be another year's
    (`guard_revision`). Identity is a stage of its own: the whole history, this report in its
    year's place, is clustered again with the stored corrections, and every current listing's
    market, the possible matches and the redirects are saved in this transaction.
    `curation`: the configured aliases and knowledge file (a mapping: the aliases alone)."""
    from tracker.identity import Curation, identify

    tx.markets.lock()  # before reading anything: a concurrent re-clustering finishes first
    if existing := tx.reports.by_sha(source.sha256):
        return IngestResult(IngestStatus.UNCHANGED, existing)
    extracted, report = report, _corrected(tx, report)
    if not force_revision and (current := tx.reports.current(report.review_year)):
        guard_revision(
            report, current, [li.entry for li in tx.reports.listings(current.review_year)]
        )
    found = identify(tx, Curation.coerce(curation), report)
    year = report.review_year
    tx.markets.upsert(found.markets())
    result = tx.reports.add(report, source, found.placements(year))
    if report is not extracted:  # a person's corrections of this year's list: kept
        tx.report_reviews.keep_extracted(result.report.id, extracted.entries)
    tx.markets.relink(found.relink())
    for reason in found.rejected():
        log.warning("a stored identity correction was not applied: %s", reason)
    return replace(
        result,
        new_markets=found.new_markets(year),
        possible_matches=tuple(found.clustering.possible_records(year)),
        rejected=tuple(found.rejected()),
    )


def _corrected(tx: Transaction, report: Report) -> Report:
    """The report with a person's stored corrections of its year's list applied (the same
    report when there are none); a correction the extractor now makes unneeded is said."""
    from tracker.report_review import fix_report, no_longer_needed, stored_fixes

    fixes = stored_fixes(tx, report.review_year)
    if not fixes:
        return report
    fixed = fix_report(report, fixes)
    for text in no_longer_needed(fixed):
        log.warning("the %d list: a correction is no longer needed: %s", report.review_year, text)
    return fixed.report


@contextmanager
def archived_if_stored(store: Store, pdf: Path, digest: str) -> Iterator[None]:
    """The archive holds stored reports only: when the block storing the archived `pdf` fails
    (a broken PDF, a refused revision, a full disk, a stop), the file goes too."""
    try:
        yield
    except BaseException:
        forget_unstored(store, pdf, digest)
        raise


def forget_unstored(store: Store, pdf: Path, digest: str) -> None:
    """Drop the archived file unless a report row has it (a concurrent ingest of the same bytes
    may have stored it meanwhile)."""
    try:
        with store.transaction() as tx:
            if tx.reports.by_sha(digest) is None:
                pdf.unlink(missing_ok=True)
    except TrackerError:
        log.warning("%s may be left in the archive without a report", pdf)


def guard_revision(report: Report, current: StoredReport, stored: Sequence[Entry]) -> None:
    """Refuse a report as the next revision of a stored year when the review year it claims is
    uncertain, or when its list is not the stored one corrected (a real revision keeps at least
    `REVISION_KEEPS` of the list): it may be the next year's report, misread."""
    year = report.review_year
    doubts = [n for n in report.notices if n.code in _YEAR_DOUBTS]
    if doubts:
        raise RevisionRefused(
            f"the {year} review is already stored and this report's review year is uncertain "
            f"({doubts[0].message}): not stored as its revision",
            year,
            "year-uncertain",
        )
    mine = {_key(e) for e in report.entries}
    theirs = {_key(e) for e in stored}
    kept = len(mine & theirs)
    if kept < REVISION_KEEPS * max(len(mine), len(theirs), 1):
        counts = ""
        if report.stated_counts and current.stated_counts != report.stated_counts:
            s, c = report.stated_counts, current.stated_counts
            was = f"{c.online}/{c.physical}" if c else "none"
            counts = f"; it states {s.online}/{s.physical} markets, the stored report {was}"
        raise RevisionRefused(
            f"the {year} review is already stored and this report lists only {kept} of its "
            f"{len(theirs)} markets{counts}: it may be another year's report, not a revision "
            f"(ingest --force-revision stores it as one)",
            year,
            "list-differs",
        )


def curation(config: Config) -> Curation:
    from tracker.identity import Curation

    return Curation.of(config)


def _key(entry: Entry) -> tuple[str, str]:
    from tracker.headings import fold

    return entry.kind, fold(entry.name)


def ingest_file(
    config: Config,
    store: Store,
    path: Path,
    url: str | None = None,
    force_revision: bool = False,
) -> IngestResult:
    """Extract a local PDF and store it as its year's report (a revision if the year is
    stored with other bytes; nothing at all if these bytes are)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractionError(f"{path}: cannot read: {exc.strerror}") from exc
    digest = sha256(data)
    with store.transaction() as tx:
        existing = tx.reports.by_sha(digest)
    if existing:
        log.info("%s is already stored as the %d review", path, existing.review_year)
        return IngestResult(IngestStatus.UNCHANGED, existing)
    from tracker.sandbox import extract_isolated

    try:  # in a child process, with check's time and memory limits
        report = extract_isolated(path, config.extraction)
    except TrackerError as exc:
        raise ExtractionError(f"{path}: {exc}") from exc
    pdf = store_pdf(config.reports_dir, data)
    with archived_if_stored(store, pdf, digest), store.transaction() as tx:
        source = ReportSource(digest, url, pdf_path=str(pdf))
        result = save_report(tx, report, source, curation(config), force_revision)
    log.info(
        "stored the %d review (revision %d): %d online, %d physical, %d new markets",
        report.review_year,
        result.report.revision,
        report.counts.online,
        report.counts.physical,
        len(result.new_markets),
    )
    return result
