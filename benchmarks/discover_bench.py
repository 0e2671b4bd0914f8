"""The cost of discovery on hostile pages: many PDF links that mention the list, in one block.

Times `tracker.discover.parse_page` on a page of 1,000 and 4,000 such links and on a 5 MB page
(the largest page the fetcher accepts), each with a wall-clock limit so a quadratic parser
shows as "over the limit" instead of running for hours.

    python benchmarks/discover_bench.py [--limit S]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASE = "https://ustr.gov/issue-areas/intellectual-property/notorious-markets-list"


def hostile_page(links: int) -> str:
    """`links` generic PDF links in one paragraph whose sentences name the list."""
    body = "".join(
        f'See the Notorious Markets List <a href="/files/r{i}.pdf">report {i}</a>. '
        for i in range(links)
    )
    return f"<html><body><div><p>{body}</p></div></body></html>"


def page_of_size(size: int) -> str:
    one = 'See the Notorious Markets List <a href="/files/r{}.pdf">report</a>. '
    parts, total, i = [], 0, 0
    while total < size:
        part = one.format(i)
        parts.append(part)
        total += len(part)
        i += 1
    return "<html><body><div><p>" + "".join(parts) + "</p></div></body></html>"


def _time(html: str, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from tracker.discover import parse_page

    start = time.perf_counter()
    found = parse_page(BASE, html, ("ustr.gov",))
    out.put((time.perf_counter() - start, len(found.reports), found.links))


def measure(label: str, html: str, limit: float) -> None:
    out: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    proc = multiprocessing.Process(target=_time, args=(html, out))
    proc.start()
    proc.join(limit)
    if proc.is_alive():
        proc.kill()
        proc.join()
        print(f"{label:>22}: {len(html) / 1024:8.0f} KB  over the limit ({limit:g} s)")
        return
    seconds, reports, links = out.get()
    print(
        f"{label:>22}: {len(html) / 1024:8.0f} KB  {seconds:7.2f} s  "
        f"{links} links, {reports} report links"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, default=120.0, help="seconds per page")
    args = parser.parse_args()
    measure("1,000 links", hostile_page(1000), args.limit)
    measure("4,000 links", hostile_page(4000), args.limit)
    measure("5 MB page", page_of_size(5 * 1024 * 1024), args.limit)


if __name__ == "__main__":
    main()
