"""Store a report, with identity as a visible stage: read the known markets from the store,
resolve each entry with the pure resolver, save the decisions, all in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from tracker.archive import sha256, store_pdf
from tracker.config import Config
from tracker.errors import ExtractionError, TrackerError
from tracker.identity import Decision, KnownMarket, Resolver, entry_places, heading_domains
from tracker.identity import new_market_id as mint
from tracker.model import Entry, IngestResult, IngestStatus, Report
from tracker.records import Candidate, MarketEvidence, Placement, ReportSource
from tracker.store import Store, Transaction

log = logging.getLogger(__name__)


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
    tx: Transaction, report: Report, source: ReportSource, aliases: Mapping[str, str]
) -> IngestResult:
    """Store a report in `tx`: a stored sha256 is a no-op and new bytes for a stored year
    become its next revision (resolved like its year was: against the current revision)."""
    if existing := tx.reports.by_sha(source.sha256):
        return IngestResult(IngestStatus.UNCHANGED, existing)
    known = known_markets(tx.markets.evidence())
    decisions = Resolver(known, aliases).resolve(report.entries)
    placements = place(report.entries, decisions, tx.markets.ids())
    return tx.reports.add(report, source, placements)


def ingest_file(config: Config, store: Store, path: Path, url: str | None = None) -> IngestResult:
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
    with store.transaction() as tx:
        result = save_report(
            tx, report, ReportSource(digest, url, pdf_path=str(pdf)), config.aliases
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
