"""The alert outbox in the database: queue, claim, mark, recover.

Rows are written in the caller's transaction (the one that stores the report), claimed one at a
time with a conditional UPDATE (so two processes never both send a row), and marked after each
step in short transactions of their own, never held open while a server is talked to.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from tracker.store import Store, as_utc, utcnow
from tracker.store.models import OutboxRow
from tracker.worker import dead_here, worker_id

log = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=10)  # a claim by another host is taken back after this


@dataclass(frozen=True)
class Message:
    dedupe_key: str
    kind: str  # digest | operator | test
    channel: str  # email | webhook | apprise
    recipient: str
    subject: str
    body_text: str
    body_html: str | None = None
    report_id: int | None = None


@dataclass(frozen=True)
class OutboxItem:
    id: int
    message: Message
    status: str
    phase: str | None
    attempts: int
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None


def enqueue(s: Session, messages: Sequence[Message], now: datetime | None = None) -> int:
    """Add messages whose key is not there yet; returns how many were added."""
    now = now or utcnow()
    added = 0
    for m in messages:
        values = {
            "dedupe_key": m.dedupe_key,
            "kind": m.kind,
            "channel": m.channel,
            "recipient": m.recipient,
            "subject": m.subject,
            "body_text": m.body_text,
            "body_html": m.body_html,
            "report_id": m.report_id,
            "status": "pending",
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
        }
        dialect = s.get_bind().dialect.name
        stmt: Any
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            stmt = pg_insert(OutboxRow).values(**values).on_conflict_do_nothing()
        elif dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            stmt = sqlite_insert(OutboxRow).values(**values).on_conflict_do_nothing()
        else:  # pragma: no cover - other databases are not supported
            if s.scalar(select(OutboxRow.id).where(OutboxRow.dedupe_key == m.dedupe_key)):
                continue
            stmt = insert(OutboxRow).values(**values)
        added += s.execute(stmt).rowcount or 0  # type: ignore[attr-defined]
    return added


def recover(store: Store, now: datetime | None = None) -> list[OutboxItem]:
    """Take back the claims of workers that died: on this host, a dead process; on another
    host, a claim older than STALE_CLAIM (one send never lasts that long). A row that reached
    the DATA phase may have been accepted by the server: it becomes `unknown` (never resent
    blindly); one that did not goes back to `pending`. Returns the rows made `unknown`."""
    now = now or utcnow()
    here = worker_id().partition(":")[0]
    unknown: list[OutboxItem] = []
    with store.session() as s:
        rows = s.scalars(select(OutboxRow).where(OutboxRow.status == "sending")).all()
        for row in rows:
            claimer = row.claimed_by or ""
            if claimer.partition(":")[0] == here:
                taken_back = dead_here(claimer)
            else:
                taken_back = row.claimed_at is None or as_utc(row.claimed_at) < now - STALE_CLAIM
            if not taken_back:
                continue
            if row.phase == "data":
                row.status = "unknown"
                row.last_error = (
                    "the process stopped while the server was receiving this message: it may "
                    "have been delivered; check, then resend with `nml-tracker digest --send`"
                )
                unknown.append(_item(row))
            else:
                row.status, row.phase = "pending", None
    return unknown


def due(store: Store, now: datetime | None = None, limit: int = 50) -> list[int]:
    """Pending rows whose time has come, oldest first."""
    with store.session() as s:
        return list(
            s.scalars(
                select(OutboxRow.id)
                .where(
                    OutboxRow.status == "pending", OutboxRow.next_attempt_at <= (now or utcnow())
                )
                .order_by(OutboxRow.id)
                .limit(limit)
            )
        )


def claim(store: Store, row_id: int, now: datetime | None = None) -> OutboxItem | None:
    """Claim one row just before sending it (a conditional UPDATE: one process wins)."""
    with store.session() as s:
        result = s.execute(
            update(OutboxRow)
            .where(OutboxRow.id == row_id, OutboxRow.status == "pending")
            .values(
                status="sending",
                phase="claimed",
                claimed_at=now or utcnow(),
                claimed_by=worker_id(),
                attempts=OutboxRow.attempts + 1,
            )
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return _item(s.get_one(OutboxRow, row_id))


def _mine(s: Session, row_id: int) -> OutboxRow | None:
    """The row, if this process still holds its claim."""
    row = s.get(OutboxRow, row_id)
    if row is None or row.status != "sending" or row.claimed_by != worker_id():
        log.warning("outbox row %d is no longer claimed by this process", row_id)
        return None
    return row


def mark_phase(store: Store, row_id: int, phase: str) -> None:
    with store.session() as s:
        if row := _mine(s, row_id):
            row.phase = phase


def mark_sent(store: Store, row_id: int) -> None:
    with store.session() as s:
        if row := _mine(s, row_id):
            row.status, row.phase, row.sent_at, row.last_error = "sent", None, utcnow(), None


def mark_failed(
    store: Store, row_id: int, error: str, retry_at: datetime | None, attempted: bool = True
) -> None:
    """Back to pending until `retry_at`, or, with None, failed for good. `attempted=False`
    hands back a claim that was not tried (its channel was down): the attempt is not counted."""
    with store.session() as s:
        if row := _mine(s, row_id):
            row.status = "pending" if retry_at else "failed"
            row.phase, row.last_error = None, error
            if not attempted:
                row.attempts -= 1
            if retry_at:
                row.next_attempt_at = retry_at


def give_up(store: Store, row_id: int, error: str) -> None:
    """Mark a pending row failed for good (a test alert is not retried)."""
    with store.session() as s:
        row = s.get_one(OutboxRow, row_id)
        if row.status == "pending":
            row.status, row.last_error = "failed", error


def items(
    store: Store,
    statuses: Sequence[str] = ("pending", "sending", "failed", "unknown"),
    kind: str | None = None,
) -> list[OutboxItem]:
    with store.session() as s:
        q = select(OutboxRow).where(OutboxRow.status.in_(statuses)).order_by(OutboxRow.id)
        if kind:
            q = q.where(OutboxRow.kind == kind)
        return [_item(r) for r in s.scalars(q)]


def counts(store: Store) -> dict[str, int]:
    with store.session() as s:
        rows = s.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status))
        return {status: n for status, n in rows}


def _item(row: OutboxRow) -> OutboxItem:
    message = Message(
        row.dedupe_key,
        row.kind,
        row.channel,
        row.recipient,
        row.subject,
        row.body_text,
        row.body_html,
        row.report_id,
    )
    return OutboxItem(
        row.id,
        message,
        row.status,
        row.phase,
        row.attempts,
        row.last_error,
        as_utc(row.created_at),
        as_utc(row.next_attempt_at),
        as_utc(row.sent_at) if row.sent_at else None,
    )
