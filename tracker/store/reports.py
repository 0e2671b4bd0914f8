"""Reports (with revisions) and their listings: what each year's list holds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from tracker.errors import NotFoundError
from tracker.model import (
    Counts,
    Entry,
    IngestResult,
    IngestStatus,
    Kind,
    Listing,
    Notice,
    PossibleMatchRecord,
    Report,
    ReportStatus,
    StoredReport,
)
from tracker.records import ExportRow, Placement, ReportSource
from tracker.store.db import as_utc, current_ids, current_row, utcnow
from tracker.store.models import ListingRow, MarketRow, PossibleMatchRow, ReportRow


class Reports:
    """The stored reports of one transaction."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def by_sha(self, sha256: str) -> StoredReport | None:
        row = self._s.scalar(select(ReportRow).where(ReportRow.sha256 == sha256))
        return stored_report(row) if row else None

    def current(self, year: int) -> StoredReport | None:
        """The current (latest) revision of a year's report."""
        row = current_row(self._s, year)
        return stored_report(row) if row else None

    def years(self) -> list[int]:
        """The stored review years, oldest first."""
        q = select(ReportRow.review_year).distinct().order_by(ReportRow.review_year)
        return list(self._s.scalars(q))

    def all(self) -> list[StoredReport]:
        """Every stored report, every revision, oldest first."""
        q = select(ReportRow).order_by(ReportRow.review_year, ReportRow.revision)
        return [stored_report(r) for r in self._s.scalars(q)]

    def add(
        self, report: Report, source: ReportSource, placements: Sequence[Placement]
    ) -> IngestResult:
        """Store a report as its year's next revision, each entry listed where the identity
        stage placed it (one placement per entry, in order; its markets stored already)."""
        previous = current_row(self._s, report.review_year)
        row = _report_row(report, source)
        row.revision = previous.revision + 1 if previous else 1
        self._s.add(row)
        self._s.flush()
        for position, (e, placed) in enumerate(zip(report.entries, placements, strict=True)):
            self._s.add(_listing_row(row.id, position, e, placed))
        self._s.flush()
        status = IngestStatus.REVISED if previous else IngestStatus.STORED
        return IngestResult(status, stored_report(row))

    def replace_listings(
        self, report_id: int, report: Report, placements: Sequence[Placement]
    ) -> None:
        """A stored revision's list corrected by a person: its listings become `report`'s
        entries, placed as the identity stage placed them; its counts and status follow."""
        row = self._s.get_one(ReportRow, report_id)
        self._s.execute(delete(PossibleMatchRow).where(PossibleMatchRow.report_id == report_id))
        self._s.execute(delete(ListingRow).where(ListingRow.report_id == report_id))
        self._s.flush()
        for position, (e, placed) in enumerate(zip(report.entries, placements, strict=True)):
            self._s.add(_listing_row(report_id, position, e, placed))
        counts = report.counts
        row.online_count, row.physical_count = counts.online, counts.physical
        row.status = ReportStatus.of(report).value
        self._s.flush()

    def set_year(self, old: int, new: int) -> None:
        """A person says a stored year's report (every revision) is another year's review."""
        self._s.execute(
            update(ReportRow).where(ReportRow.review_year == old).values(review_year=new)
        )
        self._s.flush()

    def listings(self, year: int) -> list[Listing]:
        """The markets of a year's current revision, in the report's order."""
        report = current_row(self._s, year)
        if report is None:
            stored = ", ".join(map(str, self.years())) or "none"
            raise NotFoundError(f"no report stored for {year} (stored: {stored})")
        q = (
            select(ListingRow)
            .where(ListingRow.report_id == report.id)
            .order_by(ListingRow.position)
        )
        return [listing(r, year) for r in self._s.scalars(q)]

    def all_listings(self, market_id: str | None = None) -> list[Listing]:
        """Every listing of every year's current revision (of one market, if given), oldest
        year first."""
        q = (
            select(ReportRow.review_year, *_LISTING_COLUMNS)
            .join(ReportRow, ListingRow.report_id == ReportRow.id)
            .where(ReportRow.id.in_(current_ids(self._s)))
            .order_by(ReportRow.review_year, ListingRow.position)
        )
        if market_id is not None:
            q = q.where(ListingRow.market_id == market_id)
        return [_listing_of(*r) for r in self._s.execute(q)]  # columns: no ORM objects to build

    def export_rows(self) -> list[ExportRow]:
        """A row per listing of every year's current revision, with its report."""
        q = (
            select(ListingRow, ReportRow)
            .join(ReportRow, ListingRow.report_id == ReportRow.id)
            .where(ReportRow.id.in_(current_ids(self._s)))
            .order_by(ReportRow.review_year, ListingRow.position)
        )
        from tracker.store.report_reviews import ReportReviews

        corrected = ReportReviews(self._s).corrected_listings()
        return [
            _export_row(li, r, (r.review_year, li.name) in corrected)
            for li, r in self._s.execute(q)
        ]

    def years_listed(self) -> dict[str, list[int]]:
        """Every market's listed years (current revisions only)."""
        q = (
            select(ListingRow.market_id, ReportRow.review_year)
            .join(ReportRow, ListingRow.report_id == ReportRow.id)
            .where(ReportRow.id.in_(current_ids(self._s)))
        )
        out: dict[str, set[int]] = {}
        for market_id, year in self._s.execute(q):
            out.setdefault(market_id, set()).add(year)
        return {k: sorted(v) for k, v in out.items()}

    def possible_matches(self, year: int | None = None) -> list[PossibleMatchRecord]:
        """What identity could not decide, in the current revisions (of one year, if given)."""
        q = (
            select(PossibleMatchRow, ReportRow.review_year, ListingRow.name, MarketRow.name)
            .join(ReportRow, PossibleMatchRow.report_id == ReportRow.id)
            .join(
                ListingRow,
                (ListingRow.report_id == ReportRow.id)
                & (ListingRow.market_id == PossibleMatchRow.market_id),
            )
            .join(MarketRow, MarketRow.id == PossibleMatchRow.candidate_id)
            .where(ReportRow.id.in_(current_ids(self._s)))
            .order_by(ReportRow.review_year, PossibleMatchRow.id)
        )
        if year is not None:
            q = q.where(ReportRow.review_year == year)
        return [
            PossibleMatchRecord(y, name, p.market_id, p.candidate_id, cname, p.score, p.reason)
            for p, y, name, cname in self._s.execute(q)
        ]

    def needs_review(self) -> list[int]:
        """The years whose current revision needs review."""
        q = select(ReportRow.review_year).where(
            ReportRow.id.in_(current_ids(self._s)),
            ReportRow.status == ReportStatus.NEEDS_REVIEW.value,
        )
        return sorted(set(self._s.scalars(q)))


