"""The history store on real SQLite and real PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import inspect

from tracker.errors import NotFoundError, StoreError
from tracker.history import find_markets
from tracker.migrations import current, head
from tracker.model import CheckStatus
from tracker.records import Alias
from tracker.store import Store

from .conftest import last_runs, sample_report, sample_sha, save, save_sample, stored_years


def ingest(store: Store, *years: int, aliases: dict[str, str] | None = None) -> None:
    for year in years:
        save_sample(store, year, aliases=aliases)


def test_schema_is_migrated_on_open(db_url: str) -> None:
    with Store(db_url) as store:
        assert current(store.engine) == head()
        tables = set(inspect(store.engine).get_table_names())
    expected = {"reports", "markets", "listings", "possible_matches", "check_runs", "corrections"}
    assert expected | {"market_redirects"} <= tables and "aliases" not in tables


def test_opening_twice_is_harmless(db_url: str) -> None:
    Store(db_url).close()
    with Store(db_url) as store:
        assert stored_years(store) == []


def test_ingest_stores_every_entry_with_a_market(db_url: str) -> None:
    with Store(db_url) as store:
        result = save(store, sample_report(2021), sample_sha(2021), source_url="u")
        assert result.status == "stored"
        assert result.report.revision == 1 and result.report.status == "ok"
        assert len(result.new_markets) == 77
        with store.transaction() as tx:
            listings = tx.reports.listings(2021)
    assert [li.entry.name for li in listings] == [e.name for e in sample_report(2021).entries]
    assert len({li.market_id for li in listings}) == 77
    salada = next(li for li in listings if li.entry.name == "La Salada")
    assert (salada.market_id, salada.entry.city, salada.entry.country) == (
        "la-salada",
        "Lomas de Zamora",
        "Argentina",
    )


def test_same_bytes_twice_is_a_no_op(db_url: str) -> None:
    with Store(db_url) as store:
        ingest(store, 2020)
        again = save(store, sample_report(2020), sample_sha(2020))
        assert again.status == "unchanged"
        with store.transaction() as tx:
            assert len(tx.reports.all()) == 1
            assert len(tx.reports.listings(2020)) == 73


def test_new_bytes_for_a_stored_year_become_a_revision(db_url: str) -> None:
    with Store(db_url) as store:
        ingest(store, 2020, 2021)
        with store.transaction() as tx:
            first_ids = {li.entry.name: li.market_id for li in tx.reports.listings(2021)}
        corrected = replace(
            sample_report(2021), entries=sample_report(2021).entries[:-1]
        )  # USTR replaced the PDF: one market fewer
        result = save(store, corrected, "f" * 64)
        assert result.status == "revised"
        assert result.report.revision == 2
        assert result.new_markets == ()  # the revision keeps every market's id
        with store.transaction() as tx:
            now = {li.entry.name: li.market_id for li in tx.reports.listings(2021)}
            revisions = [r.revision for r in tx.reports.all() if r.review_year == 2021]
        assert len(now) == 76
        assert all(first_ids[name] == market_id for name, market_id in now.items())
        assert revisions == [1, 2]


def test_identity_across_years(db_url: str) -> None:
    with Store(db_url) as store:
        ingest(store, 2011, 2016, 2019, 2020, 2021)
        with store.transaction() as tx:
            years = tx.reports.years_listed()
            ids = {li.entry.name: li.market_id for li in tx.reports.all_listings()}
    assert ids["THEPIRATEBAY"] == ids["The Pirate Bay"]
    assert ids["POPCORN TIME"] == ids["POPCORNTIME"]
    assert ids["Petrivka"] == ids["Petrivka Market"]  # Kiev / Kyiv
    assert ids["Silk Market (Silk Street)"] == ids["Silk Market"]
    assert ids["Tepito"] == ids["El Tepito"]
    assert ids["VK"] == ids["Vk.com"] == ids["VKontakte"]
    assert ids["TORRENTZ2"] != ids["Torrentz.eu"]  # a wrong merge is worse than a missed one
    assert years[ids["VK"]] == [2011, 2016, 2019, 2020, 2021]


def test_near_miss_is_a_possible_match_not_a_merge(db_url: str) -> None:
    with Store(db_url) as store:
        ingest(store, 2011, 2019)
        with store.transaction() as tx:
            possible = tx.reports.possible_matches(2019)
    assert [(p.name, p.candidate_name) for p in possible] == [("TORRENTZ2", "Torrentz.eu")]


def test_configured_alias_overrides_the_rules(db_url: str) -> None:
    with Store(db_url) as store:
        ingest(store, 2011)
        ingest(store, 2019, aliases={"TORRENTZ2": "Torrentz.eu"})
        with store.transaction() as tx:
            ids = {li.entry.name: li.market_id for li in tx.reports.all_listings()}
            assert ids["TORRENTZ2"] == ids["Torrentz.eu"]
            assert Alias("TORRENTZ2", "alias") in tx.markets.aliases_of(ids["TORRENTZ2"])


def test_find_markets_by_id_name_or_alias(db_url: str) -> None:
    with Store(db_url) as store:
        ingest(store, 2020, 2021)
        with store.transaction() as tx:
            assert find_markets(tx, "popcorntime") == ["popcorntime"]
            assert find_markets(tx, "Popcorn Time") == ["popcorntime"]
            assert find_markets(tx, "no such market") == []


def test_missing_year_is_named(db_url: str) -> None:
    with Store(db_url) as store:
        ingest(store, 2020)
        with (
            pytest.raises(NotFoundError, match=r"no report stored for 2019 \(stored: 2020\)"),
            store.transaction() as tx,
        ):
            tx.reports.listings(2019)


def test_check_runs_are_recorded(db_url: str) -> None:
    with Store(db_url) as store:
        with store.transaction() as tx:
            run = tx.runs.start("daemon")
        with store.transaction() as tx:
            tx.runs.finish(run, CheckStatus.FAILED, "ustr.gov answered 403")
        (last,) = last_runs(store)
    assert last.outcome == "failed" and last.trigger == "daemon"
    assert last.error == "ustr.gov answered 403" and last.finished_at


def test_export_has_a_row_per_listing(db_url: str) -> None:
    with Store(db_url) as store:
        ingest(store, 2019, 2020)
        with store.transaction() as tx:
            rows = tx.reports.export_rows()
    assert len(rows) == 72 + 73
    assert rows[0].review_year == 2019 and rows[-1].review_year == 2020


def test_unreachable_database_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match=r"127\.0\.0\.1:1"):
        Store("postgresql+psycopg://postgres@127.0.0.1:1/nothing")
