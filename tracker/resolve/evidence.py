"""How strongly two groups of listings are one market: the rules, strongest first.

A group is one listing or a cluster of them; its features are the union of its listings'
profiles, so a place or a name printed in any year counts (`La Salada` printed with Buenos Aires
one year, Lomas de Zamora another and both a third). Each rule gives a score; the clusterer links
groups at `LINK` or more, strongest first, and reports `POSSIBLE` or more as a possible match.

| rule              | score | what it needs                                                   |
|-------------------|-------|-----------------------------------------------------------------|
| curated / alias   | 0.97  | names of one curated identity or configured alias               |
| domain            | 0.95  | a domain both headings print (online)                           |
| name              | 0.92  | the same name once case, spacing, accents, article, TLD go      |
| domain-name       | 0.90  | one's name is the other's two-label domain (`VK`, `vk.com`)     |
| name-part         | 0.88  | one's alternative name (`A (B)`, `A / B`, `d/b/a B`) is the other |
| transliteration   | 0.85  | the same name under romanisation rules (`-iy`/`-y`, `kh`/`h`)    |
| descriptor        | 0.80  | the same name once `Market`, `Mall`, `Trade Center`... go        |
| fuzzy             | 0.75  | near-identical (ratio >= 92), same digits, 6+ letters             |
| similar           | 0.45  | ratio >= 80, digits differ (`TORRENTZ2`), or online names that |
|                   |       | start with the same word (`Sogou MP3` / `Sogou.com`): never links |

Physical markets also need the same country (when both print one) and places that agree:
a city in common (+0.03), any place in common, knowledge's containment included (+0.02), or no
place on one side (-0.04). With places that disagree, a name links only when it is distinctive
(`La Salada`, not `Central Market`) and the two were listed in consecutive years: otherwise it is
a possible match. A descriptor or fuzzy match needs a place in common (`Dragon Mall` / `Dragon
Plaza` with no place printed is a possible match). Listed in consecutive stored years: +0.02
(the strongest tie-breaker).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from tracker.model import Kind
from tracker.resolve.features import Profile

LINK = 0.6
POSSIBLE = 0.4
FUZZY_LINK = 92.0
FUZZY_POSSIBLE = 80.0

_STRONG_NAME = frozenset({"name", "name-part", "transliteration", "domain-name"})


class Link(NamedTuple):
    score: float
    reason: str


@dataclass
class Group:
    """The features of one or more listings of a market, united."""

    kind: Kind
    members: list[int] = field(default_factory=list)
    years: set[int] = field(default_factory=set)
    ranks: set[int] = field(default_factory=set)  # positions of `years` among stored years
    forbidden: set[int] = field(default_factory=set)  # listings a person said it is not
    exact: set[str] = field(default_factory=set)
    parts: set[str] = field(default_factory=set)
    core: set[str] = field(default_factory=set)
    translit: set[str] = field(default_factory=set)
    fuzzy: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    cities: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)
    digits: set[str] = field(default_factory=set)
    lead: set[str] = field(default_factory=set)
    distinctive: bool = False

    def add(self, p: Profile, tags: frozenset[str] = frozenset()) -> None:
        self.exact |= p.exact
        self.parts |= p.parts
        self.core |= p.core
        self.translit |= p.translit
        self.fuzzy |= p.fuzzy
        self.domains |= p.domains
        self.labels |= p.labels
        self.tags |= tags
        self.countries |= p.countries
        self.cities |= p.cities
        self.places |= p.places
        self.digits |= p.digits
        self.lead |= p.lead
        self.distinctive = self.distinctive or p.distinctive

    def absorb(self, other: Group) -> None:
        for name in ("members",):
            getattr(self, name).extend(getattr(other, name))
        for name in _SET_FIELDS:
            getattr(self, name).update(getattr(other, name))
        self.distinctive = self.distinctive or other.distinctive

    def conflicts(self, other: Group) -> bool:
        """Two listings of one year are never one market; nor what a person split apart."""
        return bool(
            self.years & other.years
            or self.forbidden.intersection(other.members)
            or other.forbidden.intersection(self.members)
        )

    def adjacent(self, other: Group) -> bool:
        return any(r + 1 in other.ranks or r - 1 in other.ranks for r in self.ranks)


_SET_FIELDS = (
    *("years", "ranks", "forbidden", "exact", "parts", "core", "translit", "fuzzy", "domains"),
    *("labels", "tags", "countries", "cities", "places", "digits", "lead"),
)


def evidence(a: Group, b: Group, ratio: dict[tuple[str, str], float]) -> Link | None:
    """The strongest rule that says `a` and `b` are one market, or None. `ratio` holds the
    similarity (0-100) of fuzzy keys that are at least `FUZZY_POSSIBLE` alike."""
    if a.kind != b.kind:
        return None
    physical = a.kind == "physical"
    if physical and a.countries and b.countries and not a.countries & b.countries:
        return None
    bonus = 0.02 if a.adjacent(b) else 0.0
    if a.tags & b.tags:
        tag = min(a.tags & b.tags)
        return Link(0.97 + bonus, "alias" if tag.startswith("alias:") else "curated")
    if a.domains & b.domains:
        return Link(0.95 + bonus, "domain")
    found = _name_rule(a, b, ratio)
    if found is None:
        return None
    if not physical:
        return Link(found.score + bonus, found.reason)
    return _with_places(a, b, found, bonus)


def _name_rule(a: Group, b: Group, ratio: dict[tuple[str, str], float]) -> Link | None:
    if a.exact & b.exact:
        return Link(0.92, "name")
    if a.labels & b.exact or b.labels & a.exact:
        return Link(0.90, "domain-name")
    if a.parts & (b.exact | b.parts) or b.parts & a.exact:
        return Link(0.88, "name-part")
    if a.translit & b.translit:
        return Link(0.85, "transliteration")
    if a.core & b.core:
        return Link(0.80, "descriptor")
    best = max((ratio.get((x, y), 0.0) for x in a.fuzzy for y in b.fuzzy), default=0.0)
    if best >= FUZZY_LINK and a.digits & b.digits and min(map(len, a.fuzzy | b.fuzzy)) >= 6:
        return Link(0.75, "fuzzy")
    if best >= FUZZY_POSSIBLE or a.lead & b.lead:
        return Link(0.45, "similar")
    return None


def place_level(a: Group, b: Group) -> int:
    """3: a city in common; 2: any place in common; 1: one side prints none; 0: they disagree."""
    if not a.places or not b.places:
        return 1
    if a.cities & b.cities or _near(a.cities, b.cities):
        return 3
    if a.places & b.places or _near(a.places, b.places):
        return 2
    return 0


def _near(xs: set[str], ys: set[str]) -> bool:
    """`newdelhi` / `delhi`: one place's name inside the other's."""
    return any((x in y or y in x) for x in xs for y in ys if min(len(x), len(y)) >= 4 and x != y)


def _with_places(a: Group, b: Group, found: Link, bonus: float) -> Link:
    level = place_level(a, b)
    score, reason = found
    if reason == "similar":
        return Link(score + bonus, reason)
    consecutive = bonus > 0
    distinct = a.distinctive or b.distinctive
    if reason in _STRONG_NAME:
        if level >= 2:
            return Link(score + 0.01 * level - 0.01 + bonus, reason)
        if level == 1:
            return Link(score - (0.04 if distinct else 0.14) + bonus, reason)
        if distinct and consecutive:
            return Link(0.62, f"{reason}, other place")
        return Link(0.5, f"{reason}, other place")
    # descriptor and fuzzy matches say less: they need the place to agree
    if level >= 2:
        return Link(score + 0.01 * level - 0.01 + bonus, reason)
    return Link(0.5 if level == 1 else 0.42, f"{reason}, other place" if level == 0 else reason)
