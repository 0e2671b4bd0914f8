"""The year-over-year diff: pure cases, then the sample reports 2019 -> 2020 -> 2021."""

from __future__ import annotations

import pytest

from tracker.diff import Changes, compare
from tracker.history import changes
from tracker.model import Entry, Listing
from tracker.store import Store

from .conftest import save_sample


def listing(market_id: str, year: int, name: str | None = None) -> Listing:
    return Listing(market_id, year, Entry(name or market_id.upper(), "online", 1))


def test_new_returning_removed_still_renamed() -> None:
    years = {"a": [2018, 2019, 2020], "b": [2020], "c": [2017, 2020], "d": [2018, 2019]}
    c = compare(
        2019,
        2020,
        old=[listing("a", 2019, "A OLD"), listing("d", 2019)],
        new=[listing("a", 2020), listing("b", 2020), listing("c", 2020)],
        years_listed=years,
        stored_years=[2017, 2018, 2019, 2020],
    )
    assert [i.market_id for i in c.new_entries] == ["b", "c"]
    assert [(i.market_id, i.years_absent) for i in c.returning] == [("c", (2018, 2019))]
    assert [i.market_id for i in c.first_time] == ["b"]
    assert [i.market_id for i in c.removed] == ["d"]
    assert [(i.market_id, i.streak, i.years_listed) for i in c.still_listed] == [
        ("a", 3, (2018, 2019, 2020))
    ]
    assert [(i.old_name, i.name) for i in c.renamed] == [("A OLD", "A")]


def test_history_after_the_newer_year_does_not_count() -> None:
    c = compare(
        2019,
        2020,
        [listing("a", 2019)],
        [listing("a", 2020)],
        {"a": [2019, 2020, 2021]},
        [2019, 2020, 2021],
    )
    assert c.still_listed[0].years_listed == (2019, 2020)


def test_case_change_is_not_a_rename() -> None:
    c = compare(
        2019,
        2020,
        [listing("x", 2019, "1337x")],
        [listing("x", 2020, "1337X")],
        {"x": [2019, 2020]},
        [2019, 2020],
    )
    assert c.renamed == () and len(c.still_listed) == 1


@pytest.fixture
def history(db_url: str) -> Store:
    store = Store(db_url)
    for year in (2019, 2020, 2021):
        save_sample(store, year)
    return store


def diff(store: Store, old: int, new: int) -> Changes:
    with store.transaction() as tx:
        return changes(tx, old, new)


def names(items: tuple) -> set[str]:  # type: ignore[type-arg]
    return {i.name for i in items}


def test_samples_2020_to_2021(history: Store) -> None:
    c: Changes = diff(history, 2020, 2021)
    assert {"ALIEXPRESS", "WECHAT (WEIXIN) E-COMMERCE ECOSYSTEM"} <= names(c.first_time)
    assert ("POPCORNTIME", "POPCORN TIME") in {(i.old_name, i.name) for i in c.renamed}
    assert "POPCORN TIME" in names(c.still_listed)
    assert names(c.returning) == {"Dordoi Market"}  # listed 2019, absent 2020, back 2021
    assert c.returning[0].years_absent == (2020,)
    assert c.returning[0].years_listed == (2019, 2021)
    assert {"SNAPDEAL", "SEASONVAR", "La Bahia"} <= names(c.removed)
    assert len(c.new_entries) + len(c.still_listed) == 77
    assert len(c.removed) + len(c.still_listed) == 73


def test_samples_2019_to_2020(history: Store) -> None:
    c = diff(history, 2019, 2020)
    thepiratebay = next(i for i in c.still_listed if i.name == "THEPIRATEBAY")
    assert thepiratebay.streak == 2 and thepiratebay.first_listed == 2019
    assert "Dordoi Market" in names(c.removed)
    assert "POPCORNTIME" in names(c.first_time)


def test_returning_across_a_gap_in_stored_years(db_url: str) -> None:
    with Store(db_url) as store:
        for year in (2016, 2020, 2021):
            save_sample(store, year)
        c = diff(store, 2020, 2021)
    libgen = next(i for i in c.returning if i.name == "LIBGEN")
    assert libgen.years_listed == (2016, 2021)
    assert libgen.years_absent == (2020,)  # stored years only: 2017-2019 are not known
