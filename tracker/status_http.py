"""The daemon's optional HTTP endpoint (`http_status.port`): /healthz and Prometheus /metrics."""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from tracker.config import Config
from tracker.model import CheckStatus, DeliveryStatus
from tracker.records import run_json
from tracker.site.serve import is_report_path, serve_report
from tracker.status import failing
from tracker.store import Store

log = logging.getLogger(__name__)
OUTCOMES = [s for s in CheckStatus if s is not CheckStatus.RUNNING]


class DaemonView(Protocol):
    """What the endpoint shows of the daemon that serves it."""

    @property
    def state(self) -> str: ...

    def next_run(self) -> datetime | None: ...


def health(config: Config, store: Store, daemon: DaemonView) -> tuple[int, dict[str, Any]]:
    """200 while the daemon runs and its checks succeed; 503 when the database is unreachable
    or the last `alerts.failures_before_alert` checks all failed."""
    try:
        with store.transaction() as tx:
            runs = tx.runs.last(config.alerts.failures_before_alert)
    except Exception as exc:
        return 503, {"status": "error", "error": f"database: {exc}"}
    bad = failing(runs, config.alerts.failures_before_alert)
    next_run = daemon.next_run()
    return (503 if bad else 200), {
        "status": "failing" if bad else "ok",
        "state": daemon.state,
        "last_check": run_json(runs[0]) if runs else None,
        "next_run": next_run.isoformat() if next_run else None,
    }


def metrics(store: Store, daemon: DaemonView) -> str:
    with store.transaction() as tx:
        stats, counts, years = tx.runs.stats(), tx.outbox.counts(), tx.reports.years()
    pending = counts.get("pending", 0) + counts.get("sending", 0)
    lines = [
        "# HELP nml_tracker_checks_total Checks run, by outcome.",
        "# TYPE nml_tracker_checks_total counter",
        *(
            f'nml_tracker_checks_total{{outcome="{o}"}} {stats.by_outcome.get(o, 0)}'
            for o in OUTCOMES
        ),
        "# HELP nml_tracker_last_success_timestamp_seconds When the last successful check ended.",
        "# TYPE nml_tracker_last_success_timestamp_seconds gauge",
        f"nml_tracker_last_success_timestamp_seconds {_ts(stats.last_success)}",
        "# HELP nml_tracker_last_check_timestamp_seconds When the last check ended.",
        "# TYPE nml_tracker_last_check_timestamp_seconds gauge",
        f"nml_tracker_last_check_timestamp_seconds {_ts(stats.last_finished)}",
        "# HELP nml_tracker_alerts Alerts in the outbox, by status.",
        "# TYPE nml_tracker_alerts gauge",
        *(f'nml_tracker_alerts{{status="{s}"}} {counts.get(s, 0)}' for s in DeliveryStatus),
        "# HELP nml_tracker_pending_alerts Alerts waiting to be delivered.",
        "# TYPE nml_tracker_pending_alerts gauge",
        f"nml_tracker_pending_alerts {pending}",
        "# HELP nml_tracker_stored_years Review years in the history.",
        "# TYPE nml_tracker_stored_years gauge",
        f"nml_tracker_stored_years {len(years)}",
        "# HELP nml_tracker_next_run_timestamp_seconds When the next scheduled check runs.",
        "# TYPE nml_tracker_next_run_timestamp_seconds gauge",
        f"nml_tracker_next_run_timestamp_seconds {_ts(daemon.next_run())}",
    ]
    return "\n".join(lines) + "\n"


def _ts(value: Any) -> str:
    return f"{value.timestamp():.0f}" if value is not None else "0"


def serve(config: Config, store: Store, daemon: DaemonView) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            try:
                if self.path == "/healthz":
                    code, doc = health(config, store, daemon)
                    self._send(code, "application/json", json.dumps(doc, default=str))
                elif self.path == "/metrics":
                    self._send(200, "text/plain; version=0.0.4", metrics(store, daemon))
                elif report_dir is not None and is_report_path(self.path):
                    serve_report(self, report_dir)
                else:
                    self._send(404, "text/plain", "not found: try /healthz or /metrics\n")
            except Exception as exc:
                log.exception("status endpoint failed")
                self._send(500, "text/plain", f"error: {exc}\n")

        def _send(self, code: int, ctype: str, body: str) -> None:
            data = body.encode()
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("status endpoint: " + format, *args)

    cfg = config.http_status
    report_dir = config.report.out_dir if cfg.serve_report else None
    server = ThreadingHTTPServer((cfg.host, cfg.port or 0), Handler)
    threading.Thread(target=server.serve_forever, name="status-http", daemon=True).start()
    log.info(
        "status endpoint on http://%s:%d/healthz and /metrics%s",
        cfg.host,
        server.server_port,
        " (and the report site under /report/)" if report_dir else "",
    )
    return server
