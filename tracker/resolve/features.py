"""What one printed listing says about its identity: normalised keys, domains, places.

Pure string rules, each a small function with its own table tests (tests/test_resolve_rules.py).
A `Profile` gathers them for one listing; clusters union their members' profiles.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from tracker import headings as hd
from tracker.model import Entry, Kind


def _words_of(text: str) -> frozenset[str]:
    return frozenset(text.split())


ARTICLES = frozenset(("the", "el", "la", "los", "las", "le", "les", "il", "o", "a"))
# descriptors a market gains or loses while staying itself (`Saigon Square Trade Center`,
# `MBK Mall` / `MBK Center`, `Bahia Market` / `La Bahia`, `Luohu Commercial City`)
DESCRIPTORS = _words_of(
    """market markets mercado mercados mall malls bazaar bazar bazaars plaza center centre centers
    centres trade trading commercial city complex shopping wholesale electronics international
    building arcade souk pasar tianguis galeria galleria shops stores"""
)
# words in front of a place name that are part of an address, not of the market's identity
# (`Rua 25 de Março` / `25 de Marco`, `Mercado San Juan de Dios`)
LEADING_STREET = _words_of("rua calle avenida av jalan jl mercado pasar")
# words that say nothing about which market it is; a name made only of these and descriptors
# (`Central Market`, `Grand Bazaar`) needs a place in common to be linked across years
COMMON = _words_of(
    """central grand new old big great main national golden royal night flea china asia global
    world general public peoples little east west north south eastern western northern southern
    mega super modern first local chinese"""
)
# the goods a market is named for, or a street word, in front of a descriptor: `Anfu Shoe Market`
# / `Anfu Market`, `Zhanxi Road Market` / `Zhanxi Market` (a second key; `Tank Road` keeps its own)
GOODS = _words_of(
    """clothing clothes garment garments shoe shoes footwear toy toys leather gift gifts textile
    textiles fabric fabrics watch watches bag bags jewelry jewellery computer computers phone
    phones mobile fashion road street children kids furniture"""
)
ONLINE_GENERIC = _words_of(
    """hosted sites site group ecosystem ecommerce e commerce platform platforms network networks
    service services inc ltd llc bv b v jsc sa gmbh limited co corp company dba d b a
    clones"""
)
_DIGITS = re.compile(r"\D")
_COUNTRY_SAME = {
    "turkiye": "turkey",
    "russianfederation": "russia",
    "kyrgyzstan": "kyrgyzrepublic",
    "burma": "myanmar",
    "czechia": "czechrepublic",
    "southkorea": "korea",
    "republicofkorea": "korea",
    "macao": "macau",
    "uae": "unitedarabemirates",
    "hongkongsar": "hongkong",
}
_SECOND_LEVEL = frozenset(("co", "com", "net", "org", "gov", "ac", "edu"))


def ascii_words(text: str) -> list[str]:
    """Lower-case ASCII words: diacritics removed, `'s` kept with its word, punctuation a break."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    plain = decomposed.encode("ascii", "ignore").decode().lower()
    plain = re.sub(r"'s\b", "s", plain)
    return re.sub(r"[^a-z0-9]+", " ", plain).split()


@lru_cache(maxsize=1 << 16)
def squash(text: str) -> str:
    return "".join(ascii_words(text))


def digits(text: str) -> str:
    return _DIGITS.sub("", squash(text))


def _strip_tld(part: str) -> str:
    """`Rapidgator.net` -> `Rapidgator`; `EGY.BEST` stays a brand only when it is not a domain."""
    part = part.strip()
    return re.sub(r"\.[a-z]{2,24}$", "", part, flags=re.I) if hd.is_domain(part) else part


def _without_article(words: list[str]) -> list[str]:
    return words[1:] if len(words) > 1 and words[0] in ARTICLES else words


def name_parts(name: str, kind: Kind) -> list[str]:
    """The alternative names a heading prints besides the whole: each parenthesis
    (`Silk Market (Silk Street)`, `WECHAT (WEIXIN) ...`), the name without them, each side of
    ` / ` (`Libgen.io / Bookfi.net`) and, online, each company of `A AND B` and a d/b/a name."""
    parts: list[str] = []
    inner = re.findall(r"\(([^()]+)\)", name)
    outer = re.sub(r"\s*\([^()]*\)\s*", " ", name).strip()
    if inner:
        parts += [*inner, outer]
    for text in [name, outer]:
        slashed = [p.strip() for p in re.split(r"\s+/\s+|(?<=\.[a-z]{2})/|(?<=\.[a-z]{3})/", text)]
        if len(slashed) > 1:
            parts += slashed
    if kind == "online":
        for text in [name, outer]:
            companies = re.split(r"\s+and\s+", text, flags=re.I)
            if len(companies) > 1 and all(len(c.split()) >= 2 for c in companies):
                parts += companies
        parts += [m.strip() for m in re.findall(r"\bd/?b/?a\b\.?\s*([^()]+)", name, flags=re.I)]
    return [p for p in dict.fromkeys(parts) if p and p != name]


