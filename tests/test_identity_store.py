"""The identity stage through the store, on real SQLite and PostgreSQL: every report stored
re-clusters the whole history, so the same reports end with the same markets in any order.

The reports are generated sixteen-year histories (tests/identity_histories.py) stored as Report
objects through `save_report`, as `ingest` and `check` store what they extract.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import reset_pg
from tests.identity_histories import history
from tracker.ingest import save_report
from tracker.model import IngestResult, Report
from tracker.records import ReportSource
from tracker.resolve import YearListings, cluster
from tracker.store import Store

Ids = dict[tuple[int, str, str], str]  # (year, kind, printed name) -> market id


@cache
def sixteen_years(seed: int = 0) -> tuple[YearListings, ...]:
    return tuple(history(seed)[0])


def as_report(y: YearListings) -> Report:
    return Report(y.year, f"{y.year} Review of Notorious Markets", None, y.entries)


def store_year(store: Store, y: YearListings, revision: int = 1) -> IngestResult:
    sha = hashlib.sha256(f"{y.year}/{revision}".encode()).hexdigest()
    with store.transaction() as tx:
        return save_report(tx, as_report(y), ReportSource(sha), {}, force_revision=True)


def stored_ids(store: Store) -> Ids:
    with store.transaction() as tx:
        return {
            (li.review_year, li.entry.kind, li.entry.name): li.market_id
            for li in tx.reports.all_listings()
        }


def clustered_ids(years: tuple[YearListings, ...] | list[YearListings]) -> Ids:
    result = cluster(years)
    return {
        (y.year, e.kind, e.name): result.market_of(y.year, i)
        for y in years
        for i, e in enumerate(y.entries)
    }


def ordered(years: tuple[YearListings, ...], order: str) -> list[YearListings]:
    if order == "chronological":
        return list(years)
    if order == "reverse":
        return list(reversed(years))
    shuffled = list(years)
    random.Random(order).shuffle(shuffled)
    return shuffled


def markets(ids: Ids) -> set[frozenset[tuple[int, str, str]]]:
    """The clusters as sets of listings, whatever their ids."""
    by: dict[str, set[tuple[int, str, str]]] = {}
    for listing, market_id in ids.items():
        by.setdefault(market_id, set()).add(listing)
    return {frozenset(v) for v in by.values()}


def fresh(db_url: str, tmp_path: Path, n: int) -> str:
    """Another empty database for the same test: a new SQLite file, or PostgreSQL emptied."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path}/order-{n}.db"
    reset_pg(db_url)
    return db_url


@pytest.mark.slow
def test_chronological_reverse_and_shuffled_ingest_end_with_the_same_markets(
    db_url: str, tmp_path: Path
) -> None:
    """Sixteen years stored in three orders give the markets (ids included) of clustering the
    whole history at once; La Salada, listed every year under drifting places, is one."""
    years = sixteen_years()
    whole = clustered_ids(years)
    found = []
    for n, order in enumerate(["chronological", "reverse", "shuffled-1"]):
        with Store(fresh(db_url, tmp_path, n)) as store:
            for y in ordered(years, order):
                store_year(store, y)
            found.append(stored_ids(store))
    assert markets(found[1]) == markets(found[0]) == markets(found[2])  # as sets of listings
    assert found[0] == found[1] == found[2] == whole
    (salada,) = {m for (_, _, name), m in whole.items() if name == "La Salada"}
    assert sorted(y for (y, _, _), m in whole.items() if m == salada) == [y.year for y in years]


def test_eight_years_in_reverse_are_the_markets_of_the_whole_history(db_url: str) -> None:
    """The fast layer's version of the test above."""
    years = sixteen_years()[4:12]
    with Store(db_url) as store:
        for y in reversed(years):
            store_year(store, y)
        assert stored_ids(store) == clustered_ids(years)


