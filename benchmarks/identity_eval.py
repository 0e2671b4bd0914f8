"""Identity, measured: pairwise precision and recall against hand-made clusters, the number of
exactly right consecutive diffs (new / removed / still listed, computed from the clusters), and
the time of one full clustering of the whole history.

    python benchmarks/identity_eval.py [--histories 20] [--seed 0] [--repeat 5] [--stored 3]

`--stored N`: also store N of the generated histories year by year, in a shuffled order, into a
SQLite database through `save_report` (as ingest does: each year re-clusters the whole history)
and measure what the store then holds, the diffs computed by `tracker.history.changes`.

Samples: tests/fixtures/identity/samples.json (the sample corpus's truth, `canonical` ids), and
the seven truth files of ../shared/corpus when that folder is there. Generated: N sixteen-year
histories (2010-2025) from tests/identity_histories.py, seeds `seed` .. `seed + N - 1`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.identity_histories import exact_diffs, history, pairwise  # noqa: E402
from tracker.model import Entry  # noqa: E402
from tracker.resolve import Clustering, YearListings, cluster  # noqa: E402
from tracker.resolve.features import clear_caches  # noqa: E402

SAMPLES = ROOT / "tests" / "fixtures" / "identity" / "samples.json"
CORPUS = ROOT.parent / "shared" / "corpus"

Truth = dict[tuple[int, int], str]


def sample_history(files: dict[int, list[dict[str, Any]]]) -> tuple[list[YearListings], Truth]:
    years, truth = [], {}
    for year, entries in sorted(files.items()):
        listed = []
        for i, e in enumerate(entries):
            listed.append(Entry.from_json({**e, "heading": e.get("heading", "")}))
            truth[(year, i)] = str(e["canonical"])
        years.append(YearListings(year, tuple(listed)))
    return years, truth


def predicted(result: Clustering) -> Truth:
    return {(a.year, a.index): a.market_id for a in result.assignments}


def report(label: str, years: list[YearListings], truth: Truth) -> tuple[float, float, int, int]:
    result = cluster(years)
    pred = predicted(result)
    precision, recall = pairwise(pred, truth)
    diffs = exact_diffs(pred, truth, [y.year for y in years])
    right = sum(ok for _, ok in diffs)
    wrong = [y for y, ok in diffs if not ok]
    print(
        f"{label:<34} {len(pred):5d} listings  precision {precision:.4f}  recall {recall:.4f}  "
        f"diffs exact {right}/{len(diffs)}  possible matches {len(result.possible)}"
        + (f"  wrong diffs: {wrong}" if wrong else "")
    )
    return precision, recall, right, len(diffs)


def timing(years: list[YearListings], repeat: int) -> tuple[float, float]:
    """(cold, warm) seconds of one full clustering: cold with the name caches emptied."""
    clear_caches()
    start = time.perf_counter()
    cluster(years)
    cold = time.perf_counter() - start
    warm = min(_timed(years) for _ in range(repeat))
    return cold, warm


def _timed(years: list[YearListings]) -> float:
    start = time.perf_counter()
    cluster(years)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--histories", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--stored", type=int, default=3, help="histories to store (SQLite)")
    args = parser.parse_args()

    print("samples")
    doc = json.loads(SAMPLES.read_text(encoding="utf-8"))["years"]
    report("fixtures (2011-2021, docx)", *sample_history({int(y): v for y, v in doc.items()}))
    if CORPUS.is_dir():
        for renderer in ("docx", "rl"):
            files = {}
            for path in sorted(CORPUS.glob("*.truth.json")):
                year, kind = path.name.split(".")[0].split("-")
                if kind == renderer or (renderer == "rl" and f"{year}-rl" not in _rl_years()):
                    files[int(year)] = json.loads(path.read_text(encoding="utf-8"))["entries"]
            report(f"shared corpus ({renderer} where set)", *sample_history(files))

    print(
        f"\ngenerated sixteen-year histories (seeds {args.seed}..{args.seed + args.histories - 1})"
    )
    totals = [0.0, 0.0, 0, 0]
    worst_p, worst_r = 1.0, 1.0
    sizes = []
    for seed in range(args.seed, args.seed + args.histories):
        years, truth = history(seed)
        sizes.append(sum(len(y.entries) for y in years))
        p, r, right, n = report(f"seed {seed}", years, truth)
        totals[0] += p
        totals[1] += r
        totals[2] += right
        totals[3] += n
        worst_p, worst_r = min(worst_p, p), min(worst_r, r)
    n = args.histories
    print(
        f"mean precision {totals[0] / n:.4f} (worst {worst_p:.4f})  "
        f"mean recall {totals[1] / n:.4f} (worst {worst_r:.4f})  "
        f"exact diffs {totals[2]}/{totals[3]}"
    )

    if args.stored:
        print("\nthrough the store: each year stored by save_report, in a shuffled order")
        for seed in range(args.seed, args.seed + args.stored):
            stored_round(seed)

    years, _ = history(args.seed)
    cold, warm = timing(years, args.repeat)
    listings = sum(len(y.entries) for y in years)
    print(
        f"\none full clustering of {len(years)} years, {listings} listings: "
        f"cold {cold * 1000:.0f} ms (empty caches), "
        f"warm {warm * 1000:.0f} ms (best of {args.repeat})"
    )
    # twice the history: another draw of the catalogue as the sixteen years before 2010
    earlier, _ = history(args.seed + 1)
    doubled = [YearListings(y.year - 16, y.entries) for y in earlier] + years
    cold2, warm2 = timing(doubled, args.repeat)
    print(
        f"thirty-two years, {sum(len(y.entries) for y in doubled)} listings: "
        f"cold {cold2 * 1000:.0f} ms, "
        f"warm {warm2 * 1000:.0f} ms"
    )
    return 0


def stored_round(seed: int) -> tuple[float, float, int, int]:
    """One generated history stored year by year in a shuffled order; the measures of what the
    store holds and of the diffs `changes` computes from it."""
    import random
    import tempfile

    from tests.identity_histories import diff_of
    from tracker.history import changes
    from tracker.ingest import save_report
    from tracker.model import Report
    from tracker.records import ReportSource
    from tracker.store import Store

    years, truth = history(seed)
    order = list(years)
    random.Random(seed).shuffle(order)
    with tempfile.TemporaryDirectory() as tmp, Store(f"sqlite:///{tmp}/eval.db") as store:
        for y in order:
            with store.transaction() as tx:
                report = Report(y.year, f"{y.year} Review", None, y.entries)
                save_report(tx, report, ReportSource(f"{y.year:064d}"), {})
        with store.transaction() as tx:
            by_year: dict[int, list[str]] = {}
            for li in tx.reports.all_listings():
                by_year.setdefault(li.review_year, []).append(li.market_id)
            pred = {(y, i): m for y, ids in by_year.items() for i, m in enumerate(ids)}
            right = 0
            for old, new in zip(sorted(by_year), sorted(by_year)[1:], strict=False):
                c = changes(tx, old, new)
                where = {(y, m): (y, i) for (y, i), m in pred.items() if y in (old, new)}
                got = (
                    frozenset(where[(new, i.market_id)] for i in c.new_entries),
                    frozenset(where[(old, i.market_id)] for i in c.removed),
                    frozenset(
                        (where[(old, i.market_id)], where[(new, i.market_id)])
                        for i in c.still_listed
                    ),
                )
                right += got == diff_of(truth, old, new)
    precision, recall = pairwise(pred, truth)
    print(
        f"seed {seed} stored (shuffled order)      {len(pred):5d} listings  precision "
        f"{precision:.4f}  recall {recall:.4f}  diffs exact {right}/{len(years) - 1} "
        "(computed by tracker.history.changes)"
    )
    return precision, recall, right, len(years) - 1


def _rl_years() -> set[str]:
    return {p.name.split(".")[0] for p in CORPUS.glob("*-rl.truth.json")}


if __name__ == "__main__":
    raise SystemExit(main())
