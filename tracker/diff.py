"""The year-over-year comparison, pure: two years' listings and the history in, Changes out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tracker.model import KINDS, Listing, PossibleMatchRecord
from tracker.quotes import mention, opening

STATES = ("new", "returning", "removed", "still_listed")  # the summaries' columns


@dataclass(frozen=True)
class Item:
    market_id: str
    name: str
    kind: str
    country: str | None
    years_listed: tuple[int, ...]
    first_listed: int
    old_name: str | None = None  # renamed: the name the older year printed
    years_absent: tuple[int, ...] = ()  # returning: stored years it was missing from
    streak: int = 0  # still listed: consecutive years up to the newer one
    page: int = 0  # where the newer report (or, for removed markets, the older) prints it
    excerpt: str = ""  # the entry's opening sentence or two, as the report prints them
    operator: str | None = None  # online: the company operating it, when known
    based_in: str | None = None  # online: where it is based, when known
    positive: str = ""  # removed: what the newer report's Positive Developments says of it

    @property
    def place(self) -> str | None:
        """The country it is in (physical) or based in (online), when known."""
        return self.country or self.based_in

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "market_id": self.market_id,
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "years_listed": list(self.years_listed),
            "first_listed": self.first_listed,
        }
        if self.old_name is not None:
            doc["old_name"] = self.old_name
        if self.years_absent:
            doc["years_absent"] = list(self.years_absent)
        if self.streak:
            doc["streak"] = self.streak
        doc.update(excerpt=self.excerpt, operator=self.operator, page=self.page)
        if self.based_in:
            doc["based_in"] = self.based_in
        if self.positive:
            doc["positive_development"] = self.positive
        return doc


@dataclass(frozen=True)
class Changes:
    old: int | None
    new: int
    new_entries: tuple[Item, ...]  # not in the older year; returning ones included
    returning: tuple[Item, ...]  # listed before, absent from the older year
    removed: tuple[Item, ...]
    still_listed: tuple[Item, ...]
    renamed: tuple[Item, ...]
    possible_matches: tuple[PossibleMatchRecord, ...] = ()

    @property
    def first_time(self) -> tuple[Item, ...]:
        returning = {i.market_id for i in self.returning}
        return tuple(i for i in self.new_entries if i.market_id not in returning)

    def to_json(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "new_entries": [i.to_json() for i in self.new_entries],
            "returning": [i.to_json() for i in self.returning],
            "removed": [i.to_json() for i in self.removed],
            "still_listed": [i.to_json() for i in self.still_listed],
            "renamed": [i.to_json() for i in self.renamed],
            "possible_matches": [p.to_json() for p in self.possible_matches],
            "by_kind": self.by_kind(),
            "by_country": self.by_country(),
            "by_operator": self.by_operator(),
        }

    def states(self) -> dict[str, tuple[Item, ...]]:
        """The items by state; a returning market is `returning`, not also `new`."""
        items = (self.first_time, self.returning, self.removed, self.still_listed)
        return dict(zip(STATES, items, strict=True))

    def by_kind(self) -> dict[str, dict[str, int]]:
        """Per kind: how many the newer and the older list hold, and how many in each state."""
        out: dict[str, dict[str, int]] = {}
        for kind in KINDS:
            n = {s: sum(1 for i in items if i.kind == kind) for s, items in self.states().items()}
            listed = n["new"] + n["returning"] + n["still_listed"]
            out[kind] = {"listed": listed, "before": n["removed"] + n["still_listed"], **n}
        return out

    def by_country(self) -> dict[str, dict[str, int]]:
        """Per country (a physical market's, an online market's base when known): how many in
        each state, the countries with the most markets first."""
        out: dict[str, dict[str, int]] = {}
        for state, items in self.states().items():
            for i in items:
                if i.place:
                    out.setdefault(i.place, dict.fromkeys(STATES, 0))[state] += 1
        return dict(sorted(out.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])))

    def by_operator(self) -> dict[str, dict[str, list[str]]]:
        """Per known operator: its markets' names in each state (states with none left out)."""
        out: dict[str, dict[str, list[str]]] = {}
        for state, items in self.states().items():
            for i in items:
                if i.operator:
                    out.setdefault(i.operator, {}).setdefault(state, []).append(i.name)
        return dict(sorted(out.items(), key=lambda kv: (-sum(map(len, kv[1].values())), kv[0])))


def compare(
    old_year: int | None,
    new_year: int,
    old: Sequence[Listing],
    new: Sequence[Listing],
    years_listed: Mapping[str, Sequence[int]],
    stored_years: Sequence[int],
    possible_matches: Sequence[PossibleMatchRecord] = (),
    positive: Sequence[str] = (),
) -> Changes:
    """Compare the listings of `old_year` (None: nothing before) with those of `new_year`.
    `years_listed` gives every market's listed years; only years up to `new_year` count;
    `positive`: the sentences of the newer report's Positive Developments section."""
    items = _Items(years_listed, new_year)
    before = {li.market_id: li for li in old}
    after = {li.market_id: li for li in new}
    new_entries, returning, still, renamed = [], [], [], []
    for li in new:
        listed = items.years(li.market_id)
        if li.market_id not in before:
            earlier = [y for y in listed if y < new_year]
            if earlier:
                absent = tuple(y for y in stored_years if max(earlier) < y < new_year)
                returning.append(items.item(li, years_absent=absent))
                new_entries.append(returning[-1])
            else:
                new_entries.append(items.item(li))
            continue
        still.append(items.item(li, streak=_streak(listed, new_year)))
        old_name = before[li.market_id].entry.name
        if old_name.casefold() != li.entry.name.casefold():
            renamed.append(items.item(li, old_name=old_name))
    removed = [
        items.item(li, positive=mention(positive, [li.entry.name, *li.entry.domains]))
        for li in old
        if li.market_id not in after
    ]
    return Changes(
        old_year,
        new_year,
        tuple(new_entries),
        tuple(returning),
        tuple(removed),
        tuple(still),
        tuple(renamed),
        tuple(possible_matches),
    )


@dataclass(frozen=True)
class _Items:
    """Diff items of listings, with their listed years up to the newer year."""

    years_listed: Mapping[str, Sequence[int]]
    new_year: int

    def years(self, market_id: str) -> tuple[int, ...]:
        return tuple(y for y in self.years_listed.get(market_id, ()) if y <= self.new_year)

    def item(self, listing: Listing, **extra: Any) -> Item:
        listed = self.years(listing.market_id) or (listing.review_year,)
        e = listing.entry
        return Item(
            listing.market_id,
            e.name,
            e.kind,
            e.country,
            listed,
            min(listed),
            page=e.page,
            excerpt=opening(e.excerpt),
            operator=e.operator,
            based_in=e.based_in,
            **extra,
        )


def _streak(listed: Sequence[int], year: int) -> int:
    years, n = set(listed), 0
    while year - n in years:
        n += 1
    return n
