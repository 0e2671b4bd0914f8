"""Identity measured against hand-made clusters, and the same clusters whatever the order.

The samples are the sample corpus's truth (`canonical` ids, tests/fixtures/identity); the
generated histories are sixteen years (2010-2025) from tests/identity_histories.py. The
properties: chronological, reverse and shuffled years, shuffled entries within a year, and a
year replaced by a revision all give the clusters (and ids) of ingesting that input directly.
"""

from __future__ import annotations

import itertools
import json
import random
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.identity_histories import exact_diffs, history, pairwise
from tracker.model import Entry
from tracker.resolve import Clustering, PriorListing, YearListings, cluster

SAMPLES = Path(__file__).parent / "fixtures" / "identity" / "samples.json"


def samples() -> tuple[list[YearListings], dict[tuple[int, int], str]]:
    doc = json.loads(SAMPLES.read_text(encoding="utf-8"))["years"]
    years, truth = [], {}
    for year, entries in sorted(doc.items()):
        listed = []
        for i, e in enumerate(entries):
            listed.append(
                Entry(
                    e["name"],
                    e["kind"],
                    e["page"],
                    e["country"],
                    e["city"],
                    tuple(e["domains"]),
                    e["heading"],
                )
            )
            truth[(int(year), i)] = e["canonical"]
        years.append(YearListings(int(year), tuple(listed)))
    return years, truth


def predicted(result: Clustering) -> dict[tuple[int, int], str]:
    return {(a.year, a.index): a.market_id for a in result.assignments}


def by_content(years: list[YearListings], result: Clustering) -> dict[tuple[int, Entry], str]:
    """Each listing's market id, keyed by what it is rather than where it stands."""
    return {
        (y.year, e): result.market_of(y.year, i) for y in years for i, e in enumerate(y.entries)
    }


def test_samples_are_clustered_exactly() -> None:
    years, truth = samples()
    pred = predicted(cluster(years))
    assert pairwise(pred, truth) == (1.0, 1.0)
    assert all(ok for _, ok in exact_diffs(pred, truth, [y.year for y in years]))


def test_samples_raise_the_documented_possible_match() -> None:
    years, _ = samples()
    (doubt,) = cluster(years).possible
    assert (doubt.year, doubt.name, doubt.candidate_name) == (2019, "TORRENTZ2", "Torrentz.eu")


def test_generated_histories_meet_the_targets() -> None:
    """Five sixteen-year histories: pairwise precision >= 0.995, recall >= 0.99, and at least
    14 of each history's 15 consecutive diffs exact (benchmarks/identity_eval.py prints all)."""
    for seed in range(5):
        years, truth = history(seed)
        pred = predicted(cluster(years))
        precision, recall = pairwise(pred, truth)
        assert precision >= 0.995 and recall >= 0.99, (seed, precision, recall)
        diffs = exact_diffs(pred, truth, [y.year for y in years])
        assert sum(ok for _, ok in diffs) >= 14, (seed, diffs)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), order=st.randoms(use_true_random=False))
def test_clusters_do_not_depend_on_order(seed: int, order: random.Random) -> None:
    years, _ = history(seed)
    reference = by_content(years, cluster(years))
    shuffled_years = years[:]
    order.shuffle(shuffled_years)
    shuffled_entries = [
        YearListings(y.year, tuple(order.sample(y.entries, len(y.entries)))) for y in years
    ]
    for variant in (years[::-1], shuffled_years, shuffled_entries):
        assert by_content(variant, cluster(variant)) == reference


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), pick=st.randoms(use_true_random=False))
def test_a_revision_replacing_a_year_is_as_if_ingested_alone(
    seed: int, pick: random.Random
) -> None:
    """A corrected PDF replaces its year: re-clustering with the stored ids as `previous` gives
    exactly the clusters and ids of a history that had the revision from the start, and every
    stored id that disappeared redirects to a live one."""
    years, _ = history(seed)
    first = cluster(years)
    n = pick.randrange(len(years))
    revised = list(years)
    entries = list(years[n].entries)
    entries.pop(pick.randrange(len(entries)))  # the revision drops a listing ...
    k = pick.randrange(len(entries))
    entries[k] = replace(entries[k], page=entries[k].page + 1, excerpt="corrected")  # ... moves one
    revised[n] = YearListings(years[n].year, tuple(entries))
    previous = [
        PriorListing(y.year, e.name, first.market_of(y.year, i))
        for y in years
        for i, e in enumerate(y.entries)
    ]
    again = cluster(revised, previous=previous)
    fresh = cluster(revised)
    assert by_content(revised, again) == by_content(revised, fresh)
    live = {m.id for m in again.markets}
    assert set(again.redirects.values()) <= live
    assert not set(again.redirects) & live


def test_the_diff_of_each_year_computed_from_the_clusters_is_right() -> None:
    """The store's next step, done here with the real `compare`: the clusters of a generated
    history give every consecutive diff the truth gives (new, removed, still listed)."""
    from tracker.diff import compare

    years, truth = history(2)
    result = cluster(years)
    listings = result.listings(years)
    stored = [y.year for y in years]
    truth_listed: dict[str, list[int]] = {}
    for (year, _), market in truth.items():
        truth_listed.setdefault(market, []).append(year)
    for old, new in itertools.pairwise(stored):
        changes = compare(old, new, listings[old], listings[new], result.years_listed(), stored)
        new_truth = {truth[(new, i)] for i in range(len(listings[new]))} - {
            truth[(old, i)] for i in range(len(listings[old]))
        }
        assert len(changes.new_entries) == len(new_truth), new
        first_time = {m for m in new_truth if min(truth_listed[m]) == new}
        assert len(changes.first_time) == len(first_time), new
