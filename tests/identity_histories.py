"""Sixteen-year histories (2010-2025) of Notorious Markets lists with realistic drift and
hand-made cluster truth, for the identity tests and benchmarks/identity_eval.py.

The catalogue below holds real NML market names as the reports printed them over the years
(spans and gaps approximate), each with the variants its headings drift between: descriptors
gained or lost, places refined or transliterated, a domain one year and a brand the next, a TLD
moved, an article or a space dropped, several domains or companies in one heading. `history(seed)`
draws each year's list with a seeded RNG: which variant each market is printed under (variants
stick for a few years, as real headings do), random absences, and the heading style of each era
(`Name (City)` to 2012, `Name – City` to 2018, `Name, City, Province` and CAPS online from 2019).
False friends are in the catalogue on purpose: distinct markets sharing a word or a city.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from typing import Any

from tracker.headings import online_heading
from tracker.model import Entry, Kind
from tracker.resolve import YearListings

YEARS = tuple(range(2010, 2026))


@dataclass(frozen=True)
class Spec:
    id: str  # the truth: every listing drawn from one spec is one market
    kind: Kind
    first: int
    last: int
    names: tuple[str, ...]  # printed name variants (online: brands)
    domains: tuple[str, ...] = ()  # online: domains over time (a TLD that moves)
    country: str | None = None
    places: tuple[tuple[str, ...], ...] = ()  # physical: place variants, city first
    gaps: tuple[int, ...] = ()  # years it is certainly absent
    multi: tuple[str, ...] = ()  # online: a heading printing several domains at once
    eras: dict[int, tuple[str, ...]] = field(default_factory=dict)  # year -> names from then


def On(
    id: str, span: str, names: str, domains: str = "", country: str | None = None, **kw: Any
) -> Spec:
    first, last = map(int, span.split("-"))
    return Spec(
        id,
        "online",
        first,
        last,
        tuple(names.split("|")),
        tuple(d for d in domains.split("|") if d),
        country,
        **kw,
    )


def Ph(id: str, country: str, span: str, names: str, places: str = "", **kw: Any) -> Spec:
    first, last = map(int, span.split("-"))
    variants = tuple(tuple(p.split(",")) for p in places.split("|") if p)
    return Spec(id, "physical", first, last, tuple(names.split("|")), (), country, variants, **kw)


CATALOGUE: tuple[Spec, ...] = (
    # --- online ------------------------------------------------------------------------------
    On(
        "thepiratebay",
        "2010-2025",
        "The Pirate Bay|THE PIRATE BAY|ThePirateBay",
        "thepiratebay.org|thepiratebay.se",
    ),
    On(
        "kickasstorrents",
        "2011-2016",
        "KickassTorrents|Kat.ph|Kickass.to",
        "kat.ph|kickass.to|kat.cr",
    ),
    On("isohunt", "2010-2013", "isoHunt|IsoHunt", "isohunt.com"),
    On("demonoid", "2010-2012", "Demonoid", "demonoid.me"),
    On("baidu", "2010-2011", "Baidu", "baidu.com", "China"),
    On("baidu-wangpan", "2020-2025", "BAIDU WANGPAN|BAIDU NETDISK", "pan.baidu.com", "China"),
    On("taobao", "2010-2025", "Taobao", "taobao.com", "China", gaps=(2012, 2013, 2014, 2015)),
    On("xunlei", "2010-2012", "Xunlei", "xunlei.com", "China"),
    On("sogou", "2010-2011", "Sogou MP3|Sogou", "sogou.com", "China"),
    On("gougou", "2010-2011", "Gougou", "gougou.com", "China"),
    On("megaupload", "2010-2011", "Megaupload", "megaupload.com"),
    On("btjunkie", "2010-2011", "Btjunkie|BTJunkie", "btjunkie.org"),
    On("allofmp3", "2010-2011", "Allofmp3 clones|Allofmp3", ""),
    On("rapidgator", "2012-2025", "Rapidgator", "rapidgator.net|rapidgator.org"),
    On("uploaded", "2012-2025", "Uploaded", "uploaded.to|uploaded.net"),
    On("putlocker", "2012-2018", "Putlocker", "putlocker.bz|putlocker.is|putlocker.ch"),
    On("vk", "2010-2025", "VKontakte|VK", "vk.com", "Russia", gaps=(2013,)),
    On("rutracker", "2011-2025", "Rutracker|RuTracker", "rutracker.org", "Russia"),
    On("torrentz", "2011-2016", "Torrentz", "torrentz.eu"),
    On("torrentz2", "2019-2021", "TORRENTZ2", "torrentz2.eu"),
    On("extratorrent", "2014-2016", "ExtraTorrent", "extratorrent.cc", "Ukraine"),
    On("4shared", "2013-2017", "4Shared", "4shared.com"),
    On("zamunda", "2011-2013", "Zamunda", "zamunda.net", "Bulgaria"),
    On("movshare", "2015-2016", "Movshare Group|Movshare", ""),
    On("nowvideo", "2015-2016", "Nowvideo", "nowvideo.sx|nowvideo.li"),
    On("libgen", "2016-2025", "Libgen|LIBGEN", "libgen.io", multi=("libgen.io", "bookfi.net")),
    On("scihub", "2016-2025", "Sci-Hub|SCI-HUB", "sci-hub.io|sci-hub.se"),
    On("popcorntime", "2017-2025", "Popcorn Time|POPCORNTIME|POPCORN TIME", "popcorntime.sh"),
    On("1337x", "2016-2025", "1337x|1337X", "1337x.to"),
    On("rarbg", "2016-2023", "RARBG|Rarbg", "rarbg.to", "Bosnia and Herzegovina"),
    On(
        "darkwarez",
        "2015-2018",
        "Darkwarez",
        "darkwarez.pl",
        multi=("pobieramy24.pl", "darkwarez.pl", "catshare.net", "fireshark.pl"),
    ),
    On("chomikuj", "2013-2025", "Chomikuj", "chomikuj.pl", "Poland"),
    On("seasonvar", "2016-2020", "Seasonvar", "seasonvar.ru", "Russia"),
    On("fmovies", "2017-2025", "Fmovies|FMOVIES", "fmovies.to|fmovies.se"),
    On("gomovies", "2018-2020", "GoMovies|GOMOVIES", "gomovies.to"),
    On("mp3juices", "2018-2025", "MP3Juices|MP3JUICES", "mp3juices.cc"),
    On("flvto", "2017-2025", "Flvto|FLVTO", "flvto.biz", multi=("flvto.biz", "2conv.com")),
    On("privatelayer", "2017-2025", "PRIVATE LAYER-HOSTED SITES|PRIVATE LAYER|Private Layer", ""),
    On(
        "hostingconcepts",
        "2018-2020",
        "HOSTING CONCEPTS B.V. (D/B/A OPENPROVIDER)|HOSTING CONCEPTS B.V. (D/B/A OPEN PROVIDER) AND REGIONAL NETWORK INFORMATION CENTER JSC",
        "",
    ),
    On("njalla", "2020-2025", "NJALLA (D/B/A 1337 SERVICES LLC)|NJALLA", ""),
    On("dhgate", "2018-2025", "DHgate|DHGATE", "dhgate.com", "China"),
    On("pinduoduo", "2018-2025", "Pinduoduo|PINDUODUO", "pinduoduo.com", "China"),
    On("shopee", "2019-2025", "SHOPEE", "shopee.com"),
    On("tokopedia", "2018-2025", "Tokopedia|TOKOPEDIA", "tokopedia.com", "Indonesia"),
    On("bukalapak", "2018-2025", "Bukalapak|BUKALAPAK", "bukalapak.com", "Indonesia"),
    On("aliexpress", "2021-2025", "ALIEXPRESS", "aliexpress.com", "China"),
    On(
        "wechat",
        "2021-2025",
        "WECHAT (WEIXIN) E-COMMERCE ECOSYSTEM|WECHAT E-COMMERCE ECOSYSTEM",
        "",
        "China",
    ),
    On("amazon-foreign", "2019-2020", "AMAZON’S FOREIGN DOMAINS|AMAZON'S FOREIGN DOMAINS", ""),
    On("mercadolibre", "2020-2022", "MERCADO LIBRE", "mercadolibre.com"),
    On("indiamart", "2021-2025", "INDIAMART", "indiamart.com", "India"),
    On("cuevana", "2021-2025", "CUEVANA", "cuevana.tv"),
    On("dytt8", "2019-2022", "DYTT8", "dytt8.net", "China"),
    On("phimmoi", "2019-2021", "PHIMMOI", "phimmoi.net", "Vietnam"),
    On("newalbumreleases", "2019-2022", "NEWALBUMRELEASES", "newalbumreleases.net"),
    On("mpgh", "2019-2025", "MPGH", "mpgh.net"),
    On("shabakaty", "2019-2022", "SHABAKATY", "shabakaty.com", "Iraq"),
    On("bestbuyiptv", "2019-2022", "BESTBUYIPTV", "bestbuyiptv.com"),
    On("2embed", "2021-2023", "2EMBED", "2embed.ru"),
    On("egybest", "2019-2022", "EGY.BEST|EGYBEST", ""),
    On("myegy", "2016-2018", "MyEgy", "myegy.to"),
    On("cimaclub", "2019-2020", "CIMACLUB", "cimaclub.com"),
    On("openload", "2018-2019", "Openload", "openload.co"),
    On("turbobit", "2019-2025", "TURBOBIT", "turbobit.net"),
    On("uptobox", "2019-2022", "UPTOBOX", "uptobox.com"),
    On("nitroflare", "2017-2019", "Nitroflare", "nitroflare.com"),
    On("revenuehits", "2020-2022", "REVENUEHITS", "revenuehits.com"),
    On("flokinet", "2019-2025", "FLOKINET", "flokinet.is"),
    On("blueangelhost", "2020-2022", "BLUEANGELHOST", "blueangelhost.com"),
    On("pelisplus", "2020-2023", "PELISPLUS", "pelisplus.me"),
    On("snapdeal", "2017-2020", "Snapdeal|SNAPDEAL", "snapdeal.com", "India"),
    On("mp3va", "2015-2017", "MP3VA", "mp3va.com", "Russia"),
    On("youtubemp3", "2016-2016", "YouTube-MP3", "youtube-mp3.org"),
    On("primewire", "2015-2017", "Primewire", "primewire.ag"),
    On(
        "thewatchseries",
        "2016-2017",
        "The Watch Series",
        "the-watch-series.to",
        multi=("the-watch-series.to", "projectfree-tv.to"),
    ),
    On("kinogo", "2017-2019", "Kinogo", "kinogo.cc", "Russia"),
    On("yts", "2020-2024", "YTS", "yts.mx|yts.lt"),
    On("spider", "2021-2021", "SPIDER", ""),
    # --- physical ----------------------------------------------------------------------------
    Ph(
        "la-salada",
        "Argentina",
        "2010-2025",
        "La Salada",
        "Buenos Aires|Lomas de Zamora|Lomas de Zamora,Buenos Aires",
    ),
    Ph("ciudad-del-este", "Paraguay", "2010-2025", "Ciudad del Este"),
    Ph("tepito", "Mexico", "2010-2025", "Tepito|El Tepito", "Mexico City|Ciudad de Mexico"),
    Ph(
        "san-juan-de-dios",
        "Mexico",
        "2012-2025",
        "San Juan de Dios|Mercado San Juan de Dios|Mercado San Juan de Dios (Mercado Libertad)",
        "Guadalajara",
    ),
    Ph("la-pulga-rio", "Mexico", "2017-2025", "La Pulga Rio|Mercado La Pulga Rio", "Monterrey"),
    Ph(
        "silk-market",
        "China",
        "2010-2021",
        "Silk Market|Silk Market (Silk Street)|Silk Street (Silk Market)",
        "Beijing",
    ),
    Ph(
        "luohu",
        "China",
        "2010-2025",
        "Luowu Market|Luohu Commercial City",
        "Shenzhen|Shenzhen,Guangdong Province",
        eras={2013: ("Luohu Commercial City", "Luohu Commercial Center")},
    ),
    Ph(
        "yiwu",
        "China",
        "2010-2025",
        "China Small Commodities Market",
        "Yiwu|Yiwu,Zhejiang Province",
        gaps=(2014, 2015, 2016),
        eras={
            2017: (
                "Yiwu International Trade City (China Commodity City)",
                "Yiwu International Trade City",
            )
        },
    ),
    Ph("pc-malls", "China", "2010-2011", "PC Malls"),
    Ph(
        "huaqiangbei",
        "China",
        "2016-2025",
        "Huaqiangbei Electronics Malls|Huaqiangbei Electronics Market",
        "Shenzhen|Shenzhen,Guangdong Province",
    ),
    Ph(
        "jindu",
        "China",
        "2016-2025",
        "Jindu Wholesale Market|Jindu Market",
        "Guangzhou|Guangzhou,Guangdong Province",
    ),
    Ph(
        "baima",
        "China",
        "2017-2021",
        "Baima Clothing Market|Baima Market",
        "Guangzhou|Guangzhou,Guangdong Province",
    ),
    Ph(
        "zhanxi",
        "China",
        "2018-2023",
        "Zhanxi Market|Zhanxi Road Market",
        "Guangzhou,Guangdong Province",
    ),
    Ph("baiyun", "China", "2017-2019", "Baiyun World Leather Trading Center", "Guangzhou"),
    Ph("jinhu", "China", "2023-2025", "Jinhu Market", "Guangzhou,Guangdong Province"),
    Ph(
        "anfu",
        "China",
        "2016-2025",
        "Anfu Market|Anfu Shoe Market",
        "Putian|Putian,Fujian Province",
    ),
    Ph(
        "chenghai",
        "China",
        "2016-2025",
        "Chenghai Wholesale Markets|Chenghai Toy Markets",
        "Shantou|Shantou,Guangdong Province",
    ),
    Ph("wuai", "China", "2017-2025", "Wuai Market", "Shenyang|Shenyang,Liaoning Province"),
    Ph(
        "xinyang", "China", "2016-2025", "Asia Pacific Xinyang Clothing and Gift Market", "Shanghai"
    ),
    Ph(
        "ladies-market",
        "China",
        "2010-2011",
        "Ladies Market",
        "Mong Kok,Hong Kong|Mongkok,Hong Kong",
    ),
    Ph("nehru-place", "India", "2010-2013", "Nehru Place", "New Delhi|Delhi"),
    Ph("sadar-bazar", "India", "2011-2016", "Sadar Bazar|Sadar Bazaar", "|Delhi|New Delhi"),
    Ph("tank-road", "India", "2015-2025", "Tank Road", "Delhi|New Delhi|Karol Bagh,New Delhi"),
    Ph("palika-bazaar", "India", "2017-2025", "Palika Bazaar|Palika Market", "New Delhi"),
    Ph("kidderpore", "India", "2017-2025", "Kidderpore|Kidderpore Market", "Kolkata|Calcutta"),
    Ph("heera-panna", "India", "2017-2025", "Heera Panna|Heera Panna Market", "Mumbai"),
    Ph("sp-road", "India", "2021-2025", "SP Road Market|SP Road", "Bengaluru|Bangalore"),
    Ph("millennium-centre", "India", "2019-2019", "Millennium Centre", "Aizawl"),
    Ph("harco-glodok", "Indonesia", "2010-2014", "Harco Glodok", "Jakarta|Glodok,Jakarta"),
    Ph(
        "mangga-dua",
        "Indonesia",
        "2013-2025",
        "Mangga Dua Mall|Mangga Dua Market|Mangga Dua",
        "Jakarta",
    ),
    Ph("ben-thanh", "Vietnam", "2016-2025", "Ben Thanh Market", "Ho Chi Minh City|Saigon"),
    Ph(
        "saigon-square",
        "Vietnam",
        "2016-2025",
        "Saigon Square|Saigon Square Trade Center",
        "Ho Chi Minh City|Ho Chi Minh City|Saigon",
    ),
    Ph("dong-xuan", "Vietnam", "2017-2025", "Dong Xuan Market", "Hanoi"),
    Ph("ninh-hiep", "Vietnam", "2016-2025", "Ninh Hiep Market|Ninh Hiep", "Hanoi"),
    Ph("tan-thanh", "Vietnam", "2020-2025", "Tan Thanh Market", "Lang Son"),
    Ph("mbk", "Thailand", "2013-2025", "MBK Mall|MBK Center|MBK", "Bangkok"),
    Ph("panthip", "Thailand", "2013-2017", "Panthip Plaza", "Bangkok"),
    Ph("saphan-lek", "Thailand", "2014-2017", "Saphan Lek", "Bangkok"),
    Ph("red-zones", "Thailand", "2010-2013", "Red Zones"),
    Ph("grand-bazaar", "Turkey", "2016-2025", "Grand Bazaar", "Istanbul"),
    Ph("petrivka", "Ukraine", "2010-2025", "Petrivka Market|Petrivka", "Kiev|Kyiv"),
    Ph("dubrovka", "Russia", "2016-2025", "Dubrovka Market|Dubrovka", "Moscow"),
    Ph("gorbushka", "Russia", "2011-2013", "Gorbushka Market|Gorbushka", "Moscow"),
    Ph("cherkizovsky", "Russia", "2010-2011", "Cherkizovsky Market|Cherkizovskiy Market", "Moscow"),
    Ph(
        "dordoi",
        "Kyrgyz Republic",
        "2019-2025",
        "Dordoi Market|Dordoy Market|Dordoi Bazaar",
        "Bishkek",
    ),
    Ph("petaling", "Malaysia", "2017-2025", "Petaling Street", "Kuala Lumpur"),
    Ph("quiapo", "Philippines", "2010-2025", "Quiapo|Quiapo Market", "Manila", gaps=(2014, 2015)),
    Ph("polvos-azules", "Peru", "2017-2025", "Polvos Azules", "Lima"),
    Ph("san-andresitos", "Colombia", "2010-2013", "San Andresitos"),
    Ph("la-bahia", "Ecuador", "2010-2025", "Bahia Market|La Bahia|La Bahia Market", "Guayaquil"),
    Ph(
        "25-de-marco",
        "Brazil",
        "2016-2025",
        "25 de Marco|Rua 25 de Março|25 de Março",
        "Sao Paulo|São Paulo",
    ),
    Ph("galeria-page", "Brazil", "2016-2018", "Galeria Page|Galeria Pagé", "Sao Paulo"),
    Ph("apongbon", "Nigeria", "2016-2016", "Apongbon", "Lagos"),
    Ph("els-limits", "Spain", "2019-2020", "Els Limits", "La Jonquera"),
    Ph("ajman", "United Arab Emirates", "2019-2025", "Ajman China Mall", "Ajman"),
    Ph("pacific-mall", "Canada", "2021-2022", "Pacific Mall", "Markham,Ontario"),
    Ph("central-market", "Cambodia", "2019-2025", "Central Market", "Phnom Penh"),
    Ph("rainbow-centre", "Pakistan", "2010-2013", "Rainbow Centre|Rainbow Center", "Karachi"),
)

_EARLY, _MIDDLE = 2012, 2018  # heading styles: `Name (City)`, `Name – City`, `Name, City`


def history(
    seed: int, absent: float = 0.06
) -> tuple[list[YearListings], dict[tuple[int, int], str]]:
    """Sixteen years of lists and the truth: (year, index) -> the market's spec id."""
    rng = random.Random(seed)
    state: dict[str, dict[str, int]] = {}
    years: list[YearListings] = []
    truth: dict[tuple[int, int], str] = {}
    for year in YEARS:
        entries: list[Entry] = []
        for spec in CATALOGUE:
            if not spec.first <= year <= spec.last or year in spec.gaps:
                continue
            if spec.first < year < spec.last and rng.random() < absent:
                continue
            entry = _print(spec, year, state.setdefault(spec.id, {}), rng)
            truth[(year, len(entries))] = spec.id
            entries.append(entry)
        years.append(YearListings(year, tuple(entries)))
    return years, truth


