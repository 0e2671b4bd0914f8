"""Extraction speed and memory, measured as whole processes.

For each report: pages; wall seconds of `nml-tracker extract --json`; the same for a bare
pdfplumber pass (`extract_words` on every page, the floor of any pdfplumber-based extractor);
their ratio; and the peak resident memory of each process. Each is the best of --repeat runs, so
the ratio compares like with like on a shared machine. Also: how fast `nml-tracker --help` starts.

    python benchmarks/extract_bench.py [--repeat 3] [PDF ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE = """
import sys, pdfplumber
with pdfplumber.open(sys.argv[1]) as pdf:
    for page in pdf.pages:
        page.extract_words()
"""


def measure(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(
            f"{' '.join(cmd)} failed: {proc.stderr.read().decode() if proc.stderr else ''}"
        )
    return wall, usage.ru_maxrss / 1024


def best(cmd: list[str], repeat: int) -> tuple[float, float]:
    runs = [measure(cmd) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def pages(pdf: Path) -> int:
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        return len(doc.pages)


def sixty_page_report(folder: Path) -> Path | None:
    """A generated 60-page report for the memory target (needs the test extra's reportlab)."""
    sys.path.insert(0, str(ROOT))
    try:
        from tests.pdfgen import long_report
    except ImportError:
        return None
    path = folder / "synthetic-60-pages.pdf"
    path.write_bytes(long_report(pages=60))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = args.pdfs or sorted((ROOT / "tests" / "fixtures").glob("*.pdf"))
        if not args.pdfs and (big := sixty_page_report(Path(tmp))):
            pdfs.append(big)
        tracker = [sys.executable, "-m", "tracker", "-q", "extract", "--json", "--allow-mismatch"]
        print(
            f"{'report':28} {'pages':>5} {'extract s':>9} {'bare s':>7} {'ratio':>6} "
            f"{'extract MB':>10} {'bare MB':>8}"
        )
        for pdf in pdfs:
            t_ex, m_ex = best([*tracker, str(pdf)], args.repeat)
            t_bare, m_bare = best([sys.executable, "-c", BARE, str(pdf)], args.repeat)
            print(
                f"{pdf.name[:28]:28} {pages(pdf):5d} {t_ex:9.2f} {t_bare:7.2f} "
                f"{t_ex / t_bare:6.2f} {m_ex:10.0f} {m_bare:8.0f}"
            )
        t_help, m_help = best([sys.executable, "-m", "tracker", "--help"], 5)
        print(f"\nnml-tracker --help: {t_help:.3f} s, {m_help:.0f} MB peak")


if __name__ == "__main__":
    main()
