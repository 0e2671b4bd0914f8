"""Market identity across name drift: one data table, one test."""

from __future__ import annotations

import pytest

from tracker.headings import online_heading
from tracker.identity import KnownMarket, Resolver, entry_places, name_keys, new_market_id
from tracker.model import Entry


def online(heading: str, *text_domains: str) -> Entry:
    """An online entry as the extractor makes it: name and domains from the heading, plus any
    domains its text mentions."""
    parsed = online_heading(heading)
    return Entry(parsed.name, "online", 1, domains=parsed.domains + text_domains, heading=heading)


def physical(heading: str, name: str, country: str, city: str | None = None) -> Entry:
    return Entry(name, "physical", 1, country=country, city=city, heading=heading)


def known(entry: Entry, market_id: str = "m1") -> KnownMarket:
    return KnownMarket(
        market_id,
        entry.kind,
        entry.country,
        frozenset({entry.name}),
        frozenset(entry.domains),
        entry_places(entry),
    )


SAME, DIFFERENT, POSSIBLE = "same", "different", "possible"
CASES = [
    ("leading article glued", online("THE PIRATE BAY"), online("THEPIRATEBAY"), SAME),
    ("spacing", online("POPCORNTIME"), online("POPCORN TIME"), SAME),
    ("domain in parentheses", online("VKONTAKTE (VK.COM)"), online("VK"), SAME),
    ("name is a domain", online("Vk.com"), online("VK"), SAME),
    ("trailing TLD", online("Rapidgator.net"), online("RAPIDGATOR"), SAME),
    ("domain-named", online("1337x.to"), online("1337X"), SAME),
    ("several domains", online("Libgen.io / Bookfi.net"), online("LIBGEN"), SAME),
    (
        "domain in a heading",
        online("The Pirate Bay (thepiratebay.se)"),
        online("THEPIRATEBAY"),
        SAME,
    ),
    (
        "curly apostrophe",
        online("Amazon's Foreign Domains"),
        online("AMAZON’S FOREIGN DOMAINS"),
        SAME,
    ),
    ("generic words", online("PRIVATE LAYER-HOSTED SITES"), online("PRIVATE LAYER"), SAME),
    ("built-in alias", online("KICKASS.TO"), online("Kat.ph"), SAME),
    ("digits differ", online("Torrentz.eu"), online("TORRENTZ2"), POSSIBLE),
    ("digits differ, short", online("DYTT8"), online("DYTT9"), POSSIBLE),
    (
        "subdomain is not the brand",
        online("Baidu (baidu.com)"),
        online("BAIDU WANGPAN (pan.baidu.com)"),
        DIFFERENT,
    ),
    (
        "a domain in the text is not identity",
        online("VKONTAKTE (VK.COM)"),
        online("SPIDER", "vk.com"),
        DIFFERENT,
    ),
    (
        "d/b/a shares nothing",
        online(
            "HOSTING CONCEPTS B.V. (D/B/A OPEN PROVIDER) AND REGIONAL "
            "NETWORK INFORMATION CENTER JSC"
        ),
        online("NJALLA (D/B/A 1337 SERVICES LLC)"),
        DIFFERENT,
    ),
    (
        "alternative name",
        physical("Silk Market (Beijing)", "Silk Market", "China", "Beijing"),
        physical(
            "Silk Street (Silk Market), Beijing", "Silk Street (Silk Market)", "China", "Beijing"
        ),
        SAME,
    ),
    (
        "article",
        physical("Tepito (Mexico City)", "Tepito", "Mexico", "Mexico City"),
        physical("El Tepito – Mexico City", "El Tepito", "Mexico", "Mexico City"),
        SAME,
    ),
    (
        "renamed city",
        physical("Petrivka Market (Kiev)", "Petrivka Market", "Ukraine", "Kiev"),
        physical("Petrivka, Kyiv", "Petrivka", "Ukraine", "Kyiv"),
        SAME,
    ),
    (
        "city within a city",
        physical("Tank Road, Delhi", "Tank Road", "India", "Delhi"),
        physical("Tank Road, New Delhi", "Tank Road", "India", "New Delhi"),
        SAME,
    ),
    (
        "province in common",
        physical("La Salada – Buenos Aires", "La Salada", "Argentina", "Buenos Aires"),
        physical(
            "La Salada, Lomas de Zamora, Buenos Aires", "La Salada", "Argentina", "Lomas de Zamora"
        ),
        SAME,
    ),
    (
        "diacritics and street word",
        physical("25 de Marco – Sao Paulo", "25 de Marco", "Brazil", "Sao Paulo"),
        physical("Rua 25 de Março, São Paulo", "Rua 25 de Março", "Brazil", "São Paulo"),
        SAME,
    ),
    (
        "generic word, same city",
        physical("MBK Mall – Bangkok", "MBK Mall", "Thailand", "Bangkok"),
        physical("MBK Center, Bangkok", "MBK Center", "Thailand", "Bangkok"),
        SAME,
    ),
    (
        "country spelling",
        physical(
            "Ben Thanh Market, Ho Chi Minh City", "Ben Thanh Market", "Viet Nam", "Ho Chi Minh City"
        ),
        physical("Ben Thanh Market, Saigon", "Ben Thanh Market", "Vietnam", "Saigon"),
        SAME,
    ),
    (
        "same name, other city",
        physical("Central Market, Phnom Penh", "Central Market", "Cambodia", "Phnom Penh"),
        physical("Central Market, Siem Reap", "Central Market", "Cambodia", "Siem Reap"),
        DIFFERENT,
    ),
    (
        "same name, other country",
        physical("Central Market", "Central Market", "Cambodia"),
        physical("Central Market", "Central Market", "Malaysia"),
        DIFFERENT,
    ),
    (
        "generic word needs a place",
        physical("Dragon Mall", "Dragon Mall", "China"),
        physical("Dragon Plaza", "Dragon Plaza", "China"),
        DIFFERENT,
    ),
    (
        "kinds never merge",
        online("MERCADO LIBRE"),
        physical("Mercado Libre", "Mercado Libre", "Argentina"),
        DIFFERENT,
    ),
]


