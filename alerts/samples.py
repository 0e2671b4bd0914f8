"""`test-alert`: a test message, or a sample of each kind of alert, through every channel.

`test` is the plain check that a channel works (digest recipients and operators). The other
kinds show what a recipient would get, marked as a test: `notice` (a review just opened) and
`reminder` (a deadline near), from the stored review when there is one, else an invented one;
`watch`, each watching recipient's alert on the latest stored list; `all` of them. Tests are
queued as kind `test`: never retried, never counted as pending.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from alerts import review, watch
from alerts.channels import digest_recipients
from alerts.digest import DigestInput, render_template
from alerts.outbox import Queue, queue_message
from tracker.config import Config
from tracker.model import AlertKind

KINDS = ("test", "notice", "reminder", "watch", "all")
Recipients = list[tuple[str, str]]


@dataclass(frozen=True)
class TestFacts:
    """What the samples are made of: the day, the stored review and the latest digest."""

    today: date
    stamp: str  # makes this round's messages new ones (a test is sent every time it is asked)
    review: review.ReviewLike | None = None
    digest: DigestInput | None = None
    ids: Mapping[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Deadline:
    date: date
    what: str


@dataclass(frozen=True)
class _Review:
    review_year: int
    title: str
    url: str
    publication_date: date
    issue_focus: str | None
    deadlines: Sequence[_Deadline]


def queue_tests(
    queue: Queue, config: Config, kind: str, facts: TestFacts, operators: Recipients
) -> int:
    """Queue the test messages of `kind`; returns how many were queued (0: no channel)."""
    if kind == "test":
        to = list(dict.fromkeys(digest_recipients(config) + operators))
        text = "This is a test message from nml-tracker: the channel works.\n"
        return queue_message(
            queue, AlertKind.TEST, facts.stamp, to, "[nml-tracker] test alert", text
        )
    n = 0
    for what, to, subject, text in _samples(config, kind, facts):
        sample = f"This is a test: a sample of the {what} alert, not news.\n\n{text}"
        key = f"{kind}:{facts.stamp}:{n}"
        n += queue_message(queue, AlertKind.TEST, key, to, f"[nml-tracker] test: {subject}", sample)
    return n


def nothing_to_send(kind: str) -> str:
    """Why `queue_tests` queued nothing."""
    if kind == "watch":
        return (
            "no watch alert to show: it needs a stored report and an email recipient with a "
            "watchlist (alerts.email.recipients: {address, watch})"
        )
    return (
        "no channel is configured: set alerts.email (host, recipients or operators), "
        "alerts.webhooks or alerts.apprise"
    )


Sample = tuple[str, Recipients, str, str]  # kind, recipients, subject, text


def _samples(config: Config, kind: str, facts: TestFacts) -> list[Sample]:
    to = digest_recipients(config)
    r, today = facts.review or _invented(facts.today), facts.today
    out: list[Sample] = []
    if kind in ("notice", "all"):
        out.append(("notice", to, *review.opened(r, today)))
    if kind in ("reminder", "all") and r.deadlines:
        out.append(("reminder", to, *review.reminder(r, r.deadlines[0], today)))
    if kind in ("watch", "all") and facts.digest is not None:
        out += _watch_samples(config, facts.digest, facts.ids)
    return out


def _watch_samples(
    config: Config, d: DigestInput, ids: Mapping[str, frozenset[str]]
) -> list[Sample]:
    out: list[Sample] = []
    for address, wl in watch.watchlists(config, ids).items():
        mine = replace(d, changes=watch.watched(d.changes, wl))
        text = render_template("watch_alert.txt.j2", mine, config.alerts.templates_dir, wl=wl)
        subject = f"Watchlist: your markets on USTR's {d.review_year} Notorious Markets List"
        out.append(("watch", [("email", address)], subject, text))
    return out


def _invented(today: date) -> _Review:
    """A review as a sample, when none is stored: deadlines a month and six weeks ahead."""
    return _Review(
        today.year,
        f"{today.year} Review of Notorious Markets for Counterfeiting and Piracy: Comment Request",
        "https://www.federalregister.gov/documents/search?conditions%5Bterm%5D=notorious+markets",
        today,
        "(the issue focus the notice states)",
        (
            _Deadline(today + timedelta(days=30), "written comments"),
            _Deadline(today + timedelta(days=44), "rebuttal comments"),
        ),
    )
