"""The corrections of an extracted list as a pure function (tracker.report_fixes), and how they
are kept in the store: recorded against a revision, applied to the next one, said to be no
longer needed when the extractor agrees; the marker in `history` and `export`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tracker.diff import Changes, Item
from tracker.identity import Curation
from tracker.model import Counts, Entry, Notice, NoticeCode, PossibleMatchRecord, Report
from tracker.report_fixes import FixError, FixState, ListFix, apply_fixes, find, ref
from tracker.report_review import correct, doubts_of, hold, review, undo
from tracker.store import Store

from .clirun import cli
from .conftest import save

ONLINE = ("ALIEXPRESS", "SUPERSTREAM", "ECOSYSTEM", "TAOBAO")


def report(
    year: int = 2023, online: tuple[str, ...] = ONLINE, stated: tuple[int, int] = (3, 2)
) -> Report:
    entries = [Entry(n, "online", 7 + i // 3, heading=n) for i, n in enumerate(online)]
    entries += [
        Entry("La Salada", "physical", 9, "Argentina", "Lomas de Zamora", heading="La Salada"),
        Entry("Tepito", "physical", 9, "Mexico", "Mexico City", heading="Tepito"),
    ]
    got = sum(1 for e in entries if e.kind == "online")
    notices = ()
    if got != stated[0]:
        message = f"extracted {got} online markets but the report states {stated[0]}"
        notices = (Notice(NoticeCode.COUNT_MISMATCH, message, "online", None, got, stated[0]),)
    return Report(year, f"{year} Review", Counts(*stated), tuple(entries), notices, 10)


def names(r: Report) -> list[str]:
    return [e.name for e in r.entries]


def test_join_split_rename_drop_add() -> None:
    base = report()
    fixes = [
        ListFix("join", ("SUPERSTREAM", "ECOSYSTEM"), id=1),
        ListFix("rename", ("TAOBAO",), ("TAOBAO.COM",), id=2),
        ListFix("drop", ("Tepito",), id=3),
        ListFix("add", (), ("Tepito Market",), 9, "physical", "Mexico", "Mexico City", id=4),
        ListFix("split", ("ALIEXPRESS",), ("ALI", "EXPRESS"), id=5),
    ]
    fixed = apply_fixes(base, fixes)
    assert names(fixed.report) == [
        "ALI",
        "EXPRESS",
        "SUPERSTREAM ECOSYSTEM",
        "TAOBAO.COM",
        "La Salada",
        "Tepito Market",
    ]
    joined = fixed.report.entries[2]
    assert (joined.page, joined.heading) == (7, "SUPERSTREAM ECOSYSTEM")
    assert [o.state for o in fixed.outcomes] == [FixState.APPLIED] * 5
    assert fixed.report.counts == Counts(4, 2)
    assert base.entries[1].name == "SUPERSTREAM"  # pure: the input is left alone


def test_a_fix_the_extractor_now_makes_is_not_needed() -> None:
    agrees = report(online=("ALIEXPRESS", "SUPERSTREAM ECOSYSTEM", "TAOBAO"))
    join = ListFix("join", ("SUPERSTREAM", "ECOSYSTEM"), id=1)
    gone = ListFix("drop", ("NOWHERE",), id=2)
    missing = ListFix("rename", ("NOWHERE",), ("ELSEWHERE",), id=3)
    fixed = apply_fixes(agrees, [join, gone, missing])
    assert [o.state for o in fixed.outcomes] == [
        FixState.NOT_NEEDED,
        FixState.NOT_NEEDED,
        FixState.NOT_APPLICABLE,
    ]
    assert names(fixed.report) == names(agrees) and not fixed.corrected


def test_an_ambiguous_name_needs_its_page() -> None:
    twice = report(online=("ALIEXPRESS", "MIRROR", "TAOBAO", "MIRROR"))  # pages 7, 7, 7, 8
    with pytest.raises(FixError, match="NAME@PAGE"):
        find(twice.entries, "MIRROR")
    assert find(twice.entries, "MIRROR@8") == 3
    assert [ref(e, twice.entries) for e in twice.entries[:4]] == [
        "ALIEXPRESS",
        "MIRROR@7",
        "TAOBAO",
        "MIRROR@8",
    ]
    fixed = apply_fixes(twice, [ListFix("drop", ("mirror@8",))])
    assert names(fixed.report)[:3] == ["ALIEXPRESS", "MIRROR", "TAOBAO"]


def test_corrections_are_kept_for_the_next_revision(db_url: str) -> None:
    curation = Curation()
    with Store(db_url) as store:
        save(store, report(2022, ("ALIEXPRESS", "BAIDU WANGPAN", "TAOBAO"), (3, 2)), "a" * 64)
        save(store, report(), "b" * 64)
        with store.transaction() as tx:
            join = ListFix("join", ("SUPERSTREAM", "ECOSYSTEM"))
            done = correct(tx, curation, 2023, join, "the heading wrapped")
            assert [i.name for i in done.before.new_entries] == ["SUPERSTREAM", "ECOSYSTEM"]
            assert [i.name for i in done.after.new_entries] == ["SUPERSTREAM ECOSYSTEM"]
            with pytest.raises(FixError, match="nothing to do"):
                correct(tx, curation, 2023, join, "")
            with pytest.raises(FixError, match="no entry 'NOWHERE'"):
                correct(tx, curation, 2023, ListFix("drop", ("NOWHERE",)), "")
            doc = review(tx, 2023)
        assert doc["counts_match"] is True
        assert [c["state"] for c in doc["corrections"]] == ["applied"]
        joined = next(e for e in doc["entries"] if e["name"] == "SUPERSTREAM ECOSYSTEM")
        assert joined["corrected"] and joined["page"] == 7

        # USTR posts a corrected PDF the extractor still misreads: the correction applies again
        save(store, report(), "c" * 64)
        with store.transaction() as tx:
            assert [li.entry.name for li in tx.reports.listings(2023)][1] == "SUPERSTREAM ECOSYSTEM"
            assert tx.reports.current(2023).revision == 2  # type: ignore[union-attr]
        # and one it reads right: the correction is kept, and said to be no longer needed
        right = report(online=("ALIEXPRESS", "SUPERSTREAM ECOSYSTEM", "TAOBAO"))
        save(store, right, "d" * 64)
        with store.transaction() as tx:
            doc = review(tx, 2023)
            assert [c["state"] for c in doc["corrections"]] == ["not-needed"]
            assert not any(e["corrected"] for e in doc["entries"])
            undone = undo(tx, curation, 2023, doc["corrections"][0]["id"])
            assert [i.name for i in undone.after.new_entries] == ["SUPERSTREAM ECOSYSTEM"]
            assert [c["state"] for c in review(tx, 2023)["corrections"]] == ["undone"]


def test_history_and_export_mark_a_corrected_listing(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/tracker.db"
    (tmp_path / "config.yaml").write_text(f"database_url: {db}\n", encoding="utf-8")
    with Store(db) as store:
        save(store, report(2022, ("ALIEXPRESS", "BAIDU WANGPAN", "TAOBAO"), (3, 2)), "a" * 64)
        save(store, report(), "b" * 64)
    res = cli("review", "2023", "--join", "SUPERSTREAM", "ECOSYSTEM", cwd=tmp_path)
    assert res.code == 0, res.err
    assert "correction 1: join 'SUPERSTREAM' and 'ECOSYSTEM' into one entry" in res.out
    assert "agrees with the 3 and 2 the report states" in res.out
    history = cli("history", "SUPERSTREAM ECOSYSTEM", "--json", cwd=tmp_path).json()
    assert [li["corrected"] for li in history["listings"]] == [True]
    taobao = cli("history", "TAOBAO", "--json", cwd=tmp_path).json()
    assert [li["corrected"] for li in taobao["listings"]] == [False, False]
    rows = cli("export", "--format", "json", cwd=tmp_path).json()
    marked = {(r["review_year"], r["name"]) for r in rows if r["corrected"]}
    assert marked == {(2023, "SUPERSTREAM ECOSYSTEM")}
    csv = cli("export", "--format", "csv", cwd=tmp_path).out
    assert csv.splitlines()[0].endswith(",corrected")


def test_review_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(
        f"database_url: sqlite:///{tmp_path}/t.db\n", encoding="utf-8"
    )
    assert cli("review", "--approve", cwd=tmp_path).code == 2
    assert cli("review", "2023", "--add", "X", cwd=tmp_path).code == 2  # no --page, --kind
    assert cli("review", "2023", "--split", "A", "B", cwd=tmp_path).code == 2
    assert cli("review", "2023", "--drop", "A", "--page", "3", cwd=tmp_path).code == 2
    missing = cli("review", "2023", cwd=tmp_path)
    assert missing.code == 1 and "no report stored for 2023" in missing.err
    assert cli("review", "--json", cwd=tmp_path).json() == {"held": []}


def item(market_id: str, name: str, page: int = 0) -> Item:
    return Item(market_id, name, "online", None, (2023,), 2023, page=page)


def test_an_identity_doubt_that_changes_the_diff_is_a_doubt() -> None:
    def possible(candidate: str) -> PossibleMatchRecord:
        return PossibleMatchRecord(2023, "AMAZON", "amazon", candidate, "Amazon.com", 0.8, "fuzzy")

    removed, still = item("amazon-com", "Amazon.com"), item("ebay", "EBAY", 7)
    diff = Changes(
        2022,
        2023,
        (item("amazon", "AMAZON", 9),),
        (),
        (removed,),
        (still,),
        (),
        (possible("amazon-com"),),
    )
    (doubt,) = doubts_of(report(online=("AMAZON", "EBAY"), stated=(2, 2)), diff)
    assert doubt.code == "possible-match" and doubt.page == 9
    assert "'AMAZON' is listed as new but may be 'Amazon.com'" in doubt.message
    harmless = replace(diff, possible_matches=(possible("ebay"),))  # the diff holds either way
    assert doubts_of(report(online=("AMAZON", "EBAY"), stated=(2, 2)), harmless) == []
    # a count mismatch points at the first page of its kind
    (count,) = doubts_of(report(online=("AMAZON", "EBAY", "X"), stated=(2, 2)), harmless)
    assert count.code == "count-mismatch" and count.page == 7


def test_set_year_moves_the_report(tmp_path: Path) -> None:
    curation = Curation()
    inferred = Notice(NoticeCode.YEAR_INFERRED, "the review year rests on the cover date", page=1)
    uncertain = replace(report(), notices=(inferred,), entries=report().entries[:3])
    with Store(f"sqlite:///{tmp_path}/t.db") as store:
        save(store, report(2022, ("ALIEXPRESS", "BAIDU WANGPAN", "TAOBAO"), (3, 2)), "a" * 64)
        save(store, uncertain, "b" * 64)
        with store.transaction() as tx:
            with pytest.raises(FixError, match="stored already"):
                correct(tx, curation, 2023, ListFix("set-year", year=2022), "")
            done = correct(tx, curation, 2023, ListFix("set-year", year=2024), "the cover says")
            assert done.review_year == 2024 and tx.reports.years() == [2022, 2024]
            doc = review(tx, 2024)
            assert [c["state"] for c in doc["corrections"]] == ["applied"]
            assert [li.review_year for li in tx.reports.listings(2024)] == [2024] * 3


def test_a_revision_of_a_held_year_stays_held(db_url: str) -> None:
    with Store(db_url) as store:
        save(store, report(2022, ("ALIEXPRESS", "BAIDU WANGPAN", "TAOBAO"), (3, 2)), "a" * 64)
        save(store, report(), "b" * 64)
        with store.transaction() as tx:
            first = hold(tx, True, 2023)
            assert first is not None and [d.code for d in first.doubts] == ["count-mismatch"]
            assert hold(tx, False, 2023) is None  # alerts.hold_unverified: false
            assert tx.report_reviews.held_years() == [2023]
        right = report(online=("ALIEXPRESS", "SUPERSTREAM ECOSYSTEM", "TAOBAO"))
        from tracker.ingest import save_report
        from tracker.records import ReportSource

        with store.transaction() as tx:
            save_report(tx, right, ReportSource("c" * 64, None), {}, force_revision=True)
            second = hold(tx, True, 2023)
            assert second is not None and [d.code for d in second.doubts] == ["review-open"]
            assert tx.report_reviews.held_years() == [2023]
            assert tx.report_reviews.release(second.report.id)
            assert not tx.report_reviews.release(second.report.id)  # once
            assert tx.report_reviews.held_years() == []
