"""Sixteen years end to end: each year of a generated history (tests/identity_histories.py, real
names with the drift real lists show and hand-made cluster truth) is set as a PDF of its era
(tests/pdfgen.py), read by the extractor, stored in a fresh SQLite history in a shuffled order,
and the stored market ids are compared with the truth.

    python benchmarks/history_e2e.py [--seeds 3] [--first-seed 0] [--keep DIR]

Prints per history: entries the extractor read differently from the truth, pairwise identity
precision and recall, and how many of the 15 consecutive diffs (new, removed, still listed)
are exact; the worst and mean over all histories at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import identity_histories as ih  # noqa: E402
from tests import pdfgen  # noqa: E402
from tracker.extract import extract  # noqa: E402
from tracker.ingest import save_report  # noqa: E402
from tracker.model import Entry, Report  # noqa: E402
from tracker.records import ReportSource  # noqa: E402
from tracker.store import Store  # noqa: E402


def era_of(year: int) -> pdfgen.Era:
    return "early" if year <= 2012 else "mid" if year <= 2018 else "modern"


def market_of(entry: Entry, era: pdfgen.Era) -> pdfgen.Market:
    if entry.kind == "physical":
        places = [p.strip() for p in (entry.heading or "").split(",")[1:]]
        province = places[1] if era == "modern" and len(places) > 1 else None
        return pdfgen.Market(
            entry.name, "physical", country=entry.country, city=entry.city, province=province
        )
    heading = entry.heading or entry.name
    if era != "modern" and entry.domains and heading.endswith(")"):
        return pdfgen.Market(entry.name, "online", domain=entry.domains[0])
    return pdfgen.Market(heading, "online")


def report_pdf(year: int, entries: tuple[Entry, ...], seed: int) -> bytes:
    era = era_of(year)
    markets = tuple(market_of(e, era) for e in entries)
    spec = pdfgen.ReportSpec(era=era, year=year, markets=markets, seed=seed + year)
    pdf, _ = pdfgen.build(spec)
    return pdf


def run(seed: int, keep: Path | None) -> tuple[float, float, int, int, int]:
    years, truth = ih.history(seed)
    misread = 0
    reports: dict[int, tuple[Report, bytes]] = {}
    for yl in years:
        pdf = report_pdf(yl.year, yl.entries, seed)
        if keep:
            (keep / f"h{seed}-{yl.year}.pdf").write_bytes(pdf)
        report = extract(pdf)
        want = [(e.kind, e.name) for e in yl.entries]
        got = [(e.kind, e.name) for e in report.entries]
        misread += sum(1 for w in want if w not in got) + sum(1 for g in got if g not in want)
        reports[yl.year] = (report, pdf)
    order = list(reports)
    random.Random(seed).shuffle(order)
    with tempfile.TemporaryDirectory() as tmp, Store(f"sqlite:///{tmp}/h.db") as store:
        for year in order:
            report, pdf = reports[year]
            source = ReportSource(hashlib.sha256(pdf).hexdigest(), f"https://ustr.gov/{year}.pdf")
            with store.transaction() as tx:
                save_report(tx, report, source, {})
        with store.transaction() as tx:
            listings = tx.reports.all_listings()
    # the truth is by (year, position in the generated list); match stored listings to it by
    # name within each year (the extractor orders entries as the report prints them)
    positions = {(yl.year, (e.kind, e.name)): i for yl in years for i, e in enumerate(yl.entries)}
    pred: dict[tuple[int, int], str] = {}
    for li in listings:
        key = (li.review_year, (li.entry.kind, li.entry.name))
        if key in positions:
            pred[(li.review_year, positions[key])] = li.market_id
    known = {k: v for k, v in truth.items() if k in pred}
    precision, recall = ih.pairwise(pred, known)
    diffs = ih.exact_diffs(pred, known, [y.year for y in years])
    return precision, recall, sum(ok for _, ok in diffs), len(diffs), misread


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--keep", type=Path)
    args = ap.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    results = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        start = time.time()
        p, r, ok, n, misread = run(seed, args.keep)
        results.append((p, r, ok, n, misread))
        print(
            f"history {seed}: precision {p:.4f} recall {r:.4f}, {ok}/{n} diffs exact, "
            f"{misread} entries misread ({time.time() - start:.0f} s)"
        )
    ps, rs = [x[0] for x in results], [x[1] for x in results]
    print(
        f"\n{len(results)} histories: precision mean {sum(ps) / len(ps):.4f} worst {min(ps):.4f}; "
        f"recall mean {sum(rs) / len(rs):.4f} worst {min(rs):.4f}; diffs exact "
        f"{sum(x[2] for x in results)}/{sum(x[3] for x in results)}; entries misread "
        f"{sum(x[4] for x in results)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
