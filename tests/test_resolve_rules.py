"""The identity rules of tracker.resolve, one table each: pure, fast, no database."""

from __future__ import annotations

import pytest

from tracker.headings import online_heading
from tracker.model import Entry
from tracker.resolve import Clustering, Knowledge, YearListings, cluster, slug
from tracker.resolve.features import (
    core_keys,
    exact_keys,
    heading_places,
    part_keys,
    place_key,
    profile,
    translit_keys,
)


def online(heading: str, *text_domains: str) -> Entry:
    """An online entry as the extractor makes it: name and domains from the heading, plus any
    domains its text mentions."""
    parsed = online_heading(heading)
    return Entry(parsed.name, "online", 1, domains=parsed.domains + text_domains, heading=heading)


def physical(heading: str, name: str, country: str, city: str | None = None) -> Entry:
    return Entry(name, "physical", 1, country=country, city=city, heading=heading)


def years(*lists: tuple[Entry, ...], start: int = 2016) -> list[YearListings]:
    return [YearListings(start + n, entries) for n, entries in enumerate(lists)]


def ids(result: Clustering, year: int) -> list[str]:
    return result.year_ids(year)


SAME, DIFFERENT, POSSIBLE = "same", "different", "possible"

# (case, earlier year's listing, next year's listing, expected)
DRIFT = [
    # a city refined or a province added while the name stays
    (
        "province added",
        physical("La Salada – Buenos Aires", "La Salada", "Argentina", "Buenos Aires"),
        physical(
            "La Salada, Lomas de Zamora, Buenos Aires", "La Salada", "Argentina", "Lomas de Zamora"
        ),
        SAME,
    ),
    (
        "district for city",
        physical("La Salada (Buenos Aires)", "La Salada", "Argentina", "Buenos Aires"),
        physical("La Salada – Lomas de Zamora", "La Salada", "Argentina", "Lomas de Zamora"),
        SAME,
    ),
    (
        "city within a city",
        physical("Tank Road – Delhi", "Tank Road", "India", "Delhi"),
        physical("Tank Road, New Delhi", "Tank Road", "India", "New Delhi"),
        SAME,
    ),
    (
        "province of a city",
        physical("Anfu Market – Putian", "Anfu Market", "China", "Putian"),
        physical("Anfu Market, Putian, Fujian Province", "Anfu Market", "China", "Putian"),
        SAME,
    ),
    # a descriptor gained or lost
    (
        "trade center",
        physical("Saigon Square, Ho Chi Minh City", "Saigon Square", "Vietnam", "Ho Chi Minh City"),
        physical(
            "Saigon Square Trade Center, Ho Chi Minh City",
            "Saigon Square Trade Center",
            "Vietnam",
            "Ho Chi Minh City",
        ),
        SAME,
    ),
    (
        "mall / center",
        physical("MBK Mall – Bangkok", "MBK Mall", "Thailand", "Bangkok"),
        physical("MBK Center, Bangkok", "MBK Center", "Thailand", "Bangkok"),
        SAME,
    ),
    (
        "goods word",
        physical("Anfu Shoe Market, Putian", "Anfu Shoe Market", "China", "Putian"),
        physical("Anfu Market, Putian", "Anfu Market", "China", "Putian"),
        SAME,
    ),
    (
        "market and article",
        physical("Bahia Market (Guayaquil)", "Bahia Market", "Ecuador", "Guayaquil"),
        physical("La Bahia, Guayaquil", "La Bahia", "Ecuador", "Guayaquil"),
        SAME,
    ),
    (
        "street word",
        physical("25 de Marco – Sao Paulo", "25 de Marco", "Brazil", "Sao Paulo"),
        physical("Rua 25 de Março, São Paulo", "Rua 25 de Março", "Brazil", "São Paulo"),
        SAME,
    ),
    (
        "alternative name",
        physical("Silk Market – Beijing", "Silk Market", "China", "Beijing"),
        physical(
            "Silk Market (Silk Street), Beijing", "Silk Market (Silk Street)", "China", "Beijing"
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
        "mercado",
        physical("San Juan de Dios (Guadalajara)", "San Juan de Dios", "Mexico", "Guadalajara"),
        physical(
            "Mercado San Juan de Dios (Mercado Libertad), Guadalajara",
            "Mercado San Juan de Dios (Mercado Libertad)",
            "Mexico",
            "Guadalajara",
        ),
        SAME,
    ),
    # transliteration of places and names
    (
        "Kiev / Kyiv",
        physical("Petrivka Market (Kiev)", "Petrivka Market", "Ukraine", "Kiev"),
        physical("Petrivka, Kyiv", "Petrivka", "Ukraine", "Kyiv"),
        SAME,
    ),
    (
        "Saigon / Ho Chi Minh City",
        physical("Ben Thanh Market – Saigon", "Ben Thanh Market", "Vietnam", "Saigon"),
        physical(
            "Ben Thanh Market, Ho Chi Minh City", "Ben Thanh Market", "Viet Nam", "Ho Chi Minh City"
        ),
        SAME,
    ),
    (
        "Tsim Sha Tsui",
        physical(
            "Ladies Market (Tsimshatsui, Hong Kong)", "Ladies Market", "Hong Kong", "Tsimshatsui"
        ),
        physical("Ladies Market, Tsim Sha Tsui", "Ladies Market", "Hong Kong", "Tsim Sha Tsui"),
        SAME,
    ),
    (
        "Bangalore / Bengaluru",
        physical("SP Road Market, Bangalore", "SP Road Market", "India", "Bangalore"),
        physical("SP Road, Bengaluru", "SP Road", "India", "Bengaluru"),
        SAME,
    ),
    (
        "-skiy / -sky",
        physical("Cherkizovskiy Market (Moscow)", "Cherkizovskiy Market", "Russia", "Moscow"),
        physical("Cherkizovsky Market – Moscow", "Cherkizovsky Market", "Russia", "Moscow"),
        SAME,
    ),
    (
        "-oi / -oy",
        physical("Dordoi Market, Bishkek", "Dordoi Market", "Kyrgyz Republic", "Bishkek"),
        physical("Dordoy Bazaar, Bishkek", "Dordoy Bazaar", "Kyrgyzstan", "Bishkek"),
        SAME,
    ),
    # from the table of the resolver this package replaced (tests/test_identity.py)
    (
        "older name in parentheses",
        physical("Silk Market (Beijing)", "Silk Market", "China", "Beijing"),
        physical(
            "Silk Street (Silk Market), Beijing", "Silk Street (Silk Market)", "China", "Beijing"
        ),
        SAME,
    ),
    (
        "city within a city, comma",
        physical("Tank Road, Delhi", "Tank Road", "India", "Delhi"),
        physical("Tank Road, New Delhi", "Tank Road", "India", "New Delhi"),
        SAME,
    ),
    (
        "country spelling and city",
        physical(
            "Ben Thanh Market, Ho Chi Minh City", "Ben Thanh Market", "Viet Nam", "Ho Chi Minh City"
        ),
        physical("Ben Thanh Market, Saigon", "Ben Thanh Market", "Vietnam", "Saigon"),
        SAME,
    ),
    ("domain in parentheses, brand", online("VKONTAKTE (VK.COM)"), online("VK"), SAME),
    (
        "curly apostrophe",
        online("Amazon's Foreign Domains"),
        online("AMAZON’S FOREIGN DOMAINS"),
        SAME,
    ),
    # online: a domain one year, a brand the next
    ("domain then brand", online("Rapidgator.net"), online("RAPIDGATOR"), SAME),
    (
        "domain in parentheses",
        online("Rapidgator (rapidgator.org)"),
        online("Rapidgator.net"),
        SAME,
    ),
    ("short brand", online("Vk.com"), online("VK"), SAME),
    ("digits in a brand", online("1337x.to"), online("1337X"), SAME),
    ("dot in a brand", online("EGY.BEST"), online("EGYBEST"), SAME),
    ("article glued", online("THE PIRATE BAY"), online("THEPIRATEBAY"), SAME),
    (
        "domain of the article",
        online("The Pirate Bay (thepiratebay.se)"),
        online("THEPIRATEBAY"),
        SAME,
    ),
    ("space dropped", online("POPCORNTIME"), online("POPCORN TIME"), SAME),
    ("hosting words", online("PRIVATE LAYER-HOSTED SITES"), online("PRIVATE LAYER"), SAME),
    ("company suffix", online("MOVSHARE GROUP"), online("Movshare"), SAME),
    ("two domains, one name", online("Libgen.io / Bookfi.net"), online("LIBGEN"), SAME),
    (
        "multi-domain heading",
        online("Pobieramy24.pl / Darkwarez.pl / Catshare.net / Fireshark.pl"),
        online("Darkwarez.pl"),
        SAME,
    ),
    (
        "multi-domain, other member",
        online("Catshare.net"),
        online("Pobieramy24.pl / Darkwarez.pl / Catshare.net / Fireshark.pl"),
        SAME,
    ),
    (
        "shared domain",
        online("AMAZON'S FOREIGN DOMAINS", "amazon.de"),
        Entry("AMAZON’S FOREIGN DOMAINS", "online", 1, domains=("amazon.de",)),
        SAME,
    ),
    (
        "company of a multi-company heading",
        online("HOSTING CONCEPTS B.V. (D/B/A OPEN PROVIDER)"),
        online(
            "HOSTING CONCEPTS B.V. (D/B/A OPEN PROVIDER) AND REGIONAL NETWORK INFORMATION CENTER JSC"
        ),
        SAME,
    ),
    ("ecosystem words", online("WECHAT (WEIXIN) E-COMMERCE ECOSYSTEM"), online("WECHAT"), SAME),
    # curated: names that share nothing
    ("curated: KAT", online("Kat.ph"), online("KICKASS.TO"), SAME),
    ("curated: KickassTorrents", online("KICKASS.TO"), online("KickassTorrents"), SAME),
    ("curated: VKontakte", online("VKontakte"), online("VK"), SAME),
    (
        "curated: Luohu",
        physical("Luowu Market (Shenzhen)", "Luowu Market", "China", "Shenzhen"),
        physical(
            "Luohu Commercial City, Shenzhen, Guangdong Province",
            "Luohu Commercial City",
            "China",
            "Shenzhen",
        ),
        SAME,
    ),
    (
        "curated: Yiwu",
        physical(
            "China Small Commodities Market (Yiwu)",
            "China Small Commodities Market",
            "China",
            "Yiwu",
        ),
        physical(
            "Yiwu International Trade City (China Commodity City), Yiwu, Zhejiang Province",
            "Yiwu International Trade City (China Commodity City)",
            "China",
            "Yiwu",
        ),
        SAME,
    ),
    ("curated: Library Genesis", online("LIBRARY GENESIS"), online("LIBGEN"), SAME),
    # false friends: distinct markets that share words or a city
    (
        "two markets of Guangzhou",
        physical(
            "Jindu Wholesale Market, Guangzhou", "Jindu Wholesale Market", "China", "Guangzhou"
        ),
        physical("Baima Clothing Market, Guangzhou", "Baima Clothing Market", "China", "Guangzhou"),
        DIFFERENT,
    ),
    (
        "Guangzhou, near names",
        physical("Jindu Market, Guangzhou", "Jindu Market", "China", "Guangzhou"),
        physical("Jinhu Market, Guangzhou", "Jinhu Market", "China", "Guangzhou"),
        POSSIBLE,
    ),
    (
        "New Delhi",
        physical("Sadar Bazar – New Delhi", "Sadar Bazar", "India", "New Delhi"),
        physical("Tank Road, New Delhi", "Tank Road", "India", "New Delhi"),
        DIFFERENT,
    ),
    (
        "Jakarta",
        physical("Harco Glodok (Jakarta)", "Harco Glodok", "Indonesia", "Jakarta"),
        physical("Mangga Dua Market, Jakarta", "Mangga Dua Market", "Indonesia", "Jakarta"),
        DIFFERENT,
    ),
    (
        "Ho Chi Minh City",
        physical(
            "Ben Thanh Market, Ho Chi Minh City", "Ben Thanh Market", "Vietnam", "Ho Chi Minh City"
        ),
        physical("Saigon Square, Ho Chi Minh City", "Saigon Square", "Vietnam", "Ho Chi Minh City"),
        DIFFERENT,
    ),
    (
        "Hanoi",
        physical("Dong Xuan Market, Hanoi", "Dong Xuan Market", "Vietnam", "Hanoi"),
        physical("Ninh Hiep Market, Hanoi", "Ninh Hiep Market", "Vietnam", "Hanoi"),
        DIFFERENT,
    ),
    ("digits differ", online("Torrentz.eu"), online("TORRENTZ2"), POSSIBLE),
    ("digits differ, short", online("DYTT8"), online("DYTT9"), POSSIBLE),
    ("near brands", online("FMOVIES"), online("GOMOVIES"), POSSIBLE),
    (
        "brand and its product",
        online("Baidu (baidu.com)"),
        online("BAIDU WANGPAN (pan.baidu.com)"),
        POSSIBLE,
    ),
    ("word in common", online("MyEgy.to"), online("EGY.BEST"), DIFFERENT),
    (
        "a domain in the text is not identity",
        online("VKONTAKTE (VK.COM)"),
        online("SPIDER", "vk.com"),
        DIFFERENT,
    ),
    (
        "d/b/a shares nothing",
        online(
            "HOSTING CONCEPTS B.V. (D/B/A OPEN PROVIDER) AND REGIONAL NETWORK INFORMATION CENTER JSC"
        ),
        online("NJALLA (D/B/A 1337 SERVICES LLC)"),
        DIFFERENT,
    ),
    (
        "same name, other country",
        physical("Central Market", "Central Market", "Cambodia"),
        physical("Central Market", "Central Market", "Malaysia"),
        DIFFERENT,
    ),
    (
        "generic name, other city",
        physical("Central Market, Phnom Penh", "Central Market", "Cambodia", "Phnom Penh"),
        physical("Central Market, Siem Reap", "Central Market", "Cambodia", "Siem Reap"),
        POSSIBLE,
    ),
    (
        "descriptor without a place",
        physical("Dragon Mall", "Dragon Mall", "China"),
        physical("Dragon Plaza", "Dragon Plaza", "China"),
        POSSIBLE,
    ),
    (
        "kinds never merge",
        online("MERCADO LIBRE"),
        physical("Mercado Libre", "Mercado Libre", "Argentina"),
        DIFFERENT,
    ),
]


@pytest.mark.parametrize(
    ("earlier", "later", "expected"), [c[1:] for c in DRIFT], ids=[c[0] for c in DRIFT]
)
def test_drift(earlier: Entry, later: Entry, expected: str) -> None:
    result = cluster(years((earlier,), (later,)))
    (a,), (b,) = ids(result, 2016), ids(result, 2017)
    assert (a == b) == (expected == SAME), result.markets
    if expected != SAME:
        assert bool(result.possible) == (expected == POSSIBLE), result.possible


@pytest.mark.parametrize(
    ("earlier", "later", "expected"), [c[1:] for c in DRIFT], ids=[c[0] for c in DRIFT]
)
def test_drift_is_symmetric(earlier: Entry, later: Entry, expected: str) -> None:
    """The same pair printed in the other order of years decides the same."""
    result = cluster(years((later,), (earlier,)))
    (a,), (b,) = ids(result, 2016), ids(result, 2017)
    assert (a == b) == (expected == SAME)


def test_place_drift_over_three_years_is_one_market() -> None:
    heads = [
        physical("La Salada (Buenos Aires)", "La Salada", "Argentina", "Buenos Aires"),
        physical("La Salada – Lomas de Zamora", "La Salada", "Argentina", "Lomas de Zamora"),
        physical(
            "La Salada, Lomas de Zamora, Buenos Aires", "La Salada", "Argentina", "Lomas de Zamora"
        ),
    ]
    result = cluster(years(*[(h,) for h in heads], start=2010) * 1)
    assert {m.id for m in result.markets} == {"la-salada"}


def test_same_name_other_place_links_only_when_listed_in_consecutive_years() -> None:
    """A distinctive name whose place disagrees is drift when the market was listed the year
    before; years apart, it is a possible match for a person."""
    a = physical("Petaling Street, Kuala Lumpur", "Petaling Street", "Malaysia", "Kuala Lumpur")
    b = physical("Petaling Street, Petaling Jaya", "Petaling Street", "Malaysia", "Petaling Jaya")
    near = cluster([YearListings(2018, (a,)), YearListings(2019, (b,))])
    assert len(near.markets) == 1
    assert near.assignments[1].reason == "name, other place"
    apart = cluster([YearListings(2012, (a,)), YearListings(2013, ()), YearListings(2019, (b,))])
    assert len(apart.markets) == 2 and len(apart.possible) == 1


# --- the keys each rule compares -------------------------------------------------------------

KEYS = [
    (exact_keys, ("THE PIRATE BAY",), {"thepiratebay", "piratebay"}),
    (exact_keys, ("Rapidgator.net",), {"rapidgator", "rapidgatornet"}),
    (exact_keys, ("El Tepito",), {"eltepito", "tepito"}),
    (exact_keys, ("AMAZON’S FOREIGN DOMAINS",), {"amazonsforeigndomains"}),
    (part_keys, ("Silk Market (Silk Street)", "physical"), {"silkmarket", "silkstreet"}),
    (
        part_keys,
        ("Libgen.io / Bookfi.net", "online"),
        {"libgen", "bookfi", "libgenio", "bookfinet"},
    ),
    (
        part_keys,
        ("NJALLA (D/B/A 1337 SERVICES LLC)", "online"),
        {"njalla", "1337servicesllc", "dba1337servicesllc"},
    ),
    (part_keys, ("D/B/A", "online"), set()),
    (core_keys, ("MBK Mall", "physical"), {"mbk"}),
    (core_keys, ("Saigon Square Trade Center", "physical"), {"saigonsquare"}),
    (core_keys, ("Rua 25 de Março", "physical"), {"25demarco"}),
    (core_keys, ("Anfu Shoe Market", "physical"), {"anfushoe", "anfu"}),
    (core_keys, ("Tank Road", "physical"), {"tankroad"}),
    (core_keys, ("PRIVATE LAYER-HOSTED SITES", "online"), {"privatelayer"}),
    (translit_keys, ("Cherkizovskiy Market", "physical"), {"cherkizovskymarket"}),
    (translit_keys, ("Kidderpore", "physical"), set()),
]


@pytest.mark.parametrize(
    ("rule", "args", "expected"), KEYS, ids=[f"{r.__name__}:{a[0]}" for r, a, _ in KEYS]
)
def test_keys(rule: object, args: tuple[str, ...], expected: set[str]) -> None:
    assert set(rule(*args)) == expected  # type: ignore[operator]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Rua 25 de Março", "rua-25-de-marco"),
        ("Rapidgator.net", "rapidgator"),
        ("AMAZON’S FOREIGN DOMAINS", "amazons-foreign-domains"),
        ("!!!", "market"),
    ],
)
def test_slugs(name: str, expected: str) -> None:
    assert slug(name) == expected


