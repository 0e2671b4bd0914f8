"""Frozen dataclasses passed between pipeline stages."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

# the outbox's records live in tracker/alerting.py, re-exported here: alerts reads them from
# tracker.model, one of the three modules of tracker it may import
from tracker.alerting import NOT_THROUGH as NOT_THROUGH
from tracker.alerting import AlertKind as AlertKind
from tracker.alerting import DeliveryStatus as DeliveryStatus
from tracker.alerting import OutboxItem as OutboxItem
from tracker.alerting import OutboxMessage as OutboxMessage

Kind = Literal["online", "physical"]
KINDS: tuple[Kind, Kind] = ("online", "physical")


@dataclass(frozen=True)
class Entry:
    """One market as a report's results section lists it."""

    name: str
    kind: Kind
    page: int
    country: str | None = None
    city: str | None = None
    domains: tuple[str, ...] = ()
    heading: str = ""  # the heading as printed (with city or domain), footnote markers removed
    excerpt: str = ""  # the start of the entry's text
    operator: str | None = None  # online: the company operating it (its text's or curated)
    based_in: str | None = None  # online: the country it is based in

    def to_json(self, full: bool = False) -> dict[str, Any]:
        """The contract's shape; `full` adds the printed heading, excerpt, operator, base."""
        doc: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "city": self.city,
            "domains": list(self.domains),
            "page": self.page,
        }
        if full:
            doc.update(heading=self.heading, excerpt=self.excerpt, operator=self.operator)
            doc.update(based_in=self.based_in)
        return doc

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Entry:
        kind = doc["kind"]
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        return cls(
            name=str(doc["name"]),
            kind=kind,
            page=int(doc["page"]),
            country=doc.get("country"),
            city=doc.get("city"),
            domains=tuple(doc.get("domains") or ()),
            heading=str(doc.get("heading", "")),
            excerpt=str(doc.get("excerpt", "")),
            operator=doc.get("operator"),
            based_in=doc.get("based_in"),
        )


@dataclass(frozen=True)
class Counts:
    online: int
    physical: int

    def to_json(self) -> dict[str, int]:
        return {"online": self.online, "physical": self.physical}


class NoticeCode(StrEnum):
    """What an extraction notice is about. Code decides on these, never on a message's words."""

    COUNT_MISMATCH = "count-mismatch"  # extracted counts differ from the stated ones
    NO_STATED_COUNTS = "no-stated-counts"  # the report states no counts
    TOC_MISSING = "toc-missing"  # the table of contents lists a market not found in the body
    NOT_IN_TOC = "not-in-toc"  # a body heading the table of contents does not list
    TOC_RECOVERED = "toc-recovered"  # a market found only with the table of contents' help
    NO_COUNTRY = "no-country"  # a physical market with no country heading above it
    EMPTY_HEADING = "empty-heading"  # a heading with no name left once cleaned
    GAPPED_HEADING = "gapped-heading"  # a heading line with wide gaps inside (drawn in pieces)
    YEAR_INFERRED = "year-inferred"  # the review year rests on a weak signal (a date)
    YEAR_CONFLICT = "year-conflict"  # the signals of the review year disagree
    READING_CHOSEN = "reading-chosen"  # the report's constraints chose among readings
    READINGS_TIED = "readings-tied"  # two readings fit the constraints equally well
    UNREAD_NAME = "unread-name"  # a paragraph opens with a set-apart name not read as a market
    UNKNOWN_COUNTRY = "unknown-country"  # physical markets under a group that names no country
    OTHER = "other"  # a warning stored before notices had codes


# codes that make a report doubtful: its list may be wrong and a person should look
DOUBTFUL: frozenset[NoticeCode] = frozenset(
    {
        NoticeCode.COUNT_MISMATCH,
        NoticeCode.TOC_MISSING,
        NoticeCode.NOT_IN_TOC,
        NoticeCode.NO_COUNTRY,
        NoticeCode.EMPTY_HEADING,
        NoticeCode.GAPPED_HEADING,
        NoticeCode.YEAR_INFERRED,
        NoticeCode.YEAR_CONFLICT,
        NoticeCode.READINGS_TIED,
        NoticeCode.UNREAD_NAME,
        NoticeCode.UNKNOWN_COUNTRY,
    }
)


