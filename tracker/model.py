"""Frozen dataclasses passed between pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

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

    def to_json(self, full: bool = False) -> dict[str, Any]:
        """The contract's shape; `full` adds the printed heading and the excerpt."""
        doc: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "city": self.city,
            "domains": list(self.domains),
            "page": self.page,
        }
        if full:
            doc.update(heading=self.heading, excerpt=self.excerpt)
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
        )


@dataclass(frozen=True)
class Counts:
    online: int
    physical: int

    def to_json(self) -> dict[str, int]:
        return {"online": self.online, "physical": self.physical}


@dataclass(frozen=True)
class Report:
    """Everything extracted from one Notorious Markets List PDF."""

    review_year: int
    title: str
    stated_counts: Counts | None
    entries: tuple[Entry, ...]
    warnings: tuple[str, ...] = ()
    pages: int = 0

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
            warnings=tuple(str(w) for w in doc.get("warnings", ())),
            pages=int(doc.get("pages", 0)),
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
    status: str  # ok | needs_review | unverified
    warnings: tuple[str, ...] = ()
    pdf_path: str | None = None
    source_page: str | None = None  # the press release that linked it


@dataclass(frozen=True)
class Listing:
    """One market in one stored report."""

    market_id: str
    review_year: int
    entry: Entry
    match: str = ""  # how identity linked it: alias | domain | name | generic-name | fuzzy | new

    def to_json(self) -> dict[str, Any]:
        return {**self.entry.to_json(), "market_id": self.market_id}


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
        return {
            "review_year": self.review_year,
            "name": self.name,
            "market_id": self.market_id,
            "candidate_id": self.candidate_id,
            "candidate_name": self.candidate_name,
            "score": self.score,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class IngestResult:
    status: str  # stored | revised | unchanged
    report: StoredReport
    new_markets: tuple[str, ...] = ()
    possible_matches: tuple[PossibleMatchRecord, ...] = ()


def count_mismatches(warnings: tuple[str, ...]) -> str:
    """The extraction warnings that say the counts differ from the stated ones, as one line."""
    return "; ".join(w for w in warnings if "but the report states" in w)
