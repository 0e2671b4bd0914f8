"""Where the tracker may go: a set of origins (scheme, host, port), never a bare host name.

The origins are those of the configured URLs (the seed pages; the Federal Register's API when
its host is allowed) plus the entries of `http.allowed_hosts`. An entry may pin a scheme and a
port (`https://ustr.gov`, `http://127.0.0.1:8080`); a bare host name (`ustr.gov`) allows http
and https on their standard ports only. A link or redirect to an allowed host on another port
or scheme is refused, and so is any scheme but http and https.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

SCHEMES = {"http": 80, "https": 443}
_HOST = re.compile(
    r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$|^\[[0-9a-f:.]+\]$"
)

Origin = tuple[str, str, int]


def excerpt(value: object, limit: int = 60) -> str:
    """A bounded, printable excerpt of a value, for an error message."""
    text = value if isinstance(value, str) else repr(value)
    text = "".join(c if c.isprintable() else "?" for c in text[: limit + 1])
    return repr(text[:limit] + "…") if len(text) > limit else repr(text)


def origin_of(url: str) -> Origin | None:
    """(scheme, host, port) of an absolute http(s) URL; None for anything else."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in SCHEMES or not host or not _HOST.match(host):
        return None
    return scheme, host, port if port is not None else SCHEMES[scheme]


def check_url(value: str) -> str:
    """An absolute http(s) URL with a host, else ValueError (naming only its excerpt)."""
    if origin_of(value) is None:
        raise ValueError(f"expected an http(s) URL (http://host/...), got {excerpt(value)}")
    return value.strip()


def check_secret_url(value: str) -> str:
    """check_url for a URL holding a token: the error shows at most what precedes its path."""
    if origin_of(value) is None:
        shown = value.strip().split("/", 1)[0] if "://" not in value else value.split("://")[0]
        raise ValueError(
            f"expected an http(s) URL (https://host/...), got one starting {excerpt(shown, 30)}"
            " (the rest is not shown: it may hold a token)"
        )
    return value.strip()


def entry_origins(entry: str) -> list[Origin]:
    """The origins an `http.allowed_hosts` entry allows; ValueError when it is none."""
    text = entry.strip().lower()
    if "://" in text:
        origin = origin_of(text)
        path = urlsplit(text).path
        if origin is None or path not in ("", "/") or urlsplit(text).query:
            raise ValueError(f"expected a host name or scheme://host[:port], got {excerpt(entry)}")
        return [origin]
    if not text or not _HOST.match(text):
        raise ValueError(
            f"expected a host name (ustr.gov) or scheme://host[:port] "
            f"(http://127.0.0.1:8080), got {excerpt(entry)}"
        )
    return [("http", text, 80), ("https", text, 443)]


@dataclass(frozen=True)
class Origins:
    allowed: frozenset[Origin]

    @classmethod
    def of(cls, entries: Iterable[str], urls: Iterable[str] = ()) -> Origins:
        found: set[Origin] = set()
        for entry in entries:
            found.update(entry_origins(entry))
        found.update(o for o in map(origin_of, urls) if o is not None)
        return cls(frozenset(found))

    def allows(self, url: str) -> bool:
        origin = origin_of(url)
        return origin is not None and origin in self.allowed

    @property
    def hosts(self) -> frozenset[str]:
        return frozenset(host for _, host, _ in self.allowed)

    def __str__(self) -> str:
        return ", ".join(
            f"{s}://{h}" + ("" if p == SCHEMES[s] else f":{p}") for s, h, p in sorted(self.allowed)
        )
