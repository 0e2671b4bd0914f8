"""The daemon's footprint: resident memory while idle after a check has run, and how fast it
stops on SIGTERM. Runs `nml-tracker daemon` (run_on_start) against a ustr.gov-like site on
127.0.0.1 serving the five sample reports.

    python benchmarks/daemon_bench.py
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.sample_site import YEARS, sample_site  # noqa: E402
from tracker.store import Store  # noqa: E402


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def baseline_done(store: Store) -> bool:
    with store.transaction() as tx:
        runs = tx.runs.last(1)
    return bool(runs) and runs[0].outcome == "baseline"


def main() -> None:
    settings = {"schedule": {"run_on_start": True}}
    with tempfile.TemporaryDirectory() as tmp, sample_site(Path(tmp), **settings) as _:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tracker", "daemon"], cwd=tmp, stderr=subprocess.DEVNULL
        )
        started = time.monotonic()
        with Store(f"sqlite:///{tmp}/state/tracker.db") as store:
            while not baseline_done(store):
                time.sleep(0.2)
            print(
                f"baseline check of {len(YEARS)} reports done after "
                f"{time.monotonic() - started:.1f} s"
            )
            samples = []
            for _ in range(10):
                time.sleep(0.5)
                samples.append(rss_mb(proc.pid))
            print(
                f"idle daemon after the check: {max(samples):.1f} MB resident (peak of 10 "
                f"samples over 5 s; target <= 80 MB)"
            )
            proc.send_signal(signal.SIGUSR1)
            time.sleep(3)
            print(f"after a second (no-change) check: {rss_mb(proc.pid):.1f} MB")
        stop = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(30)
        print(f"SIGTERM: exit {code} after {time.monotonic() - stop:.2f} s")


if __name__ == "__main__":
    main()
