"""What goes into the identity stage and what comes out: frozen dataclasses only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from tracker.model import Entry, Kind, Listing, PossibleMatchRecord

# --- in ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearListings:
    """One stored year's current list (its latest revision), in the report's order."""

    year: int
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class ListingKey:
    """A listing named by what a person can see: the year and the name as printed. Corrections
    anchor on listings, not on market ids, because ids are derived from the clusters."""

    year: int
    name: str
    kind: Kind | None = None

    def __str__(self) -> str:
        return f"{self.name!r} ({self.year})"


@dataclass(frozen=True)
class Merge:
    """A person says: the markets of these two listings are one (`markets merge A B`)."""

    a: ListingKey
    b: ListingKey
    note: str = ""


@dataclass(frozen=True)
class Split:
    """A person says: this listing is not the market of those listings (`markets split ID
    --year Y`: `listing` is ID's listing in Y, `away_from` ID's listings of the other years)."""

    listing: ListingKey
    away_from: tuple[ListingKey, ...]
    note: str = ""


@dataclass(frozen=True)
class Rename:
    """A person names the market of this listing (`markets rename ID NAME`); its id becomes
    the slug of that name and the old id redirects to it."""

    listing: ListingKey
    name: str
    note: str = ""


Correction = Merge | Split | Rename


@dataclass(frozen=True)
class PriorListing:
    """A listing and the market id the store holds for it now (to compute redirects)."""

    year: int
    name: str
    market_id: str


# --- out -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    """The market of one listing, and how it joined that market's earlier listings."""

    year: int
    index: int  # position in that year's entries as given
    market_id: str
    reason: str  # first | curated | alias | correction | domain | name | ... (see evidence.py)
    score: float = 1.0


@dataclass(frozen=True)
class Market:
    id: str
    name: str  # the person's name for it, else its latest printed name
    kind: Kind
    country: str | None
    years: tuple[int, ...]
    listings: tuple[tuple[int, int], ...]  # (year, index), oldest first
    source: str = "rules"  # rules | curated | renamed


@dataclass(frozen=True)
class PossibleMatch:
    """Two markets that may be one: shown to a person, never merged by the rules."""

    year: int
    index: int
    name: str  # the listing that raised the doubt
    market_id: str  # its market
    candidate_id: str
    candidate_name: str
    score: float
    reason: str


@dataclass(frozen=True)
class NameChange:
    """A market printed under another name than in its previous listed year."""

    market_id: str
    year: int
    old_name: str
    new_name: str


@dataclass(frozen=True)
class Rejected:
    """A correction that could not be applied, and why (one line for a person)."""

    correction: Correction
    reason: str


@dataclass(frozen=True)
class Clustering:
    markets: tuple[Market, ...]
    assignments: tuple[Assignment, ...]  # sorted by (year, index)
    possible: tuple[PossibleMatch, ...] = ()
    renames: tuple[NameChange, ...] = ()
    redirects: Mapping[str, str] = field(default_factory=dict)  # old id -> new id
    rejected: tuple[Rejected, ...] = ()

    def market_of(self, year: int, index: int) -> str:
        return self._by_listing[(year, index)].market_id

    def year_ids(self, year: int) -> list[str]:
        """The market ids of a year's listings, in the order of its entries."""
        return [a.market_id for a in self.assignments if a.year == year]

    def years_listed(self) -> dict[str, list[int]]:
        return {m.id: list(m.years) for m in self.markets}

    def market(self, market_id: str) -> Market:
        market_id = self.redirects.get(market_id, market_id)
        return next(m for m in self.markets if m.id == market_id)

    def listings(self, history: Sequence[YearListings]) -> dict[int, list[Listing]]:
        """Each year's entries as `Listing`s with their market ids, in the report's order: what
        the store saves and what `tracker.diff.compare` takes."""
        by = self._by_listing
        return {
            y.year: [
                Listing(by[(y.year, i)].market_id, y.year, e, by[(y.year, i)].reason)
                for i, e in enumerate(y.entries)
            ]
            for y in history
        }

    def possible_records(self, year: int | None = None) -> list[PossibleMatchRecord]:
        """The possible matches in the store's and the digest's shape (one year, or all)."""
        return [
            PossibleMatchRecord(
                p.year, p.name, p.market_id, p.candidate_id, p.candidate_name, p.score, p.reason
            )
            for p in self.possible
            if year is None or p.year == year
        ]

    @cached_property
    def _by_listing(self) -> dict[tuple[int, int], Assignment]:
        return {(a.year, a.index): a for a in self.assignments}
