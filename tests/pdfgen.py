"""Synthetic Notorious Markets List reports, set by "another typesetter".

`build(spec)` lays out a report described by a `ReportSpec` with reportlab (platypus) and returns
`(pdf_bytes, truth)`, where `truth` has the shape of `tracker.extract`'s JSON:
`{"review_year", "title", "stated_counts", "entries": [{"name", "kind", "country", "city",
"domains", "page"}], "warnings": []}`. Every `page` is the real 1-based PDF page on which the
entry's heading (or run-in paragraph) draws its first line: it is recorded while the page is
drawn, never computed.

The spec is a set of independent switches:

* era: "early" (2010-2012: run-in names in category / country groups), "mid" (2013-2018:
  `Name (domain)` headings, `Market – City`), "modern" (2019+: CAPS headings, the table of
  contents lists every online market and the countries, `Market, City[, Province]`);
* typesetting (`Typesetting`): font family, body size, emphasis of headings (bold, size only,
  colour only, CAPS in the body font), running header, folios, footnotes (raised small digits,
  Unicode superscript characters, full-size digits glued to the name), table of contents (dot
  leaders, page number first, right-aligned number without leaders), justification,
  hyphenation, page size and margins;
* per market (`Market`): a footnote on its heading, heading as the last line of a page, a
  manual line break inside the heading;
* report-wide: counts sentence in digits / words / absent, stated counts that disagree,
  Positive Developments before or after the results, Issue Focus on or off.

Truth conventions (the extractor's contract): `name` is the heading as printed without a
trailing parenthesised domain, city, footnote marker or trailing punctuation; online entries
have no country or city; physical entries carry the country of their group heading (CAPS ->
title case) and the city (after the first comma, after ` – `, or the early era's parenthesis).
With CAPS emphasis every heading is printed (and so named) in capitals. `domains` holds the
heading's own domains and is informative only (`compare` ignores it: the extractor also reads
domains from the text). The truth also carries a generator-only `layout` key (page count, each
heading's number of lines, which hard cases it carries) so tests can check that a hard case
really happened (a wrapped heading is on two lines).

How the layout imitates a word processor, and what it guarantees:

* headings are never split and move to the next page unless two lines of what follows fit
  below them (Word's "keep with next"); body text has widow/orphan control;
* footnotes go to the foot of the page holding their reference (the frame shrinks as notes are
  added, so a reference never lands on a page without its note);
* `at_page_bottom` inserts running text about the previous market, sized so that the heading
  (with its group heading, if it opens a group; or the first line of an early-era run-in) is
  the last line of the page; `build` checks that the entry's text really starts on the next
  page, and raises otherwise. It needs an entry before it in its section;
* the table of contents prints real folios (the layout is repeated until they are stable);
* `build` refuses text the font cannot draw: the standard PDF fonts (Helvetica, Times,
  Courier) have WinAnsi glyphs only, so `Brčko` needs a TTF font and Unicode superscript
  markers stop at ³ (with those fonts, running-text footnotes give way to heading markers).

Early era: run-in names are bold (coloured for colour emphasis; `Typesetting.runin` can force
`bold_italic` or `caps`); the emphasis switch styles the group headings (categories,
countries). The Issue Focus section is off by default in the early era, as in 2010-2012.
"""

from __future__ import annotations

import io
import os
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Literal

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)

Era = Literal["early", "mid", "modern"]
Kind = Literal["online", "physical"]
Emphasis = Literal["bold", "size", "colour", "caps"]
RunIn = Literal["bold", "bold_italic", "colour", "caps"]
Footnotes = Literal["raised", "unicode", "glued", "none"]
TocStyle = Literal["dots", "number_first", "right"]
CountsStyle = Literal["digits", "words", "none"]

ERAS: tuple[Era, ...] = ("early", "mid", "modern")
EMPHASES: tuple[Emphasis, ...] = ("bold", "size", "colour", "caps")
FOOTNOTES: tuple[Footnotes, ...] = ("raised", "unicode", "glued", "none")
TOC_STYLES: tuple[TocStyle, ...] = ("dots", "number_first", "right")


# =============================================================================================
# spec


@dataclass(frozen=True)
class Market:
    """One listed market. `name` is the name as the heading prints it (before CAPS emphasis),
    `country` the country in title case (`Kyrgyz Republic`)."""

    name: str
    kind: Kind
    domain: str | None = None  # printed `Name (domain)` (early / mid online headings)
    country: str | None = None  # physical: the group heading
    city: str | None = None
    province: str | None = None  # modern physical: `Market, City, Province`
    category: str | None = None  # early online: group heading ("Cyberlockers")
    footnote: bool = False  # a footnote marker on the heading
    at_page_bottom: bool = False  # the heading is the last line of its page
    break_after: str | None = None  # manual line break in the heading after this prefix
    mention: str | None = None  # how running text names it (default: derived from `name`)


@dataclass(frozen=True)
class Typesetting:
    font: str = "Times-Roman"  # Helvetica | Times-Roman | Courier | DejaVuSans | DejaVuSerif
    body_size: float = 12.0
    leading: float = 1.2  # line height / font size
    emphasis: Emphasis = "bold"
    runin: RunIn | None = None  # early era run-in names; None: bold (colour for "colour")
    runin_colon_inside: bool = True  # `Name:` all emphasised, or `Name` + plain `:`
    runin_domain_plain: bool = False  # `Name` emphasised, then a plain `(domain)` and separator
    running_header: bool = True
    page_numbers: bool = True
    footnotes: Footnotes = "raised"
    toc: TocStyle = "dots"
    justify: bool = True
    hyphenate: bool = False  # hyphenate the running text
    page: Literal["letter", "a4"] = "letter"
    margin: float = 72.0
    centre_sections: bool = True  # section headings centred
    physical_italic: bool = True  # modern physical entry headings bold-italic (bold emphasis)
    colour: str = "#1F4E79"
    heading_measure: float = 1.0  # market headings wrap within this share of the text width
    balance: bool = False  # market headings wrap to lines of even length (same line count)
    heading_leading: float = 1.2  # market headings' line height / font size
    marker_size: float = 0.6  # raised footnote markers' size / font size (rise: 0.35)


@dataclass(frozen=True)
class ReportSpec:
    era: Era
    year: int
    markets: tuple[Market, ...]
    typesetting: Typesetting = field(default_factory=Typesetting)
    counts: CountsStyle = "digits"
    stated: tuple[int, int] | None = None  # (online, physical) as stated; None: the real counts
    positive: tuple[str, ...] = ("Snapdeal", "Seasonvar")  # Positive Developments (not listed)
    positive_after_results: bool = False
    issue_focus: bool | None = None  # None: off for the early era, on otherwise
    overview_mentions: int = 3  # listed markets the Overview names
    section_intros: bool = False  # an intro paragraph under "Online/Physical Markets"
    runin_sep: Literal[":", "–"] = ":"  # early era: `Name: text` or `Name (domain) – text`
    paragraphs: tuple[int, int] = (1, 2)  # paragraphs of text per entry (min, max)
    pdf_title: bool = True  # set the PDF's Title metadata
    cover_date: str | None = None  # the cover's date line (default: drawn from the seed)
    seed: int = 0  # the running text


# =============================================================================================
# real names (from the public lists; see tests/fixtures/*.truth.json)

