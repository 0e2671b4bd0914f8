"""The cost of a check when nothing has changed, against a ustr.gov-like site on 127.0.0.1.

The site serves the five sample reports with their press releases, listings and noise. After a
baseline check, a second check runs in a child process (`nml-tracker check --json`); printed:
requests the site received (and the budget: one per seed page plus one per known report URL),
PDF bytes sent, the check's CPU time inside the process, and the whole process's CPU time.

    python benchmarks/check_bench.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.sample_site import YEARS, sample_site  # noqa: E402

TIMED_CHECK = """
import json, sys, time
from tracker.config import load
from tracker.pipeline import open_store, run_check
config = load(sys.argv[1])
with open_store(config) as store:
    start = time.process_time()
    result = run_check(config, store)
    cpu = time.process_time() - start
print(json.dumps({"status": result.status, "cpu_s": cpu, "requests": result.requests,
                  "pdf_bytes": result.pdf_bytes}))
"""


def child(config: Path) -> tuple[dict[str, object], float]:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", TIMED_CHECK, str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    assert proc.stdout is not None
    out = proc.stdout.read().decode()
    if status != 0:
        raise SystemExit(out + (proc.stderr.read().decode() if proc.stderr else ""))
    doc = json.loads(out)
    doc["wall_s"] = time.perf_counter() - start
    return doc, usage.ru_utime + usage.ru_stime


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, sample_site(Path(tmp)) as (site, info):
        config = Path(tmp) / "config.yaml"
        baseline, _ = child(config)
        print(
            f"baseline: {baseline['status']}, {site.count()} requests, "
            f"{site.bytes_sent('/sites/')} PDF bytes, check CPU {baseline['cpu_s']:.2f} s"
        )
        site.reset_log()
        quiet, process_cpu = child(config)
        seeds, known = len(info["seeds"]), len(YEARS)
        pdf_bytes = sum(r.bytes_sent for r in site.requests if r.path.lower().endswith(".pdf"))
        print(
            f"no change: {quiet['status']}, {site.count()} requests "
            f"(budget {seeds} seed pages + {known} known reports = {seeds + known}), "
            f"{site.count(status=304)} answered 304, {pdf_bytes} PDF bytes sent"
        )
        for r in site.requests:
            if r.status != 304:
                print(f"  answered {r.status}: {r.path}{'?' + r.query if r.query else ''}")
        print(
            f"  CPU: check {quiet['cpu_s']:.3f} s, whole process {process_cpu:.2f} s "
            f"(imports and start-up included), wall {quiet['wall_s']:.2f} s"
        )


if __name__ == "__main__":
    main()