def _sticky(rng: random.Random, memory: dict[str, int], key: str, n: int, p: float = 0.3) -> int:
    """A variant that stays for a few years, then may change (headings drift slowly)."""
    if key not in memory or (n > 1 and rng.random() < p):
        memory[key] = rng.randrange(n)
    return min(memory[key], n - 1)


def _names(spec: Spec, year: int) -> tuple[str, ...]:
    names = spec.names
    for since, later in sorted(spec.eras.items()):
        if year >= since:
            names = later
    return names


def _print(spec: Spec, year: int, memory: dict[str, int], rng: random.Random) -> Entry:
    names = _names(spec, year)
    name = names[_sticky(rng, memory, f"name{len(names)}", len(names))]
    if spec.kind == "physical":
        return _physical(spec, year, name, memory, rng)
    return _online(spec, year, name, memory, rng)


def _physical(
    spec: Spec, year: int, name: str, memory: dict[str, int], rng: random.Random
) -> Entry:
    places = spec.places[_sticky(rng, memory, "place", len(spec.places))] if spec.places else ()
    places = tuple(p for p in places if p)
    if not places:
        heading = name
    elif year <= _EARLY and "(" not in name:
        heading = f"{name} ({', '.join(places)})"
    elif year <= _MIDDLE:
        heading = f"{name} – {places[0]}"
        places = places[:1]
    else:
        heading = ", ".join((name, *places))
    return Entry(name, "physical", 1, spec.country, places[0] if places else None, heading=heading)


