"""A held digest and a corrected list: the operators' alert naming each doubt (with its page
link), and the short correction notice recipients get when a list they were sent is corrected
(what changed, not a second full digest). Plain text, rendered from hold_alert.txt.j2 and
correction.txt.j2; exactly once each (the outbox key names the report revision, and the
correction).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from alerts.channels import digest_recipients
from alerts.digest import environment
from alerts.operators import recipients as operator_recipients
from alerts.outbox import Queue, queue_message
from tracker.config import Config
from tracker.diff import Changes
from tracker.model import AlertKind, StoredReport


class DoubtLike(Protocol):
    @property
    def message(self) -> str: ...
    @property
    def page(self) -> int | None: ...


class CorrectedLike(Protocol):
    """A correction of a list (tracker.report_review.Corrected fits)."""

    @property
    def text(self) -> str: ...  # what the person did
    @property
    def fix_id(self) -> int: ...
    @property
    def before(self) -> Changes: ...
    @property
    def after(self) -> Changes: ...


def page_link(url: str | None, page: int | None) -> str | None:
    return f"{url}#page={page}" if url and page else None


def _render(name: str, templates_dir: Path | None, **context: object) -> str:
    env = environment(templates_dir)
    return str(env.get_template(name).render(context)).strip() + "\n"


def queue_held(
    queue: Queue, config: Config, report: StoredReport, doubts: Sequence[DoubtLike], diff: Changes
) -> int:
    """One alert to the operators naming each doubt with its page link; recipients get
    nothing."""
    to = operator_recipients(config)
    if not to:
        return 0
    year = report.review_year
    subject = f"[nml-tracker] the {year} digest is held: {len(doubts)} doubt(s)"
    found = [(d.message, d.page, page_link(report.source_url, d.page)) for d in doubts]
    text = _render(
        "hold_alert.txt.j2", config.alerts.templates_dir, r=report, doubts=found, diff=diff
    )
    return queue_message(queue, AlertKind.OPERATOR, f"held:report-{report.id}", to, subject, text)


def _names(items: Sequence[object]) -> list[str]:
    return [str(getattr(i, "name", i)) for i in items]


def queue_correction(queue: Queue, config: Config, report: StoredReport, c: CorrectedLike) -> int:
    """A short notice to every digest recipient: what changed in a list they were sent."""
    was_new, now_new = _names(c.before.new_entries), _names(c.after.new_entries)
    was_gone, now_gone = _names(c.before.removed), _names(c.after.removed)
    text = _render(
        "correction.txt.j2",
        config.alerts.templates_dir,
        r=report,
        c=c,
        now_new=[n for n in now_new if n not in was_new],
        not_new=[n for n in was_new if n not in now_new],
        now_removed=[n for n in now_gone if n not in was_gone],
        not_removed=[n for n in was_gone if n not in now_gone],
    )
    subject = f"Correction: USTR {report.review_year} Notorious Markets List ({c.text})"
    key = f"report-{report.id}:{c.text.split()[0]}-{c.fix_id}"
    return queue_message(queue, AlertKind.CORRECTION, key, digest_recipients(config), subject, text)
