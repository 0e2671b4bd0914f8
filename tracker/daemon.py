"""The unattended daemon: APScheduler 3 runs a check on the configured cron schedule, retries
pending alerts on a short interval and beats a heartbeat into the database for `status`.

Each check is `nml-tracker check` in a child process (the same `pipeline.run_check`, under the
database's check lock, so a manual check or a second daemon never doubles the work): what a check
loads and allocates leaves with it, and the daemon stays small for years. SIGTERM or SIGINT stop
the daemon within seconds: the child is told to stop, rolls back the step in progress (or
finishes it), and the daemon exits 0. SIGUSR1 asks for a check now.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from types import FrameType
from typing import Any

from tracker.config import Config
from tracker.store import Store, utcnow
from tracker.worker import worker_id

log = logging.getLogger(__name__)

HEARTBEAT_S = 15
STOP_GRACE_S = 10.0  # how long a stop waits for the step in progress before leaving anyway


class Daemon:
    def __init__(
        self, config: Config, store: Store, config_path: str | None = None, log_format: str = "text"
    ) -> None:
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        self.config, self.store = config, store
        self.config_path, self.log_format = config_path, log_format
        self.stop = threading.Event()  # set by SIGTERM/SIGINT; also cancels the running check
        self.busy = threading.Lock()  # held while a check runs
        self.me = worker_id()
        self.started = utcnow()
        self.state = "idle"
        self.again = False  # a check was asked for while one ran
        self.exit_code = 0  # 1 when the daemon stops because its database went away
        self.database: tuple[int, int] | None = None  # the SQLite file's (device, inode)
        self.delivering = threading.Lock()  # held while alerts are being sent
        self.publishing = threading.Lock()  # held while the report site is rebuilt
        self.scheduler = BackgroundScheduler(
            timezone=config.schedule.timezone,
            executors={"default": ThreadPoolExecutor(max_workers=3)},
            job_defaults={
                "coalesce": True,  # runs missed while down collapse into one
                "max_instances": 1,
                "misfire_grace_time": config.schedule.misfire_grace_s,
            },
        )

    # -- lifecycle -------------------------------------------------------------------------

    def run(self) -> int:
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        sched = self.config.schedule
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):  # SIGHUP: a clean stop too
            signal.signal(sig, self._on_stop)
        signal.signal(signal.SIGUSR1, self._on_check_now)
        self.store.migrate(in_child=True)  # after the handlers: a signal now is not fatal
        self.database = self._database_file()
        self.scheduler.add_job(
            self.check,
            CronTrigger.from_crontab(sched.cron, timezone=sched.timezone),
            id="check",
            jitter=sched.jitter_s or None,
        )
        now = datetime.now(self.scheduler.timezone)
        self.scheduler.add_job(  # first run at once: deliver what waited while we were down
            self.deliver,
            IntervalTrigger(seconds=sched.retry_alerts_s),
            id="alerts",
            next_run_time=now,
        )
        self.scheduler.add_job(
            self.heartbeat, IntervalTrigger(seconds=HEARTBEAT_S), id="beat", next_run_time=now
        )
        if self.config.report.out_dir is not None:  # changes made elsewhere (a correction)
            self.scheduler.add_job(
                self.refresh_site,
                IntervalTrigger(seconds=self.config.report.refresh_s),
                id="site",
                next_run_time=now,
            )
        if sched.run_on_start:
            self.check_soon("run_on_start")
        server = self._status_server()
        self.scheduler.start()
        log.info(
            "daemon %s started: cron %r (%s), next check %s",
            self.me,
            sched.cron,
            sched.timezone,
            self.next_run() or "not scheduled",
        )
        while not self.stop.wait(0.5):
            pass
        return self._shutdown(server) or self.exit_code

    def _database_file(self) -> tuple[int, int] | None:
        path = self.store.database_file()
        try:
            stat = path.stat() if path else None
        except OSError:
            return None
        return (stat.st_dev, stat.st_ino) if stat else None

    def _database_gone(self) -> bool:
        """The SQLite file this daemon opened was deleted or replaced: stop, loudly (the check
        that just ran failed on it and alerted the operators; heartbeats would go nowhere)."""
        if self.database is None or self._database_file() == self.database:
            return False
        log.error(
            "the database file %s was deleted or replaced under the daemon: stopping (restore "
            "it, or start a new history with `nml-tracker db init`)",
            self.store.database_file(),
        )
        self.exit_code = 1
        self.stop.set()
        return True

    def _on_stop(self, signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: stopping", signal.Signals(signum).name)
        self.stop.set()

    def _on_check_now(self, _signum: int, _frame: FrameType | None) -> None:
        self.check_soon("SIGUSR1")

    def check_soon(self, why: str) -> None:
        """Run a check now; asked while one runs, one more runs when it ends (however many
        times it was asked)."""
        log.info("a check was asked for (%s)", why)
        if self.busy.locked():
            self.again = True
            return
        self.scheduler.add_job(
            self.check,
            id="check-now",
            replace_existing=True,
            next_run_time=datetime.now(self.scheduler.timezone),
        )

    def _shutdown(self, server: Any) -> int:
        self.state = "stopping"
        self.scheduler.shutdown(wait=False)
        if server is not None:
            server.shutdown()
        deadline = time.monotonic() + STOP_GRACE_S
        if all(
            lock.acquire(timeout=max(0.0, deadline - time.monotonic()))
            for lock in (self.busy, self.delivering, self.publishing)
        ):
            self._forget_heartbeat()
            log.info("daemon stopped")
            return 0
        # the step in progress did not end in time: leave; its open transaction rolls back and
        # a delivery it had claimed is taken back by the next start
        log.warning("the check did not stop within %.0f s; leaving it to roll back", STOP_GRACE_S)
        self._forget_heartbeat()
        for handler in logging.getLogger().handlers:
            handler.flush()
        os._exit(0)

    # -- jobs ------------------------------------------------------------------------------

    def check(self) -> None:
        """The scheduled job: a check in a child process (`nml-tracker check`), so that what a
        check loads and allocates leaves with it and the daemon stays small. Never raises."""
        while not self.stop.is_set():
            with self.busy:
                self.again = False
                self.state = "checking"
                self.heartbeat()
                try:
                    self._run_child_check()
                except Exception:  # a bug must not kill the daemon
                    log.exception("check crashed")
                finally:
                    self.state = "idle"
            if self._database_gone():
                return
            self.heartbeat()
            self.refresh_site()
            if not self.again:
                return

    def _run_child_check(self) -> None:
        cmd = [sys.executable, "-m", "tracker", "--log-format", self.log_format]
        if self.config_path:
            cmd += ["--config", self.config_path]
        cmd += ["check", "--json", "--wait", "0", "--trigger", "daemon"]
        child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=None, text=True)
        out = ""
        while True:
            try:
                out, _ = child.communicate(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if self.stop.is_set():  # let it roll back the step in progress, then stop it
                    child.send_signal(signal.SIGTERM)
                    try:
                        out, _ = child.communicate(timeout=STOP_GRACE_S)
                    except subprocess.TimeoutExpired:
                        child.kill()
                        child.communicate()
                        log.warning("the check did not stop in %.0f s and was killed", STOP_GRACE_S)
                    break
        try:
            result = json.loads(out)
        except ValueError:
            log.error("the check process ended (exit %s) without a result", child.returncode)
            return
        if result.get("already_running"):
            log.info("skipped: %s", (result.get("warnings") or ["another check runs"])[0])
        elif result["status"] == "failed":
            log.error("check failed: %s", result.get("error"))
        else:
            log.info(
                "check done: %s, %d report(s) stored, alerts %s",
                result["status"],
                len(result.get("reports", [])),
                result.get("alerts"),
            )

    def deliver(self) -> None:
        from tracker.pipeline import deliver_alerts

        if self.stop.is_set() or not self.delivering.acquire(blocking=False):
            return
        try:
            stats = deliver_alerts(self.config, self.store, cancel=self.stop)
            if stats.sent or stats.errors:
                log.info("alerts: %d sent, %d pending", stats.sent, stats.pending)
            for error in stats.errors:
                log.warning("alert not delivered: %s", error)
        except Exception:
            log.exception("alert delivery crashed")
        finally:
            self.delivering.release()

    def refresh_site(self) -> None:
        """Rebuild the report site (`report.out_dir`) when the history changed: after each
        check, and every `report.refresh_s` for what other processes changed. Never raises."""
        out_dir = self.config.report.out_dir
        if out_dir is None or self.stop.is_set():
            return
        from tracker.site.publish import describe, refresh

        with self.publishing:
            try:
                done = refresh(self.store, out_dir, self.config.report.base_url)
            except Exception:
                log.exception("the report site was not rebuilt")
                return
        if done is not None:
            log.info("%s", describe(done))

    def heartbeat(self) -> None:
        try:
            next_run = self.next_run()
            with self.store.transaction() as tx:
                tx.daemons.beat(self.me, self.started, self.state, next_run)
        except Exception:
            log.exception("heartbeat failed")

    def next_run(self) -> datetime | None:
        job = self.scheduler.get_job("check")
        return job.next_run_time if job is not None else None

    def _forget_heartbeat(self) -> None:
        try:
            with self.store.transaction() as tx:
                tx.daemons.forget(self.me)
        except Exception:
            log.warning("could not remove the heartbeat row", exc_info=True)

    def _status_server(self) -> Any:
        if self.config.http_status.port is None:
            return None
        from tracker.status_http import serve

        return serve(self.config, self.store, self)


def run_daemon(
    config: Config, store: Store, config_path: str | None = None, log_format: str = "text"
) -> int:
    started = time.monotonic()
    code = Daemon(config, store, config_path, log_format).run()
    log.info("ran for %.0f s", time.monotonic() - started)
    return code
