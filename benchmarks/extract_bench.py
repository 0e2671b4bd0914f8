"""Extraction speed and memory, measured as whole processes.

For each report: pages; wall seconds of `nml-tracker extract --json` (the command and its
extraction child); the same for a bare pdfplumber pass (`extract_words` on every page, the floor
of any pdfplumber-based extractor); their ratio; the peak resident memory of the extraction child
(`python -m tracker.sandbox`, where the PDF is read), of the command itself, and of the bare
pass. Each is the best of --repeat runs, so the ratio compares like with like on a shared
machine. Also: how fast `nml-tracker --help` starts.

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


# The child reports its own peak (VmHWM of its own address space): ru_maxrss from wait4 would
# include this benchmark's memory, inherited at fork.
PEAK = """
import atexit, os, runpy, sys
def peak():
    with open("/proc/self/status") as f:
        kb = next(line.split()[1] for line in f if line.startswith("VmHWM"))
    with open(os.environ["BENCH_PEAK_FILE"], "w") as out:
        out.write(kb)
atexit.register(peak)
what = sys.argv.pop(1)
if what == "-m":
    runpy.run_module(sys.argv.pop(1), run_name="__main__", alter_sys=True)
else:
    exec(compile(what, "<bare>", "exec"))
"""


def measure(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one child process: `cmd` is `-m module args...` or
    `source args...`."""
    with tempfile.NamedTemporaryFile() as peak_file:
        env = {**os.environ, "BENCH_PEAK_FILE": peak_file.name}
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", PEAK, *cmd],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=False,
        )
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.decode()}")
        return wall, int(Path(peak_file.name).read_text() or 0) / 1024


def best(cmd: list[str], repeat: int) -> tuple[float, float]:
    runs = [measure(cmd) for _ in range(repeat)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def count_pages(pdf: Path) -> int:
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        return len(doc.pages)


def sixty_page_report(folder: Path, pages: int = 60) -> Path | None:
    """A generated modern-era report of at least `pages` pages, for the memory target (needs
    the test extra's reportlab)."""
    sys.path.insert(0, str(ROOT))
    try:
        from dataclasses import replace

        from tests.pdfgen import build, sample_spec
    except ImportError:
        return None
    path = folder / f"synthetic-{pages}-pages.pdf"
    for per_entry in range(4, 12):
        spec = sample_spec(1, "modern", n_online=40, n_physical=35, hard=False, body_size=12.0)
        pdf, _ = build(replace(spec, paragraphs=(per_entry, per_entry + 1)))
        path.write_bytes(pdf)
        if count_pages(path) >= pages:
            return path
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
        tracker = ["-m", "tracker", "-q", "extract", "--json", "--allow-mismatch"]
        print(
            f"{'report':28} {'pages':>5} {'extract s':>9} {'bare s':>7} {'ratio':>6} "
            f"{'child MB':>8} {'command MB':>10} {'bare MB':>8}"
        )
        for pdf in pdfs:
            t_ex, m_ex = best([*tracker, str(pdf)], args.repeat)
            _, m_child = best(["-m", "tracker.sandbox", "4096", str(pdf)], 1)
            t_bare, m_bare = best([BARE, str(pdf)], args.repeat)
            print(
                f"{pdf.name[:28]:28} {count_pages(pdf):5d} {t_ex:9.2f} {t_bare:7.2f} "
                f"{t_ex / t_bare:6.2f} {m_child:8.0f} {m_ex:10.0f} {m_bare:8.0f}"
            )
        t_help, m_help = best(["-m", "tracker", "--help"], 5)
        print(f"\nnml-tracker --help: {t_help:.3f} s, {m_help:.0f} MB peak")


if __name__ == "__main__":
    main()
