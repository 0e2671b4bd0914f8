"""History speed: ingest the sample reports, then time `diff` between two years and a full
`export`, as work inside one process (best of --repeat). A second round replays the samples as
sixteen years of lists (2010-2025) to see how both scale with the history's size.

    python benchmarks/history_bench.py [--database-url URL] [--repeat 20]
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
        save_report(tx, report, ReportSource(digest), {})


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    for years in (len(SAMPLES), 16):
        with tempfile.TemporaryDirectory() as tmp:
            url = args.database_url or f"sqlite:///{tmp}/bench.db"
            if args.database_url and years != len(SAMPLES):
                print("(sixteen-year round skipped on a caller's database)")
                continue
            run(url, years, args.repeat)


if __name__ == "__main__":
    main()
