"""What the report site shows, as frozen data: read once from the store (`tracker.site.gather`),
rendered by a pure function (`tracker.site.render`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from hashlib import sha1
from pathlib import Path

from tracker.diff import Changes
from tracker.model import Counts, Entry, Kind, ReportStatus
from tracker.records import ExportRow

_SAFE_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")


def market_slug(market_id: str) -> str:
    """A market page's file name (without .html): the id itself when it is a plain slug, else a
    hash of it, so that no id can name a path outside markets/."""
    if _SAFE_ID.fullmatch(market_id) and ".." not in market_id:
        return market_id
    return "m-" + sha1(market_id.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class PdfLink:
    """Where a year's PDF is linked: a copy inside the site (`copy_from`, the archived file,
    published as `pdf/<year>.pdf`), else its source URL, else nowhere."""

    url: str | None  # a site-relative path (a copy) or an absolute http(s) URL
    copy_from: Path | None = None
    original: str | None = None  # the source URL, also shown beside a copy

    @property
    def local(self) -> bool:
        return self.copy_from is not None


class Mark(StrEnum):
    """How a market's listing in a year compares with the stored year before."""

    LISTED = "listed"
    NEW = "new"  # never listed in an earlier stored year
    RETURNING = "returning"  # listed before, absent from the stored year before


@dataclass(frozen=True)
class Appearance:
    """One market in one year's list."""

    year: int
    entry: Entry
    mark: Mark = Mark.LISTED
    operator: str | None = None  # who runs it, when the report's data says (issue 11)


@dataclass(frozen=True)
class MarketRecord:
    """One market across the stored years."""

    id: str
    name: str  # the latest printed name
    kind: Kind
    country: str | None
    appearances: tuple[Appearance, ...]  # oldest year first
    years_absent: tuple[int, ...]  # stored years since its first listing it was not listed in

    @property
    def slug(self) -> str:
        return market_slug(self.id)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(a.year for a in self.appearances)

    @property
    def operators(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.operator for a in self.appearances if a.operator))

    @property
    def names(self) -> tuple[str, ...]:
        """Every name printed for it, in the order they first appeared."""
        return tuple(dict.fromkeys(a.entry.name for a in self.appearances))


@dataclass(frozen=True)
class YearReport:
    """One stored year: its current report and its diff against the stored year before."""

    year: int
    title: str
    revision: int
    counts: Counts
    stated: Counts | None
    status: ReportStatus
    published: str | None
    ingested_at: str
    pdf: PdfLink
    press_release: str | None
    doubts: tuple[str, ...]  # notices that make the extracted list doubtful
    changes: Changes | None  # None for the first stored year: nothing to compare with


@dataclass(frozen=True)
class FeedItem:
    """One entry of feed.atom: a stored report (every revision) or a correction."""

    key: str  # stable across rebuilds: the entry's id derives from it
    kind: str  # report | correction
    year: int
    title: str
    summary: str
    updated: str  # ISO timestamp
    url: str | None = None  # the PDF's source URL


@dataclass(frozen=True)
class Redirect:
    """A market id merged into another (issue 10): its old page points to the new one."""

    old_id: str
    new_id: str


@dataclass(frozen=True)
class SiteData:
    years: tuple[YearReport, ...]  # oldest first
    markets: tuple[MarketRecord, ...]
    export: tuple[ExportRow, ...]
    feed: tuple[FeedItem, ...]  # newest first
    redirects: tuple[Redirect, ...] = ()
    base_url: str | None = None  # where the site is published (absolute feed links)
    generated_at: str = ""  # shown on the pages; not part of the fingerprint
    held: tuple[int, ...] = ()  # stored years held for review: not shown until approved

    @property
    def latest(self) -> YearReport | None:
        return self.years[-1] if self.years else None