def _listing_row(report_id: int, position: int, entry: Entry, placed: Placement) -> ListingRow:
    return ListingRow(
        report_id=report_id,
        market_id=placed.market_id,
        position=position,
        name=entry.name,
        heading=entry.heading,
        kind=entry.kind,
        country=entry.country,
        city=entry.city,
        domains=list(entry.domains),
        page=entry.page,
        excerpt=entry.excerpt,
        operator=entry.operator,
        based_in=entry.based_in,
        match=placed.match,
    )


def _report_row(report: Report, source: ReportSource) -> ReportRow:
    counts, stated = report.counts, report.stated_counts
    return ReportRow(
        review_year=report.review_year,
        title=report.title,
        sha256=source.sha256,
        source_url=source.url,
        source_page=source.page,
        pdf_path=source.pdf_path,
        published=source.published,
        ingested_at=utcnow(),
        stated_online=stated.online if stated else None,
        stated_physical=stated.physical if stated else None,
        online_count=counts.online,
        physical_count=counts.physical,
        status=ReportStatus.of(report).value,
        warnings=[n.to_json() for n in report.notices],
        positive=list(report.positive),
    )


def stored_report(row: ReportRow) -> StoredReport:
    stated = None
    if row.stated_online is not None and row.stated_physical is not None:
        stated = Counts(row.stated_online, row.stated_physical)
    return StoredReport(
        id=row.id,
        review_year=row.review_year,
        revision=row.revision,
        title=row.title,
        sha256=row.sha256,
        source_url=row.source_url,
        published=row.published,
        ingested_at=_iso(row.ingested_at),
        stated_counts=stated,
        counts=Counts(row.online_count, row.physical_count),
        status=ReportStatus(row.status),
        notices=tuple(Notice.from_json(w) for w in row.warnings or ()),
        pdf_path=row.pdf_path,
        source_page=row.source_page,
        positive=tuple(row.positive or ()),
    )


def _iso(value: datetime) -> str:
    return as_utc(value).isoformat(timespec="seconds")


def entry(row: ListingRow) -> Entry:
    return Entry(
        name=row.name,
        kind="online" if row.kind == "online" else "physical",
        page=row.page,
        country=row.country,
        city=row.city,
        domains=tuple(row.domains or ()),
        heading=row.heading,
        excerpt=row.excerpt,
        operator=row.operator,
        based_in=row.based_in,
    )


_LISTING_COLUMNS = (
    ListingRow.market_id,
    ListingRow.match,
    ListingRow.name,
    ListingRow.kind,
    ListingRow.page,
    ListingRow.country,
    ListingRow.city,
    ListingRow.domains,
    ListingRow.heading,
    ListingRow.excerpt,
    ListingRow.operator,
    ListingRow.based_in,
)


def _listing_of(
    year: int,
    market_id: str,
    match: str,
    name: str,
    kind: str,
    page: int,
    country: str | None,
    city: str | None,
    domains: list[str] | None,
    heading: str,
    excerpt: str,
    operator: str | None = None,
    based_in: str | None = None,
) -> Listing:
    k: Kind = "online" if kind == "online" else "physical"
    e = Entry(
        name, k, page, country, city, tuple(domains or ()), heading, excerpt, operator, based_in
    )
    return Listing(market_id=market_id, review_year=year, entry=e, match=match)


def listing(row: ListingRow, year: int) -> Listing:
    return Listing(market_id=row.market_id, review_year=year, entry=entry(row), match=row.match)


def _export_row(li: ListingRow, r: ReportRow, corrected: bool) -> ExportRow:
    return ExportRow(
        review_year=r.review_year,
        market_id=li.market_id,
        name=li.name,
        kind=li.kind,
        country=li.country,
        city=li.city,
        domains=tuple(li.domains or ()),
        page=li.page,
        heading=li.heading,
        report_title=r.title,
        report_revision=r.revision,
        report_sha256=r.sha256,
        source_url=r.source_url,
        corrected=corrected,
        operator=li.operator,
        based_in=li.based_in,
    )