@pytest.mark.slow
def test_one_year_at_a_time_with_revisions_between(db_url: str) -> None:
    """Years arrive one by one in a shuffled order; now and then a stored year is revised (its
    list loses a market, then gets it back): after every step the store holds the clusters of
    exactly what it stores, and at the end those of the whole history."""
    years = sixteen_years(1)
    rng = random.Random(7)
    stored: dict[int, YearListings] = {}
    revision = dict.fromkeys((y.year for y in years), 1)
    with Store(db_url) as store:
        for n, y in enumerate(ordered(years, "shuffled-3")):
            store_year(store, y)
            stored[y.year] = y
            if n % 5 == 4:  # a corrected PDF of a stored year, one market fewer
                year = rng.choice(sorted(stored))
                revision[year] += 1
                stored[year] = replace(stored[year], entries=stored[year].entries[:-1])
                store_year(store, stored[year], revision[year])
            assert stored_ids(store) == clustered_ids(sorted(stored.values(), key=_year))
        for y in years:  # every revised year corrected once more, back to its full list
            if stored[y.year] != y:
                revision[y.year] += 1
                result = store_year(store, y, revision[y.year])
                assert result.status == "revised"
        assert stored_ids(store) == clustered_ids(years)


def _year(y: YearListings) -> int:
    return y.year


def test_a_revision_keeps_its_markets_and_mints_none(db_url: str) -> None:
    years = sixteen_years()
    with Store(db_url) as store:
        for y in years[:4]:
            store_year(store, y)
        before = stored_ids(store)
        fewer = replace(years[2], entries=years[2].entries[1:])
        result = store_year(store, fewer, 2)
        assert result.status == "revised" and result.new_markets == ()
        after = stored_ids(store)
    assert all(before[k] == v for k, v in after.items())
    assert len(after) == len(before) - 1


@pytest.mark.slow
def test_concurrent_ingests_end_with_the_markets_of_the_whole_history(db_url: str) -> None:
    """Two writers storing different years at once: each re-clustering waits for the other's
    (a PostgreSQL advisory lock; SQLite serialises writers), so none saves a stale view."""
    import threading

    years = sixteen_years()[:10]
    Store(db_url).close()  # the schema, once
    errors: list[BaseException] = []

    def writer(part: list[YearListings]) -> None:
        try:
            with Store(db_url) as store:
                for y in part:
                    store_year(store, y)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(list(years[n::2]),)) for n in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Store(db_url) as store:
        assert stored_ids(store) == clustered_ids(years)


def test_recluster_mends_ids_a_cascading_resolver_left(db_url: str) -> None:
    """A database whose La Salada was split into one id a year by the resolver before this one
    (simulated here by rewriting its listings) is mended by one re-clustering; the old ids
    redirect to the market and still name it."""
    from sqlalchemy import text

    from tracker.history import market_history
    from tracker.identity import Curation
    from tracker.markets import recluster

    years = sixteen_years()[:4]
    with Store(db_url) as store:
        for y in years:
            store_year(store, y)
        with store.engine.begin() as conn:
            for n, y in enumerate(years[1:], start=2):
                old = f"la-salada-argentina-{n}"
                conn.execute(
                    text(
                        "INSERT INTO markets (id, kind, name, country, created_at, source) "
                        "VALUES (:id, 'physical', 'La Salada', 'Argentina', '2020-01-01', 'rules')"
                    ),
                    {"id": old},
                )
                conn.execute(
                    text(
                        "UPDATE listings SET market_id = :id WHERE name = 'La Salada' AND report_id"
                        " = (SELECT id FROM reports WHERE review_year = :y)"
                    ),
                    {"id": old, "y": y.year},
                )
        with store.transaction() as tx:
            outcome = recluster(tx, Curation())
            record = market_history(tx, "la-salada-argentina-3")
        assert outcome.changed == 3
        assert outcome.redirects == {f"la-salada-argentina-{n}": "la-salada" for n in (2, 3, 4)}
        assert record.market.id == "la-salada" and record.years_listed == [y.year for y in years]
        assert stored_ids(store) == clustered_ids(years)
