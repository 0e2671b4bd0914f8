"""The listings of a history in a canonical order that depends only on their content, each
with its features and the curated identities and configured aliases it carries as tags."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from tracker.model import Entry
from tracker.resolve.features import Profile, exact_keys, profile, squash
from tracker.resolve.knowledge import Knowledge
from tracker.resolve.types import PriorListing, YearListings


class Listing:
    __slots__ = ("entry", "index", "profile", "tags", "year")

    def __init__(self, year: int, index: int, entry: Entry, prof: Profile, tags: frozenset[str]):
        self.year, self.index, self.entry, self.profile, self.tags = year, index, entry, prof, tags


def content_key(year: int, e: Entry) -> tuple[object, ...]:
    return (
        year,
        e.kind,
        squash(e.name),
        e.name,
        e.heading,
        e.country or "",
        e.city or "",
        e.domains,
        e.page,
        e.excerpt,
    )


def listings_of(
    history: Sequence[YearListings], knowledge: Knowledge, previous: Sequence[PriorListing]
) -> list[Listing]:
    raw = [(y.year, i, e) for y in history for i, e in enumerate(y.entries)]
    raw.sort(key=lambda t: content_key(t[0], t[2]))
    tagger = Tagger(knowledge, previous)
    out = []
    for year, index, entry in raw:
        prof = profile(entry, knowledge.same_place, knowledge.within)
        out.append(Listing(year, index, entry, prof, tagger.tags(year, entry, prof)))
    return out


class Tagger:
    """Curated identities and configured aliases as tags: listings sharing a tag are linked."""

    def __init__(self, knowledge: Knowledge, previous: Sequence[PriorListing]) -> None:
        self.by_key: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for ident in knowledge.identities:
            country = knowledge.country_of(ident)
            for name in ident.names:
                for key in exact_keys(name):
                    self.by_key[(ident.kind, key)].append((f"id:{ident.id}", country))
        curated = {i.id for i in knowledge.identities}
        self.prior: dict[tuple[int, str], str] = {(p.year, p.name): p.market_id for p in previous}
        self.alias_keys: dict[str, str] = {}
        self.alias_ids: dict[str, str] = {}
        for printed, target in knowledge.aliases.items():
            tag = f"id:{target}" if target in curated else f"alias:{squash(target)}"
            for key in exact_keys(printed) | exact_keys(target):
                self.alias_keys.setdefault(key, tag)
            self.alias_ids[target] = tag

    def tags(self, year: int, entry: Entry, prof: Profile) -> frozenset[str]:
        keys = prof.exact | prof.parts | prof.labels
        found = set()
        for key in keys:
            for tag, country in self.by_key.get((entry.kind, key), ()):
                if not country or not prof.countries or country in prof.countries:
                    found.add(tag)
            if key in self.alias_keys:
                found.add(self.alias_keys[key])
        prior = self.prior.get((year, entry.name))
        if prior in self.alias_ids:
            found.add(self.alias_ids[prior])
        return frozenset(found)