MODERN_ONLINE: tuple[tuple[str, str | None], ...] = (
    ("1337X", None),
    ("1FICHIER", None),
    ("2EMBED", None),
    ("ALIEXPRESS", None),
    ("AMAZON’S FOREIGN DOMAINS", None),
    ("BAIDU WANGPAN", None),
    ("BESTBUYIPTV", None),
    ("BLUEANGELHOST", None),
    ("BUKALAPAK", None),
    ("CAROUSELL", None),
    ("CHALOOS", None),
    ("CHOMIKUJ", None),
    ("CIMACLUB", None),
    ("CUEVANA", None),
    ("DHGATE", None),
    ("DYTT8", None),
    ("EGY.BEST", None),
    ("FLOKINET", None),
    ("FLVTO", None),
    ("FMOVIES", None),
    ("HARAJ", None),
    (
        "HOSTING CONCEPTS B.V. (D/B/A OPEN PROVIDER) AND REGIONAL NETWORK INFORMATION CENTER JSC",
        None,
    ),
    ("INDIAMART", None),
    ("ISTAR", None),
    ("LIBGEN", None),
    ("MERCADO LIBRE", None),
    ("MP3JUICES", None),
    ("MPGH", None),
    ("NEWALBUMRELEASES", None),
    ("PELISPLUS", None),
    ("PHIMMOI", None),
    ("PINDUODUO", None),
    ("POPCORN TIME", None),
    ("PRIVATE LAYER-HOSTED SITES", None),
    ("PROPELLER ADS", None),
    ("RAPIDGATOR", None),
    ("RARBG", None),
    ("REVENUEHITS", None),
    ("RUTRACKER", None),
    ("SCI-HUB", None),
    ("SEASONVAR", None),
    ("SHABAKATY", None),
    ("SHOPEE", None),
    ("SNAPDEAL", None),
    ("SPIDER", None),
    ("TAOBAO", None),
    ("THEPIRATEBAY", None),
    ("TOKOPEDIA", None),
    ("TORRENTZ2", None),
    ("TURBOBIT", None),
    ("UPLOADED", None),
    ("UPTOBOX", None),
    ("VK", None),
    ("WARMANE", None),
    ("WECHAT (WEIXIN) E-COMMERCE ECOSYSTEM", None),
    ("WEIDIAN", None),
)
MID_ONLINE: tuple[tuple[str, str | None], ...] = (
    ("1337x.to", None),
    ("4Shared.com", None),
    ("BeeVideo.tv", None),
    ("ExtraTorrent.cc", None),
    ("Libgen.io / Bookfi.net", None),
    ("Movshare Group", None),
    ("MP3VA.com", None),
    ("MyEgy.to", None),
    ("Nowvideo.sx", None),
    ("Pobieramy24.pl / Darkwarez.pl / Catshare.net / Fireshark.pl", None),
    ("Primewire.ag", None),
    ("Putlocker", "putlocker.ch"),
    ("Rapidgator", "rapidgator.org"),
    ("Rarbg.to", None),
    ("Rutracker.org", None),
    ("Taobao.com", None),
    ("The Pirate Bay", "thepiratebay.se"),
    ("The-Watch-Series.to / Projectfree-tv.to", None),
    ("Uploaded.net", None),
    ("Vk.com", None),
    ("YouTube-MP3.org", None),
    ("Baidu Wangpan", "pan.baidu.com"),
    ("Sci-Hub", "sci-hub.io"),
    ("Popcorn Time", None),
    ("Seasonvar", "seasonvar.ru"),
    ("Openload", "openload.co"),
    ("Fmovies", "fmovies.is"),
)
EARLY_ONLINE: tuple[tuple[str, str | None, str], ...] = (
    ("Allofmp3 clones", None, "Pay-Per-Download"),
    ("Gougou", None, "Linking Sites"),
    ("Sogou MP3", None, "Linking Sites"),
    ("Xunlei", None, "Linking Sites"),
    ("Taobao", "taobao.com", "B2B and B2C E-commerce"),
    ("The Pirate Bay", "thepiratebay.org", "BitTorrent Indexing"),
    ("IsoHunt", "isohunt.com", "BitTorrent Indexing"),
    ("Torrentz.eu", None, "BitTorrent Indexing"),
    ("Btjunkie", "btjunkie.org", "BitTorrent Indexing"),
    ("Kat.ph", None, "BitTorrent Indexing"),
    ("Demonoid", "demonoid.me", "BitTorrent Trackers"),
    ("Zamunda", "zamunda.net", "BitTorrent Trackers"),
    ("Rutracker", "rutracker.org", "BitTorrent Trackers"),
    ("Megaupload", "megaupload.com", "Cyberlockers"),
    ("Rapidgator.net", None, "Cyberlockers"),
    ("VKontakte", "vk.com", "Social Media"),
    ("TV Ants", None, "Live Sports Telecast Piracy"),
)
# (country, market, city, province)
PHYSICAL: tuple[tuple[str, str, str | None, str | None], ...] = (
    ("Argentina", "La Salada", "Lomas de Zamora", "Buenos Aires"),
    ("Brazil", "Rua 25 de Março", "São Paulo", None),
    ("Brazil", "Galeria Page", "São Paulo", None),
    ("Cambodia", "Central Market", "Phnom Penh", None),
    ("Canada", "Pacific Mall", "Markham", "Ontario"),
    ("China", "Anfu Market", "Putian", "Fujian"),
    ("China", "Asia Pacific Xinyang Clothing and Gift Market", "Shanghai", None),
    ("China", "Huaqiangbei Electronics Malls", "Shenzhen", None),
    ("China", "Luohu Commercial City", "Shenzhen", None),
    ("China", "Silk Market (Silk Street)", "Beijing", None),
    ("China", "Yiwu International Trade City (China Commodity City)", "Yiwu", "Zhejiang"),
    ("Ecuador", "La Bahia", "Guayaquil", None),
    ("India", "Heera Panna", "Mumbai", None),
    ("India", "Kidderpore", "Kolkata", None),
    ("India", "Tank Road", "New Delhi", None),
    ("India", "Sadar Bazar", None, None),
    ("Indonesia", "Mangga Dua Market", "Jakarta", None),
    ("Kyrgyz Republic", "Dordoi Market", "Bishkek", None),
    ("Malaysia", "Petaling Street", "Kuala Lumpur", None),
    ("Mexico", "Mercado San Juan de Dios (Mercado Libertad)", "Guadalajara", "Jalisco"),
    ("Mexico", "Tepito", "Mexico City", None),
    ("Paraguay", "Ciudad del Este", None, None),
    ("Peru", "Polvos Azules", "Lima", None),
    ("Philippines", "Quiapo", "Manila", None),
    ("Russia", "Dubrovka Market", "Moscow", None),
    ("Spain", "Els Limits", "La Jonquera", None),
    ("Thailand", "MBK Center", "Bangkok", None),
    ("Turkey", "Grand Bazaar", "Istanbul", None),
    ("Ukraine", "Petrivka", "Kyiv", None),
    ("United Arab Emirates", "Ajman China Mall", "Ajman", None),
    ("Vietnam", "Ben Thanh Market", "Ho Chi Minh City", None),
    ("Vietnam", "Tan Thanh Market", "Lang Son", None),
    ("Bosnia and Herzegovina", "Arizona Market", "Brčko", None),
)
# names printed outside the results (Positive Developments, Overview asides): never listings
DISTRACTORS: tuple[str, ...] = (
    "Snapdeal",
    "Seasonvar",
    "YTS",
    "Warmane",
    "4shared",
    "2conv",
    "SP Road Market",
    "La Bahia",
    "Avito",
    "Baidu",
    "Ladies Market",
    "Savelovskiy Market",
    "PublicBT",
    "OpenBitTorrent",
    "Torrentz.eu",
    "Cuevana.tv",
    "Solarmovie.is",
    "Mp3skull.com",
    "Ex.ua",
    "KickassTorrents",
    "Hardstore.com",
    "Firestorm-Servers.com",
    "Convert2mp3.net",
    "Openload.co",
    "Lalastreams",
    "Oke-Arin",
    "Nehru Place",
    "Harco Glodok",
    "Red Zones",
    "Bahia Market",
)
ISSUE_TOPICS = (
    "Stream Ripping",
    "Malware and Online Piracy",
    "Illicit Streaming Devices",
    "The Adverse Impact on Workers Involved in the Manufacture of Counterfeit Goods",
    "Free Trade Zones and Counterfeiting",
    "Counterfeit Pharmaceuticals Sold Online",
)
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# =============================================================================================
# fonts

_TTF_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
)
_STANDARD = {
    "Helvetica": ("Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique"),
    "Times-Roman": ("Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic"),
    "Courier": ("Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique"),
}
_TTF_FILES = {
    "DejaVuSans": ("DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSans-BoldOblique"),
    "DejaVuSerif": (
        "DejaVuSerif",
        "DejaVuSerif-Bold",
        "DejaVuSerif-Italic",
        "DejaVuSerif-BoldItalic",
    ),
}


def _find_ttf(stem: str) -> str | None:
    for d in _TTF_DIRS:
        path = os.path.join(d, stem + ".ttf")
        if os.path.exists(path):
            return path
    return None


def available_fonts() -> list[str]:
    """Font families this machine can set: the standard three plus any TTF found."""
    out = list(_STANDARD)
    for family, stems in _TTF_FILES.items():
        if all(_find_ttf(s) for s in stems):
            out.append(family)
    return out


def is_standard_font(family: str) -> bool:
    return family in _STANDARD


def _font_faces(family: str) -> tuple[str, str, str, str]:
    """(regular, bold, italic, bold italic) reportlab font names, registering a TTF family."""
    if family in _STANDARD:
        return _STANDARD[family]
    if family not in _TTF_FILES:
        raise ValueError(f"unknown font family {family!r}")
    names = _TTF_FILES[family]
    registered = set(pdfmetrics.getRegisteredFontNames())
    for stem in names:
        if stem not in registered:
            path = _find_ttf(stem)
            if path is None:
                raise ValueError(f"font {stem}.ttf is not installed")
            pdfmetrics.registerFont(TTFont(stem, path))
    from reportlab.lib.fonts import addMapping

    addMapping(family, 0, 0, names[0])
    addMapping(family, 1, 0, names[1])
    addMapping(family, 0, 1, names[2])
    addMapping(family, 1, 1, names[3])
    addMapping(names[0], 0, 0, names[0])
    addMapping(names[0], 1, 0, names[1])
    addMapping(names[0], 0, 1, names[2])
    addMapping(names[0], 1, 1, names[3])
    return names


_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _unicode_superscript(n: int) -> str:
    return str(n).translate(_SUPERSCRIPT_DIGITS)


# =============================================================================================
# text helpers

_SMALL_WORDS = {"and", "of", "the", "de", "del", "da", "do", "dos"}


def caps_to_title(text: str) -> str:
    """`KYRGYZ REPUBLIC` -> `Kyrgyz Republic`, `BOSNIA AND HERZEGOVINA` -> `Bosnia and
    Herzegovina` (how a CAPS country heading reads as a name)."""
    words = text.lower().split()
    out = []
    for i, w in enumerate(words):
        if i and w in _SMALL_WORDS:
            out.append(w)
        else:
            out.append("-".join(p[:1].upper() + p[1:] for p in w.split("-")))
    return " ".join(out)


def mention_of(name: str) -> str:
    """How running text names a market whose heading is `name` (`BAIDU WANGPAN` -> `Baidu
    Wangpan`, `AMAZON’S FOREIGN DOMAINS` -> `Amazon’s foreign domains`)."""
    if not name.isupper():
        return name
    special = {
        "AMAZON’S FOREIGN DOMAINS": "Amazon’s foreign domains",
        "PRIVATE LAYER-HOSTED SITES": "Private Layer-hosted sites",
        "WECHAT (WEIXIN) E-COMMERCE ECOSYSTEM": "the WeChat (Weixin) e-commerce ecosystem",
        "HOSTING CONCEPTS B.V. (D/B/A OPEN PROVIDER) AND REGIONAL NETWORK INFORMATION CENTER JSC": "Hosting Concepts B.V. (d/b/a Open Provider) and Regional Network Information Center JSC",
        "EGY.BEST": "Egy.best",
        "MPGH": "MPGH",
        "VK": "VK",
        "RARBG": "RARBG",
        "DHGATE": "DHgate",
        "SCI-HUB": "Sci-Hub",
        "1337X": "1337x",
        "1FICHIER": "1Fichier",
        "2EMBED": "2embed",
        "DYTT8": "Dytt8",
        "TORRENTZ2": "Torrentz2",
        "MP3JUICES": "MP3Juices",
    }
    if name in special:
        return special[name]
    return " ".join(w[:1] + w[1:].lower() for w in name.split())