def exact_keys(name: str) -> frozenset[str]:
    """The whole printed name, squashed: case, spacing, punctuation, diacritics, a leading
    article (`El Tepito`, `THE PIRATE BAY` / `THEPIRATEBAY`) and a trailing TLD ignored."""
    words = ascii_words(_strip_tld(name))
    keys = {"".join(words), "".join(_without_article(words)), squash(name)}
    glued = "".join(words)
    if glued.startswith("the") and len(glued) > 6:
        keys.add(glued[3:])
    return frozenset(k for k in keys if k)


def part_keys(name: str, kind: Kind) -> frozenset[str]:
    """Exact keys of each alternative name (see `name_parts`); each must say more than a
    couple of letters and more than a generic word."""
    out: set[str] = set()
    for part in name_parts(name, kind):
        for key in exact_keys(part):
            if len(key) >= 4 and key not in DESCRIPTORS | ONLINE_GENERIC:
                out.add(key)
    return frozenset(out - exact_keys(name))


def core_words(name: str, kind: Kind) -> list[str]:
    """The words that name the market once descriptors, a leading street word and an article
    are dropped (physical), or generic company and hosting words (online)."""
    words = _without_article(ascii_words(_strip_tld(name)))
    if kind == "online":
        return [w for w in words if w not in ONLINE_GENERIC]
    if len(words) > 1 and words[0] in LEADING_STREET:
        words = _without_article(words[1:])
    return [w for w in words if w not in DESCRIPTORS]


def core_keys(name: str, kind: Kind) -> frozenset[str]:
    """`MBK Mall` / `MBK Center` -> `mbk`; `Saigon Square Trade Center` -> `saigonsquare`;
    `Rua 25 de Março` -> `25demarco`; `PRIVATE LAYER-HOSTED SITES` -> `privatelayer`;
    `Anfu Shoe Market` -> `anfushoe` and `anfu`; each also under the romanisation rules
    (`Cherkizovskiy Market` / `Cherkizovsky`)."""
    sources = [name, *name_parts(name, kind)]
    minimum = 3 if kind == "physical" else 5
    out = set()
    for source in sources:
        variants = [core_words(source, kind)]
        if kind == "physical":
            variants.append(_without_goods(source))
        for words in variants:
            out.add("".join(words))
            if kind == "physical":
                out.add("".join(translit(w) for w in words))
    return frozenset(k for k in out if len(k) >= minimum)


def _without_goods(name: str) -> list[str]:
    """Core words without a goods or street word that stands right before a descriptor."""
    words = _without_article(ascii_words(name))
    if len(words) > 1 and words[0] in LEADING_STREET:
        words = _without_article(words[1:])
    kept = [
        w
        for n, w in enumerate(words)
        if not (w in GOODS and n + 1 < len(words) and words[n + 1] in DESCRIPTORS | {"and"})
    ]
    core = [w for w in kept if w not in DESCRIPTORS]
    return core if core else [w for w in words if w not in DESCRIPTORS]


def distinctive(name: str, kind: Kind) -> bool:
    """Does the name say which market it is without a place (`La Salada`, not `Central
    Market`)? Online names always do."""
    if kind == "online":
        return True
    words = [w for w in core_words(name, kind) if w not in COMMON]
    return len("".join(words)) >= 4


# transliteration: spelling rules that turn one romanisation into another (`Cherkizovskiy` /
# `Cherkizovsky`, `Dordoi` / `Dordoy`); whole different names (`Kiev` / `Kyiv`) are knowledge
_TRANSLIT = [
    (re.compile(r"(?<=[a-z])(iy|yi|ij|ii|yy)(?=$|[^a-z])"), "y"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"(?<=[a-z])oi\b"), "oy"),
    (re.compile(r"ou"), "u"),
    (re.compile(r"tz"), "ts"),
]


def translit(word: str) -> str:
    for pattern, repl in _TRANSLIT:
        word = pattern.sub(repl, word)
    return word


def translit_keys(name: str, kind: Kind) -> frozenset[str]:
    """The whole name and its parts under the romanisation rules, when they change it."""
    if kind == "online":
        return frozenset()
    keys = set()
    for source in [name, *name_parts(name, kind)]:
        words = _without_article(ascii_words(source))
        keys.add("".join(translit(w) for w in words))
    return frozenset(k for k in keys if len(k) >= 4) - exact_keys(name)


def fuzzy_key(name: str, kind: Kind) -> str:
    """The string near-identical names are compared on."""
    return "".join(core_words(name, kind)) or squash(name)


_PROVINCE = re.compile(r"\b(province|prefecture|state|district|municipality|region|oblast)\b")


def place_key(place: str) -> str:
    words = [w for w in ascii_words(_PROVINCE.sub(" ", place.lower())) if w != "city"]
    return "".join(words)


