"""What an alert is on its way to a recipient: its kind, the message the outbox keeps and how
its delivery stands. Shared by the orchestrator, the store and alerts (through tracker.model)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class AlertKind(StrEnum):
    DIGEST = "digest"
    OPERATOR = "operator"
    TEST = "test"
    NOTICE = "notice"  # a Federal Register comment request, or its correction
    REMINDER = "reminder"  # a review's deadline is near
    WATCH = "watch"  # a watched market was added, removed or returns
    CORRECTION = "correction"  # a list whose digest went out was corrected by a person


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a process that is sending it
    SENT = "sent"
    FAILED = "failed"  # refused for good
    UNKNOWN = "unknown"  # the sender died mid-transfer: it may have arrived


NOT_THROUGH = tuple(s for s in DeliveryStatus if s is not DeliveryStatus.SENT)


@dataclass(frozen=True)
class OutboxMessage:
    """An alert to deliver once: `dedupe_key` makes it exactly once."""

    dedupe_key: str
    kind: AlertKind
    channel: str  # a channel name: email | webhook | apprise
    recipient: str  # an address, or the key of a webhook or Apprise URL
    subject: str
    body_text: str
    body_html: str | None = None
    report_id: int | None = None


@dataclass(frozen=True)
class OutboxItem:
    """A message in the outbox, and how its delivery stands."""

    id: int
    message: OutboxMessage
    status: DeliveryStatus
    phase: str | None  # claimed | data (the server may have started keeping it)
    attempts: int
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
