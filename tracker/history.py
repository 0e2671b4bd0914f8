"""Questions asked of the stored history: diffs, one market's record, what a digest says.

Each takes a `Transaction`, so that a caller asking several questions gets one consistent view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tracker.diff import Changes, compare
from tracker.errors import NotFoundError
from tracker.model import Kind, Listing, PossibleMatchRecord, StoredReport
from tracker.records import Alias, Market, StoredCorrection
from tracker.store import Transaction


def year_before(years: Sequence[int], year: int) -> int | None:
    """The stored year a year's list is compared with: the latest stored year before it."""
    return max((y for y in years if y < year), default=None)


def same_markets(a: Sequence[Listing], b: Sequence[Listing]) -> bool:
    """Do two lists name the same markets by the same names?"""
    return sorted((li.market_id, li.entry.name) for li in a) == sorted(
        (li.market_id, li.entry.name) for li in b
    )


def years_text(years: Sequence[int]) -> str:
    return ", ".join(map(str, years)) or "none"


def not_stored(year: int, years: Sequence[int]) -> NotFoundError:
    return NotFoundError(f"no report stored for {year} (stored: {years_text(years)})")


def changes(tx: Transaction, old: int | None, new: int) -> Changes:
    """The diff between two stored years (old None: everything in `new` is new)."""
    stored = tx.reports.years()
    for year in (old, new):
        if year is not None and year not in stored:
            raise not_stored(year, stored)
    return compare(
        old,
        new,
        tx.reports.listings(old) if old is not None else [],
        tx.reports.listings(new),
        tx.reports.years_listed(),
        stored,
        tx.reports.possible_matches(new),
        _positive(tx, new),
    )


def _positive(tx: Transaction, year: int) -> tuple[str, ...]:
    report = tx.reports.current(year)
    return report.positive if report is not None else ()


def every_diff(
    tx: Transaction,
    listings: Sequence[Listing] | None = None,
    leave_out: frozenset[int] = frozenset(),
) -> dict[int, Changes]:
    """Each stored year's diff against the stored year before it (the first year's against
    nothing), for the whole history in a few reads: what `changes` answers year by year.
    `listings`: every current listing (`tx.reports.all_listings()`), when the caller has them;
    `leave_out`: years read as if they were not stored (held for review)."""
    stored = [y for y in tx.reports.years() if y not in leave_out]
    by_year: dict[int, list[Listing]] = {y: [] for y in stored}
    for li in tx.reports.all_listings() if listings is None else listings:
        if li.review_year in by_year:
            by_year[li.review_year].append(li)
    possible: dict[int, list[PossibleMatchRecord]] = {}
    for p in tx.reports.possible_matches():
        possible.setdefault(p.review_year, []).append(p)
    listed = {
        market: [y for y in years if y not in leave_out]
        for market, years in tx.reports.years_listed().items()
    }
    # each year's latest revision (all() is oldest first): its Positive Developments sentences
    positive = {r.review_year: r.positive for r in tx.reports.all()}
    out = {}
    for year in stored:
        old = year_before(stored, year)
        before = by_year[old] if old is not None else []
        out[year] = compare(
            old,
            year,
            before,
            by_year[year],
            listed,
            stored,
            possible.get(year, []),
            positive.get(year, ()),
        )
    return out


def default_years(tx: Transaction) -> tuple[int, int]:
    """The two latest stored years."""
    stored = tx.reports.years()
    if len(stored) < 2:
        raise NotFoundError(f"a diff needs two stored years (stored: {years_text(stored)})")
    return stored[-2], stored[-1]


def latest_year(tx: Transaction) -> int | None:
    return max(tx.reports.years(), default=None)


@dataclass(frozen=True)
class YearDigest:
    """What the digest of a stored year says: its report, the report it is compared with (the
    stored year before), and the diff between the two."""

    report: StoredReport
    previous: StoredReport | None
    changes: Changes


def year_digest(tx: Transaction, year: int, diff: Changes | None = None) -> YearDigest:
    """`diff`: when the caller has just computed it."""
    report = tx.reports.current(year)
    if report is None:
        raise not_stored(year, tx.reports.years())
    old = year_before(tx.reports.years(), year)
    previous = tx.reports.current(old) if old is not None else None
    return YearDigest(report, previous, diff or changes(tx, old, year))


@dataclass(frozen=True)
class MarketSummary:
    """A market a name may mean, as a person tells them apart: years and places."""

    market_id: str
    name: str
    kind: str
    country: str | None
    years_listed: tuple[int, ...]
    places: tuple[str, ...]  # the cities its listings print

    def __str__(self) -> str:
        years = self.years_listed
        span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
        where = ", ".join([*self.places[:2], *([self.country] if self.country else [])])
        return f"{self.market_id} ({self.kind}, {span}" + (f", {where})" if where else ")")

    def to_json(self) -> dict[str, Any]:
        return {
            "market_id": self.market_id,
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "years_listed": list(self.years_listed),
            "places": list(self.places),
        }


