"""The report site: what its pages say, read from a real store (SQLite here; the `report`
command on PostgreSQL too), rendered by the pure renderer and parsed back."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tracker.history import changes, every_diff, year_before
from tracker.model import Counts, Entry, Report
from tracker.site.gather import gather
from tracker.site.model import Mark, Redirect, market_slug
from tracker.site.publish import read_site
from tracker.site.render import excerpt, render
from tracker.store import Store

from .clirun import cli
from .conftest import save

EVIL = '<b>EVIL</b> & "CO" <script>alert(1)</script>'
ATOM = "{http://www.w3.org/2005/Atom}"


def report(year: int, entries: list[Entry]) -> Report:
    online = sum(e.kind == "online" for e in entries)
    return Report(
        year,
        f"{year} Review of Notorious Markets for Counterfeiting and Piracy",
        Counts(online, len(entries) - online),
        tuple(entries),
    )


ALPHA = Entry("ALPHA", "online", 5, excerpt="Alpha remains a concern.")
BETA = Entry("BETA", "online", 6, domains=("beta.example",))
GAMMA = Entry("Gamma Market", "physical", 9, "Mexico", "Mexico City", excerpt="Gamma sells")
DELTA = Entry("DELTA", "online", 7)
MARKUP = Entry(EVIL, "online", 8, excerpt="<i>not italic</i> & <img src=x onerror=alert(1)>")
HISTORY = {
    2019: [ALPHA, BETA, GAMMA],
    2020: [ALPHA, GAMMA, DELTA],
    2021: [ALPHA, BETA, MARKUP, GAMMA],
}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """2019-2021: BETA absent in 2020 and back in 2021, DELTA only in 2020, a name with markup
    new in 2021."""
    with Store(f"sqlite:///{tmp_path}/tracker.db") as s:
        for year, entries in HISTORY.items():
            save(s, report(year, entries), f"sha-{year}")
        yield s


@pytest.fixture
def files(store: Store) -> dict[str, bytes | Path]:
    return render(read_site(store))


def text(files: dict[str, bytes | Path], name: str) -> str:
    content = files[name]
    assert isinstance(content, bytes)
    return content.decode("utf-8")


class Page(HTMLParser):
    """The text and the elements of an HTML page, as a browser's parser sees them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def words(self) -> str:
        """The text, its white space folded (a cell's end is a space)."""
        return " ".join(" ".join(self.text).split())

    def rows(self) -> dict[str, dict[str, str | None]]:
        return {a["data-market"] or "": a for t, a in self.tags if t == "tr" and "data-market" in a}


def test_the_site_has_every_page(files: dict[str, bytes | Path]) -> None:
    slugs = {market_slug(m) for m in ("alpha", "beta", "gamma-market", "delta")}
    expected = {"index.html", "feed.atom", "data/listings.csv", "data/listings.json"}
    expected |= {f"years/{y}.html" for y in HISTORY} | {f"markets/{s}.html" for s in slugs}
    assert expected <= set(files)
    assert {"assets/site.css", "assets/site.js"} <= set(files)


def test_names_with_markup_are_text_everywhere(files: dict[str, bytes | Path]) -> None:
    for name in ("index.html", "years/2021.html", f"markets/{market_slug(MARKUP_ID)}.html"):
        page = Page(text(files, name))
        ours = [(t, a) for t, a in page.tags if (a.get("src") or "").endswith("assets/site.js")]
        assert [
            t for t, a in page.tags if t in ("b", "script", "i", "img") and (t, a) not in ours
        ] == []
        assert EVIL in page.words(), name
    feed = ET.fromstring(files["feed.atom"])  # type: ignore[arg-type]
    assert any(EVIL in (e.findtext(f"{ATOM}summary") or "") for e in feed.iter(f"{ATOM}entry"))


MARKUP_ID = "b-evil-b-co-script-alert-1-script"


def test_the_timeline_marks_new_and_returning(files: dict[str, bytes | Path]) -> None:
    index = text(files, "index.html")
    assert re.search(
        r'data-year="2021"><(?:a|span) [^>]*title="BETA, 2021: returning, page 6">R<', index
    )
    assert re.search(
        r'data-year="2020"><(?:a|span) [^>]*title="DELTA, 2020: new, page 7">N<', index
    )
    assert 'title="ALPHA, 2019: listed, page 5"' in index  # the first year compares with nothing
    rows = Page(index).rows()
    assert list(rows) == [MARKUP_ID, "alpha", "beta", "delta", "gamma-market"]  # kind, country
    assert rows["gamma-market"]["data-country"] == "Mexico"
    assert rows["beta"]["data-search"] == "beta\nbeta.example"


