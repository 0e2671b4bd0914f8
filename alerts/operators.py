"""Alerts for whoever runs the tracker, when the tracker itself is in trouble.

Each problem is raised at most once a day (the outbox key carries the problem and the date):
the source blocked, or failing several checks in a row; an extraction that needs review; a seed
page that used to list reports and now lists none; deliveries failing for over a day.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from alerts.outbox import queue_message
from tracker.config import Config
from tracker.store import Store, utcnow
from tracker.store import outbox as box

log = logging.getLogger(__name__)


def recipients(config: Config) -> list[tuple[str, str]]:
    if not config.alerts.email.host:
        return []
    return [("email", address) for address in config.alerts.operators]


def raise_problem(
    store: Store, config: Config, problem: str, subject: str, text: str, now: datetime | None = None
) -> int:
    """Queue an operator alert unless the same problem was raised today; returns 1 if queued."""
    now = now or utcnow()
    log.info("operator alert: %s", subject)
    to = recipients(config)
    if not to:
        return 0
    with store.session() as s:
        return queue_message(
            s,
            "operator",
            f"{problem}:{now.date().isoformat()}",
            to,
            f"[nml-tracker] {subject}",
            text + _footer(),
        )


def after_check(
    store: Store,
    config: Config,
    *,
    blocked: bool,
    error: str | None,
    needs_review: list[int],
    warnings: list[str],
) -> int:
    """Raise what a check revealed; returns how many alerts were queued."""
    queued = 0
    n = config.alerts.failures_before_alert
    runs = store.last_runs(n)
    if blocked and error:
        queued += raise_problem(
            store,
            config,
            "source-blocked",
            "the source is blocking the tracker",
            f"The last check failed:\n\n  {error}\n",
        )
    elif len(runs) >= n and all(r["outcome"] == "failed" for r in runs):
        errors = "\n".join(f"  {r['started_at']}: {r['error']}" for r in runs)
        queued += raise_problem(
            store,
            config,
            "source-failing",
            f"the last {n} checks failed",
            f"The last {n} checks failed:\n\n{errors}\n",
        )
    for year in needs_review:
        queued += raise_problem(
            store,
            config,
            f"needs-review-{year}",
            f"the {year} review needs review",
            f"The {year} review was stored, but the markets extracted from it do not add up to "
            "the counts the report states. Check the list (`nml-tracker list --year "
            f"{year}`) against the PDF.\n\n" + "\n".join(f"  {w}" for w in warnings) + "\n",
        )
    for w in warnings:
        if "layout changed" in w:
            queued += raise_problem(
                store,
                config,
                "layout-changed",
                "a seed page no longer lists any report",
                f"  {w}\n",
            )
    return queued + after_delivery(store, config)


def after_delivery(store: Store, config: Config, now: datetime | None = None) -> int:
    """Deliveries failing for over a day, failed for good, or of unknown outcome."""
    now = now or utcnow()
    stuck = [
        i
        for i in box.items(store, ("pending", "failed", "unknown"))
        if i.message.kind not in ("operator", "test")
        and (i.status != "pending" or (i.attempts and i.created_at < now - timedelta(days=1)))
    ]
    if not stuck:
        return 0
    lines = "\n".join(
        f"  #{i.id} {i.message.kind} to {i.message.recipient} ({i.status}, {i.attempts} "
        f"attempts): {i.last_error}"
        for i in stuck
    )
    return raise_problem(
        store,
        config,
        "delivery-failing",
        "alerts are not getting through",
        f"These alerts are not delivered:\n\n{lines}\n",
        now,
    )


def _footer() -> str:
    return "\n-- \nnml-tracker: `nml-tracker status` shows the last checks and pending alerts.\n"
