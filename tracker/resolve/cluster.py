"""Identity as a property of the whole history: every stored year's listings in, clusters out.

Pure and deterministic: the listings are first put in a canonical order that depends only on
their content, so the result does not depend on the order of years or of entries. Then:

1. corrections: a person's merges are applied first; splits become cannot-links;
2. atoms: listings printed identically (name, places, domains) in different years are one;
3. agglomeration: groups are linked strongest evidence first (evidence.py), never two listings
   of one year and never across a split; after each link the new group's neighbours are scored
   again, so evidence printed in any year counts for the whole market;
4. what could not be linked but may be one market is reported as a possible match, with the
   listing that raised the doubt; nothing weak is ever linked and ambiguity never mints a market
   for a listing that has a plausible stored market: it joins the strongest and the other
   candidate becomes a possible match.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process

from tracker.resolve.evidence import FUZZY_POSSIBLE, LINK, POSSIBLE, Group, Link, evidence
from tracker.resolve.features import squash
from tracker.resolve.ids import assign_ids
from tracker.resolve.knowledge import Knowledge
from tracker.resolve.listings import Listing, listings_of
from tracker.resolve.results import name_changes, redirects
from tracker.resolve.types import (
    Assignment,
    Clustering,
    Correction,
    ListingKey,
    Merge,
    PossibleMatch,
    PriorListing,
    Rejected,
    Rename,
    Split,
    YearListings,
)


def cluster(
    history: Sequence[YearListings],
    knowledge: Knowledge | None = None,
    corrections: Sequence[Correction] = (),
    previous: Sequence[PriorListing] = (),
) -> Clustering:
    """Give every listing of every year a market id.

    `history`: every stored year's current list. `knowledge`: curated identities, places and
    the configured aliases (default: the built-in table). `corrections`: a person's merges,
    splits and renames, oldest first. `previous`: the ids the store holds now, used to name the
    targets of aliases that are market ids and to compute `redirects`; clusters and ids never
    depend on it otherwise."""
    knowledge = knowledge or Knowledge.builtin()
    listings = listings_of(history, knowledge, previous)
    ranks = {y: r for r, y in enumerate(sorted({y.year for y in history}))}
    state = _State(listings, ranks)
    rejected = state.apply_corrections(corrections)
    state.atomize()
    state.agglomerate()
    clusters = state.clusters()
    renames = _renames(corrections, listings, state)
    markets, id_of = assign_ids(clusters, listings, knowledge, renames)
    assignments = _assignments(clusters, listings, id_of, state)
    return Clustering(
        markets=markets,
        assignments=assignments,
        possible=state.possible_matches(id_of),
        renames=name_changes(clusters, listings, id_of),
        redirects=redirects(previous, listings, id_of),
        rejected=tuple(rejected),
    )


# --- the clustering state ---------------------------------------------------------------------


class _State:
    def __init__(self, listings: list[Listing], ranks: dict[int, int]) -> None:
        self.listings = listings
        self.ranks = ranks
        self.parent = list(range(len(listings)))
        self.groups: dict[int, Group] = {}
        self.version: dict[int, int] = {}
        self.reason: dict[int, str] = {}  # listing -> why it was put with others by a person
        self.pinned: set[int] = set()  # listings a correction names: never atomized
        for n in range(len(listings)):
            self.groups[n] = self.single(n)
            self.version[n] = 0
        self.index: dict[tuple[str, str], set[int]] = defaultdict(set)
        self.ratio: dict[tuple[str, str], float] = {}
        self.near: dict[str, set[str]] = defaultdict(set)

    # union-find over listing numbers; a group's root is its smallest listing number
    def find(self, n: int) -> int:
        while self.parent[n] != n:
            self.parent[n] = self.parent[self.parent[n]]
            n = self.parent[n]
        return n

    def union(self, a: int, b: int) -> int:
        ra, rb = sorted((self.find(a), self.find(b)))
        self.parent[rb] = ra
        self.groups[ra].absorb(self.groups.pop(rb))
        self.version[ra] += 1
        return ra

    # 1. corrections
    def apply_corrections(self, corrections: Sequence[Correction]) -> list[Rejected]:
        rejected: list[Rejected] = []
        for c in corrections:
            if isinstance(c, Merge):
                rejected += self._merge(c)
            elif isinstance(c, Split):
                rejected += self._split(c)
            elif self.locate(c.listing) is None:
                rejected.append(Rejected(c, f"no listing {c.listing} in the stored years"))
        return rejected

    def locate(self, key: ListingKey) -> int | None:
        """The listing a person named: same year and name (exactly, else once squashed)."""
        same_year = [
            n
            for n, li in enumerate(self.listings)
            if li.year == key.year and (key.kind is None or li.entry.kind == key.kind)
        ]
        for match in (
            lambda li: li.entry.name == key.name,
            lambda li: squash(li.entry.name) == squash(key.name),
        ):
            found = [n for n in same_year if match(self.listings[n])]
            if found:
                return found[0]
        return None

    def _merge(self, c: Merge) -> list[Rejected]:
        a, b = self.locate(c.a), self.locate(c.b)
        if a is None or b is None:
            missing = c.a if a is None else c.b
            return [Rejected(c, f"no listing {missing} in the stored years")]
        ga, gb = self.groups[self.find(a)], self.groups[self.find(b)]
        if self.find(a) == self.find(b):
            return []
        if ga.kind != gb.kind:
            return [Rejected(c, f"{c.a} is {ga.kind} and {c.b} is {gb.kind}")]
        if ga.conflicts(gb):
            both = sorted(ga.years & gb.years)
            why = f"both are listed in {both[0]}" if both else "a split keeps them apart"
            return [Rejected(c, f"cannot merge {c.a} and {c.b}: {why}")]
        self.pinned |= {a, b}
        root = self.union(a, b)
        for n in self.groups[root].members:
            self.reason.setdefault(n, "correction")
        return []

    def _split(self, c: Split) -> list[Rejected]:
        n = self.locate(c.listing)
        if n is None:
            return [Rejected(c, f"no listing {c.listing} in the stored years")]
        others = [self.locate(k) for k in c.away_from]
        found = [o for o in others if o is not None and o != n]
        if not found:
            return [Rejected(c, f"none of the listings to split {c.listing} from is stored")]
        root = self.find(n)
        if any(self.find(o) == root for o in found):
            return [Rejected(c, f"{c.listing} was merged with them by a person: split the merge")]
        self.pinned |= {n, *found}
        self.groups[root].forbidden.update(found)
        for o in found:
            self.groups[self.find(o)].forbidden.add(n)
        return []

    # 2. atoms: the same heading printed in several years
    def atomize(self) -> None:
        by_print: dict[tuple[object, ...], list[int]] = defaultdict(list)
        for n, li in enumerate(self.listings):
            if n in self.pinned:
                continue
            p = li.profile
            key = (
                li.entry.kind,
                squash(li.entry.name),
                tuple(sorted(p.countries)),
                tuple(sorted(p.places)),
                tuple(sorted(p.domains)),
                tuple(sorted(li.tags)),
            )
            by_print[key].append(n)
        for members in by_print.values():
            seen: dict[int, int] = defaultdict(int)
            chains: dict[int, int] = {}
            for n in members:  # the k-th listing of each year joins the k-th chain
                k = seen[self.listings[n].year]
                seen[self.listings[n].year] += 1
                if k in chains:
                    chains[k] = self.union(chains[k], n)
                    self.reason.setdefault(n, "name")
                else:
                    chains[k] = n

    # 3. agglomeration
    def agglomerate(self) -> None:
        self._build_index()
        heap: list[tuple[float, int, int, int, int]] = []
        for root in sorted(self.groups):
            self._push_neighbours(root, heap)
        while heap:
            neg, a, b, va, vb = heapq.heappop(heap)
            if -neg < LINK:
                break
            if self.version.get(a) != va or self.version.get(b) != vb:
                continue
            if a not in self.groups or b not in self.groups:
                continue
            if self.groups[a].conflicts(self.groups[b]):
                continue
            root = self.union(a, b)
            self._push_neighbours(root, heap)

    def _keys(self, g: Group) -> Iterable[tuple[str, str]]:
        for k in g.exact | g.parts | g.labels:
            yield ("n", k)
        for k in g.core:
            yield ("c", k)
        for k in g.translit:
            yield ("t", k)
        for k in g.domains:
            yield ("d", k)
        for k in g.tags:
            yield ("g", k)
        for k in g.fuzzy:
            yield ("f", k)
        for k in g.lead:
            yield ("w", k)

    def _build_index(self) -> None:
        fuzzy_keys: dict[str, set[str]] = defaultdict(set)
        for root, g in self.groups.items():
            for key in self._keys(g):
                self.index[key].add(root)
            for k in g.fuzzy:
                fuzzy_keys[g.kind].add(k)
        for keys in fuzzy_keys.values():
            self._similar(sorted(keys))

    def _similar(self, keys: list[str]) -> None:
        """Pairs of fuzzy keys at least FUZZY_POSSIBLE alike, indexed both ways."""
        if len(keys) < 2:
            return
        for n, key in enumerate(keys[:-1]):
            rest = keys[n + 1 :]
            for other, score, _ in process.extract(
                key, rest, scorer=fuzz.ratio, score_cutoff=FUZZY_POSSIBLE, limit=None
            ):
                self.ratio[(key, other)] = self.ratio[(other, key)] = float(score)
        for x, y in self.ratio:
            self.near[x].add(y)

    def neighbours(self, root: int) -> set[int]:
        g = self.groups[root]
        found: set[int] = set()
        for key in self._keys(g):
            found.update(self.index.get(key, ()))
        for k in g.fuzzy:
            for other in self.near.get(k, ()):
                found.update(self.index.get(("f", other), ()))
        roots = {self.find(n) for n in found}
        roots.discard(root)
        return roots

    def _push_neighbours(self, root: int, heap: list[tuple[float, int, int, int, int]]) -> None:
        g = self.groups[root]
        for other in sorted(self.neighbours(root)):
            link = evidence(g, self.groups[other], self.ratio)
            if link is None or link.score < LINK:
                continue
            a, b = sorted((root, other))
            heapq.heappush(heap, (-round(link.score, 6), a, b, self.version[a], self.version[b]))

    def clusters(self) -> list[list[int]]:
        """Each group's listing numbers, oldest first; groups in canonical order."""
        out = []
        for root in sorted(self.groups):
            members = sorted(self.groups[root].members, key=lambda n: (self.listings[n].year, n))
            out.append(members)
        return out

    def single(self, n: int) -> Group:
        li = self.listings[n]
        g = Group(li.entry.kind, [n], {li.year}, {self.ranks[li.year]})
        g.add(li.profile, li.tags)
        return g

    # 4. what a person should look at
    def possible_matches(self, id_of: dict[int, str]) -> tuple[PossibleMatch, ...]:
        out = []
        for root in sorted(self.groups):
            for other in sorted(self.neighbours(root)):
                if other < root:
                    continue
                ga, gb = self.groups[root], self.groups[other]
                if ga.forbidden.intersection(gb.members) or gb.forbidden.intersection(ga.members):
                    continue  # a person already said these are two
                link = evidence(ga, gb, self.ratio)
                if link is None or link.score < POSSIBLE:
                    continue
                if link.score >= LINK and not ga.conflicts(gb):
                    continue  # cannot happen once agglomeration is done; kept for safety
                out.append(self._anchor(root, other, link, id_of))
        return tuple(sorted(out, key=lambda p: (p.year, p.index, p.candidate_id)))

    def _anchor(self, a: int, b: int, link: Link, id_of: dict[int, str]) -> PossibleMatch:
        """The doubt belongs to the market that appeared later, at its first listing that
        shows the evidence (the year its diff calls it new)."""
        first = {r: min(self.listings[n].year for n in self.groups[r].members) for r in (a, b)}
        later, earlier = (b, a) if (first[b], b) > (first[a], a) else (a, b)
        target = self.groups[earlier]
        best: tuple[float, int, int] | None = None
        for n in self.groups[later].members:
            li = self.listings[n]
            found = evidence(self.single(n), target, self.ratio)
            score = found.score if found else 0.0
            candidate = (-score, li.year, n)
            if best is None or candidate < best:
                best = candidate
        assert best is not None
        li = self.listings[best[2]]
        latest = max(target.members, key=lambda n: self.listings[n].year)
        return PossibleMatch(
            year=li.year,
            index=li.index,
            name=li.entry.name,
            market_id=id_of[best[2]],
            candidate_id=id_of[earlier],
            candidate_name=self.listings[latest].entry.name,
            score=round(link.score, 2),
            reason=link.reason,
        )


