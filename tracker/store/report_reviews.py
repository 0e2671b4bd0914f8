"""Held digests and a person's corrections of an extracted list (`review`), in the database.

`report_reviews`: per report revision, the entries as extracted (the corrections apply on top of
them), the doubts that held its digest, and when it was held and released. `report_corrections`:
the corrections of a year's list, recorded against the revision they were made on, applied to
every later revision of that year. Identity corrections (`markets merge`) live apart, in
tracker.store.corrections.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tracker.model import Entry
from tracker.store.db import current_ids, opt_utc, utcnow
from tracker.store.models import ListingRow, ReportCorrectionRow, ReportReviewRow, ReportRow


@dataclass(frozen=True)
class ReviewRecord:
    report_id: int
    extracted: tuple[Entry, ...]
    doubts: tuple[dict[str, Any], ...]
    held_at: datetime | None
    released_at: datetime | None

    @property
    def held(self) -> bool:
        return self.held_at is not None and self.released_at is None


@dataclass(frozen=True)
class StoredListFix:
    """A stored correction of a year's list, as the store holds it."""

    id: int
    review_year: int
    report_id: int | None  # the revision it was made on (None: that revision is gone)
    action: str
    doc: dict[str, Any]
    note: str
    created_at: datetime
    undone_at: datetime | None


class ReportReviews:
    """The reviews and listing corrections of one transaction."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, report_id: int) -> ReviewRecord | None:
        row = self._s.get(ReportReviewRow, report_id)
        return _record(row) if row else None

    def keep_extracted(self, report_id: int, entries: Sequence[Entry]) -> None:
        """Remember what the extractor read for this revision (once: never overwritten)."""
        if self._s.get(ReportReviewRow, report_id) is None:
            doc = [e.to_json(full=True) for e in entries]
            self._s.add(ReportReviewRow(report_id=report_id, extracted=doc, doubts=[]))
            self._s.flush()

    def hold(self, report_id: int, entries: Sequence[Entry], doubts: list[dict[str, Any]]) -> None:
        self.keep_extracted(report_id, entries)
        row = self._s.get_one(ReportReviewRow, report_id)
        row.doubts, row.held_at, row.released_at = doubts, utcnow(), None
        self._s.flush()

    def release(self, report_id: int) -> bool:
        """Release a held digest; True only for the call that released it."""
        result = self._s.execute(
            update(ReportReviewRow)
            .where(
                ReportReviewRow.report_id == report_id,
                ReportReviewRow.held_at.is_not(None),
                ReportReviewRow.released_at.is_(None),
            )
            .values(released_at=utcnow())
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def held_years(self) -> list[int]:
        """The years whose current revision's digest is held."""
        q = (
            select(ReportRow.review_year)
            .join(ReportReviewRow, ReportReviewRow.report_id == ReportRow.id)
            .where(
                ReportRow.id.in_(current_ids(self._s)),
                ReportReviewRow.held_at.is_not(None),
                ReportReviewRow.released_at.is_(None),
            )
        )
        return sorted(set(self._s.scalars(q)))

    def corrected_listings(self) -> set[tuple[int, str]]:
        """(year, printed name) of every current listing a person's correction made (not as
        the extractor read it): the marker `history` and `export` show."""
        ids = current_ids(self._s)
        rows = self._s.execute(
            select(ReportRow.id, ReportRow.review_year, ReportReviewRow.extracted)
            .join(ReportReviewRow, ReportReviewRow.report_id == ReportRow.id)
            .where(ReportRow.id.in_(ids))
        ).all()
        out: set[tuple[int, str]] = set()
        for report_id, year, extracted in rows:
            raw = {(e["name"], e["kind"], e["page"]) for e in extracted or ()}
            listed = self._s.execute(
                select(ListingRow.name, ListingRow.kind, ListingRow.page).where(
                    ListingRow.report_id == report_id
                )
            )
            out |= {(year, name) for name, kind, page in listed if (name, kind, page) not in raw}
        return out

    def corrections(self, year: int | None = None, undone: bool = False) -> list[StoredListFix]:
        """A year's corrections (every year's, without `year`), oldest first; `undone`: with
        those a person undid."""
        q = select(ReportCorrectionRow).order_by(ReportCorrectionRow.id)
        if year is not None:
            q = q.where(ReportCorrectionRow.review_year == year)
        if not undone:
            q = q.where(ReportCorrectionRow.undone_at.is_(None))
        return [_fix(r) for r in self._s.scalars(q)]

    def add_correction(
        self, year: int, report_id: int, action: str, doc: dict[str, Any], note: str
    ) -> StoredListFix:
        row = ReportCorrectionRow(
            review_year=year,
            report_id=report_id,
            action=action,
            doc=doc,
            note=note,
            created_at=utcnow(),
        )
        self._s.add(row)
        self._s.flush()
        return _fix(row)

    def undo(self, fix_id: int) -> StoredListFix | None:
        row = self._s.get(ReportCorrectionRow, fix_id)
        if row is None or row.undone_at is not None:
            return None
        row.undone_at = utcnow()
        self._s.flush()
        return _fix(row)

    def move_year(self, old: int, new: int) -> None:
        """A report's year set by a person: its corrections follow it."""
        self._s.execute(
            update(ReportCorrectionRow)
            .where(ReportCorrectionRow.review_year == old)
            .values(review_year=new)
        )


def _record(row: ReportReviewRow) -> ReviewRecord:
    return ReviewRecord(
        row.report_id,
        tuple(Entry.from_json(e) for e in row.extracted or ()),
        tuple(row.doubts or ()),
        opt_utc(row.held_at),
        opt_utc(row.released_at),
    )


def _fix(row: ReportCorrectionRow) -> StoredListFix:
    created = opt_utc(row.created_at)
    assert created is not None
    return StoredListFix(
        row.id,
        row.review_year,
        row.report_id,
        row.action,
        dict(row.doc),
        row.note,
        created,
        opt_utc(row.undone_at),
    )
