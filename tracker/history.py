"""Questions asked of the stored history: diffs, one market's record, what a digest says.

Each takes a `Transaction`, so that a caller asking several questions gets one consistent view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tracker.diff import Changes, compare
from tracker.errors import NotFoundError
from tracker.identity import name_keys
from tracker.model import Listing, PossibleMatchRecord, StoredReport
from tracker.records import Alias, Market
from tracker.store import Transaction


def year_before(years: Sequence[int], year: int) -> int | None:
    """The stored year a year's list is compared with: the latest stored year before it."""
    return max((y for y in years if y < year), default=None)


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
    )


def every_diff(tx: Transaction, listings: Sequence[Listing] | None = None) -> dict[int, Changes]:
    """Each stored year's diff against the stored year before it (the first year's against
    nothing), for the whole history in a few reads: what `changes` answers year by year.
    `listings`: every current listing (`tx.reports.all_listings()`), when the caller has them."""
    stored = tx.reports.years()
    by_year: dict[int, list[Listing]] = {y: [] for y in stored}
    for li in tx.reports.all_listings() if listings is None else listings:
        by_year[li.review_year].append(li)
    possible: dict[int, list[PossibleMatchRecord]] = {}
    for p in tx.reports.possible_matches():
        possible.setdefault(p.review_year, []).append(p)
    listed = tx.reports.years_listed()
    out = {}
    for year in stored:
        old = year_before(stored, year)
        before = by_year[old] if old is not None else []
        out[year] = compare(
            old, year, before, by_year[year], listed, stored, possible.get(year, [])
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


def find_markets(tx: Transaction, query: str) -> list[str]:
    """Market ids for a market id, a printed name (any year) or an alias."""
    if tx.markets.get(query) is not None:
        return [query]
    keys = name_keys(query)
    return sorted({n.market_id for n in tx.markets.names() if keys & name_keys(n.name)})


@dataclass(frozen=True)
class MarketHistory:
    """One market's record across all stored years (`history`)."""

    market: Market
    aliases: tuple[Alias, ...]
    listings: tuple[Listing, ...]  # current revisions, oldest year first

    @property
    def years_listed(self) -> list[int]:
        return sorted({li.review_year for li in self.listings})

    def to_json(self) -> dict[str, Any]:
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
                {"review_year": li.review_year, **li.entry.to_json(), "match": li.match}
                for li in self.listings
            ],
        }


def market_history(tx: Transaction, query: str) -> MarketHistory:
    """One market's record, found by id, printed name or alias."""
    ids = find_markets(tx, query)
    if not ids:
        raise NotFoundError(f"no market named {query!r} in the stored lists")
    if len(ids) > 1:
        raise NotFoundError(f"{query!r} names several markets: {', '.join(ids)}; give a market id")
    market = tx.markets.one(ids[0])
    return MarketHistory(
        market,
        tuple(tx.markets.aliases_of(market.id)),
        tuple(tx.reports.all_listings(market.id)),
    )
