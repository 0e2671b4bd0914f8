"""ingest, list, diff, history, export and db through the real entry point."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tracker.migrations import HEAD

from .clirun import cli
from .conftest import sample_pdf


def test_ingest_twice_is_a_no_op(workdir: tuple[Path, dict[str, str]]) -> None:
    cwd, env = workdir
    res = cli("-q", "ingest", sample_pdf(2021), "--json", cwd=cwd, env=env)
    assert res.code == 0
    assert res.json()["status"] == "unchanged"
    assert cli("-q", "ingest", sample_pdf(2021), cwd=cwd, env=env).out.startswith("unchanged:")


def test_ingest_archives_the_pdf(tmp_path: Path) -> None:
    res = cli("-q", "ingest", sample_pdf(2019), "--url", "https://ustr.gov/x.pdf", cwd=tmp_path)
    assert res.code == 0, res.err
    assert res.out.startswith("stored: the 2019 review, revision 1: 38 online and 34 physical")
    archived = list((tmp_path / "state" / "reports").glob("*.pdf"))
    assert [p.read_bytes() for p in archived] == [sample_pdf(2019).read_bytes()]
    assert (tmp_path / "state" / "tracker.db").is_file()


def test_list_json(workdir: tuple[Path, dict[str, str]]) -> None:
    cwd, env = workdir
    res = cli("-q", "list", "--year", "2020", "--json", cwd=cwd, env=env)
    assert res.code == 0, res.err
    doc = res.json()
    assert doc["review_year"] == 2020 and len(doc["entries"]) == 73
    assert set(doc["entries"][0]) == {
        "name",
        "kind",
        "country",
        "city",
        "domains",
        "page",
        "market_id",
        "excerpt",  # the contract additions: the report's own words and who operates it
        "operator",
        "based_in",
    }
    taobao = next(e for e in doc["entries"] if e["name"] == "TAOBAO")
    assert (taobao["operator"], taobao["based_in"]) == ("Alibaba", "China")
    assert taobao["excerpt"]


def test_diff_json_contract(workdir: tuple[Path, dict[str, str]]) -> None:
    cwd, env = workdir
    res = cli("-q", "diff", "--json", cwd=cwd, env=env)
    assert res.code == 0, res.err
    doc = res.json()
    assert (doc["old"], doc["new"]) == (2020, 2021)
    for key in ("new_entries", "returning", "removed", "still_listed", "renamed"):
        assert isinstance(doc[key], list)
    item = doc["new_entries"][0]
    assert {"market_id", "name", "kind", "country", "years_listed", "first_listed"} <= set(item)
    assert {"excerpt", "operator"} <= set(item)  # the contract additions
    assert doc["by_operator"]["Alibaba"] == {"new": ["ALIEXPRESS"], "still_listed": ["TAOBAO"]}
    assert doc["by_country"]["China"] == {
        "new": 2,
        "returning": 0,
        "removed": 1,
        "still_listed": 13,
    }
    assert doc["by_kind"]["online"] == {
        "listed": 42,
        "before": 39,
        "new": 9,
        "returning": 0,
        "removed": 6,
        "still_listed": 33,
    }
    assert doc["renamed"] == [{**doc["renamed"][0], "old_name": "POPCORNTIME"}]
    assert cli("-q", "diff", "2020", "2021", "--json", cwd=cwd, env=env).json() == doc


def test_diff_text(workdir: tuple[Path, dict[str, str]]) -> None:
    cwd, env = workdir
    res = cli("-q", "diff", cwd=cwd, env=env)
    assert res.out.startswith(
        "The 2021 list against 2020: 11 new (0 returning), 7 removed, 66 still listed, 1 renamed"
    )
    assert "POPCORNTIME -> POPCORN TIME" in res.out


def test_diff_of_an_unknown_year_exits_1(workdir: tuple[Path, dict[str, str]]) -> None:
    cwd, env = workdir
    res = cli("-q", "diff", "2015", "2021", cwd=cwd, env=env)
    assert res.code == 1
    assert res.err.strip() == "no report stored for 2015 (stored: 2020, 2021)"
    assert cli("-q", "diff", "2021", cwd=cwd, env=env).code == 2


def test_history(workdir: tuple[Path, dict[str, str]]) -> None:
    cwd, env = workdir
    doc = cli("-q", "history", "Popcorn Time", "--json", cwd=cwd, env=env).json()
    assert doc["market_id"] == "popcorntime" and doc["years_listed"] == [2020, 2021]
    assert [li["name"] for li in doc["listings"]] == ["POPCORNTIME", "POPCORN TIME"]
    missing = cli("-q", "history", "Nowhere Market", cwd=cwd, env=env)
    assert missing.code == 1 and "no market named 'Nowhere Market'" in missing.err
    ali = cli("-q", "history", "AliExpress", cwd=cwd, env=env).out
    assert "operator: Alibaba (based in China)\n2021: “Right holders report" in ali
    listing = cli("-q", "history", "Taobao", "--json", cwd=cwd, env=env).json()["listings"][-1]
    assert (listing["operator"], listing["based_in"]) == ("Alibaba", "China")


def test_export_csv_and_json(workdir: tuple[Path, dict[str, str]]) -> None:
    cwd, env = workdir
    rows = list(csv.DictReader(io.StringIO(cli("-q", "export", cwd=cwd, env=env).out)))
    assert len(rows) == 73 + 77
    assert rows[0]["review_year"] == "2020" and rows[0]["market_id"]
    taobao = next(r for r in rows if r["name"] == "TAOBAO")
    assert (taobao["operator"], taobao["based_in"]) == ("Alibaba", "China")
    doc = json.loads(cli("-q", "export", "--format", "json", cwd=cwd, env=env).out)
    assert [r["name"] for r in doc] == [r["name"] for r in rows]


def test_db_upgrade(tmp_path: Path) -> None:

    res = cli("-q", "db", "upgrade", cwd=tmp_path)
    assert res.code == 0, res.err
    assert res.out.strip() == f"database at revision {HEAD} (latest: {HEAD})"


def test_list_on_an_empty_database(tmp_path: Path) -> None:
    res = cli("-q", "list", cwd=tmp_path)
    assert res.code == 1
    assert "no report stored yet" in res.err
