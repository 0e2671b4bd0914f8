"""Alerts for whoever runs the tracker, when the tracker itself is in trouble.

Each problem is raised at most once a day (the outbox key carries the problem and the date):
the source blocked, or failing several checks in a row; an extraction that needs review; a seed
page that used to list reports and now lists none; deliveries failing for over a day. What is
wrong is decided on facts (the check's outcome, warning codes), never on a message's words.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from alerts.outbox import Outbox, Queue, now_utc, queue_message
from tracker.config import Config
from tracker.model import (
    AlertKind,
    CheckRun,
    CheckStatus,
    CheckWarning,
    DeliveryStatus,
    WarningCode,
)

log = logging.getLogger(__name__)

# discovery's bounds, met: the subject of the operators' alert
_BOUNDS = {
    WarningCode.TOO_MANY_REPORTS: "discovery found more new reports than it may fetch",
    WarningCode.DISCOVERY_OVERTIME: "discovery ran out of time",
    WarningCode.DATABASE_REPLACED: "the history database is missing or replaced",
}


@dataclass(frozen=True)
class CheckFacts:
    """What a check revealed, as the operators' alerts need it."""

    blocked: bool  # the source refused this client
    error: str | None
    needs_review: Sequence[int]  # years stored with counts that differ from their own
    warnings: Sequence[CheckWarning]
    recent: Sequence[CheckRun]  # the latest checks, newest first (this one included)


def recipients(config: Config) -> list[tuple[str, str]]:
    if not config.alerts.email.host:
        return []
    return [("email", address) for address in config.alerts.operators]


def raise_problem(
    queue: Queue,
    config: Config,
    problem: str,
    subject: str,
    text: str,
    now: datetime | None = None,
) -> int:
    """Queue an operator alert unless the same problem was raised today; returns 1 if queued."""
    now = now or now_utc()
    log.info("operator alert: %s", subject)
    to = recipients(config)
    if not to:
        return 0
    return queue_message(
        queue,
        AlertKind.OPERATOR,
        f"{problem}:{now.date().isoformat()}",
        to,
        f"[nml-tracker] {subject}",
        text + _footer(),
    )


def after_check(outbox: Outbox, config: Config, facts: CheckFacts) -> int:
    """Raise what a check revealed; returns how many alerts were queued."""
    return (
        _source_trouble(outbox, config, facts)
        + sum(_needs_review(outbox, config, year, facts.warnings) for year in facts.needs_review)
        + sum(
            raise_problem(
                outbox,
                config,
                "layout-changed",
                "a seed page no longer lists any report",
                f"  {w.message}\n",
            )
            for w in facts.warnings
            if w.code is WarningCode.LAYOUT_CHANGED
        )
        + sum(
            raise_problem(outbox, config, w.code.value, _BOUNDS[w.code], f"  {w.message}\n")
            for w in facts.warnings
            if w.code in _BOUNDS
        )
        + after_delivery(outbox, config)
    )


def _source_trouble(queue: Queue, config: Config, facts: CheckFacts) -> int:
    n = config.alerts.failures_before_alert
    runs = facts.recent[:n]
    if facts.blocked and facts.error:
        return raise_problem(
            queue,
            config,
            "source-blocked",
            "the source is blocking the tracker",
            f"The last check failed:\n\n  {facts.error}\n",
        )
    if len(runs) >= n and all(r.outcome is CheckStatus.FAILED for r in runs):
        errors = "\n".join(
            f"  {r.started_at.isoformat(timespec='seconds')}: {r.error}" for r in runs
        )
        return raise_problem(
            queue,
            config,
            "source-failing",
            f"the last {n} checks failed",
            f"The last {n} checks failed:\n\n{errors}\n",
        )
    return 0


def _needs_review(queue: Queue, config: Config, year: int, warnings: Sequence[CheckWarning]) -> int:
    return raise_problem(
        queue,
        config,
        f"needs-review-{year}",
        f"the {year} review needs review",
        f"The {year} review was stored, but the markets extracted from it do not add up to "
        "the counts the report states. Check the list (`nml-tracker list --year "
        f"{year}`) against the PDF.\n\n" + "\n".join(f"  {w.message}" for w in warnings) + "\n",
    )


def after_delivery(outbox: Outbox, config: Config, now: datetime | None = None) -> int:
    """Deliveries failing for over a day, failed for good, or of unknown outcome."""
    now = now or now_utc()
    waiting = (DeliveryStatus.PENDING, DeliveryStatus.FAILED, DeliveryStatus.UNKNOWN)
    stuck = [
        i
        for i in outbox.items(waiting)
        if i.message.kind not in (AlertKind.OPERATOR, AlertKind.TEST)
        and (
            i.status is not DeliveryStatus.PENDING
            or (i.attempts and i.created_at < now - timedelta(days=1))
        )
    ]
    if not stuck:
        return 0
    lines = "\n".join(
        f"  #{i.id} {i.message.kind} to {i.message.recipient} ({i.status}, {i.attempts} "
        f"attempts): {i.last_error}"
        for i in stuck
    )
    return raise_problem(
        outbox,
        config,
        "delivery-failing",
        "alerts are not getting through",
        f"These alerts are not delivered:\n\n{lines}\n",
        now,
    )


def _footer() -> str:
    return "\n-- \nnml-tracker: `nml-tracker status` shows the last checks and pending alerts.\n"