@dataclass(frozen=True)
class Notice:
    """One finding of the extraction, with the facts other code may act on."""

    code: NoticeCode
    message: str  # one human-readable line
    kind: Kind | None = None
    page: int | None = None  # 1-based PDF page it concerns
    got: int | None = None  # count-mismatch: what was extracted
    stated: int | None = None  # count-mismatch: what the report states

    @property
    def doubtful(self) -> bool:
        return self.code in DOUBTFUL

    def __str__(self) -> str:
        return self.message

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"code": self.code.value, "message": self.message}
        for key in ("kind", "page", "got", "stated"):
            if getattr(self, key) is not None:
                doc[key] = getattr(self, key)
        return doc

    @classmethod
    def from_json(cls, doc: dict[str, Any] | str) -> Notice:
        """A notice from its JSON form, or from a bare warning string stored before codes."""
        if isinstance(doc, str):
            return cls(NoticeCode.OTHER, doc)
        try:
            code = NoticeCode(doc.get("code", "other"))
        except ValueError:
            code = NoticeCode.OTHER
        kind = doc.get("kind")
        return cls(
            code=code,
            message=str(doc.get("message", "")),
            kind=kind if kind in KINDS else None,
            page=_opt_int(doc.get("page")),
            got=_opt_int(doc.get("got")),
            stated=_opt_int(doc.get("stated")),
        )


def _opt_int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float | str) and str(value).isdigit() else None


@dataclass(frozen=True)
class Report:
    """Everything extracted from one Notorious Markets List PDF."""

    review_year: int
    title: str
    stated_counts: Counts | None
    entries: tuple[Entry, ...]
    notices: tuple[Notice, ...] = ()
    pages: int = 0
    positive: tuple[str, ...] = ()  # the sentences of its Positive Developments section

    @property
    def warnings(self) -> tuple[str, ...]:
        """The notices as lines, as `extract --json` prints them."""
        return tuple(n.message for n in self.notices)

    @property
    def doubtful(self) -> tuple[Notice, ...]:
        """The notices that make the extracted list doubtful."""
        return tuple(n for n in self.notices if n.doubtful)

    @property
    def counts(self) -> Counts:
        online = sum(1 for e in self.entries if e.kind == "online")
        return Counts(online=online, physical=len(self.entries) - online)

    @property
    def counts_match(self) -> bool | None:
        """None when the report states no counts."""
        if self.stated_counts is None:
            return None
        return self.stated_counts == self.counts

    def to_json(self, full: bool = False) -> dict[str, Any]:
        doc = {
            "review_year": self.review_year,
            "title": self.title,
            "stated_counts": self.stated_counts.to_json() if self.stated_counts else None,
            "entries": [e.to_json(full) for e in self.entries],
            "warnings": list(self.warnings),
        }
        if full:
            doc["pages"] = self.pages
            doc["notices"] = [n.to_json() for n in self.notices]
            doc["positive_developments"] = list(self.positive)
        return doc

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Report:
        stated = doc.get("stated_counts")
        return cls(
            review_year=int(doc["review_year"]),
            title=str(doc["title"]),
            stated_counts=Counts(int(stated["online"]), int(stated["physical"]))
            if stated
            else None,
            entries=tuple(Entry.from_json(e) for e in doc["entries"]),
            notices=tuple(Notice.from_json(n) for n in doc.get("notices", doc.get("warnings", ()))),
            pages=int(doc.get("pages", 0)),
            positive=tuple(doc.get("positive_developments") or ()),
        )


@dataclass(frozen=True)
class StoredReport:
    """A report as the history database holds it (one revision of one year)."""

    id: int
    review_year: int
    revision: int
    title: str
    sha256: str
    source_url: str | None
    published: str | None  # ISO date
    ingested_at: str  # ISO timestamp, UTC
    stated_counts: Counts | None
    counts: Counts
    status: ReportStatus
    notices: tuple[Notice, ...] = ()
    pdf_path: str | None = None
    source_page: str | None = None  # the press release that linked it
    positive: tuple[str, ...] = ()  # the sentences of its Positive Developments section

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(n.message for n in self.notices)


