"""Report site speed and size: a sixteen-year history (2010-2025, tests/identity_histories.py,
with excerpts as long as the real reports') stored through the identity stage into a temporary
SQLite history, then the site read, rendered and published (best of --repeat), and the index's
size. Bounds: the whole build under 2 s, the index under 1 MB.

    python benchmarks/site_bench.py [--seed 1] [--repeat 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.identity_histories import history  # noqa: E402
from tracker.ingest import save_report  # noqa: E402
from tracker.model import Counts, Report  # noqa: E402
from tracker.records import ReportSource  # noqa: E402
from tracker.site.publish import publish, read_site, refresh  # noqa: E402
from tracker.site.render import render  # noqa: E402
from tracker.store import Store  # noqa: E402

TEXT = (
    "right holders report that the market remains a significant source of counterfeit goods "
    "and the operator has not responded to notices from brand owners enforcement is rare"
)
WORDS = TEXT.split(" ")


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return min(times), value


def fill(store: Store, seed: int) -> int:
    """Store the sixteen years; returns the number of listings."""
    rng = random.Random(seed)
    years, _truth = history(seed)
    n = 0
    for y in years:
        entries = tuple(
            replace(
                e,
                page=6 + i // 3,
                excerpt=" ".join(rng.choice(WORDS) for _ in range(60))[:400],
            )
            for i, e in enumerate(y.entries)
        )
        online = sum(e.kind == "online" for e in entries)
        report = Report(
            y.year,
            f"{y.year} Review of Notorious Markets for Counterfeiting and Piracy",
            Counts(online, len(entries) - online),
            entries,
        )
        with store.transaction() as tx:
            save_report(tx, report, ReportSource(f"{y.year:064d}"), {})
        n += len(entries)
    return n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", help="an empty database (default: a temporary SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        with Store(url) as store:
            start = time.perf_counter()
            listings = fill(store, args.seed)
            print(f"stored 16 years, {listings} listings in {time.perf_counter() - start:.1f} s")
            t_read, data = best(lambda: read_site(store), args.repeat)
            t_render, files = best(lambda: render(data), args.repeat)
            out = Path(tmp) / "site"
            t_total, done = best(lambda: publish(read_site(store), out), args.repeat)
            t_poll, _ = best(lambda: refresh(store, out), args.repeat)
    index = files["index.html"]
    size = sum(len(v) for v in files.values() if isinstance(v, bytes))
    print(
        f"{len(data.markets)} markets, {done.files} files, {size / 1024:.0f} KB in all; "
        f"index.html {len(index) / 1024:.0f} KB (bound 1024 KB)"
    )
    print(
        f"read {t_read * 1000:.0f} ms, render {t_render * 1000:.0f} ms, read + render + write "
        f"+ swap {t_total * 1000:.0f} ms (bound 2000 ms); an unchanged history's check "
        f"{t_poll * 1000:.0f} ms"
    )
    ok = t_total < 2.0 and len(index) < 1024 * 1024
    print("within bounds" if ok else "OUT OF BOUNDS")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
