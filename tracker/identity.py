"""The identity stage: which listings of which years are one market, decided over the whole
stored history each time it changes (a report stored, a revision, a person's correction).

    found = identify(tx, curation, report)      # read the store, call tracker.resolve.cluster
    tx.markets.upsert(found.markets())          # save, in the same transaction
    tx.reports.add(report, source, found.placements(report.review_year))
    tx.markets.relink(found.relink())

Reading and saving happen in the caller's transaction (a failure leaves the history as it was);
the decision itself is the pure `tracker.resolve.cluster`, so the same reports give the same
markets whatever order they arrived in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.model import Entry, Kind, Listing, Report
from tracker.records import Market, Placement, Relink, StoredCorrection
from tracker.resolve import (
    Clustering,
    Correction,
    Knowledge,
    ListingKey,
    Merge,
    PriorListing,
    Rename,
    Split,
    YearListings,
    chain_redirects,
    cluster,
)
from tracker.resolve.features import squash
from tracker.store import Transaction

if TYPE_CHECKING:
    from tracker.config import Config


@dataclass(frozen=True)
class Curation:
    """What people know beyond the rules: the configured `aliases:` (a printed name -> a market
    id or another printed name) and a table of curated identities extending the shipped one."""

    aliases: Mapping[str, str] = field(default_factory=dict)
    knowledge_file: Path | None = None

    @classmethod
    def of(cls, config: Config) -> Curation:
        return cls(dict(config.aliases), config.identity.knowledge)

    @classmethod
    def coerce(cls, value: Curation | Mapping[str, str]) -> Curation:
        return value if isinstance(value, Curation) else cls(dict(value))

    def knowledge(self, redirects: Mapping[str, str]) -> Knowledge:
        """The knowledge for a clustering; an alias naming a retired market id names the live
        market that id became, so aliases survive the ids' changes."""
        aliases = {name: redirects.get(target, target) for name, target in self.aliases.items()}
        if self.knowledge_file is not None:
            return Knowledge.load(self.knowledge_file, aliases)
        return Knowledge.builtin(aliases)


@dataclass(frozen=True)
class Identified:
    """The stage's decision over the whole history, and what it was made from."""

    history: tuple[YearListings, ...]
    previous: tuple[PriorListing, ...]  # the ids the store held before
    corrections: tuple[StoredCorrection, ...]
    clustering: Clustering
    redirects: Mapping[str, str]  # every retired id (stored before or now) -> a live id

    def markets(self) -> list[Market]:
        return [Market(m.id, m.name, m.kind, m.country, m.source) for m in self.clustering.markets]

    def placements(self, year: int) -> list[Placement]:
        """The markets of one year's listings, in the report's order."""
        return [
            Placement(a.market_id, a.reason) for a in self.clustering.assignments if a.year == year
        ]

    def relink(self) -> Relink:
        placed = self.clustering.assignments
        return Relink(
            {(a.year, a.index): Placement(a.market_id, a.reason) for a in placed},
            tuple(self.clustering.possible_records()),
            self.redirects,
        )

    def new_markets(self, year: int) -> tuple[str, ...]:
        """Markets never stored before: listed only in `year`, by listings the store did not
        hold (a revision keeps its year's markets)."""
        before = {(p.year, p.name) for p in self.previous}
        names = {(y.year, i): e.name for y in self.history for i, e in enumerate(y.entries)}
        return tuple(
            m.id
            for m in self.clustering.markets
            if m.years == (year,) and all((year, names[k]) not in before for k in m.listings)
        )

    def rejected(self, correction: Correction | None = None) -> list[str]:
        """Why corrections were not applied (only `correction`'s, when given)."""
        return [
            r.reason
            for r in self.clustering.rejected
            if correction is None or r.correction == correction
        ]

    def listings(self) -> dict[int, list[Listing]]:
        return self.clustering.listings(self.history)


def identify(
    tx: Transaction,
    curation: Curation,
    report: Report | None = None,
    extra: Sequence[Correction] = (),
    without: frozenset[int] = frozenset(),
) -> Identified:
    """Cluster every stored year's current list (`report` replacing or adding its year) with the
    stored corrections (except the ids in `without`) and then `extra`."""
    tx.markets.lock()
    stored = tx.reports.all_listings()
    years: dict[int, list[Entry]] = {}
    for li in stored:
        years.setdefault(li.review_year, []).append(li.entry)
    if report is not None:
        years[report.review_year] = list(report.entries)
    history = tuple(YearListings(y, tuple(e)) for y, e in sorted(years.items()))
    previous = tuple(PriorListing(li.review_year, li.entry.name, li.market_id) for li in stored)
    corrections = tuple(c for c in tx.corrections.all() if c.id not in without)
    redirects = tx.markets.redirects()
    result = cluster(
        history,
        curation.knowledge(redirects),
        [c.correction for c in corrections] + list(extra),
        previous,
    )
    live = {m.id for m in result.markets}
    chained = chain_redirects(redirects, result.redirects, live)
    return Identified(history, previous, corrections, result, chained)


def save(tx: Transaction, found: Identified) -> int:
    """Save a decision that adds no report; returns how many listings changed market."""
    tx.markets.upsert(found.markets())
    return tx.markets.relink(found.relink())


# --- corrections as a person reads them -----------------------------------------------------


def anchors(c: Correction) -> tuple[ListingKey, ...]:
    """The listings a correction names."""
    if isinstance(c, Merge):
        return (c.a, c.b)
    if isinstance(c, Split):
        return (c.listing, *c.away_from)
    return (c.listing,)


def names_listing(key: ListingKey, year: int, entry: Entry) -> bool:
    """Does `key` name this listing (the same year and kind, the name as printed or squashed)?"""
    if key.year != year or (key.kind is not None and key.kind != entry.kind):
        return False
    return key.name == entry.name or squash(key.name) == squash(entry.name)


def names_one_of(key: ListingKey, listings: Sequence[Listing]) -> bool:
    return any(names_listing(key, li.review_year, li.entry) for li in listings)


def touches(c: Correction, listings: Sequence[Listing]) -> bool:
    """Does the correction name one of these listings?"""
    return any(names_one_of(k, listings) for k in anchors(c))


def listing_key(li: Listing) -> ListingKey:
    kind: Kind = li.entry.kind
    return ListingKey(li.review_year, li.entry.name, kind)


def action(c: Correction) -> str:
    return "merge" if isinstance(c, Merge) else "split" if isinstance(c, Split) else "rename"


def describe(c: Correction) -> str:
    if isinstance(c, Merge):
        return f"merge {c.a} with {c.b}"
    if isinstance(c, Split):
        return f"split {c.listing} from {len(c.away_from)} other listing(s)"
    assert isinstance(c, Rename)
    return f"rename {c.listing} to {c.name!r}"


def correction_json(stored: StoredCorrection) -> dict[str, Any]:
    c = stored.correction
    doc: dict[str, Any] = {
        "id": stored.id,
        "action": action(c),
        "listings": [{"review_year": k.year, "name": k.name, "kind": k.kind} for k in anchors(c)],
        "text": describe(c),
        "note": c.note,
        "created_at": stored.created_at.isoformat(timespec="seconds"),
    }
    if isinstance(c, Rename):
        doc["name"] = c.name
    return doc
