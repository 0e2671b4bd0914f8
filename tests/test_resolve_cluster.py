"""Whole-history clustering: ambiguity, corrections, ids and redirects, knowledge files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_resolve_rules import online, physical
from tracker.errors import ConfigError
from tracker.model import Entry
from tracker.resolve import (
    Knowledge,
    ListingKey,
    Merge,
    PriorListing,
    Rename,
    Split,
    YearListings,
    cluster,
)


def central(city: str | None) -> Entry:
    heading = f"Central Market, {city}" if city else "Central Market"
    return physical(heading, "Central Market", "Cambodia", city)


def test_two_listings_of_one_year_are_never_one_market() -> None:
    result = cluster([YearListings(2020, (online("POPCORN TIME"), online("Popcorn-Time")))])
    assert len(set(result.year_ids(2020))) == 2


def test_ambiguity_never_mints_a_market_for_a_listed_one() -> None:
    """Two stored markets could take a listing: it joins the one listed the year before, the
    other becomes a possible match, and no new market appears."""
    pp, sr = central("Phnom Penh"), central("Siem Reap")
    result = cluster(
        [
            YearListings(2012, (pp, sr)),
            YearListings(2013, (sr,)),
            YearListings(2014, (central(None),)),
        ]
    )
    first, second = result.year_ids(2012)
    assert result.year_ids(2014) == [second]  # Siem Reap was listed in 2013
    assert len(result.markets) == 2
    assert {(p.market_id, p.candidate_id) for p in result.possible} <= {
        (first, second),
        (second, first),
    }
    assert result.possible


def test_exact_name_beats_a_descriptor_match() -> None:
    mall = physical("MBK Mall, Bangkok", "MBK Mall", "Thailand", "Bangkok")
    center = physical("MBK Center, Bangkok", "MBK Center", "Thailand", "Bangkok")
    result = cluster([YearListings(2019, (mall, center)), YearListings(2020, (center,))])
    assert result.year_ids(2020) == result.year_ids(2019)[1:]
    assert result.possible  # the other one may be it too: a person decides


def test_a_market_listed_every_year_stays_one_market() -> None:
    """The issue's La Salada: sixteen years, three ways of printing its place."""
    forms = [
        ("La Salada (Buenos Aires)", "Buenos Aires"),
        ("La Salada – Buenos Aires", "Buenos Aires"),
        ("La Salada – Lomas de Zamora", "Lomas de Zamora"),
        ("La Salada, Lomas de Zamora, Buenos Aires", "Lomas de Zamora"),
    ]
    history = [
        YearListings(
            y,
            (
                physical(
                    forms[min(3, (y - 2010) // 4)][0],
                    "La Salada",
                    "Argentina",
                    forms[min(3, (y - 2010) // 4)][1],
                ),
            ),
        )
        for y in range(2010, 2026)
    ]
    result = cluster(history)
    assert [m.id for m in result.markets] == ["la-salada"]
    assert result.markets[0].years == tuple(range(2010, 2026))


def test_a_later_heading_with_both_names_merges_them() -> None:
    """Evidence printed in any year counts: a heading naming both a domain and a brand joins
    the market printed by its domain and the one printed by its brand."""
    result = cluster(
        [
            YearListings(2014, (online("Flvto.biz"),)),
            YearListings(2015, (online("2conv.com"),)),
            YearListings(2017, (online("Flvto.biz / 2conv.com"),)),
        ]
    )
    assert [m.id for m in result.markets] == ["flvto"]
    assert result.markets[0].years == (2014, 2015, 2017)


# --- corrections ------------------------------------------------------------------------------

TORRENTZ = [
    YearListings(2011, (online("Torrentz.eu"),)),
    YearListings(2019, (online("TORRENTZ2"),)),
]


def test_merge_correction() -> None:
    result = cluster(
        TORRENTZ,
        corrections=[Merge(ListingKey(2019, "TORRENTZ2"), ListingKey(2011, "Torrentz.eu"))],
    )
    assert [m.id for m in result.markets] == ["torrentz"]
    assert result.assignments[1].reason == "correction"
    assert not result.possible


def test_merge_of_one_year_is_rejected_with_a_reason() -> None:
    history = [YearListings(2019, (online("DYTT8"), online("DYTT9")))]
    merge = Merge(ListingKey(2019, "DYTT8"), ListingKey(2019, "DYTT9"))
    result = cluster(history, corrections=[merge])
    assert len(result.markets) == 2
    assert result.rejected[0].correction == merge
    assert "both are listed in 2019" in result.rejected[0].reason


def test_split_correction_keeps_a_year_apart() -> None:
    history = [
        YearListings(2019, (central("Phnom Penh"),)),
        YearListings(2020, (central("Phnom Penh"),)),
        YearListings(2021, (central("Phnom Penh"),)),
    ]
    split = Split(
        ListingKey(2021, "Central Market"),
        (ListingKey(2019, "Central Market"), ListingKey(2020, "Central Market")),
    )
    result = cluster(history, corrections=[split])
    assert result.year_ids(2019) == result.year_ids(2020) != result.year_ids(2021)
    assert not result.possible  # a person already decided


def test_rename_correction_and_redirect() -> None:
    before = cluster(TORRENTZ)
    previous = [
        PriorListing(a.year, before_name, a.market_id)
        for a, before_name in zip(before.assignments, ("Torrentz.eu", "TORRENTZ2"), strict=True)
    ]
    rename = Rename(ListingKey(2011, "Torrentz.eu"), "Torrentz")
    result = cluster(TORRENTZ, corrections=[rename], previous=previous)
    market = result.market("torrentz")
    assert market.name == "Torrentz" and market.source == "renamed"
    assert result.markets[0].id == "torrentz"


def test_stale_correction_is_reported() -> None:
    result = cluster(TORRENTZ, corrections=[Rename(ListingKey(2012, "Torrentz.eu"), "T")])
    assert "no listing 'Torrentz.eu' (2012)" in result.rejected[0].reason


# --- ids and redirects ------------------------------------------------------------------------


def test_ids_come_from_the_cluster() -> None:
    history = [
        YearListings(
            2011, (online("Kat.ph"), physical("Central Market", "Central Market", "Cambodia"))
        ),
        YearListings(
            2012, (online("KICKASS.TO"), physical("Central Market", "Central Market", "Malaysia"))
        ),
    ]
    result = cluster(history)
    assert result.year_ids(2011) == ["kickasstorrents", "central-market"]
    assert result.year_ids(2012) == ["kickasstorrents", "central-market-malaysia"]


def test_a_merge_redirects_the_old_id() -> None:
    before = cluster(TORRENTZ)
    assert before.year_ids(2011) == ["torrentz"] and before.year_ids(2019) == ["torrentz2"]
    previous = [
        PriorListing(2011, "Torrentz.eu", "torrentz"),
        PriorListing(2019, "TORRENTZ2", "torrentz2"),
    ]
    knowledge = Knowledge.builtin({"TORRENTZ2": "torrentz"})
    after = cluster(TORRENTZ, knowledge, previous=previous)
    assert after.year_ids(2019) == ["torrentz"]
    assert after.redirects == {"torrentz2": "torrentz"}
    assert after.market("torrentz2").id == "torrentz"


def test_an_alias_may_name_a_stored_id() -> None:
    """`aliases: {TORRENTZ2: torrentz}` where `torrentz` is a stored market id, not a name."""
    history = [
        YearListings(2011, (online("Torrentz.eu"),)),
        YearListings(2019, (online("TORRENTZ2"),)),
    ]
    previous = [PriorListing(2011, "Torrentz.eu", "old-torrentz-id")]
    knowledge = Knowledge.builtin({"TORRENTZ2": "old-torrentz-id"})
    result = cluster(history, knowledge, previous=previous)
    assert len(set(result.year_ids(2011) + result.year_ids(2019))) == 1
    assert result.redirects == {"old-torrentz-id": "torrentz"}


def test_name_changes_are_reported() -> None:
    result = cluster(
        [
            YearListings(2019, (online("POPCORNTIME"),)),
            YearListings(2020, (online("POPCORN TIME"),)),
        ]
    )
    (change,) = result.renames
    assert (change.year, change.old_name, change.new_name) == (2020, "POPCORNTIME", "POPCORN TIME")


# --- knowledge files --------------------------------------------------------------------------


def test_builtin_identities_have_sources() -> None:
    table = Knowledge.builtin()
    assert len(table.identities) >= 8
    assert all(i.note and i.names for i in table.identities)


def test_a_user_table_extends_the_builtin_one(tmp_path: Path) -> None:
    path = tmp_path / "identities.yaml"
    path.write_text(
        "identities:\n  - {id: torrentz, kind: online, names: [Torrentz.eu, TORRENTZ2], note: decided}\n"
        "places:\n  within: {Petaling Jaya: [Kuala Lumpur]}\n",
        encoding="utf-8",
    )
    result = cluster(TORRENTZ, Knowledge.load(path))
    assert [m.id for m in result.markets] == ["torrentz"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "identities: [{id: x, kind: web, names: [a], note: n}]",
            "kind: expected online or physical",
        ),
        ("identities: [{id: x, kind: online, names: [a]}]", "`note` is required"),
        (
            "identities: [{id: x, kind: online, names: [a], note: n, colour: red}]",
            "unknown key 'colour'",
        ),
        ("aliases: {}", "expected a mapping with `identities` and `places`"),
        ("places: {same: {Kyiv: Kiev}}", "places.same: Kyiv: expected a list of places"),
    ],
)
def test_bad_tables_fail_in_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        Knowledge.load(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_redirects_chain_to_live_ids() -> None:
    from tracker.resolve import chain_redirects

    stored = {"a": "b"}  # an earlier merge
    assert chain_redirects(stored, {"b": "c"}, {"c"}) == {"a": "c", "b": "c"}
    assert chain_redirects(stored, {}, {"a", "b"}) == {}  # `a` is a market again