def test_the_marks_come_from_the_diffs(store: Store) -> None:
    with store.snapshot() as tx:
        data = gather(tx)
    marks = {(m.id, a.year): a.mark for m in data.markets for a in m.appearances}
    assert marks[("beta", 2021)] is Mark.RETURNING
    assert marks[("delta", 2020)] is Mark.NEW
    assert marks[("alpha", 2020)] is Mark.LISTED
    beta = next(m for m in data.markets if m.id == "beta")
    assert beta.years == (2019, 2021) and beta.years_absent == (2020,)


def test_every_diff_is_each_years_diff(store: Store) -> None:
    with store.snapshot() as tx:
        stored = tx.reports.years()
        one_by_one = {y: changes(tx, year_before(stored, y), y) for y in stored}
        assert every_diff(tx) == one_by_one
    assert one_by_one[2021].returning[0].name == "BETA"


def test_the_headline_counts_the_latest_list(files: dict[str, bytes | Path]) -> None:
    headline = Page(text(files, "index.html")).words()
    assert "The 2021 Notorious Markets List" in headline
    assert "3 online · 1 physical (4 markets)" in headline
    assert "Against 2020: 1 new, 1 returning, 1 removed, 2 still listed" in headline


def test_the_year_page_lists_the_diff_with_excerpts(files: dict[str, bytes | Path]) -> None:
    page = Page(text(files, "years/2021.html")).words()
    assert "Returning (1) BETA online · absent 2020" in page
    assert "Removed (1) DELTA online · last listed 2020" in page
    assert "Still listed (2) ALPHA online · 3 years running, 3 in all, first 2019" in page
    assert "Alpha remains a concern." in page


def test_the_market_page_shows_every_year_and_the_absences(files: dict[str, bytes | Path]) -> None:
    page = Page(text(files, "markets/beta.html")).words()
    assert (
        "Listed in 2 of 3 stored years: 2019, 2021. Absent since its first listing: 2020." in page
    )
    assert "2020 not listed" in page
    assert "beta.example" in page


def test_excerpts_end_at_a_word() -> None:
    assert excerpt("Gamma sells counterfeit goo") == "Gamma sells counterfeit …"
    assert excerpt("A whole sentence.") == "A whole sentence."
    assert excerpt("") == ""


def test_the_feed_has_an_entry_per_stored_report(store: Store) -> None:
    first = ET.fromstring(render(read_site(store))["feed.atom"])  # type: ignore[arg-type]
    entries = list(first.iter(f"{ATOM}entry"))
    assert len(entries) == 3
    assert entries[0].findtext(f"{ATOM}title") == (
        "The 2021 Notorious Markets List: 3 online and 1 physical markets; 2 new, 1 removed"
    )
    again = ET.fromstring(render(read_site(store))["feed.atom"])  # type: ignore[arg-type]
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert ids == [e.findtext(f"{ATOM}id") for e in again.iter(f"{ATOM}entry")]
    assert len(set(ids)) == 3 and all(i and i.startswith("urn:uuid:") for i in ids)


def test_the_data_files_are_the_export(files: dict[str, bytes | Path], tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(text(files, "data/listings.csv"))))
    assert [(r["review_year"], r["name"]) for r in rows][:3] == [
        ("2019", "ALPHA"),
        ("2019", "BETA"),
        ("2019", "Gamma Market"),
    ]
    assert len(rows) == sum(len(v) for v in HISTORY.values())


def test_an_empty_history_still_makes_a_site(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path}/tracker.db") as s:
        files = render(read_site(s))
    assert "No report is stored yet" in text(files, "index.html")
    assert ET.fromstring(files["feed.atom"]).find(f"{ATOM}entry") is None  # type: ignore[arg-type]


# -- the command, on SQLite and PostgreSQL ----------------------------------------------------


