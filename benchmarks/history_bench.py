"""History speed: ingest the sample reports, then time `diff` between two years and a full
`export`, as work inside one process (best of --repeat). A second round replays the samples as
sixteen years of lists (2010-2025) to see how both scale with the history's size. A third
stores a generated sixteen-year history (tests/identity_histories.py) one year at a time and
prints each year's ingest time as it is added: every ingest re-clusters the whole history, so
this shows what that costs as the history grows (best of --rounds fresh databases; CPU time
beside wall time, which other work on the machine inflates).

    python benchmarks/history_bench.py [--database-url URL] [--repeat 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.archive import sha256  # noqa: E402
from tracker.export import export_csv as csv_text  # noqa: E402
from tracker.extract import extract  # noqa: E402
from tracker.history import changes  # noqa: E402
from tracker.ingest import save_report  # noqa: E402
from tracker.model import Report  # noqa: E402
from tracker.records import ReportSource  # noqa: E402
from tracker.resolve import YearListings  # noqa: E402
from tracker.store import Store  # noqa: E402

SAMPLES = sorted((ROOT / "tests" / "fixtures").glob("*.pdf"))


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def export_csv(store: Store) -> str:
    """What `export` does: read every row, write the CSV."""
    with store.transaction() as tx:
        return csv_text(tx.reports.export_rows())


def save(store: Store, report: Report, digest: str) -> None:
    with store.transaction() as tx:
        save_report(tx, report, ReportSource(digest), {}, force_revision=True)


def diff(store: Store, old: int, new: int) -> object:
    with store.transaction() as tx:
        return changes(tx, old, new)


def run(url: str, years: int, repeat: int) -> None:
    reports = [extract(p) for p in SAMPLES]
    with Store(url) as store:
        start = time.perf_counter()
        if years == len(reports):
            for path, report in zip(SAMPLES, reports, strict=True):
                save(store, report, sha256(path.read_bytes()))
        else:
            for i, year in enumerate(range(2010, 2010 + years)):
                report = replace(reports[i % len(reports)], review_year=year)
                save(store, report, f"{year:064d}")
        ingest = time.perf_counter() - start
        with store.transaction() as tx:
            stored = tx.reports.years()
        old, new = stored[-2], stored[-1]
        t_diff = best(lambda: diff(store, old, new), repeat)
        t_export = best(lambda: export_csv(store), max(3, repeat // 4))
        with store.transaction() as tx:
            rows = len(tx.reports.export_rows())
    print(
        f"{years:2d} years, {rows:5d} listings: ingest {ingest:6.2f} s (store only), "
        f"diff {old}->{new} {t_diff * 1000:6.1f} ms, export csv {t_export * 1000:6.1f} ms"
    )


def ingest_years(store: Store, years: list[YearListings], tag: int) -> list[tuple[float, float]]:
    """Store each year in turn; (wall, cpu) seconds of each ingest."""
    out = []
    for y in years:
        report = Report(y.year, f"{y.year} Review", None, y.entries)
        start, start_cpu = time.perf_counter(), time.process_time()
        save(store, report, f"{y.year:060d}{tag:04d}")
        out.append((time.perf_counter() - start, time.process_time() - start_cpu))
    return out


def per_year(rounds: int, repeat: int, seed: int = 0) -> None:
    """Ingest a generated sixteen-year history year by year; print each year's time."""
    from tests.identity_histories import history

    years, _ = history(seed)
    timings = []
    for n in range(rounds):
        with tempfile.TemporaryDirectory() as tmp, Store(f"sqlite:///{tmp}/years.db") as store:
            timings.append(ingest_years(store, years, n))
            stored = [y.year for y in years]
            old, new = stored[-2], stored[-1]
            t_diff = best(lambda: diff(store, old, new), repeat)  # noqa: B023 (called at once)
            t_export = best(lambda: export_csv(store), max(3, repeat // 4))
            with store.transaction() as tx:
                rows = len(tx.reports.export_rows())
    wall = [min(t[i][0] for t in timings) for i in range(len(years))]
    cpu = [min(t[i][1] for t in timings) for i in range(len(years))]
    print(f"\ngenerated sixteen-year history (seed {seed}), one year at a time, best of {rounds}:")
    print("year  listings stored  ingest wall ms  ingest cpu ms")
    total = 0
    for y, w, c in zip(years, wall, cpu, strict=True):
        total += len(y.entries)
        print(f"{y.year}  {total:15d}  {w * 1000:14.1f}  {c * 1000:13.1f}")
    print(
        f"16th year / 2nd year: {cpu[-1] / cpu[1]:.2f}x cpu, {wall[-1] / wall[1]:.2f}x wall "
        f"(the 1st year also pays the cold start: {cpu[0] * 1000:.0f} ms cpu)"
    )
    print(
        f"{len(years)} years, {rows} listings: diff {old}->{new} {t_diff * 1000:.1f} ms, "
        f"export csv {t_export * 1000:.1f} ms (targets: 100 ms, 1 s)"
    )
    start = time.process_time()
    extract(SAMPLES[-1])
    pdf = time.process_time() - start
    print(
        f"in context: extracting one report ({SAMPLES[-1].name}) takes {pdf * 1000:.0f} ms cpu, "
        f"so a whole ingest of the 16th year costs {(pdf + cpu[-1]) / (pdf + cpu[1]):.2f}x "
        "the 2nd year's"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.database_url:
        print("(the per-year round runs on fresh SQLite files, not on a caller's database)")
    per_year(args.rounds, args.repeat)
    for years in (len(SAMPLES), 16):
        with tempfile.TemporaryDirectory() as tmp:
            url = args.database_url or f"sqlite:///{tmp}/bench.db"
            if args.database_url and years != len(SAMPLES):
                print("(sixteen-year round skipped on a caller's database)")
                continue
            run(url, years, args.repeat)


if __name__ == "__main__":
    main()
