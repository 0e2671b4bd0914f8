"""The engine and the small helpers every part of the store shares."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from tracker.store.models import ReportRow


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite drops the zone


def opt_utc(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


def make_engine(url: str) -> Engine:
    """An engine with the settings this project relies on."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    path = make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy, not the driver, opens transactions
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # one writer at a time, no upgrade deadlock

    return engine


def safe_url(url: str) -> str:
    """The URL without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "the database URL"


def db_message(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    message = str(orig or exc).strip().splitlines()[0]
    if "disk is full" in message or "No space left" in message:
        return f"disk full: {message} (this write was undone; free some space and run it again)"
    if "disk I/O error" in message:
        return f"{message} (is the disk full or failing? this write was undone)"
    return message


def current_row(s: Session, year: int) -> ReportRow | None:
    """The current (latest) revision of a year's report."""
    return s.scalar(
        select(ReportRow)
        .where(ReportRow.review_year == year)
        .order_by(ReportRow.revision.desc())
        .limit(1)
    )


def current_ids(s: Session) -> list[int]:
    """The ids of every year's current revision."""
    latest = (
        select(ReportRow.review_year, func.max(ReportRow.revision).label("rev"))
        .group_by(ReportRow.review_year)
        .subquery()
    )
    return list(
        s.scalars(
            select(ReportRow.id).join(
                latest,
                (ReportRow.review_year == latest.c.review_year)
                & (ReportRow.revision == latest.c.rev),
            )
        )
    )
