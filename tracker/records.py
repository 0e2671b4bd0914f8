"""What the store is given and what it answers, beyond the stage dataclasses of tracker.model:
frozen dataclasses, so that no caller indexes a dict by string."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from tracker.model import CheckRun, CheckStatus, Kind, PossibleMatchRecord

if TYPE_CHECKING:  # the store loads tracker.resolve only when it reads corrections
    from tracker.resolve.types import Correction


def iso(value: datetime | None) -> str | None:
    """A timestamp as the JSON documents print it."""
    return value.isoformat(timespec="seconds") if value is not None else None


def run_json(run: CheckRun) -> dict[str, Any]:
    """A check run as `status --json` "last_checks" prints it."""
    return {
        "started_at": iso(run.started_at),
        "finished_at": iso(run.finished_at),
        "trigger": run.trigger,
        "outcome": run.outcome.value,
        "error": run.error,
    }


SUCCESSFUL: frozenset[CheckStatus] = frozenset(
    {CheckStatus.BASELINE, CheckStatus.NEW_REPORT, CheckStatus.NO_CHANGE, CheckStatus.REVISED}
)


@dataclass(frozen=True)
class ReportSource:
    """Where a report's bytes came from, stored with it."""

    sha256: str
    url: str | None = None
    page: str | None = None  # the press release that linked it
    pdf_path: str | None = None
    published: str | None = None  # ISO date


@dataclass(frozen=True)
class Placement:
    """Where the identity stage put one listing: its market, and the rule that tied it to the
    market's earlier listings (first | name | domain | curated | alias | correction | ...)."""

    market_id: str
    match: str


@dataclass(frozen=True)
class Relink:
    """The identity stage's decisions over the whole stored history, for the store to save."""

    placements: Mapping[tuple[int, int], Placement]  # (year, position) of a current listing
    possible: tuple[PossibleMatchRecord, ...]
    redirects: Mapping[str, str]  # every retired market id -> the live market it became


@dataclass(frozen=True)
class StoredCorrection:
    """A person's identity correction as the store holds it."""

    id: int
    correction: Correction  # its note: the command as the person gave it
    created_at: datetime


@dataclass(frozen=True)
class Market:
    id: str
    name: str  # the person's name for it, else its latest printed name
    kind: Kind
    country: str | None
    source: str = "rules"  # where its id comes from: rules | curated | renamed


@dataclass(frozen=True)
class Alias:
    """Another name a market was printed under, and the rule that linked it."""

    name: str
    source: str  # alias | curated | domain | descriptor | correction | ...

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "source": self.source}


@dataclass(frozen=True)
class ExportRow:
    """One listing of a year's current revision, with its report (`export`)."""

    review_year: int
    market_id: str
    name: str
    kind: str
    country: str | None
    city: str | None
    domains: tuple[str, ...]
    page: int
    heading: str
    report_title: str
    report_revision: int
    report_sha256: str
    source_url: str | None
    operator: str | None = None  # online: who operates it
    based_in: str | None = None  # online: where it is based
    corrected: bool = False  # a person's correction of the list made this listing (`review`)

    def to_json(self) -> dict[str, Any]:
        doc = {name: getattr(self, name) for name in EXPORT_FIELDS}
        return {**doc, "domains": list(self.domains)}


EXPORT_FIELDS: tuple[str, ...] = tuple(ExportRow.__dataclass_fields__)


@dataclass(frozen=True)
class RunStats:
    """Checks by outcome, and when the last one and the last successful one ended."""

    by_outcome: Mapping[str, int]
    last_finished: datetime | None
    last_success: datetime | None


@dataclass(frozen=True)
class CacheEntry:
    """What a fetched URL last served: validators for conditional requests, and its content."""

    url: str
    kind: str  # page | pdf | gone
    etag: str | None
    last_modified: str | None
    sha256: str | None
    review_year: int | None
    reports_found: int | None


@dataclass(frozen=True, order=True)
class Deadline:
    """A date a review's notice sets: `what` is due by `date` (ordered by date)."""

    date: date
    what: str  # written comments | rebuttal comments | requests to appear | ... | comments

    def to_json(self) -> dict[str, str]:
        return {"what": self.what, "date": self.date.isoformat()}


@dataclass(frozen=True)
class ReviewDocument:
    """A Federal Register document about a Notorious Markets review (a comment request or a
    correction of one), as read from the API and stored."""

    document_number: str
    review_year: int
    title: str
    publication_date: date
    url: str
    abstract: str | None
    issue_focus: str | None
    deadlines: tuple[Deadline, ...]
    correction: bool  # it corrects an earlier notice of the same review
    fingerprint: str  # of the API fields it was read from: another value, a changed document


@dataclass(frozen=True)
class SourceHealth:
    """How asking a secondary source (the Federal Register) has gone lately."""

    source: str
    failures: int  # failed checks in a row
    last_error: str | None
    last_success: datetime | None