def _online(spec: Spec, year: int, brand: str, memory: dict[str, int], rng: random.Random) -> Entry:
    domains = spec.domains
    domain = domains[min(len(domains) - 1, (year - spec.first) // 4)] if domains else ""
    if spec.multi and rng.random() < 0.35:
        heading = " / ".join(d.capitalize() for d in spec.multi)
    else:
        style = _sticky(rng, memory, "style", 3, 0.35) if domain else 0
        if year >= 2019 and (style == 2 or domain.count(".") > 1):
            style = 0  # modern headings print a brand, never a domain in parentheses or a host
        if style == 1:
            heading = domain.capitalize()
        elif style == 2:
            heading = f"{brand} ({domain})"
        else:
            heading = brand
        if year >= 2019:
            heading = heading.upper()
    parsed = online_heading(heading)
    return Entry(parsed.name, "online", 1, spec.country, None, parsed.domains, heading)


# --- measures ---------------------------------------------------------------------------------

Listing = tuple[int, int]  # (year, index)


def pairwise(pred: dict[Listing, str], truth: dict[Listing, str]) -> tuple[float, float]:
    """Pairwise precision and recall of predicted clusters against the truth."""
    from collections import Counter

    def pairs(counts: Counter[object]) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    both = pairs(Counter((pred[k], truth[k]) for k in pred))
    predicted, true = pairs(Counter(pred.values())), pairs(Counter(truth.values()))
    return (both / predicted if predicted else 1.0), (both / true if true else 1.0)


def diff_of(ids: dict[Listing, str], old: int, new: int) -> tuple[frozenset[object], ...]:
    """A consecutive diff as listings: new (in `new`), removed (in `old`), still listed (pairs)."""
    before = {ids[k]: k for k in ids if k[0] == old}
    after = {ids[k]: k for k in ids if k[0] == new}
    return (
        frozenset(after[m] for m in after if m not in before),
        frozenset(before[m] for m in before if m not in after),
        frozenset((before[m], after[m]) for m in after if m in before),
    )


def exact_diffs(
    pred: dict[Listing, str], truth: dict[Listing, str], years: list[int]
) -> list[tuple[int, bool]]:
    """For each consecutive pair of years: (newer year, whether the diff is exactly right)."""
    return [
        (new, diff_of(pred, old, new) == diff_of(truth, old, new))
        for old, new in itertools.pairwise(years)
    ]
