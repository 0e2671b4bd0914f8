"""Market identity across the years: which stored market does a printed heading name?

Pure: known markets and a report's entries in, one decision per entry out. The rules, strongest
first, and each only within one kind (online or physical):

1. aliases: the configured ones, then a few built-in equivalences of real drift that no rule
   can see (`KAT.PH` / `KICKASS.TO`); all names of one alias class are one market;
2. domains (online): a shared domain, or a name equal to a two-label domain's name (`VK` and
   `vk.com`);
3. names: the same normalised name (case, punctuation, spacing, diacritics, a leading article,
   a trailing TLD); physical markets also need the same country and compatible places (a city or
   province in common, or none given; `Kiev` is `Kyiv`); a parenthesised alternative name counts
   (`Silk Market (Silk Street)`), and so does the name without generic words (`MBK Mall`,
   `MBK Center`) when both sides name a place in common;
4. fuzzy: a near-identical name (same digits, rapidfuzz ratio >= 95) links; a lesser likeness
   (>= 80) is reported as a possible match for a human and does not merge.

A wrong merge is worse than a missed one: when a rule finds two different markets, it declines.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tracker import headings as hd
from tracker.model import Entry, Kind

FUZZY_LINK = 95.0
FUZZY_POSSIBLE = 80.0

# real drift that no rule can decide, from the public history of the list
BUILTIN_ALIASES: tuple[tuple[str, ...], ...] = (
    ("Kat.ph", "KickassTorrents", "Kickass.to", "Kat.cr", "Kickass Torrents"),
    ("VKontakte", "VK", "Vk.com"),
)
_ARTICLES = ("the", "el", "la", "los", "las", "le", "les", "il", "o", "a")
_GENERIC = re.compile(
    r"\b(?:markets?|mercados?|malls?|bazaa?rs?|plaza|cent(?:er|re)s?|street|road|rua|calle|"
    r"avenida|jalan|complex|shopping|wholesale|group|sites?|inc|ltd|llc|co)\b"
)
_ONLINE_GENERIC = re.compile(
    r"\b(?:hosted|sites?|group|ecosystem|e ?commerce|platforms?|networks?|services?|inc|ltd|llc)\b"
)
_CITY_SAME = {
    "kiev": "kyiv",
    "bombay": "mumbai",
    "calcutta": "kolkata",
    "madras": "chennai",
    "peking": "beijing",
    "canton": "guangzhou",
    "saigon": "hochiminhcity",
    "hochiminh": "hochiminhcity",
    "bangalore": "bengaluru",
    "newdelhi": "delhi",
}
_COUNTRY_SAME = {
    "vietnam": "vietnam",
    "vietnamese": "vietnam",
    "turkiye": "turkey",
    "russianfederation": "russia",
    "kyrgyzstan": "kyrgyzrepublic",
    "burma": "myanmar",
    "czechia": "czechrepublic",
    "southkorea": "korea",
    "republicofkorea": "korea",
    "macao": "macau",
    "uae": "unitedarabemirates",
}
_SECOND_LEVEL = {"co", "com", "net", "org", "gov", "ac", "edu"}


def squash(text: str) -> str:
    """Lower-case letters and digits only, diacritics removed."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode().lower())


def _words(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    ascii_text = decomposed.encode("ascii", "ignore").decode().lower()
    ascii_text = re.sub(r"'s\b", "s", ascii_text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_text).split())


def _without_tld(text: str) -> str:
    return re.sub(r"\.[a-z]{2,24}$", "", text.strip(), flags=re.I) if hd.is_domain(text) else text


def name_keys(name: str) -> set[str]:
    """Exact-match keys of a printed name: the whole name and, for `A (B)` and `A / B`, each
    part; each with and without a leading article and a trailing TLD."""
    parts = [name]
    if m := re.match(r"^(.*\S)\s*\(([^()]+)\)\s*$", name):
        parts += [m.group(1), m.group(2)]
    slashed = [p.strip() for p in re.split(r"\s*/\s*", name) if p.strip()]
    if " / " in name or (len(slashed) > 1 and all(hd.is_domain(p) for p in slashed)):
        parts += slashed  # `Libgen.io / Bookfi.net`, not `D/B/A`
    keys: set[str] = set()
    for n, part in enumerate(parts):
        variants = []
        words = _words(_without_tld(part))
        variants.append(words.replace(" ", ""))
        first, _, rest = words.partition(" ")
        if first in _ARTICLES and rest:
            variants.append(rest.replace(" ", ""))
        squashed = words.replace(" ", "")
        if squashed.startswith("the") and len(squashed) > 6:  # THEPIRATEBAY
            variants.append(squashed[3:])
        # the whole name may be short (`VK`); a part of it must say more than a letter or two
        keys.update(v for v in variants if v and (n == 0 or len(v) >= 3))
    return keys


