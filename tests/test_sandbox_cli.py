"""`extract` and `ingest` run the extraction in the same sandbox as `check`; the child dies with
its parent; a check left `running` by a killed process is closed by the next; SIGHUP stops the
daemon cleanly."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tracker.model import CheckStatus
from tracker.store import Store

from .clirun import cli
from .conftest import last_runs, sample_pdf
from .smtp_server import Handler, SmtpServer
from .test_daemon import Daemon, daemons, wait_for, write_config
from .ustr_fixture_site import build_ustr
from .ustr_site import Site


def _config(tmp_path: Path, **extraction: float) -> Path:
    path = tmp_path / "config.yaml"
    doc = {"database_url": f"sqlite:///{tmp_path}/t.db", "extraction": extraction}
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["extract", "ingest"])
@pytest.mark.parametrize(
    ("limits", "line"),
    [
        ({"memory_mb": 64}, "ran out of memory (extraction.memory_mb: 64)"),
        ({"timeout_s": 0.05}, "extraction did not finish within 0.05 s (extraction.timeout_s)"),
    ],
)
def test_extract_and_ingest_keep_the_sandbox_limits(
    tmp_path: Path, command: str, limits: dict[str, float], line: str
) -> None:
    result = cli("--config", _config(tmp_path, **limits), command, sample_pdf(2021))
    assert result.code == 1
    assert line in result.err
    assert "Traceback" not in result.err


def _sandboxes(marker: str) -> list[int]:
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"tracker.sandbox" in args and any(marker.encode() in a for a in args):
            pids.append(int(cmdline.parent.name))
    return pids


def test_the_extraction_child_dies_with_its_parent(tmp_path: Path) -> None:
    pdf = tmp_path / "unique-name-for-this-test.pdf"
    shutil.copy(sample_pdf(2021), pdf)
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from tracker.config import ExtractionConfig;"
            " from tracker.sandbox import extract_isolated;"
            " extract_isolated(Path(sys.argv[1]), ExtractionConfig(timeout_s=600))",
            str(pdf),
        ]
    )
    try:
        (_child,) = wait_for(lambda: _sandboxes(pdf.name), message="the extraction child")
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        wait_for(lambda: not _sandboxes(pdf.name), timeout=30, message="the child to die")
    finally:
        for pid in _sandboxes(pdf.name):
            os.kill(pid, signal.SIGKILL)


def test_a_check_left_running_is_closed_by_the_next(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path}/t.db") as store:
        with store.transaction() as tx:
            stale = tx.runs.start("daemon")  # its process was killed: never finished
        with store.transaction() as tx:
            tx.runs.finish(tx.runs.start("manual"), CheckStatus.NO_CHANGE)
        old = next(r for r in last_runs(store) if r.id == stale)
    assert old.outcome is CheckStatus.FAILED and old.error and "interrupted" in old.error
    assert old.finished_at is not None


@pytest.mark.slow
def test_sighup_stops_the_daemon_cleanly(tmp_path: Path) -> None:
    with Site() as site, SmtpServer(Handler()) as smtp:
        write_config(tmp_path, build_ustr(site, {}), smtp, schedule={"run_on_start": False})
        d = Daemon(tmp_path)
        with daemons(d):
            wait_for(lambda: "started" in d.output(), message="the daemon's start")
            time.sleep(0.5)  # not a timed assert: let the heartbeat job start
            d.signal(signal.SIGHUP)
            assert d.proc.wait(30) == 0
        assert "received SIGHUP: stopping" in d.output() and "daemon stopped" in d.output()
