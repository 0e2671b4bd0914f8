"""What a clustering tells beyond the ids: the printed names that changed between listed years,
and where each stored id that is no longer in use now points."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence

from tracker.resolve.features import squash
from tracker.resolve.listings import Listing
from tracker.resolve.types import NameChange, PriorListing


def name_changes(
    clusters: list[list[int]], listings: list[Listing], id_of: dict[int, str]
) -> tuple[NameChange, ...]:
    out = []
    for members in clusters:
        for before, after in itertools.pairwise(members):
            old, new = listings[before].entry.name, listings[after].entry.name
            if old.casefold() != new.casefold():
                out.append(NameChange(id_of[after], listings[after].year, old, new))
    return tuple(sorted(out, key=lambda c: (c.year, c.market_id)))


def redirects(
    previous: Sequence[PriorListing], listings: list[Listing], id_of: dict[int, str]
) -> dict[str, str]:
    """Each stored id no longer in use -> the market now holding most of its listings (ties:
    the one holding its earliest listing)."""
    where = {(li.year, li.entry.name): n for n, li in enumerate(listings)}
    squashed = {(li.year, squash(li.entry.name)): n for n, li in enumerate(listings)}
    live = set(id_of.values())
    votes: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for p in previous:
        n = where.get((p.year, p.name), squashed.get((p.year, squash(p.name))))
        if n is not None and p.market_id not in live:
            votes[p.market_id][id_of[n]].append(p.year)
    return {
        old: min(targets, key=lambda t: (-len(targets[t]), min(targets[t]), t))
        for old, targets in sorted(votes.items())
    }
