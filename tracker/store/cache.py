"""What each fetched URL last served: validators for conditional requests, and its content."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.store import Store, utcnow
from tracker.store.models import HttpCacheRow


@dataclass(frozen=True)
class CacheEntry:
    url: str
    kind: str
    etag: str | None
    last_modified: str | None
    sha256: str | None
    review_year: int | None
    reports_found: int | None


def cached(store: Store, url: str) -> CacheEntry | None:
    with store.session() as s:
        row = s.get(HttpCacheRow, url)
        return _cache_entry(row) if row else None


def cached_reports(store: Store) -> list[CacheEntry]:
    """Every URL that served a stored report, oldest year first."""
    with store.session() as s:
        rows = s.scalars(
            select(HttpCacheRow)
            .where(HttpCacheRow.kind == "pdf", HttpCacheRow.review_year.is_not(None))
            .order_by(HttpCacheRow.review_year, HttpCacheRow.url)
        )
        return [_cache_entry(r) for r in rows]


def remember(s: Session, entry: CacheEntry) -> None:
    """Record (in the caller's transaction) what a URL served."""
    row = s.get(HttpCacheRow, entry.url) or HttpCacheRow(url=entry.url)
    row.kind, row.etag, row.last_modified = entry.kind, entry.etag, entry.last_modified
    row.sha256, row.review_year = entry.sha256, entry.review_year
    row.reports_found, row.checked_at = entry.reports_found, utcnow()
    s.add(row)


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
