"""Alerts about the yearly review: a comment request just published, its correction (only what
changed), and a reminder before each deadline. Plain text, to every digest recipient of every
channel, exactly once each (the outbox key names the review, the state or the deadline).

The shapes it reads are Protocols: the tracker's review records fit them as they are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from typing import Protocol

from alerts.channels import digest_recipients
from alerts.outbox import Queue, queue_message
from tracker.config import Config
from tracker.model import AlertKind


class DeadlineLike(Protocol):
    @property
    def date(self) -> date: ...
    @property
    def what(self) -> str: ...


class ReviewLike(Protocol):
    @property
    def review_year(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def publication_date(self) -> date: ...
    @property
    def issue_focus(self) -> str | None: ...
    @property
    def deadlines(self) -> Sequence[DeadlineLike]: ...


class AnnouncementsLike(Protocol):
    @property
    def today(self) -> date: ...
    @property
    def opened(self) -> Sequence[ReviewLike]: ...
    @property
    def corrected(self) -> Sequence[tuple[ReviewLike, Sequence[str]]]: ...
    @property
    def reminders(self) -> Sequence[tuple[ReviewLike, DeadlineLike]]: ...


def queue_review(queue: Queue, config: Config, events: AnnouncementsLike) -> int:
    """Queue what the review step found; returns how many messages were added."""
    to = digest_recipients(config)
    today, n = events.today, 0
    for r in events.opened:
        subject, text = opened(r, today)
        n += queue_message(queue, AlertKind.NOTICE, f"{r.review_year}:opened", to, subject, text)
    for r, changes in events.corrected:
        subject, text = corrected(r, changes, today)
        key = f"{r.review_year}:corrected-{_state(r)}"
        n += queue_message(queue, AlertKind.NOTICE, key, to, subject, text)
    for r, d in events.reminders:
        subject, text = reminder(r, d, today)
        key = f"{r.review_year}:{d.what.replace(' ', '-')}:{d.date.isoformat()}"
        n += queue_message(queue, AlertKind.REMINDER, key, to, subject, text)
    return n


def opened(r: ReviewLike, today: date) -> tuple[str, str]:
    first = next((d for d in r.deadlines if d.date >= today), None)
    due = f": {first.what} due {long_date(first.date)}" if first else ""
    subject = f"USTR opens the {r.review_year} Notorious Markets review{due}"
    text = (
        f"USTR has opened the {r.review_year} review of the Notorious Markets List in the "
        f"Federal Register (published {long_date(r.publication_date)}):\n\n  {r.title}\n\n"
        + _focus(r)
        + _deadlines(r, today)
        + f"\nNotice: {r.url}\n"
        + _FOOTER
    )
    return subject, text


def corrected(r: ReviewLike, changes: Sequence[str], today: date) -> tuple[str, str]:
    subject = f"USTR {r.review_year} Notorious Markets review: the notice was corrected"
    lines = "\n".join(f"  - {c}" for c in changes)
    text = (
        f"The Federal Register notice of the {r.review_year} review was corrected:\n\n"
        f"{lines}\n\n" + _deadlines(r, today) + f"\nNotice: {r.url}\n" + _FOOTER
    )
    return subject, text


def reminder(r: ReviewLike, d: DeadlineLike, today: date) -> tuple[str, str]:
    subject = (
        f"Reminder: {d.what} for USTR's {r.review_year} Notorious Markets review are due "
        f"{_when(d.date, today)}"
    )
    text = (
        f"{d.what[:1].upper()}{d.what[1:]} for the {r.review_year} review of the Notorious "
        f"Markets List are due {_when(d.date, today)}: {long_date(d.date)}.\n\n"
        + _focus(r)
        + _deadlines(r, today)
        + f"\nNotice: {r.url}\n"
        + _FOOTER
    )
    return subject, text


def _focus(r: ReviewLike) -> str:
    return f"Issue focus: {r.issue_focus}\n\n" if r.issue_focus else ""


def _deadlines(r: ReviewLike, today: date) -> str:
    if not r.deadlines:
        return "The notice states no deadline the tracker could read: see the notice.\n"
    rows = "\n".join(
        f"  - {d.what}: {long_date(d.date)}"
        + (f" ({_when(d.date, today)})" if d.date >= today else " (passed)")
        for d in r.deadlines
    )
    return f"Deadlines:\n{rows}\n"


def _when(day: date, today: date) -> str:
    n = (day - today).days
    return "today" if n == 0 else "tomorrow" if n == 1 else f"in {n} days"


def _state(r: ReviewLike) -> str:
    state = "|".join(
        [r.title, r.issue_focus or "", *(f"{d.what}={d.date.isoformat()}" for d in r.deadlines)]
    )
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def long_date(day: date) -> str:
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


_FOOTER = "\n-- \nnml-tracker: `nml-tracker status` shows the open review and its next deadline.\n"