def number_words(n: int) -> str:
    ones = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ]
    tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    if n < 20:
        return ones[n]
    if n < 100:
        return tens[n // 10] + ("" if n % 10 == 0 else "-" + ones[n % 10])
    return str(n)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_VOWELS = set("aeiouy")
_NO_SPLIT = {
    "th",
    "ch",
    "sh",
    "ph",
    "wh",
    "ck",
    "ng",
    "gh",
    "qu",
    "tr",
    "pr",
    "br",
    "cr",
    "gr",
    "dr",
    "fr",
    "pl",
    "bl",
    "cl",
    "gl",
    "fl",
    "sc",
    "st",
}


# dictionary break points of frequent words (the rule below is only a fallback)
_HYPHENATION = {
    w.replace("-", ""): w
    for w in (
        "phys-i-cal",
        "mar-kets",
        "mar-ket",
        "on-line",
        "coun-ter-feit",
        "coun-ter-feit-ing",
        "coun-ter-feits",
        "in-fringe-ment",
        "in-fring-ing",
        "in-for-ma-tion",
        "op-er-a-tors",
        "op-er-a-tions",
        "re-port-ed-ly",
        "com-ment-ers",
        "en-force-ment",
        "au-thor-i-ties",
        "im-prove-ments",
        "sub-stan-tial",
        "mon-i-tor",
        "de-vel-op-ments",
        "par-tic-u-lar",
        "plat-forms",
        "plat-form",
        "ser-vices",
        "ser-vice",
        "in-ter-me-di-ar-ies",
        "right",
        "pi-ra-cy",
        "pi-rat-ed",
        "iden-ti-fied",
        "iden-ti-fies",
        "high-lights",
        "il-lus-tra-tive",
        "pro-vid-ers",
        "re-quest-ed",
        "sub-mis-sions",
        "gov-ern-ments",
        "an-ony-mous",
        "fre-quent-ly",
        "re-view",
        "through",
        "ad-ver-tis-ing",
        "ac-knowl-edge",
        "en-gage-ment",
        "rig-or-ous",
        "or-ga-nized",
        "al-pha-bet-i-cal",
        "per-sist-ed",
        "di-min-ished",
        "pre-vi-ous",
        "reg-is-tra-tion",
        "con-sumer",
        "elec-tron-ics",
        "whole-sale",
        "frus-trate",
        "avail-able",
        "hold-ers",
        "wide-ly",
        "re-gion",
        "op-er-a-tor",
        "through-out",
        "sig-nif-i-cant",
        "ap-prox-i-mate",
        "state-ments",
    )
}


def hyphenator(word: str) -> Iterator[tuple[str, str]]:
    """Break points of an English-looking word, longest head first (for reportlab)."""
    if len(word) < 7 or not word.isalpha():
        return
    known = _HYPHENATION.get(word.lower())
    if known is not None:
        cuts, i = [], 0
        for part in known.split("-")[:-1]:
            i += len(part)
            cuts.append(i)
        for i in reversed(cuts):
            if i >= 2 and len(word) - i >= 3:
                yield word[:i], word[i:]
        return
    lw = word.lower()
    points = []
    for i in range(3, len(word) - 2):
        a, b, c = lw[i - 1], lw[i], lw[i + 1]
        if a in _VOWELS and b not in _VOWELS and c in _VOWELS:  # V-CV
            points.append(i)
        elif (
            a not in _VOWELS
            and b not in _VOWELS
            and lw[i - 2] in _VOWELS
            and c in _VOWELS
            and lw[i - 1 : i + 1] not in _NO_SPLIT
        ):  # VC-CV
            points.append(i)
    for i in reversed(points):
        yield word[:i], word[i:]


# =============================================================================================
# running text


class _Text:
    """Invented running text in the reports' register, seeded."""

    ONLINE = (
        "{m} remains on the List because action against it has been {slow} during the review "
        "period.",
        "Commenters describe {m} as {hub} of infringing content in {region}.",
        "According to industry groups, the {svc} receives roughly {n} million visits each month.",
        "Right holders report that the {svc}'s takedown process remains slow and {opaque}.",
        "Users reportedly migrate to similar services such as {other} when access is disrupted.",
        "The operator has not acted on {many} notices from right holders.",
        "Its operators remain anonymous and change domain names frequently.",
        "The United States urges the relevant authorities to investigate the operators of {m}.",
        "The {svc} relies on {revenue} to sustain its operations.",
        "Download speeds for free users are throttled, which steers visitors toward paid premium "
        "accounts.",
        "Information submitted for this review indicates that infringing activity has not "
        "diminished since the previous review.",
        "Some commenters describe {limited} improvements, but the overall volume of infringing "
        "material remains high.",
        "{m} was identified in an earlier edition of the List and remains a concern.",
        "Mirror domains and proxy services continue to frustrate efforts to block access to the "
        "{svc}.",
        "Right holders acknowledge the operator’s engagement, but report that listing review is "
        "not rigorous enough.",
    )
    PHYSICAL = (
        "Commenters estimate that most of the goods on offer infringe trademarks of {brands}.",
        "The market is located in a busy commercial district of {city} and attracts {buyers} from "
        "across the region.",
        "Vendors reportedly warn each other whenever enforcement officials approach.",
        "Officials carried out {k} raids during the review period, but vendors returned within "
        "days.",
        "Commenters describe {m} as one of the largest sources of counterfeit goods in {country}.",
        "The United States urges {level} authorities in {country} to increase enforcement at the "
        "market.",
        "Buyers often move to nearby outlets such as {other} when enforcement increases.",
        "Counterfeit goods are displayed openly, while higher-quality copies are kept in storage "
        "areas.",
        "Some sellers take orders in the market and deliver goods from off-site storage to avoid "
        "seizure.",
        "{m} has been identified in a previous edition of the List and continues to be a concern.",
        "Market management has been slow to adopt clear anti-counterfeiting policies.",
        "The market hosts more than {k} hundred stalls selling apparel, footwear and consumer "
        "electronics.",
    )
    FILLER = (
        "Commenters also point to the growing role of social media in advertising infringing "
        "goods and services.",
        "The United States will continue to monitor developments during the next review.",
        "Right holders report that enforcement actions are sporadic and seldom lead to meaningful "
        "penalties.",
        "Several commenters provided test purchases and screenshots in support of these "
        "statements.",
        "Information submitted for this review suggests that the problem has persisted since the "
        "last review.",
        "The operators reportedly conceal their identities and move between hosting providers.",
        "Commenters note that the overall volume of infringing material continues to grow.",
        "Cooperation among governments, intermediaries and right holders remains essential to "
        "reduce the harm described here.",
    )
    WORDS: ClassVar[dict[str, tuple[str, ...]]] = {
        "slow": ("slow", "limited", "uneven"),
        "hub": ("a prominent hub", "a leading source", "one of the largest sources"),
        "region": ("the region", "its country", "Latin America", "Eastern Europe", "South Asia"),
        "svc": ("site", "service", "platform"),
        "opaque": ("opaque", "inconsistent", "difficult to use"),
        "many": ("multiple", "numerous", "repeated"),
        "revenue": (
            "advertising revenue",
            "paid premium accounts",
            "affiliate programs",
            "donations",
        ),
        "limited": ("limited", "incremental", "modest"),
        "brands": ("U.S. brands", "well-known brands", "foreign brands"),
        "buyers": ("wholesale buyers", "domestic shoppers", "tourists"),
        "level": ("local", "national", "city"),
    }

    def __init__(self, seed: int, others: Sequence[str]) -> None:
        self.rng = random.Random(seed)
        self.others = list(others) or ["Avito"]

    def _fill(self, template: str, **kw: str) -> str:
        def pick(m: re.Match[str]) -> str:
            key = m.group(1)
            if key in kw:
                return kw[key]
            if key == "n":
                return str(self.rng.randint(3, 95))
            if key == "k":
                return self.rng.choice(("two", "three", "several"))
            if key == "other":
                return self.rng.choice(self.others)
            return self.rng.choice(self.WORDS[key])

        return re.sub(r"\{(\w+)\}", pick, template)

    def entry(
        self,
        kind: Kind,
        mention: str,
        country: str,
        city: str,
        n_paras: int,
        self_names: Sequence[str],
    ) -> list[str]:
        """Paragraphs about one market; the first one names it."""
        bank = self.ONLINE if kind == "online" else self.PHYSICAL
        others = [o for o in self.others if o not in self_names] or ["Avito"]
        paras = []
        for p in range(n_paras):
            picks = self.rng.sample(bank, k=min(len(bank), self.rng.randint(3, 5)))
            if p == 0 and not any("{m}" in t for t in picks):
                picks[self.rng.randrange(len(picks))] = next(t for t in bank if "{m}" in t)
            sents = []
            for t in picks:
                kw = {"m": mention, "country": country or "the region", "city": city or "the city"}
                if "{other}" in t:
                    kw["other"] = self.rng.choice(others)
                s = self._fill(t, **kw)
                sents.append(s[:1].upper() + s[1:])
            paras.append(" ".join(sents))
        return paras

    def pool(
        self, kind: Kind | None, mention: str, country: str, city: str, n: int = 120
    ) -> list[str]:
        """Many sentences about one market (or, with `kind` None, about the List in general),
        each template used once before any is used again."""
        bank = list(self.FILLER)
        if kind is not None:
            bank += self.ONLINE if kind == "online" else self.PHYSICAL
        out: list[str] = []
        while len(out) < n:
            order = list(bank)
            self.rng.shuffle(order)
            for t in order:
                kw = {"m": mention, "country": country or "the region", "city": city or "the city"}
                s = self._fill(t, **kw)
                out.append(s[:1].upper() + s[1:])
        return out[:n]


# =============================================================================================
# flowables


class _Ctx:
    """State shared by the flowables of one build: the doc, recorded pages, footnotes."""

    def __init__(self) -> None:
        self.doc: _Doc | None = None
        self.pages: dict[str, int] = {}
        self.lines: dict[str, int] = {}  # lines of each keyed heading / run-in first part
        self.note_style: ParagraphStyle | None = None
        self.note_mode: Footnotes = "raised"
        self.width = 0.0

    def record(self, key: str, page: int) -> None:
        self.pages.setdefault(key, page)

    def record_lines(self, key: str, lines: int) -> None:
        self.lines.setdefault(key, lines)

    # -- footnotes -----------------------------------------------------------------------

    def note_para(self, num: int, text: str) -> Paragraph:
        st = self.note_style
        assert st is not None
        if self.note_mode == "glued":
            mark = f"{num} "
        elif self.note_mode == "unicode":
            mark = _unicode_superscript(num) + " "
        else:
            mark = f'<super rise="{st.fontSize * 0.35:.1f}" size="{st.fontSize * 0.65:.1f}">{num}</super> '
        return Paragraph(mark + _esc(text), st)

    def notes_height(self, notes: Sequence[tuple[int, str]]) -> float:
        if not notes:
            return 0.0
        assert self.doc is not None
        h = sum(self.note_para(n, t).wrap(self.width, 1e6)[1] for n, t in notes)
        if not self.doc.page_notes:
            h += self.doc.note_gap
        return h

    def add_notes(self, notes: Sequence[tuple[int, str]]) -> None:
        if not notes:
            return
        assert self.doc is not None
        h = self.notes_height(notes)
        self.doc.page_notes.extend(notes)
        self.doc.frame._y1p += h  # the footnotes take the bottom of the page


class _Para(Paragraph):
    """A paragraph that records the page of its first line (`key`) and carries footnotes
    whose references sit at its end (`notes`) or in its first line (`notes_at_start`)."""

    key: str | None = None
    after_key: str | None = None  # recorded by the second part when the paragraph splits
    notes: tuple[tuple[int, str], ...] = ()
    notes_at_start = False
    ctx: _Ctx | None = None

    def setup(
        self,
        ctx: _Ctx,
        key: str | None = None,
        notes: Sequence[tuple[int, str]] = (),
        notes_at_start: bool = False,
    ) -> _Para:
        self.ctx, self.key, self.notes, self.notes_at_start = ctx, key, tuple(notes), notes_at_start
        return self

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        w, h = super().wrap(aW, aH)
        if self.notes and self.ctx is not None:
            nh = self.ctx.notes_height(self.notes)
            if h + nh > aH + 1e-6:
                return w, h + nh  # does not fit with its footnotes: split or move on
        return w, h

    def split(self, aW: float, aH: float) -> list[Any]:
        nh = self.ctx.notes_height(self.notes) if (self.notes and self.ctx) else 0.0
        if self.notes and self.notes_at_start:
            parts = super().split(aW, aH - nh)
        elif self.notes:
            _, h = Paragraph.wrap(self, aW, aH)
            parts = super().split(aW, min(aH, h - 0.5 * self.style.leading))
        else:
            parts = super().split(aW, aH)
        if not parts or (len(parts) == 1 and parts[0] is self):
            return parts
        limit = aH - nh if (self.notes and self.notes_at_start) else aH
        if len(parts) > 1 and Paragraph.wrap(parts[0], aW, 1e6)[1] > limit + 1e-6:
            raise RuntimeError("reportlab split a paragraph into a first part that does not fit")
        for i, p in enumerate(parts):
            if isinstance(p, _Para):
                first, last = i == 0, i == len(parts) - 1
                p.ctx = self.ctx
                p.key = self.key if first else (self.after_key if i == 1 else None)
                p.after_key = None
                keep = first if self.notes_at_start else last
                p.notes = self.notes if keep else ()
                p.notes_at_start = self.notes_at_start
        return parts

    def draw(self) -> None:
        super().draw()
        if self.ctx is not None:
            if self.key:
                self.ctx.record(self.key, self.canv.getPageNumber())
                self.ctx.record_lines(self.key, len(self.blPara.lines))
            self.ctx.add_notes(self.notes)


class _Heading(_Para):
    """A heading: never split across pages, and (like Word's "keep with next") moved to the
    next page unless `min_after` points of what follows fit below it. Market headings may be
    set in a narrower measure (`measure`, a share of the text width) and balanced (the
    narrowest width that keeps their number of lines)."""

    min_after = 0.0
    measure = 1.0
    balance = False

    def _width(self, aW: float) -> float:
        width = aW * self.measure
        if not self.balance:
            return width

        def count(w: float) -> int:
            p = Paragraph(self.text, self.style)
            p.wrap(w, 1e6)
            return len(p.blPara.lines)

        lines = count(width)
        if lines < 2:
            return width
        lo, hi = width / lines, width
        while hi - lo > 1.0:
            mid = (lo + hi) / 2
            if count(mid) > lines:
                lo = mid
            else:
                hi = mid
        return hi

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        w, h = Paragraph.wrap(self, self._width(aW), aH)
        nh = self.ctx.notes_height(self.notes) if (self.notes and self.ctx) else 0.0
        if h + nh + self.min_after > aH + 1e-6:
            return w, max(h + nh + self.min_after, aH + 1)
        return w, h

    def split(self, aW: float, aH: float) -> list[Any]:
        return []


class _FillToBottom(Flowable):
    """Running text sized so that the flowables after it (`targets`: a heading, or a group
    heading and a heading, or the first line of a run-in paragraph) end on the last line of the
    page: whole paragraphs, then one paragraph cut to the right number of lines, then less than
    one line of slack."""

    def __init__(
        self,
        ctx: _Ctx,
        style: ParagraphStyle,
        sentences: list[str],
        targets: Sequence[_Para],
        runin: bool,
        seed: int,
    ) -> None:
        super().__init__()
        self.ctx, self.style, self.sentences = ctx, style, sentences
        self.targets, self.runin, self.seed = list(targets), runin, seed
        self._paras: list[Paragraph] = []
        self.spaceBefore = style.spaceBefore
        self.spaceAfter = style.spaceAfter

    def _need(self, aW: float) -> float:
        """Height from the bottom of the filler's text to the bottom of the targets, with the
        frame's handling of adjacent spaces (reportlab overlaps a space after with the next
        space before, like collapsing margins)."""
        frame = getattr(self, "_frame", None)
        overlap = bool(getattr(frame, "_oASpace", True))
        need, prev_after = 0.0, self.spaceAfter
        for i, t in enumerate(self.targets):
            before = t.getSpaceBefore()
            need += max(prev_after, before) if overlap else prev_after + before
            if self.runin and i == len(self.targets) - 1:
                need += t.style.leading
            else:
                width = t._width(aW) if isinstance(t, _Heading) else aW
                need += Paragraph.wrap(t, width, 1e6)[1]
            if t.notes:
                need += self.ctx.notes_height(t.notes)
            prev_after = t.getSpaceAfter()
        return need + 0.01

    def _lines(self, text: str, aW: float) -> int:
        return round(Paragraph(text, self.style).wrap(aW, 1e6)[1] / self.style.leading)

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        lead, gap = self.style.leading, self.style.spaceAfter
        room = aH - self._need(aW)
        if room < lead:
            self._paras = []
            return aW, aH + 1  # not even one line: go to the next page
        rng = random.Random(self.seed)
        pool = list(self.sentences)
        paras: list[str] = []
        while True:  # whole paragraphs while a line of the last one still fits after them
            k = rng.randint(3, 5)
            text = " ".join(pool[:k])
            n = self._lines(text, aW)
            if n * lead + gap + lead > room or len(pool) < k + 8:
                break
            paras.append(text)
            pool = pool[k:]
            room -= n * lead + gap
        lines = int(room // lead)
        paras.append(self._last_paragraph(pool, lines, aW))
        self._paras = [Paragraph(_esc(t), self.style) for t in paras]
        height = sum(p.wrap(aW, 1e6)[1] for p in self._paras) + gap * (len(paras) - 1)
        return aW, height

    def _last_paragraph(self, pool: list[str], lines: int, aW: float) -> str:
        """Whole sentences that set in exactly `lines` lines, else words cut to fit."""
        for start in range(min(len(pool), 60)):
            text = ""
            for sentence in pool[start:]:
                cand = f"{text} {sentence}".strip()
                n = self._lines(cand, aW)
                if n == lines:
                    return cand
                if n > lines:
                    break
                text = cand
        words = " ".join(pool).split()
        lo, hi = 1, len(words)
        while lo < hi:  # the most words that still set in `lines` lines
            mid = (lo + hi + 1) // 2
            if self._lines(self._cut(words, mid), aW) <= lines:
                lo = mid
            else:
                hi = mid - 1
        return self._cut(words, lo)

    @staticmethod
    def _cut(words: list[str], n: int) -> str:
        text = " ".join(words[:n]).rstrip(",;:")
        return text if text.endswith(".") else text + "."

    def split(self, aW: float, aH: float) -> list[Any]:
        return []

    def draw(self) -> None:
        y = sum(p.height for p in self._paras) + self.style.spaceAfter * (len(self._paras) - 1)
        for p in self._paras:
            y -= p.height
            p.drawOn(self.canv, 0, y)
            y -= self.style.spaceAfter


class _TocLine(Flowable):
    """One table-of-contents item: dot leaders, page number first, or a right-aligned number."""

    def __init__(
        self,
        text: str,
        label: str,
        level: int,
        font: str,
        size: float,
        leading: float,
        style: TocStyle,
        space_before: float,
    ) -> None:
        super().__init__()
        self.text, self.label, self.level = text, label, level
        self.font, self.size, self.lead, self.tstyle = font, size, leading, style
        self.spaceBefore = space_before
        self._lines: list[str] = []

    def _sw(self, s: str) -> float:
        return pdfmetrics.stringWidth(s, self.font, self.size)

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        self.width = aW
        indent = self.level * 18.0
        if self.tstyle == "number_first":
            avail = aW - 36 - indent
        else:
            avail = aW - indent - self._sw("0000") - (24 if self.tstyle == "right" else 18)
        lines: list[str] = []
        cur = ""
        for word in self.text.split():
            cand = f"{cur} {word}".strip()
            if cur and self._sw(cand) > avail:
                lines.append(cur)
                cur = word
            else:
                cur = cand
        lines.append(cur)
        self._lines = lines
        self.height = len(lines) * self.lead
        return aW, self.height

    def draw(self) -> None:
        c = self.canv
        c.setFont(self.font, self.size)
        indent = self.level * 18.0
        y = self.height - self.size
        for i, line in enumerate(self._lines):
            last = i == len(self._lines) - 1
            if self.tstyle == "number_first":
                if i == 0:
                    c.drawString(0, y, self.label)
                c.drawString(36 + indent, y, line)
            else:
                c.drawString(indent, y, line)
                if last:
                    c.drawRightString(self.width, y, self.label)
                    if self.tstyle == "dots":
                        start = indent + self._sw(line + " ")
                        end = self.width - self._sw(self.label) - self._sw(" ")
                        n = int((end - start) // self._sw("."))
                        if n > 0:
                            c.drawString(end - n * self._sw("."), y, "." * n)
            y -= self.lead


# =============================================================================================
# document


class _Doc(BaseDocTemplate):
    def __init__(self, buf: io.BytesIO, ctx: _Ctx, gen: _Builder, **kw: Any) -> None:
        super().__init__(buf, **kw)
        self.ctx, self.gen = ctx, gen
        self.page_notes: list[tuple[int, str]] = []
        self.note_gap = 0.0
        frame = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self.addPageTemplates([PageTemplate("main", [frame])])

    def beforePage(self) -> None:
        for f in self.pageTemplate.frames:
            f._geom()  # undo the room taken by the last page's footnotes
        self.page_notes = []

    def afterPage(self) -> None:
        self.gen.decorate(self.canv, self)


# =============================================================================================
# builder


@dataclass
class _Entry:
    market: Market
    key: str
    heading_text: str  # printed, without the footnote marker
    truth: dict[str, Any]


class _Builder:
    def __init__(self, spec: ReportSpec) -> None:
        self.spec = spec
        self.ts = ts = spec.typesetting
        self.era = spec.era
        regular, bold, italic, bold_italic = _font_faces(ts.font)
        self.f_reg, self.f_bold, self.f_it, self.f_bi = regular, bold, italic, bold_italic
        self.size = ts.body_size
        self.lead = round(ts.body_size * ts.leading, 2)
        self.colour = colors.HexColor(ts.colour)
        if ts.footnotes == "unicode" and ts.font in _STANDARD:
            self.max_note = 3  # the standard fonts have only ¹ ² ³
        else:
            self.max_note = 999
        self.page_w, self.page_h = LETTER if ts.page == "letter" else A4
        self._styles()
        self.front_pages = 2  # cover + contents, refined between passes
        self.toc_pages: dict[str, int] = {}

    # -- styles ----------------------------------------------------------------------------

    def _styles(self) -> None:
        ts, s = self.ts, self.size
        self.body = ParagraphStyle(
            "body",
            fontName=self.f_reg,
            fontSize=s,
            leading=self.lead,
            spaceAfter=round(0.8 * s, 1),
            alignment=TA_JUSTIFY if ts.justify else TA_LEFT,
            allowOrphans=0,
            allowWidows=0,
            hyphenationLang=hyphenator if ts.hyphenate else "",
            # no breaks at hyphens in running text: reportlab then mis-splits paragraphs whose
            # lines mix styles (the first part re-wraps to more lines than it was given)
            embeddedHyphenation=0,
            hyphenationMinWordLength=7,
        )
        self.body_orphan = ParagraphStyle(
            "body_orphan", parent=self.body, allowOrphans=1, allowWidows=1
        )
        note_size = round(s * 0.8 * 2) / 2
        self.note = ParagraphStyle(
            "note",
            fontName=self.f_reg,
            fontSize=note_size,
            leading=round(note_size * 1.15, 2),
            alignment=TA_LEFT,
        )

        def heading(name: str, level: str) -> ParagraphStyle:
            # level: section | group | entry | physical
            font, size, colour = self.f_reg, s, colors.black
            if ts.emphasis == "bold":
                font = self.f_bold
                if level == "section":
                    size = s + 1
                elif (level == "physical" and self.era == "modern" and ts.physical_italic) or (
                    level == "group" and self.era == "early"
                ):
                    font = self.f_bi
            elif ts.emphasis == "size":
                size = {"section": s + 5, "group": s + 3.5, "entry": s + 2, "physical": s + 1.5}[
                    level
                ]
            elif ts.emphasis == "colour":
                colour = self.colour
                if level == "section":
                    size = s + 2
            # caps: body font, body size, black: the text itself is upper-cased
            centred = level == "section" and ts.centre_sections
            entry = level in ("entry", "physical")
            return ParagraphStyle(
                name,
                fontName=font,
                fontSize=size,
                leading=round(size * (ts.heading_leading if entry else 1.2), 2),
                textColor=colour,
                alignment=TA_CENTER if centred else TA_LEFT,
                spaceBefore=round({"section": 1.4, "group": 1.0}.get(level, 0.6) * s, 1),
                spaceAfter=round(0.6 * s if level != "entry" else 0.5 * s, 1),
                keepWithNext=0,
                embeddedHyphenation=1,
            )

        self.h_section = heading("h_section", "section")
        self.h_group = heading("h_group", "group")
        self.h_entry = heading("h_entry", "entry")
        self.h_physical = heading("h_physical", "physical")
        self.h_sub = ParagraphStyle("h_sub", parent=self.h_entry)  # Issue Focus subheadings
        self.cover_title = ParagraphStyle(
            "cover_title", fontName=self.f_bold, fontSize=28, leading=32, alignment=TA_CENTER
        )
        self.cover_small = ParagraphStyle(
            "cover_small", fontName=self.f_bold, fontSize=12, leading=16, alignment=TA_CENTER
        )
        self.cover_date = ParagraphStyle(
            "cover_date", fontName=self.f_reg, fontSize=14, leading=18, alignment=TA_CENTER
        )
        self.toc_title = ParagraphStyle(
            "toc_title", parent=self.h_section, alignment=TA_CENTER, spaceAfter=s * 1.4
        )
        runin = ts.runin or ("colour" if ts.emphasis == "colour" else "bold")
        self.runin = runin

    def _caps(self, text: str) -> str:
        return text.upper() if self.ts.emphasis == "caps" else text

    def _runin_markup(self, name_markup: str) -> str:
        if self.runin == "bold":
            return f"<b>{name_markup}</b>"
        if self.runin == "bold_italic":
            return f"<b><i>{name_markup}</i></b>"
        if self.runin == "colour":
            return f'<font color="{self.ts.colour}">{name_markup}</font>'
        return name_markup  # caps: the name is upper-cased, body font

    # -- titles ----------------------------------------------------------------------------

    @property
    def title(self) -> str:
        y = self.spec.year
        if self.era == "early":
            return "Out-of-Cycle Review of Notorious Markets"
        if self.era == "mid":
            return f"{y} Out-of-Cycle Review of Notorious Markets"
        return f"{y} Review of Notorious Markets for Counterfeiting and Piracy"

    @property
    def header_text(self) -> str:
        y = self.spec.year
        if self.era == "modern":
            return f"{y} Review of Notorious Markets"
        return self.title

    @property
    def cover_date_text(self) -> str:
        if self.spec.cover_date:
            return self.spec.cover_date
        rng = random.Random(self.spec.seed * 7 + self.spec.year)
        y = self.spec.year
        if self.era == "early":
            return rng.choice([f"December {y}", f"February {y + 1}"])
        if self.era == "mid":
            return rng.choice([f"December {y}", f"January {y + 1}"])
        return f"{rng.choice(MONTHS[:4])} {y + 1}"

    def sections(self) -> dict[str, str]:
        y = self.spec.year
        if self.era == "early":
            return {
                "overview": "Overview",
                "issue": "Issue Focus: " + ISSUE_TOPICS[y % len(ISSUE_TOPICS)],
                "positive": f"Positive Developments Since the February {y} List",
                "results": "Results of the Out-of-Cycle Review of Notorious Markets",
            }
        if self.era == "mid":
            return {
                "overview": "Overview",
                "issue": "Issue Focus: " + ISSUE_TOPICS[y % len(ISSUE_TOPICS)],
                "positive": f"Positive Developments Since the {y - 1} Out-of-Cycle Review of "
                "Notorious Markets",
                "results": f"Results of the {y} Out-of-Cycle Review of Notorious Markets",
            }
        prev = (
            f"{y - 1} Out-of-Cycle Review of Notorious Markets"
            if y <= 2019
            else f"{y - 1} Notorious Markets List"
        )
        return {
            "overview": f"Overview of the Results of the {y} Review of Notorious Markets for "
            "Counterfeiting and Piracy",
            "issue": "Issue Focus: " + ISSUE_TOPICS[y % len(ISSUE_TOPICS)],
            "positive": f"Positive Developments Since the {prev}",
            "results": f"Results of the {y} Review of Notorious Markets",
        }

    # -- entries ---------------------------------------------------------------------------

    def entries(self) -> list[_Entry]:
        out = []
        for i, m in enumerate(self.spec.markets):
            key = f"entry{i}"
            name = self._caps(m.name)
            domains: list[str] = []
            if m.kind == "online":
                heading = name
                if m.domain and self.era != "modern":
                    heading = f"{name} ({self._caps(m.domain)})"
                    domains = [m.domain.lower()]
                elif self.era != "modern":  # `Libgen.io / Bookfi.net`, `Taobao.com`
                    parts = [d.strip() for d in m.name.split("/")]
                    if all(re.fullmatch(r"[\w-]+(\.[\w-]+)+", d) for d in parts):
                        domains = [d.lower() for d in parts]
                truth = {"name": name, "kind": "online", "country": None, "city": None}
            else:
                city = self._caps(m.city) if m.city else None
                if city is None:
                    heading = name
                elif self.era == "modern":
                    heading = f"{name}, {city}"
                    if m.province:
                        heading += f", {self._caps(m.province)}"
                elif self.era == "mid":
                    heading = f"{name} – {city}"
                else:
                    heading = f"{name} ({city})"
                truth = {"name": name, "kind": "physical", "country": m.country, "city": city}
            truth["domains"] = domains
            out.append(_Entry(m, key, heading, truth))
        return out

    # -- story -----------------------------------------------------------------------------

    def story(self, ctx: _Ctx) -> list[Any]:
        spec = self.spec
        self.ctx = ctx
        self.note_no = 0
        text = _Text(spec.seed, self._mentionables())
        self.text = text
        st: list[Any] = []
        # cover
        st += [
            Spacer(1, 24),
            Paragraph("OFFICE OF THE UNITED STATES TRADE REPRESENTATIVE", self.cover_small),
        ]
        if self.era == "modern":
            st.append(Paragraph("EXECUTIVE OFFICE OF THE PRESIDENT", self.cover_small))
        st += [
            Spacer(1, 130),
            Paragraph(_esc(self.title), self.cover_title),
            Spacer(1, 150),
            Paragraph(self.cover_date_text, self.cover_date),
            PageBreak(),
        ]
        # contents
        toc_title = self._caps("Table of Contents" if self.era != "mid" else "Contents")
        st.append(_Heading(toc_title, self.toc_title).setup(ctx))
        st += self._toc_flowables()
        st.append(PageBreak())
        secs = self.sections()
        # overview
        st.append(self._section(secs["overview"], "overview"))
        st += self._overview()
        if self.issue_focus:
            st.append(PageBreak())
            st.append(self._section(secs["issue"], "issue"))
            st += self._issue_focus()
        if not spec.positive_after_results and spec.positive:
            st.append(PageBreak())
            st += self._positive(secs["positive"])
        st.append(PageBreak())
        st.append(self._section(secs["results"], "results"))
        st += self._paras(
            [
                "The entries that follow are organized into online markets and physical markets. Each "
                "entry summarizes the information received during the review period and notes any "
                "steps taken by operators or authorities. Online markets are listed in alphabetical "
                "order; physical markets are grouped by country. Some markets appear for the first "
                "time, while others have been identified in earlier editions of the List."
            ],
            note_every=1,
        )
        entries = self.entries()
        self._entries = entries
        online = [e for e in entries if e.market.kind == "online"]
        physical = [e for e in entries if e.market.kind == "physical"]
        if online:
            if self.era == "modern":
                st.append(PageBreak())
            st.append(self._section("Online Markets", "online", centred=False))
            if spec.section_intros:
                st += self._paras(
                    [
                        "The online markets below reportedly engage in or facilitate "
                        "substantial copyright piracy or trademark counterfeiting."
                    ]
                )
            st += self._results(online, "online")
        if physical:
            if self.era == "modern":
                st.append(PageBreak())
            st.append(self._section("Physical Markets", "physical", centred=False))
            if spec.section_intros:
                st += self._paras(
                    [
                        "The physical markets below are grouped by country. Each is "
                        "reported to sell significant quantities of counterfeit "
                        "goods."
                    ]
                )
            st += self._results(physical, "physical")
        if spec.positive_after_results and spec.positive:
            st += self._positive(secs["positive"])
        st.append(self._section("Public Information", "public"))
        st += self._paras(
            [
                f"USTR requested public comments for the {spec.year} review through a notice in the "
                "Federal Register. Submissions and rebuttals received in response to that notice are "
                "available to the public on the docket at https://www.regulations.gov.",
                "Comments on the next review may be submitted in the same manner when the next "
                "request is published. Questions about this document may be directed to the Office of "
                "Innovation and Intellectual Property at USTR.",
            ],
            note_every=2,
        )
        return st

    @property
    def issue_focus(self) -> bool:
        if self.spec.issue_focus is None:
            return self.era != "early"
        return self.spec.issue_focus

    def _mentionables(self) -> list[str]:
        names = [m.mention or mention_of(m.name) for m in self.spec.markets]
        return names + [d for d in DISTRACTORS if d not in self.spec.positive][:6]

    def _next_note(self) -> tuple[int, str] | None:
        if self.ts.footnotes == "none" or self.note_no >= self.max_note:
            return None
        self.note_no += 1
        texts = (
            "See the public docket at https://www.regulations.gov.",
            "Traffic figures are estimates supplied by commenters and are approximate.",
            "Domain information reflects the status at the close of the review period.",
            "Information on ownership is based on public registration records.",
            "Enforcement statistics are drawn from public statements by the authorities concerned.",
        )
        return self.note_no, texts[self.note_no % len(texts)]

    def _marker(self, num: int, size: float) -> str:
        mode = self.ts.footnotes
        if mode == "glued":
            return str(num)
        if mode == "unicode":
            return _unicode_superscript(num)
        return (
            f'<super rise="{size * 0.35:.1f}" size="{size * self.ts.marker_size:.1f}">{num}</super>'
        )

    def _section(self, text: str, key: str, centred: bool = True) -> _Heading:
        style = (
            self.h_section
            if centred
            else ParagraphStyle("h_section_left", parent=self.h_section, alignment=TA_LEFT)
        )
        h = _Heading(_esc(self._caps(text)), style).setup(self.ctx, key=f"sec:{key}")
        h.min_after = self._keep_lines(style)
        return h

    def _paras(
        self, paras: Sequence[str], note_every: int = 0, style: ParagraphStyle | None = None
    ) -> list[Any]:
        """Paragraphs of running text; every `note_every`-th one ends with a footnote reference
        (body references are skipped when the heading markers need the numbers)."""
        out = []
        for i, text in enumerate(paras):
            markup, notes = _esc(text), []
            if note_every and (i + 1) % note_every == 0 and self._body_notes_allowed():
                note = self._next_note()
                if note:
                    markup += self._marker(note[0], self.size)
                    notes = [note]
            out.append(_Para(markup, style or self.body).setup(self.ctx, notes=notes))
        return out

    def _body_notes_allowed(self) -> bool:
        if self.max_note >= 999:
            return True
        needed = sum(m.footnote for m in self.spec.markets)
        return self.note_no + needed < self.max_note

    # -- front sections --------------------------------------------------------------------

    def _counts_sentence(self) -> str | None:
        spec = self.spec
        if spec.counts == "none":
            return None
        online = sum(m.kind == "online" for m in spec.markets)
        physical = len(spec.markets) - online
        if spec.stated:
            online, physical = spec.stated
        if spec.counts == "words":
            on, ph = number_words(online), number_words(physical)
        else:
            on, ph = str(online), str(physical)
        rng = random.Random(spec.seed + 11)
        forms = (
            f"In all, the {spec.year} Notorious Markets List highlights {on} online markets and "
            f"{ph} physical markets reported to engage in or facilitate substantial copyright "
            "piracy and trademark counterfeiting.",
            f"This year’s List identifies {on} online markets and {ph} physical markets that are "
            "reported to engage in or facilitate substantial piracy or counterfeiting.",
            f"The {spec.year} List includes {on} online markets as well as {ph} physical markets "
            "of concern.",
        )
        return rng.choice(forms)

    def _overview(self) -> list[Any]:
        spec = self.spec
        listed = [m.mention or mention_of(m.name) for m in spec.markets]
        rng = random.Random(spec.seed + 3)
        named = rng.sample(listed, k=min(spec.overview_mentions, len(listed)))
        y = spec.year
        if self.era == "early":
            opening = rng.choice(
                (
                    f"This document presents the results of the {y} Out-of-Cycle Review of Notorious "
                    "Markets and draws attention to marketplaces, on the internet and in the physical "
                    "world, where counterfeit and pirated goods are reported to be widely available.",
                    f"This document presents the results of the {y} review and draws attention to "
                    "marketplaces, on the internet and in the physical world, where counterfeit and "
                    "pirated goods are reported to be widely available.",
                )
            )
        else:
            opening = (
                f"The {y} Review of Notorious Markets {'for Counterfeiting and Piracy ' if self.era == 'modern' else ''}"
                "highlights prominent and illustrative examples of online and physical markets "
                "that reportedly engage in or facilitate substantial piracy or counterfeiting."
            )
        first = opening
        counts = self._counts_sentence()
        if counts:
            first += " " + counts
        first += (
            " The markets described below were selected from a larger number of "
            "submissions and illustrate problems that right holders face in many parts of "
            "the world."
        )
        paras = [first]
        if named:
            joined = ", ".join(named[:-1]) + (" and " if len(named) > 1 else "") + named[-1]
            paras.append(
                f"Markets discussed in this year’s results include {joined}. Being named in this "
                "document is not a legal determination, and the List is not an exhaustive account "
                "of every market of concern."
            )
        paras += [
            "Online markets on the List include search and linking services, cyberlockers, "
            "streaming sites, e-commerce platforms and service providers that support them. "
            "Physical markets on the List range from single buildings to entire districts, and "
            "many of them also supply sellers in other cities.",
            "The United States encourages the owners and operators of listed markets, and the "
            "governments with jurisdiction over them, to act against the infringing activity "
            "described here. USTR developed the List with information gathered through a public "
            "comment process and through consultations with other federal agencies.",
        ]
        return self._paras(paras, note_every=2)

    def _issue_focus(self) -> list[Any]:
        rng = random.Random(self.spec.seed + 5)
        listed = [m.mention or mention_of(m.name) for m in self.spec.markets]
        ex = rng.sample(listed, k=min(2, len(listed)))
        out: list[Any] = []
        for sub, paras in (
            (
                "Background",
                [
                    "This section examines a subject that commenters raised repeatedly during the "
                    "review. The issue affects right holders in many sectors and has drawn growing "
                    "attention from enforcement agencies.",
                ],
            ),
            (
                "Recent Trends",
                [
                    "Commenters describe how operators adapt quickly when one channel is disrupted, "
                    "moving to new domains, platforms or locations. Several listed markets illustrate "
                    f"the problem, including {' and '.join(ex) if ex else 'several platforms'}.",
                ],
            ),
            (
                "Recommendations",
                [
                    "Governments can help by giving enforcement agencies clear authority, adequate "
                    "resources and deterrent penalties. Intermediaries can help by verifying the "
                    "identity of their customers and acting promptly on credible notices.",
                ],
            ),
        ):
            h = _Heading(_esc(self._caps(sub)), self.h_sub).setup(self.ctx)
            h.min_after = self._keep_lines(self.h_sub)
            out.append(h)
            out += self._paras(paras, note_every=1)
        return out

    def _positive(self, title: str) -> list[Any]:
        out: list[Any] = [self._section(title, "positive")]
        out += self._paras(
            [
                "Since the previous List was published, several markets have closed, changed their "
                "practices or become the subject of enforcement action. The markets named in this "
                f"section are not included in the {self.spec.year} List, although the United States "
                "will continue to follow them."
            ]
        )
        rng = random.Random(self.spec.seed + 9)
        texts = (
            "Following a court order, the operation ceased most of its infringing activity. Right "
            "holders report a significant decline in traffic.",
            "The market is no longer identified after the building was closed for redevelopment.",
            "The service is no longer identified after its operators shut it down.",
            "Remaining mirror sites attract only a small share of the former audience.",
        )
        style = ParagraphStyle("pos", parent=self.body)
        for name in self.spec.positive:
            rest = rng.choice(texts)
            nm = _esc(self._caps(name))
            if self.ts.runin_colon_inside:
                markup = self._runin_markup(nm + ":") + " " + _esc(rest)
            else:
                markup = self._runin_markup(nm) + ": " + _esc(rest)
            out.append(_Para(markup, style).setup(self.ctx))
        return out

    # -- results ---------------------------------------------------------------------------

    def _entry_notes(self, e: _Entry) -> tuple[list[tuple[int, str]], int]:
        if not e.market.footnote or self.ts.footnotes == "none":
            return [], 0
        note = self._next_note()
        if note is None:
            raise ValueError(
                f"no footnote number left for {e.market.name!r} "
                f"(footnotes={self.ts.footnotes!r}, font={self.ts.font!r})"
            )
        return [note], note[0]

    def _heading(self, e: _Entry, style: ParagraphStyle) -> _Heading:
        notes, num = self._entry_notes(e)
        text = e.heading_text
        if e.market.break_after:
            prefix = self._caps(e.market.break_after)
            if not text.startswith(prefix):
                raise ValueError(f"break_after {prefix!r} is not a prefix of {text!r}")
            markup = _esc(prefix) + "<br/>" + _esc(text[len(prefix) :].lstrip())
        else:
            markup = _esc(text)
        if notes:
            markup += self._marker(num, style.fontSize)
        h = _Heading(markup, style).setup(self.ctx, key=e.key, notes=notes)
        h.min_after = 0.0 if e.market.at_page_bottom else self._keep_lines(style)
        h.measure, h.balance = self.ts.heading_measure, self.ts.balance
        return h

    def _entry_text(self, e: _Entry) -> list[str]:
        m = e.market
        lo, hi = self.spec.paragraphs
        n = random.Random(f"{self.spec.seed}-{e.key}").randint(lo, max(lo, hi))
        mention = m.mention or mention_of(m.name)
        return self.text.entry(m.kind, mention, m.country or "", m.city or "", n, [mention])

    def _entry(self, e: _Entry, style: ParagraphStyle) -> tuple[_Para, list[Any]]:
        """The entry's heading (or run-in paragraph) and all its flowables."""
        paras = self._entry_text(e)
        if self.era != "early":
            h = self._heading(e, style)
            body = self._paras(paras, note_every=3)
            body[0].key = f"{e.key}:after"
            return h, [h, *body]
        # early era: a run-in name opens the first paragraph
        notes, num = self._entry_notes(e)
        name = e.heading_text
        if self.spec.runin_sep == "–" and e.market.kind == "online":
            sep_inside, sep_outside = "", " – "
        elif self.ts.runin_colon_inside:
            sep_inside, sep_outside = ":", " "
        else:
            sep_inside, sep_outside = "", ": "
        plain = ""
        if self.ts.runin_domain_plain and (m := re.match(r"^(.*\S)\s*(\([^()]+\))$", name)):
            name, plain = m.group(1), " " + m.group(2)
            sep_inside, sep_outside = "", sep_inside + sep_outside
        name_markup = _esc(self._caps(name) if self.runin == "caps" else name)
        if notes:
            name_markup += self._marker(num, self.size)
        markup = (
            self._runin_markup(name_markup + sep_inside)
            + _esc(plain)
            + sep_outside
            + _esc(paras[0])
        )
        style_p = self.body_orphan if e.market.at_page_bottom else self.body
        p = _Para(markup, style_p).setup(self.ctx, key=e.key, notes=notes, notes_at_start=True)
        p.after_key = f"{e.key}:after"
        return p, [p, *self._paras(paras[1:], note_every=3)]

    def _keep_lines(self, style: ParagraphStyle) -> float:
        """Room a heading in `style` keeps below itself: two lines of text."""
        return style.spaceAfter + 2 * self.lead

    def _group_heading(self, text: str, entry_style: ParagraphStyle) -> _Heading:
        h = _Heading(_esc(text), self.h_group).setup(self.ctx)
        if self.era == "early":  # a run-in paragraph follows
            h.min_after = self._keep_lines(self.h_group)
        else:  # an entry heading follows
            h.min_after = (
                self.h_group.spaceAfter
                + entry_style.spaceBefore
                + entry_style.leading
                + self._keep_lines(entry_style)
            )
        return h

    def _results(self, entries: list[_Entry], kind: Kind) -> list[Any]:
        out: list[Any] = []
        group: str | None = None
        prev: _Entry | None = None
        style = self.h_entry if kind == "online" else self.h_physical
        for e in entries:
            m = e.market
            group_h = None
            if kind == "online":
                if self.era == "early" and m.category and m.category != group:
                    group = m.category
                    group_h = self._group_heading(self._caps(group), style)
            else:
                if m.country is None:
                    raise ValueError(f"physical market {m.name!r} has no country")
                if m.country != group:
                    group = m.country
                    group_h = self._group_heading(
                        m.country.upper() if self.era == "modern" else self._caps(m.country), style
                    )
            target, flows = self._entry(e, style)
            if m.at_page_bottom:
                if prev is None:
                    raise ValueError(
                        f"{m.name!r}: at_page_bottom needs an entry before it in "
                        "its section (the filler text belongs to that entry)"
                    )
                pm = prev.market
                sentences = self.text.pool(
                    pm.kind, pm.mention or mention_of(pm.name), pm.country or "", pm.city or ""
                )
                targets = ([group_h] if group_h else []) + [target]
                if group_h is not None:
                    group_h.min_after = 0.0  # the filler leaves exactly the room needed
                out.append(
                    _FillToBottom(
                        self.ctx,
                        self.body,
                        sentences,
                        targets,
                        runin=self.era == "early",
                        seed=self.spec.seed,
                    )
                )
            if group_h is not None:
                out.append(group_h)
            out += flows
            prev = e
        return out

    # -- table of contents -----------------------------------------------------------------

    def _toc_items(self) -> list[tuple[str, str, int]]:
        """(text, key, level) in order."""
        secs = self.sections()
        items: list[tuple[str, str, int]] = [(secs["overview"], "sec:overview", 0)]
        if self.issue_focus:
            items.append((secs["issue"], "sec:issue", 0))
        if not self.spec.positive_after_results and self.spec.positive:
            items.append((secs["positive"], "sec:positive", 0))
        items.append((secs["results"], "sec:results", 0))
        sub = 1 if self.era == "modern" else 0
        kinds = {m.kind for m in self.spec.markets}
        if "online" in kinds:
            items.append(("Online Markets", "sec:online", sub))
            if self.era == "modern":
                for i, m in enumerate(self.spec.markets):
                    if m.kind == "online":
                        items.append((self._caps(m.name), f"entry{i}", 2))
        if "physical" in kinds:
            items.append(("Physical Markets", "sec:physical", sub))
            if self.era == "modern":
                seen: list[str] = []
                for i, m in enumerate(self.spec.markets):
                    if m.kind == "physical" and m.country and m.country not in seen:
                        seen.append(m.country)
                        items.append((m.country.upper(), f"entry{i}", 2))
        if self.spec.positive_after_results and self.spec.positive:
            items.append((secs["positive"], "sec:positive", 0))
        items.append(("Public Information", "sec:public", 0))
        return items

    def _toc_flowables(self) -> list[Any]:
        out = []
        for text, key, level in self._toc_items():
            page = self.toc_pages.get(key)
            label = "0" if page is None else str(self._folio(page))
            gap = self.size * (0.9 if level < 2 else 0.25)
            out.append(
                _TocLine(text, label, level, self.f_reg, self.size, self.lead, self.ts.toc, gap)
            )
        return out

    def _folio(self, page: int) -> int:
        return page - self.front_pages if self.ts.page_numbers else page

    # -- page decoration -------------------------------------------------------------------

    def decorate(self, canv: Any, doc: _Doc) -> None:
        page = canv.getPageNumber()
        if page == 1:
            return
        ts = self.ts
        left, right = doc.leftMargin, self.page_w - doc.rightMargin
        if ts.running_header:
            canv.saveState()
            canv.setFont(self.f_it, 9)
            canv.setFillColor(colors.Color(0.33, 0.33, 0.33))
            canv.drawRightString(right, self.page_h - 42, self.header_text)
            canv.restoreState()
        if ts.page_numbers and page > self.front_pages:
            canv.saveState()
            canv.setFont(self.f_reg, 10)
            canv.drawCentredString(self.page_w / 2, 40, str(page - self.front_pages))
            canv.restoreState()
        if doc.page_notes:
            frame = doc.pageTemplate.frames[0]
            y = frame._y1 + frame._bottomPadding
            paras = [self.ctx.note_para(n, t) for n, t in doc.page_notes]
            heights = [p.wrap(doc.width, 1e6)[1] for p in paras]
            top = y + sum(heights)
            canv.saveState()
            canv.setLineWidth(0.5)
            canv.line(left, top + doc.note_gap * 0.5, left + 144, top + doc.note_gap * 0.5)
            canv.restoreState()
            for p, h in zip(paras, heights, strict=True):
                top -= h
                p.drawOn(canv, left, top)

    # -- build -----------------------------------------------------------------------------

    def build_once(self) -> tuple[bytes, dict[str, int], int]:
        ctx = _Ctx()
        buf = io.BytesIO()
        m = self.ts.margin
        doc = _Doc(
            buf,
            ctx,
            self,
            pagesize=(self.page_w, self.page_h),
            leftMargin=m,
            rightMargin=m,
            topMargin=m,
            bottomMargin=m,
            title=self.title if self.spec.pdf_title else "",
            author="Office of the United States Trade Representative",
            creator="pdfgen (reportlab)",
        )
        ctx.doc = doc
        ctx.note_style = self.note
        ctx.note_mode = self.ts.footnotes
        ctx.width = doc.width
        doc.note_gap = self.note.fontSize * 1.2
        doc.build(self.story(ctx))
        self.lines = ctx.lines
        return buf.getvalue(), ctx.pages, doc.page

    def truth(self, pages: dict[str, int]) -> dict[str, Any]:
        spec = self.spec
        entries = []
        for e in self._entries:
            t = dict(e.truth)
            t["page"] = pages[e.key]
            entries.append(
                {k: t[k] for k in ("name", "kind", "country", "city", "domains", "page")}
            )
        if spec.counts == "none":
            stated = None
        elif spec.stated:
            stated = {"online": spec.stated[0], "physical": spec.stated[1]}
        else:
            online = sum(m.kind == "online" for m in spec.markets)
            stated = {"online": online, "physical": len(spec.markets) - online}
        return {
            "review_year": spec.year,
            "title": self.title,
            "stated_counts": stated,
            "entries": entries,
            "warnings": [],
            # generator-only (not in the extract JSON): how each hard case came out
            "layout": {
                "pages": self._last_page,
                "entries": [
                    {
                        "name": e.truth["name"],
                        "heading_lines": self.lines.get(e.key),
                        "at_page_bottom": e.market.at_page_bottom,
                        "footnote": e.market.footnote,
                    }
                    for e in self._entries
                ],
            },
        }


def renderable(text: str, font: str) -> bool:
    """Can `font` draw every character of `text`? (The standard PDF fonts cover WinAnsi only:
    `Brčko` or `⁴` would come out as other glyphs.)"""
    if font not in _STANDARD:
        return True
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _check_glyphs(spec: ReportSpec) -> None:
    font = spec.typesetting.font
    texts = [*spec.positive]
    for m in spec.markets:
        texts += [
            t for t in (m.name, m.domain, m.country, m.city, m.province, m.category, m.mention) if t
        ]
    bad = [t for t in texts if not renderable(t, font)]
    if bad:
        raise ValueError(f"font {font!r} cannot draw {bad!r}: use a TTF font")


def build(spec: ReportSpec) -> tuple[bytes, dict[str, Any]]:
    """Lay out `spec`; return the PDF's bytes and the truth (extract JSON shape)."""
    _check_glyphs(spec)
    b = _Builder(spec)
    pdf, pages, b._last_page = b.build_once()
    for _ in range(4):  # the contents print page numbers: set again until they are stable
        front = pages.get("sec:overview", 3) - 1
        if pages == b.toc_pages and front == b.front_pages:
            break
        b.toc_pages, b.front_pages = dict(pages), front
        pdf, pages, b._last_page = b.build_once()
    missing = [e.key for e in b._entries if e.key not in pages]
    if missing:
        raise RuntimeError(f"entries never drawn: {missing}")
    for e in b._entries:  # a heading meant to end its page must be followed on the next one
        if e.market.at_page_bottom and pages.get(f"{e.key}:after") != pages[e.key] + 1:
            raise RuntimeError(
                f"{e.market.name!r} did not land as the last line of page "
                f"{pages[e.key]} (text on page {pages.get(e.key + ':after')})"
            )
    return pdf, b.truth(pages)


# =============================================================================================
# sampling specs


def modern_market(name: str, **kw: Any) -> Market:
    return Market(name=name, kind="online", **kw)


def physical_market(name: str, **kw: Any) -> Market:
    """A physical market from the catalogue by name (country, city, province filled in)."""
    for country, market, city, province in PHYSICAL:
        if market == name:
            base = {"country": country, "city": city, "province": province}
            base.update(kw)
            return Market(name=name, kind="physical", **base)
    raise KeyError(name)


def online_market(era: Era, name: str, **kw: Any) -> Market:
    """An online market of `era` from the catalogue by name (domain, category filled in)."""
    if era == "modern":
        return Market(name=name, kind="online", **kw)
    if era == "mid":
        for n, d in MID_ONLINE:
            if n == name:
                return Market(name=name, kind="online", **{"domain": d, **kw})
    else:
        for n, d, c in EARLY_ONLINE:
            if n == name:
                return Market(name=name, kind="online", **{"domain": d, "category": c, **kw})
    return Market(name=name, kind="online", **kw)


def sample_spec(
    seed: int,
    era: Era | None = None,
    n_online: int | None = None,
    n_physical: int | None = None,
    hard: bool = True,
    **ts_overrides: Any,
) -> ReportSpec:
    """A random report: real names, random typesetting, and (with `hard`) some hard cases."""
    rng = random.Random(seed)
    era = era or rng.choice(ERAS)
    fonts = available_fonts()
    ts = Typesetting(
        font=rng.choice(fonts),
        body_size=rng.choice((10.0, 10.5, 11.0, 11.5, 12.0)),
        leading=rng.choice((1.15, 1.2, 1.25)),
        emphasis=rng.choice(EMPHASES),
        running_header=rng.random() < 0.8,
        page_numbers=rng.random() < 0.85,
        footnotes=rng.choice(FOOTNOTES),
        toc=rng.choice(TOC_STYLES),
        justify=rng.random() < 0.6,
        hyphenate=rng.random() < 0.4,
        page=rng.choice(("letter", "letter", "a4")),
        margin=rng.choice((54.0, 63.0, 72.0, 72.0, 90.0)),
        centre_sections=rng.random() < 0.6,
        physical_italic=rng.random() < 0.5,
        runin_colon_inside=rng.random() < 0.5,
    )
    ts = replace(ts, **ts_overrides)
    n_online = n_online if n_online is not None else rng.randint(4, 9)
    n_physical = n_physical if n_physical is not None else rng.randint(3, 7)
    year = {
        "early": rng.choice((2010, 2011, 2012)),
        "mid": rng.randint(2013, 2018),
        "modern": rng.randint(2019, 2024),
    }[era]

    # online
    if era == "modern":
        pool = [Market(n, "online") for n, _ in MODERN_ONLINE]
    elif era == "mid":
        pool = [Market(n, "online", domain=d) for n, d in MID_ONLINE]
    else:
        pool = [Market(n, "online", domain=d, category=c) for n, d, c in EARLY_ONLINE]
    online = rng.sample(pool, k=min(n_online, len(pool)))
    if hard and era == "modern":
        hard_names = [
            "HOSTING CONCEPTS B.V. (D/B/A OPEN PROVIDER) AND REGIONAL NETWORK "
            "INFORMATION CENTER JSC",
            "PRIVATE LAYER-HOSTED SITES",
            "AMAZON’S FOREIGN DOMAINS",
            "1337X",
            "2EMBED",
            "EGY.BEST",
            "WECHAT (WEIXIN) E-COMMERCE ECOSYSTEM",
            "DYTT8",
        ]
        for hn in rng.sample(hard_names, k=3):
            if all(m.name != hn for m in online):
                online[rng.randrange(len(online))] = Market(hn, "online")
    if era == "modern":
        online.sort(key=lambda m: m.name)
    elif era == "mid":
        online.sort(key=lambda m: m.name.lower())
    else:
        cats = list(dict.fromkeys(c for _, _, c in EARLY_ONLINE))
        online.sort(key=lambda m: (cats.index(m.category or cats[0]), m.name.lower()))
    # de-duplicate (a hard name may have replaced a sample)
    seen: set[str] = set()
    online = [m for m in online if not (m.name in seen or seen.add(m.name))]  # type: ignore[func-returns-value]

    # physical
    pool_p = [c for c in PHYSICAL if all(renderable(t, ts.font) for t in c if t)]
    chosen = rng.sample(pool_p, k=min(n_physical, len(pool_p)))
    if hard and not any(c[1] == "Rua 25 de Março" for c in chosen):
        chosen[0] = next(c for c in PHYSICAL if c[1] == "Rua 25 de Março")
    chosen = list(dict.fromkeys(chosen))
    chosen.sort(key=lambda c: (c[0], c[1]))
    physical = [
        Market(
            n,
            "physical",
            country=c,
            city=ci,
            province=pr if era == "modern" and rng.random() < 0.5 else None,
        )
        for c, n, ci, pr in chosen
    ]

    markets = online + physical
    if hard and ts.footnotes != "none":
        budget = 3 if (ts.footnotes == "unicode" and ts.font in _STANDARD) else 4
        for i in rng.sample(range(len(markets)), k=min(budget - 1, len(markets), 2)):
            markets[i] = replace(markets[i], footnote=True)
    if hard:
        firsts = {0, len(online)}  # the first entry of a section has no text before it
        choices = [i for i in range(len(markets)) if i not in firsts]
        if choices:
            i = rng.choice(choices)
            markets[i] = replace(markets[i], at_page_bottom=True)
        if era == "modern":
            for j, m in enumerate(markets):
                if m.name == "PRIVATE LAYER-HOSTED SITES" and rng.random() < 0.7:
                    markets[j] = replace(m, break_after="PRIVATE LAYER-")
    positive_pool = [
        d
        for d in DISTRACTORS
        if all(d.lower() != (m.mention or mention_of(m.name)).lower() for m in markets)
    ]
    positive = tuple(rng.sample(positive_pool, k=rng.randint(1, 3)))
    return ReportSpec(
        era=era,
        year=year,
        markets=tuple(markets),
        typesetting=ts,
        counts=rng.choice(("digits", "digits", "words", "none")),
        positive=positive,
        positive_after_results=rng.random() < 0.3,
        issue_focus=None if rng.random() < 0.7 else rng.random() < 0.5,
        overview_mentions=rng.randint(0, 4),
        section_intros=rng.random() < 0.3,
        runin_sep=rng.choice((":", "–")),
        paragraphs=(1, rng.choice((1, 2, 3))),
        pdf_title=rng.random() < 0.7,
        seed=seed,
    )


# =============================================================================================
# comparing


def compare(got: dict[str, Any], truth: dict[str, Any]) -> list[str]:
    """Differences between an extraction (`Report.to_json()`) and the truth, one line each:
    year, title, stated counts, missing / extra entries, wrong kind, country, city or page.
    Domains are not compared (the extractor also reads them from the text). An absent counts
    sentence must produce a warning that mentions counts."""
    diffs: list[str] = []
    for key in ("review_year", "title", "stated_counts"):
        if got.get(key) != truth.get(key):
            diffs.append(f"{key}: got {got.get(key)!r}, expected {truth.get(key)!r}")
    if truth.get("stated_counts") is None and not any(
        "count" in w.lower() for w in got.get("warnings", [])
    ):
        diffs.append("no warning about the missing counts sentence")

    def key(e: dict[str, Any]) -> tuple[str, str]:
        return e["kind"], e["name"]

    got_e = list(got.get("entries", []))
    exp_e = list(truth["entries"])
    unmatched = list(got_e)
    for exp in exp_e:
        match = next((g for g in unmatched if key(g) == key(exp)), None)
        if match is None:
            diffs.append(f"missing {exp['kind']} {exp['name']!r} (page {exp['page']})")
            continue
        unmatched.remove(match)
        for f in ("country", "city", "page"):
            if match.get(f) != exp.get(f):
                diffs.append(f"{exp['name']!r}: {f} got {match.get(f)!r}, expected {exp.get(f)!r}")
    for g in unmatched:
        diffs.append(
            f"extra {g['kind']} {g['name']!r} (page {g['page']}, country "
            f"{g.get('country')!r}, city {g.get('city')!r})"
        )
    if not diffs:
        order_got = [key(g) for g in got_e]
        order_exp = [key(e) for e in exp_e]
        if order_got != order_exp:
            diffs.append("entries in a different order")
    return diffs


def describe(spec: ReportSpec) -> str:
    """A compact one-paragraph description of a spec, for reports."""
    ts = spec.typesetting
    default_ts = Typesetting()
    ts_diff = {
        f: getattr(ts, f)
        for f in ts.__dataclass_fields__
        if getattr(ts, f) != getattr(default_ts, f)
    }
    hard = []
    for m in spec.markets:
        flags = [f for f in ("footnote", "at_page_bottom") if getattr(m, f)]
        if m.break_after:
            flags.append(f"break_after={m.break_after!r}")
        if flags:
            hard.append(f"{m.name}[{','.join(flags)}]")
    return (
        f"era={spec.era} year={spec.year} seed={spec.seed} counts={spec.counts} "
        f"stated={spec.stated} positive={list(spec.positive)} "
        f"positive_after={spec.positive_after_results} issue_focus={spec.issue_focus} "
        f"intros={spec.section_intros} runin_sep={spec.runin_sep!r} "
        f"pdf_title={spec.pdf_title} typesetting={ts_diff} hard={hard} "
        f"markets={[m.name for m in spec.markets]}"
    )


__all__ = [
    "DISTRACTORS",
    "EARLY_ONLINE",
    "EMPHASES",
    "ERAS",
    "FOOTNOTES",
    "MID_ONLINE",
    "MODERN_ONLINE",
    "PHYSICAL",
    "TOC_STYLES",
    "Market",
    "ReportSpec",
    "Typesetting",
    "available_fonts",
    "build",
    "caps_to_title",
    "compare",
    "describe",
    "mention_of",
    "online_market",
    "physical_market",
    "sample_spec",
]
