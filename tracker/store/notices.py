"""Federal Register documents about the Notorious Markets reviews, and how asking a secondary
source has gone (failed checks in a row)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.records import Deadline, ReviewDocument, SourceHealth
from tracker.store.db import opt_utc, utcnow
from tracker.store.models import ReviewNoticeRow, SourceHealthRow


class Notices:
    """The stored review notices of one transaction."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def all(self) -> list[ReviewDocument]:
        """Every stored document, oldest publication first."""
        q = select(ReviewNoticeRow).order_by(
            ReviewNoticeRow.publication_date, ReviewNoticeRow.document_number
        )
        return [_document(r) for r in self._s.scalars(q)]

    def get(self, document_number: str) -> ReviewDocument | None:
        row = self._s.get(ReviewNoticeRow, document_number)
        return _document(row) if row else None

    def save(self, doc: ReviewDocument, now: datetime | None = None) -> None:
        """Add a document, or replace what is stored under its number."""
        now = now or utcnow()
        row = self._s.get(ReviewNoticeRow, doc.document_number)
        if row is None:
            row = ReviewNoticeRow(document_number=doc.document_number, first_seen_at=now)
            self._s.add(row)
        row.review_year, row.title, row.url = doc.review_year, doc.title, doc.url
        row.publication_date = doc.publication_date.isoformat()
        row.abstract, row.issue_focus = doc.abstract, doc.issue_focus
        row.correction = doc.correction
        row.deadlines = [d.to_json() for d in doc.deadlines]
        row.fingerprint, row.updated_at = doc.fingerprint, now

    # -- the health of a source --------------------------------------------------------------

    def health(self, source: str) -> SourceHealth:
        row = self._s.get(SourceHealthRow, source)
        if row is None:
            return SourceHealth(source, 0, None, None)
        return SourceHealth(row.source, row.failures, row.last_error, opt_utc(row.last_success_at))

    def succeeded(self, source: str) -> None:
        row = self._health_row(source)
        row.failures, row.last_error = 0, None
        row.last_success_at = row.checked_at = utcnow()

    def failed(self, source: str, error: str) -> SourceHealth:
        """Count one more failed check in a row; returns the health after it."""
        row = self._health_row(source)
        row.failures, row.last_error, row.checked_at = row.failures + 1, error, utcnow()
        return SourceHealth(row.source, row.failures, error, opt_utc(row.last_success_at))

    def _health_row(self, source: str) -> SourceHealthRow:
        row = self._s.get(SourceHealthRow, source)
        if row is None:
            row = SourceHealthRow(source=source, failures=0, checked_at=utcnow())
            self._s.add(row)
        return row


def _document(row: ReviewNoticeRow) -> ReviewDocument:
    return ReviewDocument(
        document_number=row.document_number,
        review_year=row.review_year,
        title=row.title,
        publication_date=date.fromisoformat(row.publication_date),
        url=row.url,
        abstract=row.abstract,
        issue_focus=row.issue_focus,
        deadlines=tuple(sorted(_deadline(d) for d in row.deadlines)),
        correction=row.correction,
        fingerprint=row.fingerprint,
    )


def _deadline(doc: Any) -> Deadline:
    return Deadline(date.fromisoformat(str(doc["date"])), str(doc["what"]))
