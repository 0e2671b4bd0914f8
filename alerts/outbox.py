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
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.orm import Session

from alerts.channels import Channel, Outgoing, Permanent, Transient, channel, digest_recipients
from alerts.digest import Rendered
from tracker.config import Config
from tracker.errors import DeliveryError
from tracker.store import Store, utcnow
from tracker.store import outbox as box

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=6)


@dataclass
class DeliveryStats:
    sent: int = 0
    pending: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def queue_digest(
    s: Session, config: Config, report_id: int, rendered: Rendered, key_suffix: str = ""
) -> int:
    """Queue a digest for every configured recipient, in the caller's transaction."""
    messages = [
        box.Message(
            dedupe_key=f"digest:report-{report_id}{key_suffix}:{ch}:{recipient}",
            kind="digest",
            channel=ch,
            recipient=recipient,
            subject=rendered.subject,
            body_text=rendered.text,
            body_html=rendered.html,
            report_id=report_id,
        )
        for ch, recipient in digest_recipients(config.alerts)
    ]
    return box.enqueue(s, messages)


def queue_message(
    s: Session, kind: str, key: str, recipients: list[tuple[str, str]], subject: str, text: str
) -> int:
    return box.enqueue(
        s,
        [box.Message(f"{kind}:{key}:{ch}:{r}", kind, ch, r, subject, text) for ch, r in recipients],
    )


def deliver(
    store: Store,
    config: Config,
    now: datetime | None = None,
    cancel: threading.Event | None = None,
) -> DeliveryStats:
    """Send every due message, each claimed just before it is sent; returns what was sent and
    what is still waiting. A channel whose server cannot be reached is not tried again in this
    round; `cancel` stops the round between two messages."""
    now = now or utcnow()
    stats = DeliveryStats()
    box.recover(store, now)
    channels: dict[str, Channel | DeliveryError] = {}
    down: set[str] = set()
    for row_id in box.due(store, now):
        if cancel is not None and cancel.is_set():
            break
        item = box.claim(store, row_id, now)
        if item is None:  # another process took it
            continue
        name = item.message.channel
        if name in down:
            box.mark_failed(store, item.id, item.last_error or "not tried", now, attempted=False)
            continue
        if name not in channels:
            try:
                channels[name] = channel(name, config)
            except DeliveryError as exc:
                channels[name] = exc
        ch = channels[name]
        outgoing = Outgoing(
            item.message.subject,
            item.message.body_text,
            item.message.body_html,
            item.message.recipient,
            item.message.dedupe_key,
        )
        try:
            if isinstance(ch, DeliveryError):
                raise ch
            ch.send(outgoing, on_commit=partial(box.mark_phase, store, item.id, "data"))
        except Permanent as exc:
            box.mark_failed(store, item.id, str(exc), None)
            stats.failed += 1
            stats.errors.append(str(exc))
            log.info("alert %d to %s failed for good: %s", item.id, item.message.recipient, exc)
        except DeliveryError as exc:
            delay = FIRST_RETRY * 2 ** min(item.attempts - 1, 10)
            delay = min(delay, MAX_RETRY)
            box.mark_failed(store, item.id, str(exc), now + delay)
            stats.errors.append(str(exc))
            if isinstance(exc, Transient) and exc.server_down:
                down.add(name)
            log.info(  # the caller reports the outcome (one line, or the daemon's log)
                "alert %d to %s not sent (attempt %d, next in %s): %s",
                item.id,
                item.message.recipient,
                item.attempts,
                delay,
                exc,
            )
        else:
            box.mark_sent(store, item.id)
            stats.sent += 1
            log.info("alert %d (%s) sent to %s", item.id, item.message.kind, item.message.recipient)
    counts = box.counts(store)
    stats.pending = counts.get("pending", 0) + counts.get("sending", 0)
    return stats
