"""Who operates an online market and where it is based: the entry's own words first (`operated
by Alibaba`, `a subsidiary of Tencent`, `based in China`), then the curated table of well-known
operators in operators.yaml. Pure, apart from reading that table once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from tracker.countries import known_country
from tracker.headings import fold

_WORD = r"[A-Z0-9][\w&'’.\-]*"
_COMPANY = rf"{_WORD}(?:\s+(?:{_WORD}|&|and|of|de)(?=\s+{_WORD}|\s*$|[\s,;:)]))*"
_OPERATOR = re.compile(  # the words before a company's name
    r"\b(?i:operated|owned|controlled)\s+by\s+(?:the\s+)?"
    r"|\b(?i:a|the)\s+(?:wholly[\s-]owned\s+)?(?:subsidiary|unit|division)\s+of\s+(?:the\s+)?"
)
_NAME = re.compile(_COMPANY)
_BASED = re.compile(
    r"\b(?:based|headquartered|incorporated|registered)\s+in\s+(?:the\s+)?"
    r"(?P<place>[A-Z][\w'’\-]*(?:,?\s+(?:[A-Z][\w'’\-]*|and|of|the)){0,5})"
)
# capitalised words after "owned by" that name no company: "owned by Chinese nationals"
_NOT_COMPANIES = {
    "chinese",
    "russian",
    "vietnamese",
    "indian",
    "indonesian",
    "brazilian",
    "mexican",
    "ukrainian",
    "turkish",
    "american",
    "european",
    "canadian",
    "dutch",
    "swiss",
    "swedish",
    "german",
    "french",
    "bulgarian",
    "iranian",
    "egyptian",
    "saudi",
    "argentine",
    "peruvian",
    "filipino",
    "malaysian",
    "thai",
    "korean",
    "japanese",
    "polish",
    "romanian",
    "foreign",
    "local",
    "government",
    "individuals",
    "people",
    "persons",
    "unknown",
    "anonymous",
}
_SUFFIXES = {"Ltd", "Inc", "Co", "Corp", "Ltda", "S.A", "B.V", "N.V", "PLC"}
_TRAILING = {"and", "of", "de", "&"}


@dataclass(frozen=True)
class Owner:
    operator: str | None = None
    based_in: str | None = None


def owner_of(name: str, domains: tuple[str, ...] = (), text: str = "") -> Owner:
    """The operator and home country of an online market: what its text says wins, the curated
    table fills in what the text does not say."""
    said = from_text(text)
    known = curated(name, domains)
    return Owner(said.operator or known.operator, said.based_in or known.based_in)


def from_text(text: str) -> Owner:
    text = " ".join(text.split())
    operator = None
    for m in _OPERATOR.finditer(text):
        name = _NAME.match(text, m.end())
        if name and name.group().split()[0].rstrip(".,;:").casefold() not in _NOT_COMPANIES:
            operator = _company(name.group())
            break
    based = None
    for m in _BASED.finditer(text):
        if based := _country(m.group("place")):
            break
    return Owner(operator, based)


def curated(name: str, domains: tuple[str, ...] = ()) -> Owner:
    table = _table()
    for key in (name, re.sub(r"\s*\(.*?\)\s*", " ", name), *domains):
        if (hit := table.get(fold(key))) is not None:
            return hit
    return Owner()


def _company(text: str) -> str | None:
    """The company's name: up to a word that ends a sentence or a clause (`Ltd.` kept)."""
    words: list[str] = []
    for word in text.split():
        bare = word.rstrip(".,;:")
        words.append(bare + "." if bare in _SUFFIXES and word.endswith(".") else bare)
        if bare != word:
            break
    while words and words[-1] in _TRAILING:
        words.pop()
    return " ".join(words) or None


def _country(text: str) -> str | None:
    for piece in reversed(text.split(",")):
        words = piece.split()
        for n in range(len(words), 0, -1):
            if known_country(place := " ".join(words[:n])):
                return place  # as the report spells it
    return None


@cache
def _table() -> dict[str, Owner]:
    text = resources.files("tracker").joinpath("operators.yaml").read_text("utf-8")
    return parse_table(yaml.safe_load(text))


def parse_table(doc: Any) -> dict[str, Owner]:
    out: dict[str, Owner] = {}
    for item in doc or ():
        owner = Owner(item.get("operator"), item.get("based_in"))
        for market in item.get("markets") or ():
            out[fold(str(market))] = owner
    return out