# --- results ----------------------------------------------------------------------------------


def _assignments(
    clusters: list[list[int]], listings: list[Listing], id_of: dict[int, str], state: _State
) -> tuple[Assignment, ...]:
    """Each listing's market, and the rule that ties it to the market's earlier listings."""
    out = []
    for members in clusters:
        earlier: Group | None = None
        for n in members:
            li = listings[n]
            single = state.single(n)
            if earlier is None:
                reason, score = "first", 1.0
                earlier = single
            else:
                found = evidence(single, earlier, state.ratio)
                if found is None or found.score < LINK:  # tied by a person, or through others
                    reason, score = state.reason.get(n, "chain"), found.score if found else 0.0
                else:
                    reason, score = found.reason, found.score
                earlier.absorb(single)
            out.append(Assignment(li.year, li.index, id_of[n], reason, round(score, 2)))
    return tuple(sorted(out, key=lambda a: (a.year, a.index)))


def _renames(
    corrections: Sequence[Correction], listings: list[Listing], state: _State
) -> dict[int, str]:
    """The root of each renamed cluster and its new name (a later rename wins)."""
    out: dict[int, str] = {}
    for c in corrections:
        if isinstance(c, Rename) and (n := state.locate(c.listing)) is not None:
            out[state.find(n)] = c.name
    return out
