"""Pure string rules for the text of a market heading: name, domains, city."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# generic TLDs seen in the lists; every two-letter label is taken as a country-code TLD
_GTLDS = frozenset(
    [
        "com",
        "net",
        "org",
        "info",
        "biz",
        "io",
        "co",
        "me",
        "tv",
        "cc",
        "ws",
        "to",
        "ag",
        "sx",
        "is",
        "la",
        "nu",
        "su",
        "fm",
        "mobi",
        "name",
        "pro",
        "xyz",
        "top",
        "site",
        "online",
        "club",
        "live",
        "stream",
        "best",
        "lol",
        "one",
        "app",
        "dev",
        "cloud",
        "link",
        "click",
        "space",
        "website",
        "store",
        "shop",
        "tech",
        "vip",
        "win",
        "bid",
        "ink",
        "fun",
        "pw",
        "gd",
        "im",
        "li",
        "ch",
        "eu",
        "asia",
    ]
)
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"^(?:{_LABEL}\.)+(?P<tld>[a-z]{{2,24}})$", re.I)
_BODY_DOMAIN = re.compile(
    r"\b(?:operates|operated|accessible|reachable|available|located|found|hosted)\s+(?:at|on)\s+"
    rf"((?:{_LABEL}\.)+[a-z]{{2,24}})\b",
    re.I,
)
_SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰*†‡§¶"
_TRAILING = re.compile(rf"[\s:;,.–—\-{_SUPERSCRIPTS}]+$")
_LEADING = re.compile(r"^(?:[•·▪■►–—-]|\(?[0-9]{1,2}[.)]|\(?[a-z][.)]|[IVX]{1,4}\.)\s+", re.I)
_DASH = re.compile(r"\s*[–—]\s*|\s+-\s+")  # an en or em dash, spaced or not; a spaced hyphen
# words that make a parenthesis part of a market's name rather than its city
_PLACE_WORDS = re.compile(
    r"\b(market|mall|bazaa?r|plaza|street|cent(?:er|re)|square|complex|building|arcade|souk|"
    r"commodit|trade|wholesale|electronics|shopping|store)",
    re.I,
)
_NUMBERS = {
    w: i
    for i, w in enumerate(
        [
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
    )
}
_TENS = {
    w: 10 * i
    for i, w in enumerate(
        ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    )
    if i >= 2
}


@dataclass(frozen=True)
class OnlineHeading:
    name: str
    domains: tuple[str, ...]


@dataclass(frozen=True)
class PhysicalHeading:
    name: str
    city: str | None


def clean(text: str) -> str:
    """Heading text without list numbering, footnote marks, separators or trailing punctuation."""
    text = " ".join(text.replace("\t", " ").split())
    text = _LEADING.sub("", text)
    return _TRAILING.sub("", text).strip()


def fold(text: str) -> str:
    """A comparison key: letters and digits only, upper case, accents removed."""
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^A-Z0-9]", "", decomposed.encode("ascii", "ignore").decode().upper())


def is_domain(token: str) -> bool:
    m = _DOMAIN.match(token.strip())
    if m is None:
        return False
    tld = m.group("tld").lower()
    return len(tld) == 2 or tld in _GTLDS


def _split_domains(text: str) -> list[str] | None:
    parts = [p.strip() for p in re.split(r"\s*(?:/|,|;|\band\b|\bor\b)\s*", text) if p.strip()]
    if parts and all(is_domain(p) for p in parts):
        return [p.lower() for p in parts]
    return None


def online_heading(text: str) -> OnlineHeading:
    """`Putlocker (putlocker.ch)` -> Putlocker + putlocker.ch; `Libgen.io / Bookfi.net` keeps its
    name and yields both domains; a name in capitals (`EGY.BEST`) is a brand, not an address."""
    name = clean(text)
    domains: list[str] = []
    m = re.match(r"^(?P<name>.*\S)\s*\((?P<inner>[^()]*)\)$", name)
    if m and (found := _split_domains(m.group("inner"))):
        name, domains = m.group("name"), found
    elif not name.isupper() and (found := _split_domains(name)):
        domains = found
    return OnlineHeading(name=clean(name), domains=tuple(dict.fromkeys(domains)))


def body_domains(text: str) -> list[str]:
    """Addresses the entry's own text gives for it ("operates at x.com")."""
    return [d.lower().rstrip(".") for d in _BODY_DOMAIN.findall(text) if is_domain(d.rstrip("."))]


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """Split on `sep` outside parentheses."""
    parts: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == sep and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur).strip())
    return [p for p in parts if p]


def has_city_separator(text: str) -> bool:
    """True when a physical heading names its city after a comma or a dash."""
    text = clean(text)
    return len(split_top_level(text)) > 1 or bool(_DASH.search(text))


def physical_heading(text: str, paren_city: bool) -> PhysicalHeading:
    """`Market, City[, Province]`, `Market – City`, or (when the report's headings use that
    convention, `paren_city`) `Market (City)`."""
    text = clean(text)
    dashed = _DASH.split(text, maxsplit=1)
    if len(dashed) == 2:
        return PhysicalHeading(clean(dashed[0]), clean(split_top_level(dashed[1])[0]))
    parts = split_top_level(text)
    if len(parts) > 1:
        return PhysicalHeading(clean(parts[0]), clean(parts[1]))
    m = re.match(r"^(?P<name>.*\S)\s*\((?P<city>[^()]+)\)$", text)
    if paren_city and m and not _PLACE_WORDS.search(m.group("city")):
        return PhysicalHeading(clean(m.group("name")), clean(m.group("city")))
    return PhysicalHeading(text, None)


def location_parts(heading: str) -> list[str]:
    """`La Salada, Lomas de Zamora, Buenos Aires` -> the name, then each place it prints."""
    text = clean(heading)
    dashed = _DASH.split(text, maxsplit=1)
    if len(dashed) == 2:
        return [clean(dashed[0]), *split_top_level(dashed[1])]
    return split_top_level(text)


def parse_number(word: str) -> int | None:
    """'42', 'forty-two', 'Forty two' -> 42."""
    word = word.strip().lower()
    if word.isdigit():
        return int(word)
    parts = re.split(r"[\s-]+", word)
    if len(parts) == 1:
        return _NUMBERS.get(parts[0], _TENS.get(parts[0]))
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _NUMBERS and _NUMBERS[parts[1]] < 10:
        return _TENS[parts[0]] + _NUMBERS[parts[1]]
    return None


NUMBER_WORD = (
    r"\d{1,3}|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|"
    r"four|five|six|seven|eight|nine))?|zero|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
)
