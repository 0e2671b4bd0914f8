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

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ustr_fixture_site import build_ustr  # noqa: E402
from tests.ustr_site import Site  # noqa: E402
from tracker.store import Store  # noqa: E402


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def main() -> None:
    reports = {
        y: (ROOT / "tests" / "fixtures" / f"{y}-docx.pdf").read_bytes()
        for y in (2011, 2016, 2019, 2020, 2021)
    }
    with tempfile.TemporaryDirectory() as tmp, Site() as site:
        info = build_ustr(site, reports)
        (Path(tmp) / "config.yaml").write_text(
            yaml.safe_dump(
                {
                    "sources": info["seeds"],
                    "http": {"allowed_hosts": ["127.0.0.1"], "min_delay_s": 0},
                    "schedule": {"run_on_start": True},
                }
            ),
            encoding="utf-8",
        )
        proc = subprocess.Popen(
            [sys.executable, "-m", "tracker", "daemon"], cwd=tmp, stderr=subprocess.DEVNULL
        )
        started = time.monotonic()
        with Store(f"sqlite:///{tmp}/state/tracker.db") as store:
            while not (store.last_runs(1) and store.last_runs(1)[0]["outcome"] == "baseline"):
                time.sleep(0.2)
            print(
                f"baseline check of {len(reports)} reports done after "
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