@dataclass(frozen=True)
class Listing:
    """One market in one stored report."""

    market_id: str
    review_year: int
    entry: Entry
    match: str = ""  # how identity linked it: alias | domain | name | generic-name | fuzzy | new

    def to_json(self) -> dict[str, Any]:
        e, doc = self.entry, self.entry.to_json()
        words = {"excerpt": e.excerpt, "operator": e.operator, "based_in": e.based_in}
        return {**doc, "market_id": self.market_id, **words}


@dataclass(frozen=True)
class PossibleMatchRecord:
    """A market identity could not decide: shown to a human, never merged by itself."""

    review_year: int
    name: str
    market_id: str
    candidate_id: str
    candidate_name: str
    score: float
    reason: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class IngestResult:
    status: IngestStatus
    report: StoredReport
    new_markets: tuple[str, ...] = ()
    possible_matches: tuple[PossibleMatchRecord, ...] = ()
    rejected: tuple[str, ...] = ()  # why stored identity corrections no longer apply


def count_mismatches(notices: tuple[Notice, ...]) -> str:
    """The notices that say the counts differ from the stated ones, as one line."""
    return "; ".join(n.message for n in notices if n.code is NoticeCode.COUNT_MISMATCH)


# ---------------------------------------------------------------------------------------------
# outcomes and records shared by the orchestrator, the store and alerts (JSON values as strings)


class ReportStatus(StrEnum):
    """How far a stored report's list agrees with the counts the report states."""

    OK = "ok"
    NEEDS_REVIEW = "needs_review"  # the extracted counts differ from the stated ones
    UNVERIFIED = "unverified"  # the report states no counts

    @classmethod
    def of(cls, report: Report) -> ReportStatus:
        if report.counts_match is None:
            return cls.UNVERIFIED
        return cls.OK if report.counts_match else cls.NEEDS_REVIEW


class IngestStatus(StrEnum):
    STORED = "stored"  # a year not stored before
    REVISED = "revised"  # new bytes for a stored year: its next revision
    UNCHANGED = "unchanged"  # these bytes are stored already


class CheckStatus(StrEnum):
    """What a check did (`check --json` "status"); RUNNING only in a check run's record."""

    BASELINE = "baseline"
    NEW_REPORT = "new_report"
    NO_CHANGE = "no_change"
    REVISED = "revised"
    FAILED = "failed"
    RUNNING = "running"


@dataclass(frozen=True)
class CheckRun:
    """One recorded check."""

    id: int
    started_at: datetime
    finished_at: datetime | None
    trigger: str
    outcome: CheckStatus
    error: str | None


class WarningCode(StrEnum):
    """What a check's warning is about. Alerts decide on these, never on a message's words."""

    PAGE_GONE = "page-gone"  # a seed page or press release answered 404 or 410
    REPORT_GONE = "report-gone"  # a stored report's URL answered 404 or 410
    LAYOUT_CHANGED = "layout-changed"  # a seed page that listed reports lists none
    YEAR_DIFFERS = "year-differs"  # the link names another review year than the PDF's title
    NEEDS_REVIEW = "needs-review"  # a report stored with counts that differ from its own
    ALREADY_RUNNING = "already-running"  # another process held the check lock
    FEDERAL_REGISTER = "federal-register"  # the Federal Register could not be asked or read
    TOO_MANY_REPORTS = "too-many-reports"  # more new report links than discovery allows
    DISCOVERY_OVERTIME = "discovery-overtime"  # discovery ran out of its time
    DATABASE_REPLACED = "database-replaced"  # not the database the state_dir was used with


@dataclass(frozen=True)
class CheckWarning:
    code: WarningCode
    message: str  # one line, as `check --json` "warnings" prints it
    review_year: int | None = None