PLACES = [
    (
        "La Salada, Lomas de Zamora, Buenos Aires",
        "La Salada",
        "Lomas de Zamora",
        ["Lomas de Zamora", "Buenos Aires"],
    ),
    ("Luowu Market (Shenzhen)", "Luowu Market", None, ["Shenzhen"]),
    ("Ladies Market (Mongkok, Hong Kong)", "Ladies Market", None, ["Mongkok", "Hong Kong"]),
    ("Silk Market (Silk Street), Beijing", "Silk Market (Silk Street)", "Beijing", ["Beijing"]),
    ("Silk Market (Silk Street)", "Silk Market (Silk Street)", None, []),
    ("La Salada – Lomas de Zamora", "La Salada", "Lomas de Zamora", ["Lomas de Zamora"]),
]


@pytest.mark.parametrize(
    ("heading", "name", "city", "expected"), PLACES, ids=[p[0] for p in PLACES]
)
def test_heading_places(heading: str, name: str, city: str | None, expected: list[str]) -> None:
    assert heading_places(physical(heading, name, "X", city)) == expected


def test_place_keys_and_knowledge() -> None:
    k = Knowledge.builtin()
    assert place_key("Fujian Province") == "fujian" and place_key("Ho Chi Minh City") == "hochiminh"
    entry = physical("Petrivka Market (Kiev)", "Petrivka Market", "Ukraine", "Kiev")
    assert profile(entry, k.same_place, k.within).cities == frozenset({"kyiv"})
    budge = physical("La Salada, Ingeniero Budge", "La Salada", "Argentina", "Ingeniero Budge")
    assert {"lomasdezamora", "buenosaires"} <= profile(budge, k.same_place, k.within).places