def generic_keys(name: str, kind: Kind = "physical") -> set[str]:
    """Keys without generic words: `MBK Mall` -> `mbk` (used only with a place in common),
    `PRIVATE LAYER-HOSTED SITES` -> `privatelayer`."""
    generic = _GENERIC if kind == "physical" else _ONLINE_GENERIC
    out = set()
    for key_source in [name, *re.findall(r"\(([^()]+)\)", name), re.sub(r"\([^()]*\)", "", name)]:
        words = _words(key_source)
        first, _, rest = words.partition(" ")
        if first in _ARTICLES and rest:
            words = rest
        stripped = generic.sub(" ", words).replace(" ", "")
        if len(stripped) >= (3 if kind == "physical" else 5):
            out.add(stripped)
    return out


def domain_name_key(domain: str) -> str | None:
    """`vk.com` -> `vk`, `amazon.co.uk` -> `amazon`; None for deeper hosts (`pan.baidu.com`)."""
    labels = domain.lower().removeprefix("www.").split(".")
    if len(labels) == 3 and labels[1] in _SECOND_LEVEL and len(labels[2]) == 2:
        labels = [labels[0], f"{labels[1]}.{labels[2]}"]
    return squash(labels[0]) if len(labels) == 2 else None


def place_key(place: str) -> str:
    key = squash(place)
    return _CITY_SAME.get(key, key)


def country_key(country: str | None) -> str:
    key = squash(country or "")
    return _COUNTRY_SAME.get(key, key)


@dataclass(frozen=True)
class KnownMarket:
    """A stored market and everything printed for it so far."""

    id: str
    kind: Kind
    country: str | None = None
    names: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()  # cities and provinces printed in its headings


@dataclass(frozen=True)
class PossibleMatch:
    market_id: str
    score: float
    reason: str


@dataclass(frozen=True)
class Decision:
    """The market an entry is, or None for a market never seen before."""

    market_id: str | None
    reason: str  # alias | domain | name | generic-name | fuzzy | new
    possible: tuple[PossibleMatch, ...] = ()


def heading_domains(entry: Entry) -> tuple[str, ...]:
    """The domains the heading prints: identity rests on these, not on the addresses the
    entry's text mentions (text may name another market's domain)."""
    if not entry.heading:
        return entry.domains
    return hd.online_heading(entry.heading).domains if entry.kind == "online" else ()


def entry_places(entry: Entry) -> frozenset[str]:
    """The city and any province a physical heading prints."""
    places = {entry.city} if entry.city else set()
    places.update(hd.location_parts(entry.heading or entry.name)[1:])
    return frozenset(p for p in places if p)


@dataclass(frozen=True)
class _AliasClass:
    keys: frozenset[str]
    market_id: str = ""  # set when a configured alias names a market id


