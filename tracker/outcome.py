"""What a check did: its mode, the reports it stored and its result (the `check --json` shape)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from tracker.diff import Changes
from tracker.model import CheckStatus, CheckWarning, IngestStatus, ReportStatus


class RunMode(StrEnum):
    CHECK = "check"  # a check on a stored history: a new list is announced at once
    BASELINE = "baseline"  # the first check on an empty database: stores, announces nothing
    NOTIFY_BASELINE = "notify-baseline"  # a baseline that announces its latest report at its end
    BACKFILL = "backfill"  # store every report found; announce nothing

    @classmethod
    def of(cls, *, empty: bool, backfill: bool, notify_baseline: bool) -> RunMode:
        if backfill:
            return cls.BACKFILL
        if empty:
            return cls.NOTIFY_BASELINE if notify_baseline else cls.BASELINE
        return cls.CHECK

    def stored(self, ingest: IngestStatus) -> CheckStatus:
        """What storing a report means in this mode: a revision, a new list, or history."""
        if ingest is IngestStatus.REVISED:
            return CheckStatus.REVISED
        return CheckStatus.NEW_REPORT if self is RunMode.CHECK else CheckStatus.BASELINE


@dataclass
class StoredChange:
    """A report this check stored, and how its list differs from the year before."""

    status: CheckStatus  # new_report | revised | baseline
    review_year: int
    url: str
    entries: int
    report_status: ReportStatus
    changes: Changes | None

    def to_json(self) -> dict[str, object]:
        c = self.changes
        return {
            "review_year": self.review_year,
            "url": self.url,
            "entries": self.entries,
            "new": [i.name for i in c.new_entries] if c else [],
            "removed": [i.name for i in c.removed] if c else [],
            "still_listed": len(c.still_listed) if c else 0,
            "status": self.status.value,
            "report_status": self.report_status.value,
        }


@dataclass
class CheckResult:
    status: CheckStatus = CheckStatus.NO_CHANGE
    reports: list[StoredChange] = field(default_factory=list)
    alerts_sent: int = 0
    alerts_pending: int = 0
    error: str | None = None
    warnings: list[CheckWarning] = field(default_factory=list)
    requests: int = 0
    pdf_bytes: int = 0
    blocked: bool = False
    needs_review: list[int] = field(default_factory=list)
    already_running: bool = False  # another process held the check lock
    held: list[int] = field(default_factory=list)  # years whose digest this check held

    def settle(self, empty: bool) -> CheckStatus:
        """The check's status from what it did (`empty`: the database was empty before)."""
        if self.error:
            return CheckStatus.FAILED
        if not self.reports:
            return CheckStatus.NO_CHANGE
        if empty:
            return CheckStatus.BASELINE
        if any(r.status is CheckStatus.NEW_REPORT for r in self.reports):
            return CheckStatus.NEW_REPORT
        return CheckStatus.REVISED

    def stored_then(self, error: object) -> str:
        """`error`, said after what this check had already stored (an error that came later, as
        the check was recorded or its alerts queued, undid none of it)."""
        if not self.reports:
            return str(error)
        years = ", ".join(str(r.review_year) for r in self.reports)
        what = "review" if len(self.reports) == 1 else "reviews"
        return f"stored the {years} {what} ({self.status.value}), then: {error}"

    def to_json(self) -> dict[str, object]:
        return {
            "status": self.status.value,
            "reports": [r.to_json() for r in self.reports],
            "alerts": {
                "sent": self.alerts_sent,
                "pending": self.alerts_pending,
                "held": len(self.held),
            },
            "error": self.error,
            "warnings": [w.message for w in self.warnings],
            "already_running": self.already_running,
        }
