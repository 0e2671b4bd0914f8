"""Market ids: a deterministic function of each cluster, so the same history always gets the
same ids, and appending a year never renames a market it does not merge.

A cluster's id is, in order of precedence: the slug of the name a person gave it; the id of the
curated identity its listings carry; the slug of its earliest listing's name. When several
clusters want one id, the earliest-listed one (then the canonically first) gets it and the
others get `-<country>` (physical) or `-2`, `-3`, ...
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Protocol

from tracker import headings as hd
from tracker.model import Entry
from tracker.resolve.knowledge import Knowledge
from tracker.resolve.types import Market


class _Listing(Protocol):
    year: int
    index: int
    entry: Entry
    tags: frozenset[str]


def slug(text: str, limit: int = 48) -> str:
    """`Rua 25 de Março` -> `rua-25-de-marco`; a name printed as a domain loses its TLD
    (`Rapidgator.net` -> `rapidgator`); long names are cut at a word."""
    if hd.is_domain(text.strip()):
        text = re.sub(r"\.[a-z]{2,24}$", "", text.strip(), flags=re.I)
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    ascii_text = decomposed.encode("ascii", "ignore").decode().lower().replace("'", "")
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "market"
    while len(out) > limit and "-" in out:
        out = out.rsplit("-", 1)[0]
    return out


_RENAMED, _CURATED, _RULES = 0, 1, 2
_SOURCE = {_RENAMED: "renamed", _CURATED: "curated", _RULES: "rules"}


def assign_ids(
    clusters: Sequence[list[int]],
    listings: Sequence[_Listing],
    knowledge: Knowledge,
    renames: Mapping[int, str],
) -> tuple[tuple[Market, ...], dict[int, str]]:
    """`clusters`: listing numbers, oldest first; `renames`: a cluster's smallest listing number
    -> the name a person gave it. Returns the markets and each listing's market id."""
    curated = {i.id for i in knowledge.identities}
    claims = []
    for members in clusters:
        root = min(members)
        first = listings[members[0]]
        if root in renames:
            claims.append((_RENAMED, first.year, root, slug(renames[root]), members))
            continue
        tagged = [t[3:] for n in members for t in sorted(listings[n].tags) if t.startswith("id:")]
        wanted = next((t for t in tagged if t in curated), None)
        if wanted:
            claims.append((_CURATED, first.year, root, wanted, members))
        else:
            claims.append((_RULES, first.year, root, slug(first.entry.name), members))
    claims.sort(key=lambda c: (c[0], c[1], c[2]))
    taken: set[str] = set()
    markets: list[Market] = []
    id_of: dict[int, str] = {}
    for priority, _, root, wanted, members in claims:
        if priority == _CURATED and wanted in taken:
            priority, wanted = _RULES, slug(listings[members[0]].entry.name)
        market_id = _free(wanted, listings[members[-1]].entry, taken)
        taken.add(market_id)
        for n in members:
            id_of[n] = market_id
        markets.append(_market(market_id, members, listings, renames.get(root), priority))
    markets.sort(key=lambda m: (m.years[0], m.id))
    return tuple(markets), id_of


def _free(base: str, latest: Entry, taken: set[str]) -> str:
    if base not in taken:
        return base
    if latest.kind == "physical" and latest.country:
        with_country = f"{base}-{slug(latest.country)}"
        if with_country not in taken:
            return with_country
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _market(
    market_id: str,
    members: list[int],
    listings: Sequence[_Listing],
    renamed: str | None,
    priority: int,
) -> Market:
    latest = listings[members[-1]].entry
    country = next(
        (listings[n].entry.country for n in reversed(members) if listings[n].entry.country), None
    )
    return Market(
        id=market_id,
        name=renamed or latest.name,
        kind=latest.kind,
        country=country,
        years=tuple(listings[n].year for n in members),
        listings=tuple((listings[n].year, listings[n].index) for n in members),
        source=_SOURCE[priority],
    )


def chain_redirects(
    stored: Mapping[str, str], new: Mapping[str, str], live: set[str]
) -> dict[str, str]:
    """The store's redirect table after a re-clustering: `stored` (old -> id) followed through
    `new`, so every entry points at a live id; an id that is live again is no redirect."""
    merged = {**stored, **new}
    out = {}
    for old in merged:
        target, seen = merged[old], {old}
        while target in merged and target not in live and target not in seen:
            seen.add(target)
            target = merged[target]
        if old not in live and target in live:
            out[old] = target
    return out
