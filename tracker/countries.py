"""Country names as USTR prints them, to recognise country headings and print them neatly."""

from __future__ import annotations

import re
import unicodedata

_NAMES = """
Afghanistan; Albania; Algeria; Andorra; Angola; Antigua and Barbuda; Argentina; Armenia; Australia;
Austria; Azerbaijan; Bahamas; Bahrain; Bangladesh; Barbados; Belarus; Belgium; Belize; Benin;
Bhutan; Bolivia; Bosnia and Herzegovina; Botswana; Brazil; Brunei; Bulgaria; Burkina Faso; Burma;
Burundi; Cabo Verde; Cambodia; Cameroon; Canada; Central African Republic; Chad; Chile; China;
Colombia; Comoros; Congo; Costa Rica; Côte d'Ivoire; Croatia; Cuba; Cyprus; Czech Republic;
Czechia; Democratic Republic of the Congo; Denmark; Djibouti; Dominica; Dominican Republic;
Ecuador; Egypt; El Salvador; Equatorial Guinea; Eritrea; Estonia; Eswatini; Ethiopia; Fiji;
Finland; France; Gabon; Gambia; Georgia; Germany; Ghana; Greece; Grenada; Guatemala; Guinea;
Guinea-Bissau; Guyana; Haiti; Honduras; Hong Kong; Hungary; Iceland; India; Indonesia; Iran;
Iraq; Ireland; Israel; Italy; Jamaica; Japan; Jordan; Kazakhstan; Kenya; Kiribati; Korea; Kosovo;
Kuwait; Kyrgyz Republic; Kyrgyzstan; Laos; Latvia; Lebanon; Lesotho; Liberia; Libya;
Liechtenstein; Lithuania; Luxembourg; Macau; Macao; Madagascar; Malawi; Malaysia; Maldives; Mali;
Malta; Marshall Islands; Mauritania; Mauritius; Mexico; Micronesia; Moldova; Monaco; Mongolia;
Montenegro; Morocco; Mozambique; Myanmar; Namibia; Nauru; Nepal; Netherlands; New Zealand;
Nicaragua; Niger; Nigeria; North Korea; North Macedonia; Norway; Oman; Pakistan; Palau; Panama;
Papua New Guinea; Paraguay; Peru; Philippines; Poland; Portugal; Qatar; Romania; Russia;
Russian Federation; Rwanda; Saint Kitts and Nevis; Saint Lucia; Saint Vincent and the Grenadines;
Samoa; San Marino; Saudi Arabia; Senegal; Serbia; Seychelles; Sierra Leone; Singapore; Slovakia;
Slovenia; Solomon Islands; Somalia; South Africa; South Korea; South Sudan; Spain; Sri Lanka;
Sudan; Suriname; Sweden; Switzerland; Syria; Taiwan; Tajikistan; Tanzania; Thailand; Timor-Leste;
Togo; Tonga; Trinidad and Tobago; Tunisia; Turkey; Türkiye; Turkmenistan; Tuvalu; Uganda;
Ukraine; United Arab Emirates; United Kingdom; United States; Uruguay; Uzbekistan; Vanuatu;
Venezuela; Vietnam; Viet Nam; West Bank; Yemen; Zambia; Zimbabwe
"""
_SMALL = {"and", "of", "the", "d'", "da", "de", "del", "do", "dos"}


def _key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.replace("’", "'")).encode("ascii", "ignore")
    return re.sub(r"[^a-z]", "", folded.decode().lower())


_BY_KEY = {_key(n): n.strip() for n in _NAMES.split(";")}


def known_country(text: str) -> str | None:
    """The country's usual spelling when `text` names one, else None."""
    return _BY_KEY.get(_key(text))


def display_country(text: str) -> str:
    """A country heading as a name: 'KYRGYZ REPUBLIC' -> 'Kyrgyz Republic'."""
    text = " ".join(text.split())
    if not text.isupper():
        return text
    return " ".join(_title_word(w, i > 0) for i, w in enumerate(text.lower().split(" ")))


def _title_word(word: str, inner: bool) -> str:
    if inner and word in _SMALL:
        return word
    if m := re.match(r"^(d['’])(.+)$", word):  # d'Ivoire
        return m.group(1) + _title_word(m.group(2), False)
    return "-".join(p[:1].upper() + p[1:] for p in word.split("-"))