class AmbiguousName(NotFoundError):
    """A name printed for several markets, none of them alone in the latest year."""

    def __init__(self, query: str, candidates: Sequence[MarketSummary]) -> None:
        self.query, self.candidates = query, tuple(candidates)
        super().__init__(
            f"{query!r} names {len(candidates)} markets: "
            + "; ".join(map(str, candidates))
            + "; give a market id"
        )


def _printed_keys(name: str, kind: Kind) -> frozenset[str]:
    from tracker.resolve.features import exact_keys, part_keys

    return exact_keys(name) | part_keys(name, kind)


def find_markets(tx: Transaction, query: str) -> list[str]:
    """The live markets `query` may name: a market id, a retired id (the market it became), or
    a name printed for it in any year (an alternative name in parentheses included) or given
    to it by a person."""
    from tracker.resolve.features import exact_keys

    listings = tx.reports.all_listings()
    live = {li.market_id for li in listings}
    if query in live:
        return [query]
    if (target := tx.markets.redirects().get(query)) is not None:
        return [target]
    keys = exact_keys(query)
    found = {li.market_id for li in listings if keys & _printed_keys(li.entry.name, li.entry.kind)}
    found |= {m.id for m in tx.markets.all() if m.id in live and keys & exact_keys(m.name)}
    return sorted(found)


def find_market(tx: Transaction, query: str) -> str:
    """The one market `query` names: see `find_markets`; a name printed for several markets
    means the one printing it in the latest stored year, if only one does."""
    from tracker.resolve.features import exact_keys

    ids = find_markets(tx, query)
    if not ids:
        raise NotFoundError(f"no market named {query!r} in the stored lists")
    if len(ids) == 1:
        return ids[0]
    latest = tx.reports.listings(max(tx.reports.years()))
    keys = exact_keys(query)
    named = {li.market_id for li in latest if keys & _printed_keys(li.entry.name, li.entry.kind)}
    if len(named) == 1:
        return named.pop()
    raise AmbiguousName(query, [summary(tx, i) for i in ids])


def summary(tx: Transaction, market_id: str) -> MarketSummary:
    market = tx.markets.one(market_id)
    listings = tx.reports.all_listings(market_id)
    places = dict.fromkeys(li.entry.city for li in listings if li.entry.city)
    return MarketSummary(
        market.id,
        market.name,
        market.kind,
        market.country,
        tuple(sorted({li.review_year for li in listings})),
        tuple(places),
    )


@dataclass(frozen=True)
class MarketHistory:
    """One market's record across all stored years (`history`)."""

    market: Market
    aliases: tuple[Alias, ...]
    listings: tuple[Listing, ...]  # current revisions, oldest year first
    corrections: tuple[StoredCorrection, ...] = ()  # a person's, naming its listings
    former_ids: tuple[str, ...] = ()  # retired ids that lead to it
    stale: frozenset[int] = frozenset()  # corrections naming a listing no longer stored
    corrected: frozenset[tuple[int, str]] = frozenset()  # (year, name): a corrected list's

    @property
    def years_listed(self) -> list[int]:
        return sorted({li.review_year for li in self.listings})

    def to_json(self) -> dict[str, Any]:
        from tracker.identity import correction_json

        years = self.years_listed
        return {
            "market_id": self.market.id,
            "name": self.market.name,
            "kind": self.market.kind,
            "country": self.market.country,
            "years_listed": years,
            "first_listed": years[0] if years else None,
            "aliases": [a.to_json() for a in self.aliases],
            "listings": [
                {
                    "review_year": li.review_year,
                    **li.to_json(),
                    "match": li.match,
                    "corrected": (li.review_year, li.entry.name) in self.corrected,
                }
                for li in self.listings
            ],
            "source": self.market.source,
            "former_ids": list(self.former_ids),
            "corrections": [
                {**correction_json(c), "applies": c.id not in self.stale} for c in self.corrections
            ],
        }


def market_history(tx: Transaction, query: str) -> MarketHistory:
    """One market's record, found by id, a retired id, or a printed name (`find_market`)."""
    from tracker.identity import anchors, names_one_of

    market = tx.markets.one(find_market(tx, query))
    listings = tuple(tx.reports.all_listings(market.id))
    corrections = corrections_of(tx, listings)
    everything = tx.reports.all_listings()
    return MarketHistory(
        market,
        tuple(tx.markets.aliases_of(market.id)),
        listings,
        tuple(corrections),
        tuple(sorted(old for old, new in tx.markets.redirects().items() if new == market.id)),
        frozenset(
            c.id
            for c in corrections
            if not all(names_one_of(k, everything) for k in anchors(c.correction))
        ),
        frozenset(tx.report_reviews.corrected_listings()),
    )


def corrections_of(tx: Transaction, listings: Sequence[Listing]) -> list[StoredCorrection]:
    """The stored corrections that name one of these listings."""
    from tracker.identity import touches

    return [c for c in tx.corrections.all() if touches(c.correction, listings)]
