"""The daemon as a real process, against the ustr.gov-like site and a real SMTP server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
import yaml

from tracker.model import AlertKind, DeliveryStatus
from tracker.store import Store

from .clirun import run
from .conftest import last_runs, reset_pg, stored_years
from .smtp_server import Handler, SmtpServer, free_port
from .test_check import PDFS, settings
from .ustr_fixture_site import build_ustr
from .ustr_site import Site

pytestmark = pytest.mark.slow  # real daemon processes


def wait_for(what: Callable[[], Any], timeout: float = 60, message: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {message or what}")


class Daemon:
    def __init__(self, cwd: Path, env: dict[str, str] | None = None) -> None:
        self.log = cwd / f"daemon-{time.monotonic_ns()}.log"
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
        full_env.update(env or {})
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tracker", "daemon"],
            cwd=cwd,
            env=full_env,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("w"),
            start_new_session=True,
        )

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def kill_all(self) -> None:
        """SIGKILL the daemon and the check it runs, as a crash would."""
        os.killpg(self.proc.pid, signal.SIGKILL)

    def stop(self, timeout: float = 15) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def checked_since(self, why: str) -> bool:
        """Whether a check ended (done, skipped or failed) after the daemon logged that one was
        asked for (`why`: SIGUSR1, run_on_start)."""
        ends = ("check done:", "skipped:", "check failed:", "without a result")
        lines = self.output().splitlines()
        asked = [n for n, line in enumerate(lines) if f"a check was asked for ({why})" in line]
        return bool(asked) and any(any(e in line for e in ends) for line in lines[asked[-1] :])

    def group_alive(self) -> bool:
        """Whether a live process (not a zombie) is left in the daemon's process group."""
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[2]) == self.proc.pid and fields[0] != "Z":
                return True
        return False


@contextmanager
def daemons(*ds: Daemon) -> Iterator[None]:
    try:
        yield
    finally:
        for d in ds:
            if d.proc.poll() is None:
                with_group = d.proc.pid
                with suppress(ProcessLookupError):
                    os.killpg(with_group, signal.SIGKILL)
                d.proc.wait(10)


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as s:
        yield s


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer(Handler()) as server:
        yield server


def _get(url: str) -> Any:
    import requests

    try:
        return requests.get(url, timeout=5)
    except requests.ConnectionError:
        return None


