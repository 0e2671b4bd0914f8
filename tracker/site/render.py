"""The report site as files, from `SiteData` alone (pure: no database, no clock, no disk but the
package's own templates and assets).

    render(data) -> {"index.html": bytes, "markets/la-salada.html": bytes,
                     "pdf/2021.pdf": Path(archived copy), ...}

Every value printed comes from the reports and goes through Jinja's autoescaping: a name with
markup shows as text. Links are relative, so the site opens from disk and from any URL.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from tracker import __version__
from tracker.export import export_csv, export_json
from tracker.model import KINDS, Entry
from tracker.site.chart import chart
from tracker.site.model import Appearance, MarketRecord, SiteData, YearReport, market_slug

Files = dict[str, bytes | Path]  # site-relative POSIX path -> content, or a file to copy
ASSETS = ("site.css", "site.js")
NO_COUNTRY = "-"  # the country filter's value for markets the reports give no country


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tracker.site", "templates"),
        autoescape=True,  # HTML and Atom alike: &, <, >, " and ' are escaped everywhere
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(kinds=KINDS, version=__version__)
    env.filters.update(excerpt=excerpt, place=place)
    return env


def excerpt(text: str) -> str:
    """A stored excerpt (the start of the entry's text, cut at a length) ends at a whole word,
    with an ellipsis when it was cut."""
    text = " ".join(text.split())
    if not text or text.endswith((".", "!", "?", "…", ".”", '."')):
        return text
    head, _, _ = text.rpartition(" ")
    return (head or text).rstrip(",;:–—- ") + " …"


def place(e: Entry) -> str:
    """Where a physical market is, as printed: city, country."""
    return ", ".join(p for p in (e.city, e.country) if p)


def asset(name: str) -> bytes:
    return resources.files("tracker.site").joinpath("assets", name).read_bytes()


@dataclass(frozen=True)
class Links:
    """Relative links from a page `root` levels below the site's top ("" or "../")."""

    root: str

    def to(self, path: str) -> str:
        return self.root + path

    def year(self, year: int) -> str:
        return f"{self.root}years/{year}.html"

    def market(self, market_id: str) -> str:
        return f"{self.root}markets/{market_slug(market_id)}.html"

    def pdf(self, y: YearReport, page: int | None = None) -> str | None:
        if y.pdf.url is None:
            return None
        base = self.root + y.pdf.url if y.pdf.local else y.pdf.url
        return f"{base}#page={page}" if page else base


@dataclass(frozen=True)
class Row:
    market: MarketRecord
    cells: tuple[Appearance | None, ...]  # one per stored year
    search: str  # what the name search matches: names, headings, domains, places, id

    @property
    def country(self) -> str:
        return self.market.country or NO_COUNTRY


@dataclass(frozen=True)
class Group:
    kind: str
    country: str | None
    rows: tuple[Row, ...]


def timeline(data: SiteData) -> tuple[Group, ...]:
    """One row per market, grouped by kind then country (no country last), by name inside."""
    years = [y.year for y in data.years]
    groups: dict[tuple[str, str | None], list[Row]] = {}
    for m in data.markets:
        at = {a.year: a for a in m.appearances}
        words = {m.id, *(m.operators)}
        for a in m.appearances:
            e = a.entry
            words.update((e.name, e.heading, e.city or "", e.country or "", *e.domains))
        search = "\n".join(sorted({w.lower() for w in words if w}))
        row = Row(m, tuple(at.get(y) for y in years), search)
        groups.setdefault((m.kind, m.country), []).append(row)
    order = sorted(groups, key=lambda k: (KINDS.index(k[0]), k[1] is None, k[1] or ""))
    return tuple(
        Group(kind, country, tuple(sorted(groups[(kind, country)], key=_by_name)))
        for kind, country in order
    )


def _by_name(row: Row) -> tuple[str, str]:
    return row.market.name.casefold(), row.market.id


def render(data: SiteData) -> Files:
    markets = {m.id: m for m in data.markets}
    at = {(m.id, a.year): a for m in data.markets for a in m.appearances}
    files: Files = {f"assets/{name}": asset(name) for name in ASSETS}
    files["index.html"] = _page("index.html.j2", data, Links(""), **_index(data))
    for i, y in enumerate(data.years):
        files[f"years/{y.year}.html"] = _page(
            "year.html.j2",
            data,
            Links("../"),
            y=y,
            earlier=data.years[i - 1] if i else None,
            later=data.years[i + 1] if i + 1 < len(data.years) else None,
            seen=lambda market_id, year: at.get((market_id, year)),
        )
        if y.pdf.copy_from is not None and y.pdf.url is not None:
            files[y.pdf.url] = y.pdf.copy_from
    by_year = {y.year: y for y in data.years}
    for m in data.markets:
        files[f"markets/{m.slug}.html"] = _page(
            "market.html.j2",
            data,
            Links("../"),
            m=m,
            by_year=by_year,
            at={a.year: a for a in m.appearances},
        )
    for r in data.redirects:
        if r.old_id not in markets:
            files[f"markets/{market_slug(r.old_id)}.html"] = _page(
                "redirect.html.j2", data, Links("../"), r=r
            )
    files["feed.atom"] = _page("feed.atom.j2", data, Links(""), entry_id=entry_id)
    files["data/listings.csv"] = export_csv(data.export).encode()
    files["data/listings.json"] = export_json(data.export).encode()
    return files


def _index(data: SiteData) -> dict[str, Any]:
    groups = timeline(data)
    operators = sorted({o for m in data.markets for o in m.operators}, key=str.casefold)
    countries = sorted({m.country for m in data.markets if m.country}, key=str.casefold)
    return {
        "latest": data.latest,
        "chart": chart(data.years),
        "groups": groups,
        "countries": countries,
        "operators": operators,
        "no_country": NO_COUNTRY,
        "total": sum(len(g.rows) for g in groups),
        "unstored": _unstored([y.year for y in data.years]),
    }


def _unstored(years: list[int]) -> list[int]:
    """The years between the first and the last stored one that the history lacks."""
    return [y for y in range(years[0], years[-1]) if y not in years] if years else []


def _page(template: str, data: SiteData, links: Links, **context: Any) -> bytes:
    text = (
        environment()
        .get_template(template)
        .render(data=data, links=links, glyph=GLYPHS, cell_title=cell_title, **context)
    )
    return text.encode("utf-8")


GLYPHS = {"new": "N", "returning": "R", "listed": ""}


def cell_title(a: Appearance) -> str:
    what = {"new": "new", "returning": "returning", "listed": "listed"}[a.mark]
    return f"{a.entry.name}, {a.year}: {what}, page {a.entry.page}"


def entry_id(key: str) -> str:
    """A feed entry's permanent id: the same report keeps the same id across rebuilds."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'nml-tracker:' + key)}"
