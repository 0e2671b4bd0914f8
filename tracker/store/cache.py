"""What each fetched URL last served: validators for conditional requests, and its content."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.records import CacheEntry
from tracker.store.db import utcnow
from tracker.store.models import HttpCacheRow


class HttpCache:
    """The HTTP cache of one transaction."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, url: str) -> CacheEntry | None:
        row = self._s.get(HttpCacheRow, url)
        return _cache_entry(row) if row else None

    def all(self) -> dict[str, CacheEntry]:
        """Every cached URL: a snapshot for one discovery."""
        return {r.url: _cache_entry(r) for r in self._s.scalars(select(HttpCacheRow))}

    def reports(self) -> list[CacheEntry]:
        """Every URL that served a stored report, oldest year first."""
        rows = self._s.scalars(
            select(HttpCacheRow)
            .where(HttpCacheRow.kind == "pdf", HttpCacheRow.review_year.is_not(None))
            .order_by(HttpCacheRow.review_year, HttpCacheRow.url)
        )
        return [_cache_entry(r) for r in rows]

    def remember(self, entry: CacheEntry) -> None:
        """Record what a URL served."""
        row = self._s.get(HttpCacheRow, entry.url) or HttpCacheRow(url=entry.url)
        row.kind, row.etag, row.last_modified = entry.kind, entry.etag, entry.last_modified
        row.sha256, row.review_year = entry.sha256, entry.review_year
        row.reports_found, row.checked_at = entry.reports_found, utcnow()
        self._s.add(row)


def _cache_entry(row: HttpCacheRow) -> CacheEntry:
    return CacheEntry(
        row.url,
        row.kind,
        row.etag,
        row.last_modified,
        row.sha256,
        row.review_year,
        row.reports_found,
    )