@dataclass
class Resolver:
    known: Sequence[KnownMarket]
    aliases: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        configured = [
            _AliasClass(frozenset(name_keys(printed) | name_keys(target)), target)
            for printed, target in self.aliases.items()
        ]
        builtin = [
            _AliasClass(frozenset().union(*(name_keys(n) for n in group)))
            for group in BUILTIN_ALIASES
        ]
        self._classes = configured + builtin  # configured aliases come first
        self._keys = {m.id: _all_keys(m) for m in self.known}

    def resolve(self, entries: Sequence[Entry]) -> list[Decision]:
        """One decision per entry; two entries of one report never become one market."""
        out: list[Decision] = []
        taken: set[str] = set()
        for entry in entries:
            decision = self.decide(entry, exclude=taken)
            if decision.market_id:
                taken.add(decision.market_id)
            out.append(decision)
        return out

    def decide(self, entry: Entry, exclude: Iterable[str] = ()) -> Decision:
        excluded = set(exclude)
        pool = [m for m in self.known if m.kind == entry.kind and m.id not in excluded]
        keys = name_keys(entry.name)
        steps: list[tuple[str, list[KnownMarket]]] = [
            ("alias", self._by_alias(entry, keys, pool)),
            ("domain", _by_domain(entry, pool, self._keys) if entry.kind == "online" else []),
            ("name", [m for m in pool if keys & self._keys[m.id] and _near(entry, m, False)]),
            ("generic-name", _by_generic(entry, pool)),
        ]
        for reason, found in steps:
            ids = sorted({m.id for m in found})
            if len(ids) == 1:
                return Decision(ids[0], reason)
            if len(ids) > 1:  # two markets fit: a human decides
                return Decision(None, "new", tuple(PossibleMatch(i, 100.0, reason) for i in ids))
        return _fuzzy(entry, pool)

    def _by_alias(self, entry: Entry, keys: set[str], pool: list[KnownMarket]) -> list[KnownMarket]:
        found: list[KnownMarket] = []
        for cls in self._classes:
            if not keys & cls.keys:
                continue
            by_id = [m for m in pool if m.id == cls.market_id]
            if by_id:
                return by_id
            found += [m for m in pool if self._keys[m.id] & cls.keys and _same_country(entry, m)]
            if found:
                return found
        return found


def _all_keys(market: KnownMarket) -> set[str]:
    return set().union(*(name_keys(n) for n in market.names))


def _same_country(entry: Entry, market: KnownMarket) -> bool:
    return entry.kind == "online" or country_key(entry.country) == country_key(market.country)


def _near(entry: Entry, market: KnownMarket, place_required: bool) -> bool:
    """Same country, and places that agree (or, unless required, are not both known)."""
    if entry.kind == "online":
        return True
    if not _same_country(entry, market):
        return False
    mine = {place_key(p) for p in entry_places(entry)}
    theirs = {place_key(p) for p in market.places}
    if not mine or not theirs:
        return not place_required
    return any(a == b or a in b or b in a for a in mine for b in theirs)


def _by_domain(
    entry: Entry, pool: list[KnownMarket], keys: Mapping[str, set[str]]
) -> list[KnownMarket]:
    """A shared domain, or a name that is another's two-label domain (`VK`, `vk.com`)."""
    mine = {d.lower().removeprefix("www.") for d in heading_domains(entry)}
    my_labels = {k for k in map(domain_name_key, mine) if k}
    my_names = name_keys(entry.name)
    found = []
    for m in pool:
        theirs = {d.lower().removeprefix("www.") for d in m.domains}
        their_labels = {k for k in map(domain_name_key, theirs) if k}
        if mine & theirs or my_labels & keys[m.id] or my_names & their_labels:
            found.append(m)
    return found


def _by_generic(entry: Entry, pool: list[KnownMarket]) -> list[KnownMarket]:
    keys = generic_keys(entry.name, entry.kind)
    return [
        m
        for m in pool
        if keys & set().union(*(generic_keys(n, m.kind) for n in m.names))
        and _near(entry, m, place_required=True)
    ]


def _fuzzy(entry: Entry, pool: list[KnownMarket]) -> Decision:
    """Link a near-identical name with the same digits; report lesser likeness."""
    from rapidfuzz import fuzz

    mine = squash(entry.name)
    digits = re.sub(r"\D", "", mine)
    scored: list[tuple[float, bool, str]] = []
    for m in pool:
        if not m.names or not _near(entry, m, place_required=False):
            continue
        score, name = max((fuzz.ratio(mine, squash(n)), n) for n in m.names)
        scored.append((score, re.sub(r"\D", "", squash(name)) == digits, m.id))
    scored.sort(reverse=True)
    strong = [i for s, same_digits, i in scored if s >= FUZZY_LINK and same_digits]
    if len(strong) == 1 and len(mine) >= 6:
        return Decision(strong[0], "fuzzy")
    possible = tuple(
        PossibleMatch(i, round(s, 1), "fuzzy") for s, _, i in scored[:3] if s >= FUZZY_POSSIBLE
    )
    return Decision(None, "new", possible)


def slug(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    ascii_text = decomposed.encode("ascii", "ignore").decode().lower().replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "market"


def new_market_id(entry: Entry, taken: set[str]) -> str:
    """A readable, stable id for a market seen for the first time."""
    base = slug(entry.name)
    if base in taken and entry.kind == "physical" and entry.country:
        base = f"{base}-{slug(entry.country)}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