@pytest.mark.parametrize(
    ("earlier", "later", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_identity(earlier: Entry, later: Entry, expected: str) -> None:
    decision = Resolver([known(earlier)]).decide(later)
    if expected == SAME:
        assert decision.market_id == "m1", decision
    else:
        assert decision.market_id is None, decision
        assert bool(decision.possible) == (expected == POSSIBLE), decision


def test_configured_alias_beats_the_rules() -> None:
    resolver = Resolver(
        [known(online("Torrentz.eu", "torrentz.eu"), "torrentz")], aliases={"TORRENTZ2": "torrentz"}
    )
    assert resolver.decide(online("TORRENTZ2")).market_id == "torrentz"


def test_one_report_never_merges_two_of_its_entries() -> None:
    resolver = Resolver([known(online("POPCORNTIME"))])
    first, second = resolver.resolve([online("POPCORN TIME"), online("Popcorn-Time")])
    assert first.market_id == "m1" and second.market_id is None


def test_two_candidates_decline_and_ask_a_human() -> None:
    a = known(physical("Central Market", "Central Market", "Cambodia"), "a")
    b = known(
        physical("Central Market, Phnom Penh", "Central Market", "Cambodia", "Phnom Penh"), "b"
    )
    decision = Resolver([a, b]).decide(physical("Central Market", "Central Market", "Cambodia"))
    assert decision.market_id is None
    assert {p.market_id for p in decision.possible} == {"a", "b"}


def test_keys_and_ids() -> None:
    assert name_keys("The Pirate Bay (thepiratebay.se)") >= {"thepiratebay", "piratebay"}
    entry = physical("Central Market, Phnom Penh", "Central Market", "Cambodia", "Phnom Penh")
    assert new_market_id(entry, set()) == "central-market"
    assert new_market_id(entry, {"central-market"}) == "central-market-cambodia"
    assert new_market_id(online("Rua 25 de Março"), set()) == "rua-25-de-marco"
