"""Queue alerts in the outbox and deliver them, exactly once per (report revision, channel,
recipient), across crashes and restarts.

A row is claimed, marked when the server may start keeping the message (the DATA phase), and
marked sent only after the server accepted it. Failures go back to pending with exponential
backoff; a refusal for good marks the row failed. A row a dead process left in the DATA phase is
`unknown`: it may have been delivered, so it is never resent without a human.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Protocol

from alerts.channels import (
    Channel,
    DeliveryError,
    Outgoing,
    Permanent,
    Transient,
    channel,
    digest_recipients,
)
from alerts.digest import Rendered
from tracker.config import Config
from tracker.model import (
    NOT_THROUGH,
    AlertKind,
    DeliveryStatus,
    OutboxItem,
    OutboxMessage,
)

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=6)


class Queue(Protocol):
    """Where alerts are queued: the caller's transaction (with the report it announces)."""

    def enqueue(self, messages: Sequence[OutboxMessage], now: datetime | None = None) -> int:
        """Add the messages whose key is not there yet; returns how many were added."""
        ...


class Outbox(Queue, Protocol):
    """The outbox as delivery uses it; each call is a short transaction of its own."""

    def recover(self, now: datetime | None = None) -> list[OutboxItem]: ...
    def due(
        self, now: datetime | None = None, limit: int = 50, at_once: bool = False
    ) -> list[int]: ...
    def claim(self, row_id: int, now: datetime | None = None) -> OutboxItem | None: ...
    def mark_phase(self, row_id: int, phase: str) -> None: ...
    def mark_sent(self, row_id: int) -> None: ...
    def mark_failed(
        self, row_id: int, error: str, retry_at: datetime | None, attempted: bool = True
    ) -> None: ...
    def give_up(self, row_id: int, error: str) -> None: ...
    def items(
        self, statuses: Sequence[DeliveryStatus] = NOT_THROUGH, kind: AlertKind | None = None
    ) -> list[OutboxItem]: ...
    def counts(self) -> dict[str, int]: ...


@dataclass
class DeliveryStats:
    sent: int = 0
    pending: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def now_utc() -> datetime:
    return datetime.now(UTC)


def queue_digest(
    queue: Queue,
    config: Config,
    report_id: int,
    rendered: Rendered,
    key_suffix: str = "",
    personal: Mapping[str, Rendered] | None = None,
) -> int:
    """Queue a digest for every configured recipient; `personal`: an email address's own
    digest (a watchlist's), instead of the common one."""
    own = personal or {}
    messages = []
    for ch, recipient in digest_recipients(config):
        r = own.get(recipient, rendered) if ch == "email" else rendered
        messages.append(
            OutboxMessage(
                dedupe_key=f"digest:report-{report_id}{key_suffix}:{ch}:{recipient}",
                kind=AlertKind.DIGEST,
                channel=ch,
                recipient=recipient,
                subject=r.subject,
                body_text=r.text,
                body_html=r.html,
                report_id=report_id,
            )
        )
    return queue.enqueue(messages)


def queue_message(
    queue: Queue,
    kind: AlertKind,
    key: str,
    recipients: list[tuple[str, str]],
    subject: str,
    text: str,
) -> int:
    return queue.enqueue(
        [
            OutboxMessage(f"{kind}:{key}:{ch}:{r}", kind, ch, r, subject, text)
            for ch, r in recipients
        ]
    )


def deliver(
    outbox: Outbox,
    config: Config,
    now: datetime | None = None,
    cancel: threading.Event | None = None,
    at_once: bool = False,
) -> DeliveryStats:
    """Send every due message, each claimed just before it is sent; returns what was sent and
    what is still waiting. A channel whose server cannot be reached is not tried again in this
    round; `cancel` stops the round between two messages. `at_once`: every pending message,
    whatever its backoff (a person asked now; the backoff paces the daemon's retries)."""
    now = now or now_utc()
    outbox.recover(now)
    sending = _Round(outbox, config, now)
    for row_id in outbox.due(now, at_once=at_once):
        if cancel is not None and cancel.is_set():
            break
        item = outbox.claim(row_id, now)
        if item is not None:  # else another process took it
            sending.send(item)
    counts = outbox.counts()
    sending.stats.pending = counts.get("pending", 0) + counts.get("sending", 0)
    return sending.stats


class _Round:
    """One round of delivery: the channels opened so far, those found down, the tally."""

    def __init__(self, outbox: Outbox, config: Config, now: datetime) -> None:
        self.outbox, self.config, self.now = outbox, config, now
        self.channels: dict[str, Channel | DeliveryError] = {}
        self.down: set[str] = set()
        self.stats = DeliveryStats()

    def _channel(self, name: str) -> Channel | DeliveryError:
        if name not in self.channels:
            try:
                self.channels[name] = channel(name, self.config)
            except DeliveryError as exc:
                self.channels[name] = exc
        return self.channels[name]

    def send(self, item: OutboxItem) -> None:
        name, m = item.message.channel, item.message
        if name in self.down:
            self.outbox.mark_failed(item.id, item.last_error or "not tried", self.now, False)
            return
        ch = self._channel(name)
        outgoing = Outgoing(m.subject, m.body_text, m.body_html, m.recipient, m.dedupe_key)
        try:
            if isinstance(ch, DeliveryError):
                raise ch
            ch.send(outgoing, on_commit=partial(self.outbox.mark_phase, item.id, "data"))
        except Permanent as exc:
            self.outbox.mark_failed(item.id, str(exc), None)
            self.stats.failed += 1
            self.stats.errors.append(str(exc))
            log.info("alert %d to %s failed for good: %s", item.id, m.recipient, exc)
        except DeliveryError as exc:
            self._retry_later(item, exc)
        else:
            self.outbox.mark_sent(item.id)
            self.stats.sent += 1
            log.info("alert %d (%s) sent to %s", item.id, m.kind, m.recipient)

    def _retry_later(self, item: OutboxItem, exc: DeliveryError) -> None:
        delay = min(FIRST_RETRY * 2 ** min(item.attempts - 1, 10), MAX_RETRY)
        self.outbox.mark_failed(item.id, str(exc), self.now + delay)
        self.stats.errors.append(str(exc))
        if isinstance(exc, Transient) and exc.server_down:
            self.down.add(item.message.channel)
        log.info(  # the caller reports the outcome (one line, or the daemon's log)
            "alert %d to %s not sent (attempt %d, next in %s): %s",
            item.id,
            item.message.recipient,
            item.attempts,
            delay,
            exc,
        )
