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

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "city": self.city,
            "domains": list(self.domains),
            "page": self.page,
        }


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

    def to_json(self) -> dict[str, Any]:
        return {
            "review_year": self.review_year,
            "title": self.title,
            "stated_counts": self.stated_counts.to_json() if self.stated_counts else None,
            "entries": [e.to_json() for e in self.entries],
            "warnings": list(self.warnings),
        }