def test_report_command(workdir: tuple[Path, dict[str, str]]) -> None:
    cwd, env = workdir
    res = cli("-q", "report", "--out", "site", "--json", cwd=cwd, env=env)
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["years"] == [2020, 2021] and doc["index_bytes"] > 0
    site = cwd / "site"
    assert site.is_symlink() and (site / "index.html").is_file()
    index = (site / "index.html").read_text(encoding="utf-8")
    aliexpress = Page(index).rows()["aliexpress"]
    assert aliexpress["data-kind"] == "online"
    assert re.search(
        r'data-year="2021"><a href="pdf/2021.pdf#page=8" title="ALIEXPRESS, 2021: new', index
    )
    assert (site / "pdf" / "2021.pdf").read_bytes()[:5] == b"%PDF-"
    exported = cli("-q", "export", cwd=cwd, env=env).out
    assert (site / "data" / "listings.csv").read_text(encoding="utf-8") == exported


def test_report_needs_a_folder(tmp_path: Path) -> None:
    res = cli("-q", "report", cwd=tmp_path)
    assert res.code == 2
    assert "report needs --out DIR (or report.out_dir in the configuration)" in res.err


def test_operators_and_redirects_render_once_the_data_has_them(store: Store) -> None:
    """Operators (issue 11) and merged markets (issue 10) are one field of the data each."""
    data = read_site(store)
    alpha = next(m for m in data.markets if m.id == "alpha")
    run = replace(
        alpha, appearances=tuple(replace(a, operator="Acme <Ltd>") for a in alpha.appearances)
    )
    data = replace(
        data,
        markets=tuple(run if m.id == "alpha" else m for m in data.markets),
        redirects=(Redirect("alpha-old", "alpha"), Redirect("beta", "alpha")),
    )
    files = render(data)
    index = Page(text(files, "index.html"))
    assert index.rows()["alpha"]["data-operators"] == "Acme <Ltd>"
    assert ("option", {"value": "Acme <Ltd>"}) in index.tags
    assert "operated by Acme <Ltd>" in Page(text(files, "markets/alpha.html")).words()
    moved = Page(text(files, "markets/alpha-old.html"))
    assert (
        "meta",
        {"http-equiv": "refresh", "content": "0; url=../markets/alpha.html"},
    ) in moved.tags
    assert "Listed in 2 of 3" in Page(text(files, "markets/beta.html")).words()  # a live page stays


def test_a_merged_markets_old_page_redirects(store: Store) -> None:
    """`markets merge` retires an id: the site reads the redirect from the store."""
    from tracker.identity import Curation
    from tracker.markets import merge

    with store.transaction() as tx:
        merge(tx, Curation(), "delta", "beta")  # 2020 / 2019 and 2021: one market
    data = read_site(store)
    assert data.redirects == (Redirect("delta", "beta"),)
    files = render(data)
    moved = Page(text(files, "markets/delta.html"))
    assert ("meta", {"http-equiv": "refresh", "content": "0; url=../markets/beta.html"}) in (
        moved.tags
    )
    assert "Listed in 3 of 3" in Page(text(files, "markets/beta.html")).words()


def test_a_held_year_is_not_shown_until_it_is_approved(store: Store) -> None:
    with store.transaction() as tx:
        held = tx.reports.current(2021)
        assert held is not None
        tx.report_reviews.hold(held.id, HISTORY[2021], [{"message": "counts differ"}])
    files = render(read_site(store))
    assert "years/2021.html" not in files and "pdf/2021.pdf" not in files
    index = Page(text(files, "index.html")).words()
    assert "The 2020 Notorious Markets List" in index
    assert "Held for review: the 2021 list read from the report is not shown" in index
    assert "EVIL" not in index  # the held list's new market is nowhere
    assert not any(
        r["review_year"] == "2021"
        for r in csv.DictReader(io.StringIO(text(files, "data/listings.csv")))
    )
    feed = ET.fromstring(text(files, "feed.atom"))
    assert not [e for e in feed.iter(f"{ATOM}title") if "2021" in (e.text or "")]
    with store.transaction() as tx:
        assert tx.report_reviews.release(held.id)
    files = render(read_site(store))
    index = Page(text(files, "index.html")).words()
    assert "years/2021.html" in files and "The 2021 Notorious Markets List" in index
    assert "Held for review" not in index
