"""The alert outbox in the database: queue, claim, mark, recover.

Rows are written in the caller's transaction (the one that stores the report), claimed one at a
time with a conditional UPDATE (so two processes never both send a row), and marked after each
step in short transactions of their own (`DeliveryOutbox`), never held open while a server is
talked to.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from tracker.model import (
    NOT_THROUGH,
    AlertKind,
    DeliveryStatus,
    OutboxItem,
    OutboxMessage,
)
from tracker.store.db import as_utc, opt_utc, utcnow
from tracker.store.models import OutboxRow
from tracker.worker import dead_here, worker_id

log = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=10)  # a claim by another host is taken back after this
UNKNOWN_OUTCOME = (
    "the process stopped while the server was receiving this message: it may "
    "have been delivered; check, then resend with `nml-tracker digest --send`"
)
PENDING, SENDING = DeliveryStatus.PENDING.value, DeliveryStatus.SENDING.value


class Outbox:
    """The outbox within one transaction."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def enqueue(self, messages: Sequence[OutboxMessage], now: datetime | None = None) -> int:
        """Add messages whose key is not there yet; returns how many were added."""
        now = now or utcnow()
        return sum(self._insert(m, now) for m in messages)

    def _insert(self, m: OutboxMessage, now: datetime) -> int:
        values = {
            "dedupe_key": m.dedupe_key,
            "kind": m.kind.value,
            "channel": m.channel,
            "recipient": m.recipient,
            "subject": m.subject,
            "body_text": m.body_text,
            "body_html": m.body_html,
            "report_id": m.report_id,
            "status": PENDING,
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
        }
        dialect = self._s.get_bind().dialect.name
        stmt: Any
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            stmt = pg_insert(OutboxRow).values(**values).on_conflict_do_nothing()
        elif dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            stmt = sqlite_insert(OutboxRow).values(**values).on_conflict_do_nothing()
        else:  # pragma: no cover - other databases are not supported
            if self._s.scalar(select(OutboxRow.id).where(OutboxRow.dedupe_key == m.dedupe_key)):
                return 0
            stmt = insert(OutboxRow).values(**values)
        return self._s.execute(stmt).rowcount or 0  # type: ignore[attr-defined]

    def recover(self, now: datetime | None = None) -> list[OutboxItem]:
        """Take back the claims of workers that died: on this host, a dead process; on another
        host, a claim older than STALE_CLAIM (one send never lasts that long). A row that
        reached the DATA phase may have been accepted by the server: it becomes `unknown`
        (never resent blindly); one that did not goes back to `pending`. Returns the rows made
        `unknown`."""
        now = now or utcnow()
        unknown: list[OutboxItem] = []
        for row in self._s.scalars(select(OutboxRow).where(OutboxRow.status == SENDING)).all():
            if not _abandoned(row, now):
                continue
            if row.phase == "data":
                row.status, row.last_error = DeliveryStatus.UNKNOWN.value, UNKNOWN_OUTCOME
                unknown.append(_item(row))
            else:
                row.status, row.phase = PENDING, None
        return unknown

    def due(self, now: datetime | None = None, limit: int = 50, at_once: bool = False) -> list[int]:
        """Pending rows whose time has come (`at_once`: every pending row, whatever its
        backoff: a person is asking now), oldest first."""
        q = select(OutboxRow.id).where(OutboxRow.status == PENDING)
        if not at_once:
            q = q.where(OutboxRow.next_attempt_at <= (now or utcnow()))
        return list(self._s.scalars(q.order_by(OutboxRow.id).limit(limit)))

    def has_digest(self, report_id: int) -> bool:
        """Was a digest of this report revision queued (sent, or on its way)?"""
        q = select(OutboxRow.id).where(
            OutboxRow.report_id == report_id, OutboxRow.kind == AlertKind.DIGEST.value
        )
        return self._s.scalar(q.limit(1)) is not None

    def claim(self, row_id: int, now: datetime | None = None) -> OutboxItem | None:
        """Claim one row just before sending it (a conditional UPDATE: one process wins)."""
        result = self._s.execute(
            update(OutboxRow)
            .where(OutboxRow.id == row_id, OutboxRow.status == PENDING)
            .values(
                status=SENDING,
                phase="claimed",
                claimed_at=now or utcnow(),
                claimed_by=worker_id(),
                attempts=OutboxRow.attempts + 1,
            )
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return _item(self._s.get_one(OutboxRow, row_id))

    def mark_phase(self, row_id: int, phase: str) -> None:
        if row := self._mine(row_id):
            row.phase = phase

    def mark_sent(self, row_id: int) -> None:
        if row := self._mine(row_id):
            row.status, row.phase, row.sent_at = DeliveryStatus.SENT.value, None, utcnow()
            row.last_error = None

    def mark_failed(
        self, row_id: int, error: str, retry_at: datetime | None, attempted: bool = True
    ) -> None:
        """Back to pending until `retry_at`, or, with None, failed for good. `attempted=False`
        hands back a claim that was not tried (its channel was down): the attempt is not
        counted."""
        if row := self._mine(row_id):
            row.status = PENDING if retry_at else DeliveryStatus.FAILED.value
            row.phase, row.last_error = None, error
            if not attempted:
                row.attempts -= 1
            if retry_at:
                row.next_attempt_at = retry_at

    def give_up(self, row_id: int, error: str) -> None:
        """Mark a pending row failed for good (a test alert is not retried)."""
        row = self._s.get_one(OutboxRow, row_id)
        if row.status == PENDING:
            row.status, row.last_error = DeliveryStatus.FAILED.value, error

    def items(
        self, statuses: Sequence[DeliveryStatus] = NOT_THROUGH, kind: AlertKind | None = None
    ) -> list[OutboxItem]:
        q = (
            select(OutboxRow)
            .where(OutboxRow.status.in_([s.value for s in statuses]))
            .order_by(OutboxRow.id)
        )
        if kind:
            q = q.where(OutboxRow.kind == kind.value)
        return [_item(r) for r in self._s.scalars(q)]

    def counts(self) -> dict[str, int]:
        rows = self._s.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status))
        return {status: n for status, n in rows}

    def _mine(self, row_id: int) -> OutboxRow | None:
        """The row, if this process still holds its claim."""
        row = self._s.get(OutboxRow, row_id)
        if row is None or row.status != SENDING or row.claimed_by != worker_id():
            log.warning("outbox row %d is no longer claimed by this process", row_id)
            return None
        return row


