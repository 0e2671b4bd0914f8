"""markets merge|split|rename|recluster and history through the real entry point, against a
history stored in-process (Report objects through save_report, as ingest stores them)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tracker.headings import online_heading
from tracker.ingest import save_report
from tracker.model import Entry, IngestResult, Report
from tracker.records import ReportSource
from tracker.store import Store

from .clirun import Result, cli


def online(heading: str) -> Entry:
    parsed = online_heading(heading)
    return Entry(parsed.name, "online", 1, domains=parsed.domains, heading=heading)


def physical(name: str, city: str, country: str, heading: str = "") -> Entry:
    return Entry(name, "physical", 1, country, city, heading=heading or f"{name}, {city}")


SALADA = physical("La Salada", "Buenos Aires", "Argentina")
PHNOM_PENH = physical("Central Market", "Phnom Penh", "Cambodia")
SIEM_REAP = physical("Central Market", "Siem Reap", "Cambodia")
YEARS: dict[int, tuple[Entry, ...]] = {
    2011: (online("Torrentz.eu"), SALADA, PHNOM_PENH, SIEM_REAP),
    2012: (online("Torrentz.eu"), SALADA, PHNOM_PENH),
    2019: (online("TORRENTZ2"), online("POPCORNTIME"), SALADA, PHNOM_PENH),
    2020: (
        online("TORRENTZ2"),
        online("POPCORN TIME"),
        physical("La Salada", "Lomas de Zamora", "Argentina", "La Salada, Lomas de Zamora"),
    ),
}


def store_year(url: str, year: int, entries: tuple[Entry, ...], revision: int = 1) -> IngestResult:
    report = Report(year, f"{year} Review of Notorious Markets", None, entries)
    sha = hashlib.sha256(f"{year}/{revision}".encode()).hexdigest()
    with Store(url) as store, store.transaction() as tx:
        return save_report(tx, report, ReportSource(sha), {}, force_revision=True)


@pytest.fixture
def history_db(db_url: str) -> dict[str, str]:
    """The four years stored out of order (2020 before 2019: POPCORN TIME's first id retires)."""
    for year in (2012, 2020, 2011, 2019):
        store_year(db_url, year, YEARS[year])
    return {"TRACKER_DATABASE_URL": db_url}


def run(env: dict[str, str], *args: str, cwd: Path) -> Result:
    return cli("-q", *args, cwd=cwd, env=env)


def new_and_removed(env: dict[str, str], old: int, new: int, cwd: Path) -> tuple[set[str], ...]:
    doc = run(env, "diff", str(old), str(new), "--json", cwd=cwd).json()
    return {i["name"] for i in doc["new_entries"]}, {i["name"] for i in doc["removed"]}


def test_a_retired_id_still_names_its_market(history_db: dict[str, str], tmp_path: Path) -> None:
    doc = run(history_db, "history", "popcorn-time", "--json", cwd=tmp_path).json()
    assert doc["market_id"] == "popcorntime" and doc["years_listed"] == [2019, 2020]
    assert doc["former_ids"] == ["popcorn-time"]


def test_merge_round_trip(history_db: dict[str, str], tmp_path: Path) -> None:
    env = history_db
    assert new_and_removed(env, 2012, 2019, tmp_path) == (
        {"TORRENTZ2", "POPCORNTIME"},
        {"Torrentz.eu"},
    )
    res = run(env, "markets", "merge", "TORRENTZ2", "torrentz", cwd=tmp_path)
    assert res.code == 0, res.err
    assert res.out.strip().startswith("merged torrentz2 and torrentz: torrentz (online, 2011-2020)")
    assert new_and_removed(env, 2012, 2019, tmp_path) == ({"POPCORNTIME"}, set())
    doc = run(env, "history", "torrentz2", "--json", cwd=tmp_path).json()
    assert (doc["market_id"], doc["years_listed"]) == ("torrentz", [2011, 2012, 2019, 2020])
    assert [c["action"] for c in doc["corrections"]] == ["merge"]
    # kept across a new year and a revision of a stored one
    store_year(env["TRACKER_DATABASE_URL"], 2021, (online("TORRENTZ2"),))
    store_year(env["TRACKER_DATABASE_URL"], 2019, YEARS[2019][::-1], revision=2)
    doc = run(env, "history", "TORRENTZ2", "--json", cwd=tmp_path).json()
    assert doc["years_listed"] == [2011, 2012, 2019, 2020, 2021]
    digest = run(env, "digest", "--year", "2019", cwd=tmp_path)
    assert "TORRENTZ2" not in digest.out.split("REMOVED")[0], digest.out


def test_split_then_merge_back(history_db: dict[str, str], tmp_path: Path) -> None:
    env = history_db
    res = run(env, "markets", "split", "la-salada", "--year", "2019", "--json", cwd=tmp_path)
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["market"]["years_listed"] == [2019]
    assert doc["from"] == {
        **doc["from"],
        "market_id": "la-salada",
        "years_listed": [2011, 2012, 2020],
    }
    assert new_and_removed(env, 2012, 2019, tmp_path)[0] >= {"La Salada"}
    split_id = doc["market"]["market_id"]
    res = run(env, "markets", "merge", "la-salada", split_id, cwd=tmp_path)
    assert res.code == 0, res.err
    assert "undid: split 'La Salada' (2019)" in res.out
    doc = run(env, "history", "la-salada", "--json", cwd=tmp_path).json()
    assert doc["years_listed"] == [2011, 2012, 2019, 2020]
    assert [c["action"] for c in doc["corrections"]] == ["merge"]


def test_splitting_a_merged_year_undoes_the_merge(
    history_db: dict[str, str], tmp_path: Path
) -> None:
    env = history_db
    assert run(env, "markets", "merge", "torrentz", "torrentz2", cwd=tmp_path).code == 0
    res = run(env, "markets", "split", "torrentz", "--year", "2019", cwd=tmp_path)
    assert res.code == 0, res.err
    assert "undid: merge" in res.out
    doc = run(env, "history", "torrentz", "--json", cwd=tmp_path).json()
    assert doc["years_listed"] == [2011, 2012]


def test_rename_and_its_redirect(history_db: dict[str, str], tmp_path: Path) -> None:
    env = history_db
    res = run(env, "markets", "rename", "la-salada", "La Salada Feria", "--json", cwd=tmp_path)
    assert res.code == 0, res.err
    assert res.json()["redirects"] == {"la-salada": "la-salada-feria"}
    doc = run(env, "history", "la-salada", "--json", cwd=tmp_path).json()
    assert (doc["market_id"], doc["name"], doc["source"]) == (
        "la-salada-feria",
        "La Salada Feria",
        "renamed",
    )
    diff = run(env, "diff", "2019", "2020", "--json", cwd=tmp_path).json()
    assert "la-salada-feria" in {i["market_id"] for i in diff["still_listed"]}
    store_year(env["TRACKER_DATABASE_URL"], 2021, (SALADA,))  # kept when a year is added
    assert run(env, "history", "La Salada", "--json", cwd=tmp_path).json()["years_listed"] == [
        2011,
        2012,
        2019,
        2020,
        2021,
    ]
    taken = run(env, "markets", "rename", "la-salada-feria", "Torrentz", cwd=tmp_path)
    assert taken.code == 1
    assert taken.err.strip() == (
        "the id 'torrentz' belongs to another market (Torrentz.eu): choose another name"
    )


def test_a_refused_merge_changes_nothing(history_db: dict[str, str], tmp_path: Path) -> None:
    env = history_db
    before = run(env, "export", "--format", "json", cwd=tmp_path).out
    res = run(env, "markets", "merge", "central-market", "central-market-cambodia", cwd=tmp_path)
    assert res.code == 1 and res.out == ""
    assert res.err.strip() == (
        "cannot merge central-market and central-market-cambodia: both are listed in 2011"
    )
    assert run(env, "export", "--format", "json", cwd=tmp_path).out == before
    assert run(env, "history", "central-market", "--json", cwd=tmp_path).json()["corrections"] == []


def test_history_of_a_name_several_markets_print(
    history_db: dict[str, str], tmp_path: Path
) -> None:
    env = history_db
    res = run(env, "history", "Central Market", "--json", cwd=tmp_path)  # not listed in 2020
    assert res.code == 1
    assert res.err.strip().startswith("'Central Market' names 2 markets: central-market (physical")
    assert [(c["market_id"], c["years_listed"], c["places"]) for c in res.json()["candidates"]] == [
        ("central-market", [2011, 2012, 2019], ["Phnom Penh"]),
        ("central-market-cambodia", [2011], ["Siem Reap"]),
    ]
    text = run(env, "history", "Central Market", cwd=tmp_path).out
    assert "Siem Reap" in text and "2011, 2012, 2019" in text
    store_year(env["TRACKER_DATABASE_URL"], 2021, (PHNOM_PENH,))  # now the latest year's one
    doc = run(env, "history", "Central Market", "--json", cwd=tmp_path).json()
    assert doc["market_id"] == "central-market" and doc["years_listed"][-1] == 2021


def test_recluster_applies_an_edited_alias(history_db: dict[str, str], tmp_path: Path) -> None:
    env = history_db
    (tmp_path / "config.yaml").write_text('aliases: {"TORRENTZ2": "torrentz"}\n', encoding="utf-8")
    res = run(env, "markets", "recluster", "--json", cwd=tmp_path)
    assert res.code == 0, res.err
    assert res.json()["redirects"] == {"torrentz2": "torrentz"}
    assert res.json()["changed_listings"] == 2
    doc = run(env, "history", "torrentz2", "--json", cwd=tmp_path).json()
    assert doc["years_listed"] == [2011, 2012, 2019, 2020]
    assert {"name": "TORRENTZ2", "source": "alias"} in doc["aliases"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("markets",), 2, "the following arguments are required: ACTION"),
        (("markets", "split", "la-salada"), 2, "the following arguments are required: --year"),
        (("markets", "rename", "la-salada", "!!!"), 2, "NAME '!!!' needs a letter or a digit"),
        (("markets", "merge", "nowhere", "la-salada"), 1, "no market named 'nowhere'"),
        (("markets", "split", "la-salada", "--year", "2016"), 1, "la-salada is not listed in 2016"),
        (("markets", "split", "central-market-cambodia", "--year", "2011"), 1, "nothing to split"),
        (
            ("markets", "merge", "Central Market", "la-salada"),
            1,
            "'Central Market' names 2 markets",
        ),
    ],
)
def test_refusals_and_usage(
    history_db: dict[str, str], tmp_path: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    res = run(history_db, *args, cwd=tmp_path)
    assert res.code == code
    assert message in res.err and len(res.err.strip().splitlines()) <= 2  # argparse: usage + 1


def test_merging_one_market_with_itself_stores_nothing(
    history_db: dict[str, str], tmp_path: Path
) -> None:
    res = run(history_db, "markets", "merge", "popcorn-time", "POPCORNTIME", "--json", cwd=tmp_path)
    assert res.code == 0 and res.json()["stored"] is False


def test_every_markets_action_has_help_text() -> None:
    from tracker.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    markets = sub.choices["markets"]  # type: ignore[index]
    actions = next(a for a in markets._actions if a.dest == "action")
    assert set(actions.choices) == {"merge", "split", "rename", "recluster"}  # type: ignore[arg-type]
    for name, p in actions.choices.items():  # type: ignore[union-attr]
        assert p.description, f"markets {name} has no help text"


def test_a_knowledge_file_extends_the_shipped_table(
    history_db: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "known.yaml").write_text(
        "identities:\n"
        "  - {id: torrentz, kind: online, names: [Torrentz.eu, TORRENTZ2], note: the same site}\n",
        encoding="utf-8",
    )
    (tmp_path / "config.yaml").write_text("identity: {knowledge: known.yaml}\n", encoding="utf-8")
    assert run(history_db, "markets", "recluster", cwd=tmp_path).code == 0
    doc = run(history_db, "history", "TORRENTZ2", "--json", cwd=tmp_path).json()
    assert (doc["market_id"], doc["source"]) == ("torrentz", "curated")
    assert doc["years_listed"] == [2011, 2012, 2019, 2020]


def test_a_bad_knowledge_file_is_one_line_and_exit_2(
    history_db: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "known.yaml").write_text("identities: [{id: x, kind: web}]\n", encoding="utf-8")
    (tmp_path / "config.yaml").write_text("identity: {knowledge: known.yaml}\n", encoding="utf-8")
    before = run(history_db, "export", "--format", "json", cwd=tmp_path).out
    res = run(history_db, "markets", "recluster", cwd=tmp_path)
    assert res.code == 2 and len(res.err.strip().splitlines()) == 1
    assert f"{tmp_path / 'known.yaml'}: identities[0]: `names` is required" in res.err
    assert run(history_db, "export", "--format", "json", cwd=tmp_path).out == before


def test_a_correction_a_revision_makes_stale_is_reported(
    history_db: dict[str, str], tmp_path: Path
) -> None:
    env = history_db
    assert run(env, "markets", "merge", "torrentz2", "torrentz", cwd=tmp_path).code == 0
    reprinted = (online("Torrentz.com"), *YEARS[2011][1:])  # the 2011 anchor is gone
    result = store_year(env["TRACKER_DATABASE_URL"], 2011, reprinted, revision=2)
    assert result.rejected == ("no listing 'Torrentz.eu' (2011) in the stored years",)
    doc = run(env, "history", "TORRENTZ2", "--json", cwd=tmp_path).json()
    assert doc["years_listed"] == [2019, 2020]  # the merge no longer holds; it is still stored
    assert [(c["action"], c["applies"]) for c in doc["corrections"]] == [("merge", False)]
    assert "NO LONGER APPLIES" in run(env, "history", "TORRENTZ2", cwd=tmp_path).out


def test_two_listings_of_a_report_swap_ids(db_url: str) -> None:
    """An earlier year gives Siem Reap's Central Market the bare id Phnom Penh's held: the two
    listings of 2012 trade ids in one save (a unique constraint forbids two at once)."""
    store_year(db_url, 2012, (PHNOM_PENH, SIEM_REAP))
    store_year(db_url, 2011, (SIEM_REAP,))
    with Store(db_url) as store, store.transaction() as tx:
        ids = [(li.entry.city, li.market_id) for li in tx.reports.listings(2012)]
        redirects = tx.markets.redirects()
    assert ids == [("Phnom Penh", "central-market-cambodia"), ("Siem Reap", "central-market")]
    assert redirects == {}  # both ids are still in use


def test_an_alias_naming_a_retired_id_follows_it(
    history_db: dict[str, str], tmp_path: Path
) -> None:
    env = history_db
    (tmp_path / "config.yaml").write_text('aliases: {"TORRENTZ2": "torrentz"}\n', encoding="utf-8")
    assert run(env, "markets", "recluster", cwd=tmp_path).code == 0
    res = run(env, "markets", "rename", "torrentz", "Torrentz Search", "--json", cwd=tmp_path)
    assert res.json()["redirects"] == {
        "torrentz": "torrentz-search",
        "torrentz2": "torrentz-search",
    }
    store_year(env["TRACKER_DATABASE_URL"], 2021, (online("TORRENTZ2"),))  # a later clustering
    assert run(env, "markets", "recluster", cwd=tmp_path).code == 0
    doc = run(env, "history", "TORRENTZ2", "--json", cwd=tmp_path).json()
    assert doc["market_id"] == "torrentz-search"
    assert doc["years_listed"] == [2011, 2012, 2019, 2020, 2021]
