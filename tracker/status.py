"""Read models of the tracker's state: the `status` document, and the daemon's health."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from tracker.model import AlertKind, CheckRun, CheckStatus, DeliveryStatus, OutboxItem
from tracker.records import iso, run_json
from tracker.review import Review, open_review, reviews
from tracker.store import Store

WAITING = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


@dataclass(frozen=True)
class Status:
    """The contract's status document, plus the deliveries that are not through."""

    stored_years: list[int]
    last_checks: list[CheckRun]
    next_run: datetime | None
    needs_review: list[int]
    deliveries: list[OutboxItem]  # not through; test alerts report their outcome at once
    review_open: Review | None = None  # the review whose comment window is open
    today: date | None = None  # the day `review_open` was judged on
    held: list[int] = field(default_factory=list)  # years whose digest is held

    @property
    def pending_alerts(self) -> int:
        return sum(1 for i in self.deliveries if i.status in WAITING)

    def to_json(self) -> dict[str, Any]:
        return {
            "stored_years": self.stored_years,
            "last_checks": [run_json(c) for c in self.last_checks],
            "next_run": iso(self.next_run),
            "pending_alerts": self.pending_alerts,
            "needs_review": self.needs_review,
            "deliveries": [_delivery(i) for i in self.deliveries],
            "review_open": self.review_open.to_json() if self.review_open else None,
            "held": self.held,
        }


def _delivery(i: OutboxItem) -> dict[str, Any]:
    return {
        "id": i.id,
        "kind": i.message.kind.value,
        "channel": i.message.channel,
        "recipient": i.message.recipient,
        "status": i.status.value,
        "attempts": i.attempts,
        "last_error": i.last_error,
        "created_at": iso(i.created_at),
    }


def status(store: Store, today: date | None = None) -> Status:
    """`today`: in the schedule's time zone (default: the UTC date)."""
    today = today or datetime.now(UTC).date()
    with store.transaction() as tx:
        return Status(
            stored_years=tx.reports.years(),
            last_checks=tx.runs.last(5),
            next_run=tx.daemons.next_run(),
            needs_review=tx.reports.needs_review(),
            deliveries=[i for i in tx.outbox.items() if i.message.kind is not AlertKind.TEST],
            review_open=open_review(reviews(tx.notices.all()), today),
            today=today,
            held=tx.report_reviews.held_years(),
        )


def failing(runs: list[CheckRun], needed: int) -> bool:
    """Whether the last `needed` checks all failed (fewer recorded: not yet failing)."""
    return len(runs) >= needed and all(r.outcome is CheckStatus.FAILED for r in runs[:needed])