class DeliveryOutbox:
    """The outbox as delivery uses it: every call is a short transaction of its own."""

    def __init__(self, sessions: Callable[[], AbstractContextManager[Session]]) -> None:
        self._sessions = sessions

    def enqueue(self, messages: Sequence[OutboxMessage], now: datetime | None = None) -> int:
        with self._sessions() as s:
            return Outbox(s).enqueue(messages, now)

    def recover(self, now: datetime | None = None) -> list[OutboxItem]:
        with self._sessions() as s:
            return Outbox(s).recover(now)

    def due(self, now: datetime | None = None, limit: int = 50, at_once: bool = False) -> list[int]:
        with self._sessions() as s:
            return Outbox(s).due(now, limit, at_once)

    def claim(self, row_id: int, now: datetime | None = None) -> OutboxItem | None:
        with self._sessions() as s:
            return Outbox(s).claim(row_id, now)

    def mark_phase(self, row_id: int, phase: str) -> None:
        with self._sessions() as s:
            Outbox(s).mark_phase(row_id, phase)

    def mark_sent(self, row_id: int) -> None:
        with self._sessions() as s:
            Outbox(s).mark_sent(row_id)

    def mark_failed(
        self, row_id: int, error: str, retry_at: datetime | None, attempted: bool = True
    ) -> None:
        with self._sessions() as s:
            Outbox(s).mark_failed(row_id, error, retry_at, attempted)

    def give_up(self, row_id: int, error: str) -> None:
        with self._sessions() as s:
            Outbox(s).give_up(row_id, error)

    def items(
        self, statuses: Sequence[DeliveryStatus] = NOT_THROUGH, kind: AlertKind | None = None
    ) -> list[OutboxItem]:
        with self._sessions() as s:
            return Outbox(s).items(statuses, kind)

    def counts(self) -> dict[str, int]:
        with self._sessions() as s:
            return Outbox(s).counts()


def _abandoned(row: OutboxRow, now: datetime) -> bool:
    claimer = row.claimed_by or ""
    if claimer.partition(":")[0] == worker_id().partition(":")[0]:
        return dead_here(claimer)
    return row.claimed_at is None or as_utc(row.claimed_at) < now - STALE_CLAIM


def _item(row: OutboxRow) -> OutboxItem:
    message = OutboxMessage(
        row.dedupe_key,
        AlertKind(row.kind),
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
        DeliveryStatus(row.status),
        row.phase,
        row.attempts,
        row.last_error,
        as_utc(row.created_at),
        as_utc(row.next_attempt_at),
        opt_utc(row.sent_at),
    )
