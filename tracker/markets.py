"""A person's identity corrections (`markets merge|split|rename`) and `markets recluster`.

Each finds the markets it names (an id, a retired id or a printed name), adds its correction to
the stored ones, clusters the whole history again and saves it, all in one transaction: a
correction the clustering refuses (`both are listed in 2019`) raises CorrectionRefused and
nothing changes. Corrections name listings, not ids, so they hold across re-ingest, revisions
and the id changes they cause themselves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from tracker.errors import CorrectionRefused
from tracker.history import MarketSummary, find_market, summary
from tracker.identity import (
    Curation,
    Identified,
    action,
    anchors,
    correction_json,
    describe,
    identify,
    listing_key,
    names_listing,
    names_one_of,
    save,
    touches,
)
from tracker.model import Listing
from tracker.resolve import Correction, ListingKey, Merge, Rename, Split, slug
from tracker.store import Transaction


@dataclass(frozen=True)
class Outcome:
    """What a correction (or a re-clustering) did."""

    action: str  # merge | split | rename | recluster
    message: str  # one line for a person
    market: MarketSummary | None = None  # the market the correction made
    other: MarketSummary | None = None  # split: the market the listing left
    redirects: Mapping[str, str] = field(default_factory=dict)  # ids it retired -> new ids
    changed: int = 0  # listings that changed market
    removed: tuple[dict[str, Any], ...] = ()  # stored corrections it superseded
    rejected: tuple[str, ...] = ()  # stored corrections that no longer apply
    stored: bool = True  # False: nothing to do

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "stored": self.stored,
            "message": self.message,
            "market": self.market.to_json() if self.market else None,
            "from": self.other.to_json() if self.other else None,
            "redirects": dict(self.redirects),
            "changed_listings": self.changed,
            "superseded": list(self.removed),
            "rejected": list(self.rejected),
        }


def merge(tx: Transaction, curation: Curation, a: str, b: str, note: str = "") -> Outcome:
    """`markets merge A B`: the two markets are one. A split a person made between them is
    undone; two markets listed in one year are never one (refused)."""
    ida, idb = find_market(tx, a), find_market(tx, b)
    if ida == idb:
        return Outcome("merge", f"{a!r} and {b!r} are one market already: {ida}", stored=False)
    mine, theirs = tx.reports.all_listings(ida), tx.reports.all_listings(idb)
    both = sorted({li.review_year for li in mine} & {li.review_year for li in theirs})
    if both:
        raise CorrectionRefused(f"cannot merge {ida} and {idb}: both are listed in {both[0]}")
    correction = Merge(listing_key(mine[0]), listing_key(theirs[0]), note)
    splits = frozenset(
        s.id
        for s in tx.corrections.all()
        if isinstance(s.correction, Split) and _separates(s.correction, mine, theirs)
    )
    return _apply(
        tx, curation, correction, f"merged {ida} and {idb}", undo=splits, together=mine + theirs
    )


def split(tx: Transaction, curation: Curation, market: str, year: int, note: str = "") -> Outcome:
    """`markets split ID --year Y`: the market's listing in Y is not the market of its other
    listings. A merge a person made that holds that listing in is undone."""
    market_id = find_market(tx, market)
    listings = tx.reports.all_listings(market_id)
    mine = [li for li in listings if li.review_year == year]
    if not mine:
        listed = ", ".join(sorted({str(li.review_year) for li in listings}))
        raise CorrectionRefused(f"{market_id} is not listed in {year} (listed: {listed})")
    others = [li for li in listings if li.review_year != year]
    if not others:
        raise CorrectionRefused(f"{market_id} is listed only in {year}: nothing to split")
    key = listing_key(mine[0])
    correction = Split(key, tuple(listing_key(li) for li in others), note)
    merges = frozenset(
        m.id
        for m in tx.corrections.all()
        if isinstance(m.correction, Merge) and touches(m.correction, mine)
    )
    done = _apply(tx, curation, correction, f"split {key} from {market_id}", undo=merges)
    rest = summary(tx, _market_of(tx, others[0]))
    return replace(done, message=f"{done.message}; its other listings: {rest}", other=rest)


def rename(tx: Transaction, curation: Curation, market: str, name: str, note: str = "") -> Outcome:
    """`markets rename ID NAME`: the market is called NAME and its id becomes NAME's slug (the
    old id redirects). An id another market holds is refused."""
    market_id = find_market(tx, market)
    new_id = slug(name)
    if new_id != market_id and tx.reports.all_listings(new_id):
        held = tx.markets.one(new_id)
        raise CorrectionRefused(
            f"the id {new_id!r} belongs to another market ({held.name}): choose another name"
        )
    listings = tx.reports.all_listings(market_id)
    correction = Rename(listing_key(listings[0]), name, note)
    earlier = frozenset(
        r.id
        for r in tx.corrections.all()
        if isinstance(r.correction, Rename) and touches(r.correction, listings)
    )
    return _apply(tx, curation, correction, f"renamed {market_id} to {name!r}", without=earlier)


def recluster(tx: Transaction, curation: Curation) -> Outcome:
    """Cluster the whole history again now (after an upgrade, or an edit of `aliases:` or the
    knowledge file: the next stored report would do it too)."""
    before = tx.markets.redirects()
    found = identify(tx, curation)
    changed = save(tx, found)
    retired = {k: v for k, v in found.redirects.items() if before.get(k) != v}
    years = len(found.history)
    return Outcome(
        "recluster",
        f"clustered {years} year(s) again: {len(found.clustering.markets)} markets, "
        f"{changed} listing(s) changed market, {len(retired)} id(s) retired, "
        f"{len(found.clustering.possible)} possible match(es)",
        redirects=retired,
        changed=changed,
        rejected=tuple(found.rejected()),
    )


# --- shared steps ---------------------------------------------------------------------------


def _apply(
    tx: Transaction,
    curation: Curation,
    correction: Correction,
    done: str,
    without: frozenset[int] = frozenset(),
    undo: frozenset[int] = frozenset(),
    together: Sequence[Listing] = (),
) -> Outcome:
    """Cluster with `correction`, without the stored corrections `without` (those it
    supersedes) and, if it is refused otherwise, without `undo` too (those standing in its
    way); refuse it if the clustering still does, or leaves the listings `together` in more
    than one market; else store it and save the clustering."""
    before = tx.markets.redirects()
    found = identify(tx, curation, extra=[correction], without=without)
    if found.rejected(correction) and undo:
        without |= undo
        found = identify(tx, curation, extra=[correction], without=without)
    if why := found.rejected(correction):
        raise CorrectionRefused(why[0])
    if len(apart := _markets_of(found, together)) > 1:
        raise CorrectionRefused(
            f"{describe(correction)} would still leave their listings in {len(apart)} markets "
            f"({', '.join(sorted(apart))}): a split or a listing of one year keeps them apart"
        )
    removed = tuple(correction_json(c) for c in tx.corrections.all() if c.id in without)
    tx.corrections.remove(without)
    tx.corrections.add(correction)
    changed = save(tx, found)
    market = summary(tx, _anchor_market(found, anchors(correction)[0]))
    retired = {k: v for k, v in found.redirects.items() if before.get(k) != v}
    moved = "".join(f"; {k} now redirects to {v}" for k, v in sorted(retired.items()))
    undone = "".join(f"; undid: {c['text']}" for c in removed if c["action"] != "rename")
    return Outcome(
        action(correction),
        f"{done}: {market}{moved}{undone}",
        market,
        redirects=retired,
        changed=changed,
        removed=removed,
        rejected=tuple(found.rejected()),
    )


def _anchor_market(found: Identified, key: ListingKey) -> str:
    for year in found.history:
        if year.year != key.year:
            continue
        for index, entry in enumerate(year.entries):
            if names_listing(key, year.year, entry):
                return found.clustering.market_of(year.year, index)
    raise CorrectionRefused(f"no listing {key} in the stored years")


def _markets_of(found: Identified, listings: Sequence[Listing]) -> set[str]:
    """The markets these stored listings have in a new clustering."""
    where = {(y.year, e): i for y in found.history for i, e in enumerate(y.entries)}
    c = found.clustering
    return {c.market_of(li.review_year, where[(li.review_year, li.entry)]) for li in listings}


def _market_of(tx: Transaction, listing: Listing) -> str:
    """The market a listing belongs to now (after a save in this transaction)."""
    for li in tx.reports.listings(listing.review_year):
        if li.entry == listing.entry:
            return li.market_id
    raise CorrectionRefused(f"no listing {listing_key(listing)} in the stored years")


def _separates(s: Split, mine: list[Listing], theirs: list[Listing]) -> bool:
    """Does this split keep a listing of one market from the other's?"""
    (listing, *away) = anchors(s)
    here = [mine, theirs]
    for side, other in (here, here[::-1]):
        if names_one_of(listing, side) and any(names_one_of(k, other) for k in away):
            return True
    return False
