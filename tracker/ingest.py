"""Store a report, with identity as a visible stage: read the known markets from the store,
resolve each entry with the pure resolver, save the decisions, all in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from tracker.archive import sha256, store_pdf
from tracker.config import Config
from tracker.errors import ExtractionError, RevisionRefused, TrackerError
from tracker.identity import Decision, KnownMarket, Resolver, entry_places, heading_domains
from tracker.identity import new_market_id as mint
from tracker.model import Entry, IngestResult, IngestStatus, NoticeCode, Report, StoredReport
from tracker.records import Candidate, MarketEvidence, Placement, ReportSource
from tracker.store import Store, Transaction

log = logging.getLogger(__name__)

REVISION_KEEPS = 0.9  # share of the stored list a corrected PDF of the same year keeps
_YEAR_DOUBTS = (NoticeCode.YEAR_CONFLICT, NoticeCode.YEAR_INFERRED)


def known_markets(evidence: Sequence[MarketEvidence]) -> list[KnownMarket]:
    """What the resolver knows of each stored market: every name, domain and place printed
    for it in the current reports, and the names linked to it as aliases."""
    return [
        KnownMarket(
            id=m.id,
            kind=m.kind,
            country=m.country,
            names=frozenset(e.name for e in m.entries) | m.alias_names,
            domains=frozenset(d for e in m.entries for d in heading_domains(e)),
            places=frozenset(p for e in m.entries for p in entry_places(e)),
        )
        for m in evidence
    ]


def place(
    entries: Sequence[Entry], decisions: Sequence[Decision], taken: set[str]
) -> list[Placement]:
    """The resolver's decisions as placements: a market never seen before gets a new id."""
    taken = set(taken)
    out: list[Placement] = []
    for entry, decision in zip(entries, decisions, strict=True):
        candidates = tuple(Candidate(p.market_id, p.score, p.reason) for p in decision.possible)
        if decision.market_id is None:
            market_id = mint(entry, taken)
            taken.add(market_id)
            out.append(Placement(market_id, decision.reason, True, candidates))
        else:
            out.append(Placement(decision.market_id, decision.reason, False, candidates))
    return out


def save_report(
    tx: Transaction,
    report: Report,
    source: ReportSource,
    aliases: Mapping[str, str],
    force_revision: bool = False,
) -> IngestResult:
    """Store a report in `tx`: a stored sha256 is a no-op and new bytes for a stored year
    become its next revision (resolved like its year was: against the current revision),
    unless the report's own evidence says it may be another year's (`guard_revision`)."""
    if existing := tx.reports.by_sha(source.sha256):
        return IngestResult(IngestStatus.UNCHANGED, existing)
    if not force_revision and (current := tx.reports.current(report.review_year)):
        guard_revision(
            report, current, [li.entry for li in tx.reports.listings(current.review_year)]
        )
    known = known_markets(tx.markets.evidence())
    decisions = Resolver(known, aliases).resolve(report.entries)
    placements = place(report.entries, decisions, tx.markets.ids())
    return tx.reports.add(report, source, placements)


def _forget_unstored(store: Store, pdf: Path, digest: str) -> None:
    """The archive holds stored reports only: drop the file unless a report row has it (a
    concurrent ingest of the same bytes may have stored it meanwhile)."""
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
    from tracker.extract import extract

    try:
        report = extract(data)
    except TrackerError as exc:
        raise ExtractionError(f"{path}: {exc}") from exc
    pdf = store_pdf(config.reports_dir, data)
    try:
        with store.transaction() as tx:
            source = ReportSource(digest, url, pdf_path=str(pdf))
            result = save_report(tx, report, source, config.aliases, force_revision)
    except BaseException:
        _forget_unstored(store, pdf, digest)
        raise
    log.info(
        "stored the %d review (revision %d): %d online, %d physical, %d new markets",
        report.review_year,
        result.report.revision,
        report.counts.online,
        report.counts.physical,
        len(result.new_markets),
    )
    return result
