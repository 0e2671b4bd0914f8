"""The database tables, as SQLAlchemy 2 typed models. Nothing outside tracker.store sees them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[str]: JSON}


class ReportRow(Base):
    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("review_year", "revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_year: Mapped[int] = mapped_column(Integer, index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source_url: Mapped[str | None] = mapped_column(Text)
    source_page: Mapped[str | None] = mapped_column(Text)  # the press release that linked it
    pdf_path: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(10))
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    stated_online: Mapped[int | None] = mapped_column(Integer)
    stated_physical: Mapped[int | None] = mapped_column(Integer)
    online_count: Mapped[int] = mapped_column(Integer)
    physical_count: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    # the extraction's notices as JSON objects (bare strings in rows stored before codes)
    warnings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    positive: Mapped[list[str] | None] = mapped_column(JSON)  # Positive Developments sentences


class MarketRow(Base):
    __tablename__ = "markets"

    id: Mapped[str] = mapped_column(String(160), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(Text)  # the latest printed name
    country: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(10), default="rules")  # rules|curated|renamed


class ListingRow(Base):
    __tablename__ = "listings"
    __table_args__ = (
        UniqueConstraint("report_id", "market_id"),
        UniqueConstraint("report_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    market_id: Mapped[str] = mapped_column(ForeignKey("markets.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    heading: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10))
    country: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(Text)
    domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    page: Mapped[int] = mapped_column(Integer)
    excerpt: Mapped[str] = mapped_column(Text, default="")
    operator: Mapped[str | None] = mapped_column(Text)  # online: who operates it
    based_in: Mapped[str | None] = mapped_column(Text)  # online: where it is based
    match: Mapped[str] = mapped_column(String(60))  # the identity rule that placed it


class CorrectionRow(Base):
    """A person's identity correction (`markets merge|split|rename`), anchored on listings."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(10))  # merge | split | rename
    doc: Mapped[dict[str, Any]] = mapped_column(JSON)  # the listings it names (and a name)
    note: Mapped[str] = mapped_column(Text, default="")  # the command as given
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RedirectRow(Base):
    """A market id no longer in use, and the live market that holds its listings now."""

    __tablename__ = "market_redirects"

    old_id: Mapped[str] = mapped_column(String(160), primary_key=True)
    market_id: Mapped[str] = mapped_column(String(160))


class PossibleMatchRow(Base):
    __tablename__ = "possible_matches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    market_id: Mapped[str] = mapped_column(ForeignKey("markets.id"))
    candidate_id: Mapped[str] = mapped_column(ForeignKey("markets.id"))
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(60))


class CheckRunRow(Base):
    __tablename__ = "check_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    trigger: Mapped[str] = mapped_column(String(20), default="manual")
    outcome: Mapped[str] = mapped_column(String(20), default="running")
    error: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class HttpCacheRow(Base):
    """What was last fetched from a URL: validators for conditional requests, and what it held."""

    __tablename__ = "http_cache"

    url: Mapped[str] = mapped_column(Text, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # page | pdf
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64))
    review_year: Mapped[int | None] = mapped_column(Integer)
    reports_found: Mapped[int | None] = mapped_column(Integer)
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OutboxRow(Base):
    """An alert to deliver: written in the transaction that stores its report, then sent.

    `dedupe_key` makes it exactly once per (report revision, channel, recipient) and operator
    alerts once per problem per day. `phase` says how far delivery got before a crash: a row
    found `sending` in phase `data` may have been accepted, so it is never sent again blindly.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # digest | operator | test
    channel: Mapped[str] = mapped_column(String(20))  # email | webhook | apprise
    recipient: Mapped[str] = mapped_column(Text)  # an address, or webhook:<hash of its URL>
    subject: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(
        String(20), index=True
    )  # pending|sending|sent|failed|unknown
    phase: Mapped[str | None] = mapped_column(String(20))  # claimed | data
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class HeartbeatRow(Base):
    """A running daemon's sign of life, and when it will check next."""

    __tablename__ = "daemon_heartbeats"

    worker: Mapped[str] = mapped_column(String(100), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    beat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    next_run: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(20))  # idle | checking | stopping


class LockRow(Base):
    """A lease-based lock for SQLite (PostgreSQL uses advisory locks)."""

    __tablename__ = "locks"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    acquired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewNoticeRow(Base):
    """A Federal Register document about a Notorious Markets review: a comment request, or a
    correction of one. `fingerprint` hashes the API fields it was read from."""

    __tablename__ = "review_notices"

    document_number: Mapped[str] = mapped_column(String(40), primary_key=True)
    review_year: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(Text)
    publication_date: Mapped[str] = mapped_column(String(10))
    url: Mapped[str] = mapped_column(Text)
    abstract: Mapped[str | None] = mapped_column(Text)
    issue_focus: Mapped[str | None] = mapped_column(Text)
    deadlines: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{"what", "date"}]
    correction: Mapped[bool] = mapped_column(Boolean)
    fingerprint: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SourceHealthRow(Base):
    """How asking a secondary source has gone: failed checks in a row, the last error."""

    __tablename__ = "source_health"

    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReportReviewRow(Base):
    """A person's review of one report revision: what was extracted (before any listing
    correction), its doubts, and whether its digest is held (`review YEAR --approve`)."""

    __tablename__ = "report_reviews"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    extracted: Mapped[list[Any]] = mapped_column(JSON)  # the entries as the extractor read them
    doubts: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{"code", "message", "page"}]
    held_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReportCorrectionRow(Base):
    """A person's correction of one year's extracted list (`review YEAR --join ...`), recorded
    against the revision it was made on and applied to every later revision of that year."""

    __tablename__ = "report_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_year: Mapped[int] = mapped_column(Integer, index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(10))  # join|split|rename|drop|add|set-year
    doc: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DatabaseIdentityRow(Base):
    """One row, written when the database is created (migration 0008): which database this is."""

    __tablename__ = "database_identity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    marker: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