def heading_places(entry: Entry) -> list[str]:
    """The places a physical listing prints, the city first: `La Salada, Lomas de Zamora,
    Buenos Aires` -> Lomas de Zamora, Buenos Aires; `Luowu Market (Shenzhen)` -> Shenzhen."""
    places = [entry.city] if entry.city else []
    text = entry.heading or entry.name
    parts = hd.location_parts(text)[1:]
    if not parts and (m := re.match(r"^.*\(([^()]+)\)\s*$", text)) and not entry.name.endswith(")"):
        parts = [p.strip() for p in m.group(1).split(",")]
    places += parts
    return [p for p in dict.fromkeys(places) if p and p != entry.name]


@dataclass(frozen=True)
class Profile:
    """Everything one listing says about which market it is."""

    kind: Kind
    exact: frozenset[str]
    parts: frozenset[str]
    core: frozenset[str]
    translit: frozenset[str]
    fuzzy: frozenset[str]
    domains: frozenset[str]
    labels: frozenset[str]  # the name part of two-label domains (`vk.com` -> `vk`)
    countries: frozenset[str]
    cities: frozenset[str]
    places: frozenset[str]
    distinctive: bool
    digits: frozenset[str]
    lead: frozenset[str] = frozenset()


def country_key(country: str | None) -> str:
    key = squash(country or "")
    return _COUNTRY_SAME.get(key, key)


def domain_label(domain: str) -> str | None:
    """`vk.com` -> `vk`, `amazon.co.uk` -> `amazon`; None for deeper hosts (`pan.baidu.com`:
    a subdomain is not the brand)."""
    labels = domain.lower().removeprefix("www.").split(".")
    if len(labels) == 3 and labels[1] in _SECOND_LEVEL and len(labels[2]) == 2:
        labels = [labels[0], f"{labels[1]}.{labels[2]}"]
    return squash(labels[0]) if len(labels) == 2 else None


def online_domains(entry: Entry) -> frozenset[str]:
    """The domains the heading prints: identity rests on these, not on the addresses the
    entry's text mentions (the text may name another market's domain)."""
    found = hd.online_heading(entry.heading).domains if entry.heading else entry.domains
    return frozenset(d.lower().removeprefix("www.") for d in found)


def lead_keys(name: str, kind: Kind) -> frozenset[str]:
    """Online: the brand's first word (`Sogou MP3` / `Sogou.com`, but also `Baidu` / `BAIDU
    WANGPAN`): only ever a reason to ask a person, never to link."""
    if kind != "online":
        return frozenset()
    words = _without_article(ascii_words(_strip_tld(name)))
    return frozenset(words[:1]) if words and len(words[0]) >= 4 else frozenset()


@dataclass(frozen=True)
class NameFeatures:
    exact: frozenset[str]
    parts: frozenset[str]
    core: frozenset[str]
    translit: frozenset[str]
    fuzzy: str
    digits: str
    distinctive: bool
    lead: frozenset[str]


@lru_cache(maxsize=1 << 16)
def name_features(name: str, kind: Kind) -> NameFeatures:
    """The name's keys, computed once per process for each printed name."""
    return NameFeatures(
        exact=exact_keys(name),
        parts=part_keys(name, kind),
        core=core_keys(name, kind),
        translit=translit_keys(name, kind),
        fuzzy=fuzzy_key(name, kind),
        digits=digits(_strip_tld(name)),
        distinctive=distinctive(name, kind),
        lead=lead_keys(name, kind),
    )


@dataclass(frozen=True)
class _Printed:
    """What an entry prints besides its name, normalised (no knowledge applied yet)."""

    domains: frozenset[str]
    labels: frozenset[str]
    places: tuple[str, ...]  # place keys, the city first
    country: str


@lru_cache(maxsize=1 << 16)
def _printed(entry: Entry) -> _Printed:
    domains = online_domains(entry) if entry.kind == "online" else frozenset()
    places: tuple[str, ...] = ()
    if entry.kind == "physical":
        places = tuple(k for k in map(place_key, heading_places(entry)) if k)
    country = country_key(entry.country) if entry.kind == "physical" and entry.country else ""
    return _Printed(domains, frozenset(k for k in map(domain_label, domains) if k), places, country)


def profile(
    entry: Entry, same_place: Mapping[str, str], within: Mapping[str, frozenset[str]]
) -> Profile:
    """A listing's profile; `same_place` maps a place key to its canonical spelling (`kiev` ->
    `kyiv`), `within` a place to the places that contain it."""
    names = name_features(entry.name, entry.kind)
    printed = _printed(entry)
    places = [same_place.get(k, k) for k in printed.places]
    everywhere = set(places)
    for p in places:
        everywhere |= within.get(p, frozenset())
    return Profile(
        kind=entry.kind,
        exact=names.exact,
        parts=names.parts,
        core=names.core,
        translit=names.translit,
        fuzzy=frozenset({names.fuzzy}),
        domains=printed.domains,
        labels=printed.labels,
        countries=frozenset({printed.country} if printed.country else ()),
        cities=frozenset(places[:1]),
        places=frozenset(everywhere),
        distinctive=names.distinctive,
        digits=frozenset({names.digits}),
        lead=names.lead,
    )


def clear_caches() -> None:
    """Forget every cached name and entry (benchmarks time a cold start with it)."""
    for cached in (squash, name_features, _printed):
        cached.cache_clear()