def write_config(cwd: Path, site_info: dict[str, Any], smtp: SmtpServer, **extra: Any) -> str:
    doc = settings(cwd, site_info["seeds"], smtp.port)
    doc["schedule"] = {"run_on_start": True, "retry_alerts_s": 10}
    doc.update(extra)
    (cwd / "config.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    return str(doc["database_url"])


def digests(smtp: SmtpServer) -> list[Any]:
    return [m for m in smtp.handler.messages if m["To"] == "desk@example.org"]


def test_run_on_start_status_and_sigterm(tmp_path: Path, site: Site, smtp: SmtpServer) -> None:
    port = free_port()
    url = write_config(
        tmp_path, build_ustr(site, {2020: PDFS[2020]}), smtp, http_status={"port": port}
    )
    d = Daemon(tmp_path)
    with daemons(d), Store(url) as store:
        wait_for(lambda: stored_years(store) == [2020], message="the baseline check")
        health = wait_for(lambda: _get(f"http://127.0.0.1:{port}/healthz"), message="/healthz")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        # the report is stored before the check's run is recorded: wait for the run
        baseline = 'nml_tracker_checks_total{outcome="baseline"} 1'
        metrics = wait_for(
            lambda: (m := _get(f"http://127.0.0.1:{port}/metrics")) and baseline in m.text and m,
            message="the baseline check's run in /metrics",
        )
        assert "nml_tracker_pending_alerts 0" in metrics.text
        status = wait_for(
            lambda: (s := run("status", "--json", cwd=tmp_path).json())["next_run"] and s,
            message="a heartbeat",
        )
        assert status["last_checks"][0]["outcome"] == "baseline"
        assert status["last_checks"][0]["trigger"] == "daemon"
        started = time.monotonic()
        assert d.stop() == 0
        assert time.monotonic() - started < 10
        assert run("status", "--json", cwd=tmp_path).json()["next_run"] is None
    assert "daemon stopped" in d.output()


def test_sigterm_during_a_check_stores_nothing_half_done(
    tmp_path: Path, site: Site, smtp: SmtpServer
) -> None:
    info = build_ustr(site, {2019: PDFS[2019], 2020: PDFS[2020]})
    site.fault(info["report_paths"][2020], "slow", delay=30)  # the check hangs on a download
    url = write_config(tmp_path, info, smtp)
    d = Daemon(tmp_path)
    with daemons(d), Store(url) as store:
        wait_for(lambda: site.count(info["report_paths"][2020]), message="the slow download")
        started = time.monotonic()
        assert d.stop() == 0
        assert time.monotonic() - started < 15
        assert stored_years(store) == [
            2019
        ]  # the finished report stays, the other is not half there
        (last,) = last_runs(store, 1)
        assert last.outcome == "failed" and last.error and "stopped" in last.error


def test_manual_check_beside_the_daemon(tmp_path: Path, site: Site, smtp: SmtpServer) -> None:
    info = build_ustr(site, {2019: PDFS[2019], 2020: PDFS[2020]})
    site.fault(info["report_paths"][2020], "slow", delay=4, times=1)
    url = write_config(tmp_path, info, smtp)
    d = Daemon(tmp_path)
    with daemons(d), Store(url) as store:
        wait_for(
            lambda: last_runs(store, 1) and last_runs(store, 1)[0].outcome == "running",
            message="the daemon's check",
        )
        busy = run("check", "--json", "--wait", "0", cwd=tmp_path)
        assert busy.code == 0, busy.err
        assert busy.json()["already_running"] is True
        waited = run("check", "--json", "--wait", "60", cwd=tmp_path)
        assert waited.code == 0, waited.err
        assert waited.json()["status"] == "no_change"  # the daemon's check did the work
        assert [r.outcome for r in last_runs(store, 5)] == ["no_change", "baseline"]
        assert d.stop() == 0


@pytest.mark.parametrize("moment", ["rcpt", "data"])
def test_sigkill_mid_delivery_loses_and_duplicates_nothing(
    tmp_path: Path, site: Site, smtp: SmtpServer, moment: str
) -> None:
    info = build_ustr(site, {2020: PDFS[2020]})
    url = write_config(tmp_path, info, smtp)
    first = Daemon(tmp_path)
    with daemons(first), Store(url) as store:
        wait_for(lambda: stored_years(store) == [2020], message="the baseline")
        killed: list[bool] = []

        def crash() -> None:
            if not killed:
                killed.append(True)
                first.kill_all()  # the client is gone before the server answers
                wait_for(lambda: not first.group_alive(), 10, "the killed daemon and its check")

        setattr(smtp.handler, f"on_{moment}", crash)
        build_ustr(site, {2020: PDFS[2020], 2021: PDFS[2021]})
        first.signal(signal.SIGUSR1)
        first.proc.wait(60)
        assert killed and stored_years(store) == [2020, 2021]
        setattr(smtp.handler, f"on_{moment}", None)

        second = Daemon(tmp_path)
        with daemons(second):
            if moment == "rcpt":  # never reached DATA: sent again, once
                wait_for(lambda: len(digests(smtp)) == 1, message="the resent digest")
            else:  # the server may have it: never resent blindly, shown to a human
                wait_for(
                    lambda: store.outbox.items((DeliveryStatus.UNKNOWN,)),
                    message="the unknown delivery",
                )
                status = run("status", "--json", cwd=tmp_path).json()
                digest = [x["status"] for x in status["deliveries"] if x["kind"] == "digest"]
                assert digest == ["unknown"]
            waiting = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)
            wait_for(  # nothing left that could still be sent
                lambda: not store.outbox.items(waiting, AlertKind.DIGEST),
                message="the outbox settled",
            )
            assert second.stop() == 0
    assert len(digests(smtp)) == 1
    assert digests(smtp)[0]["Subject"].startswith("USTR 2021 Notorious Markets List")


def test_two_daemons_on_postgresql_send_each_digest_once(
    tmp_path: Path, site: Site, smtp: SmtpServer, pg_database: str
) -> None:
    reset_pg(pg_database)
    write_config(tmp_path, build_ustr(site, {2020: PDFS[2020]}), smtp)
    env = {"TRACKER_DATABASE_URL": pg_database}
    a, b = Daemon(tmp_path, env), Daemon(tmp_path, env)
    with daemons(a, b), Store(pg_database) as store:
        wait_for(lambda: stored_years(store) == [2020], message="the baseline")
        build_ustr(site, {2020: PDFS[2020], 2021: PDFS[2021]})
        a.signal(signal.SIGUSR1)
        b.signal(signal.SIGUSR1)
        wait_for(lambda: stored_years(store) == [2020, 2021], message="the new report")
        wait_for(lambda: digests(smtp), message="the digest")
        wait_for(
            lambda: all(r.outcome != "running" for r in last_runs(store, 10)),
            message="both daemons idle",
        )
        wait_for(  # each has ended the check SIGUSR1 asked for
            lambda: a.checked_since("SIGUSR1") and b.checked_since("SIGUSR1"),
            message="both daemons' checks",
        )
        outcomes = [r.outcome for r in last_runs(store, 10)]
        assert outcomes.count("new_report") == 1 and outcomes.count("baseline") == 1
        assert a.stop() == 0 and b.stop() == 0
    assert len(digests(smtp)) == 1
