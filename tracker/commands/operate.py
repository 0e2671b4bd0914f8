"""check, backfill, digest, test-alert, status, daemon and config: running the tracker."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.commands.common import command, json_flag, load_config, open_store, print_json, table
from tracker.errors import TrackerError

if TYPE_CHECKING:
    from tracker.config import Config
    from tracker.outcome import CheckResult
    from tracker.status import Status
    from tracker.store import Store

log = logging.getLogger("tracker")


def register(sub: Any) -> None:
    p = command(sub, "check", cmd_check, "check ustr.gov now: fetch, extract, store, diff, alert")
    json_flag(p)
    p.add_argument(
        "--notify-baseline",
        action="store_true",
        help="on an empty database, send the digest of the latest report too",
    )
    p.add_argument(
        "--wait",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="when another check is running (the daemon's), wait this long for it (default 30)",
    )
    p.add_argument("--trigger", default="manual", help=argparse.SUPPRESS)  # recorded with the run

    p = command(sub, "backfill", cmd_backfill, "store every report the source lists; no digest")
    json_flag(p)

    p = command(sub, "digest", cmd_digest, "preview a stored year's digest, or send it again")
    p.add_argument("--year", type=int, help="default: the latest stored year")
    p.add_argument("--html", type=Path, metavar="FILE", help="write the HTML part to FILE")
    p.add_argument("--text", action="store_true", help="print the text part (the default)")
    p.add_argument("--send", action="store_true", help="send it again to every recipient")

    p = command(sub, "test-alert", cmd_test_alert, "send a test message through every channel")
    p.add_argument(
        "--kind",
        choices=("test", "notice", "reminder", "watch", "all"),
        default="test",
        help="a plain test (default), or a sample of a review notice, a deadline reminder, "
        "each watchlist's alert, or all of them",
    )

    p = command(sub, "status", cmd_status, "stored years, last checks, next run, pending alerts")
    json_flag(p)

    command(sub, "daemon", cmd_daemon, "run the schedule in the foreground until stopped")

    p = command(sub, "config", cmd_config, "validate the configuration and print it in full")
    json_flag(p)


def locked_check(config: Config, store: Store, *, wait_s: float = 0.0, **kw: Any) -> CheckResult:
    """`run_check` under the database's check lock. When another process holds it beyond
    `wait_s`, nothing is done: status no_change, `already_running` set."""
    import threading

    from tracker.model import CheckWarning, WarningCode
    from tracker.outcome import CheckResult
    from tracker.pipeline import run_check

    cancel = kw.pop("cancel", None) or threading.Event()
    with store.check_lock(wait_s, on_lost=cancel.set) as held:
        if held.acquired:
            return run_check(config, store, cancel=cancel, **kw)
    log.info("a check is already running (%s); not starting another", held.holder)
    message = f"a check is already running ({held.holder}); this one did nothing"
    return CheckResult(
        already_running=True, warnings=[CheckWarning(WarningCode.ALREADY_RUNNING, message)]
    )


def cmd_check(args: argparse.Namespace) -> int:
    import signal
    import threading

    config = load_config(args)
    cancel = threading.Event()  # SIGTERM: stop at the next step, rolling back the current one
    signal.signal(signal.SIGTERM, lambda *_: cancel.set())
    with open_store(config) as store:
        result = locked_check(
            config,
            store,
            wait_s=args.wait,
            notify_baseline=args.notify_baseline,
            trigger=args.trigger,
            cancel=cancel,
        )
    return _report_check(args, result)


def cmd_backfill(args: argparse.Namespace) -> int:
    config = load_config(args)
    with open_store(config) as store:
        result = locked_check(
            config, store, wait_s=30.0, backfill=True, trigger="backfill", progress=_progress()
        )
    return _report_check(args, result)


def _report_check(args: argparse.Namespace, result: CheckResult) -> int:
    from tracker.model import CheckStatus

    failed = result.status is CheckStatus.FAILED
    if args.json:
        print_json(result.to_json())
    elif not failed or result.reports or result.warnings:
        print(render_check(result))
    if failed:
        print(result.error, file=sys.stderr)
        return 1
    return 0


_HEADS = {
    "baseline": "baseline: the history starts here (no digest sent)",
    "new_report": "a new Notorious Markets List",
    "revised": "a stored report was replaced by a corrected PDF",
    "no_change": "no change: no new or corrected report",
    "failed": "failed (see the error below)",
}


def render_check(result: CheckResult) -> str:
    from tracker.model import ReportStatus

    head = _HEADS[result.status]
    if result.already_running:
        head = "a check is already running; this one did nothing"
    out = [head]
    for r in result.reports:
        c = r.changes
        summary = (
            (
                f"{len(c.new_entries)} new, {len(c.removed)} removed, "
                f"{len(c.still_listed)} still listed"
            )
            if c and c.old
            else "first stored year"
        )
        flag = "  NEEDS REVIEW" if r.report_status is ReportStatus.NEEDS_REVIEW else ""
        if r.review_year in result.held:
            flag += f"  HELD (nml-tracker review {r.review_year})"
        out.append(
            f"  {r.review_year} ({r.status}): {r.entries} markets; {summary}{flag}\n    {r.url}"
        )
    out += [f"  warning: {w.message}" for w in result.warnings]
    if result.alerts_sent or result.alerts_pending or result.held:
        out.append(
            f"  alerts: {result.alerts_sent} sent, {result.alerts_pending} pending, "
            f"{len(result.held)} digest(s) held"
        )
    return "\n".join(out)


def _progress() -> Callable[[int, int, str], None]:
    """A progress bar on a terminal, a log line per report otherwise."""
    tty = sys.stderr.isatty()

    def show(n: int, total: int, url: str) -> None:
        if tty:
            width = 30
            done = int(width * n / max(total, 1))
            name = url.rsplit("/", 1)[-1][:40]
            sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {n}/{total} {name:40}")
            if n == total:
                sys.stderr.write("\n")
            sys.stderr.flush()
        else:
            log.info("backfill %d/%d: %s", n, total, url)

    return show


def cmd_digest(args: argparse.Namespace) -> int:
    from tracker.pipeline import preview_digest, resend_digest

    config = load_config(args)
    with open_store(config) as store:
        year, rendered = preview_digest(config, store, args.year)
        if args.html:
            args.html.write_text(rendered.html, encoding="utf-8")
        if args.text or not (args.html or args.send):
            print(f"Subject: {rendered.subject}\n")
            print(rendered.text, end="")
        if not args.send:
            return 0
        with store.transaction() as tx:
            if year in tx.report_reviews.held_years():
                raise TrackerError(
                    f"the {year} digest is held for review: `nml-tracker review {year}` shows "
                    f"why, `nml-tracker review {year} --approve` releases it"
                )
        stats = resend_digest(config, store, year)
    print(
        f"digest for {year}: {stats.sent} sent, {stats.pending} pending, {stats.failed} failed",
        file=sys.stderr,
    )
    return _delivered(stats.errors)


def cmd_test_alert(args: argparse.Namespace) -> int:
    from tracker.pipeline import send_test_alert

    config = load_config(args)
    with open_store(config) as store:
        stats = send_test_alert(config, store, args.kind)
    print(f"test alert: {stats.sent} sent, {stats.failed} failed, {stats.pending} pending")
    return _delivered(stats.errors)


def _delivered(errors: list[str]) -> int:
    """0 when every message went through, else the first error as the one line."""
    if errors:
        raise TrackerError(errors[0])
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from tracker.follow import local_day
    from tracker.records import iso
    from tracker.status import status
    from tracker.store import utcnow

    config = load_config(args)
    with open_store(config) as store:
        doc = status(store, local_day(config, utcnow()))
    if args.json:
        print_json(doc.to_json())
        return 0
    print(f"stored years: {', '.join(map(str, doc.stored_years)) or 'none'}")
    print(f"next run: {iso(doc.next_run) or 'no daemon running'}")
    print(f"pending alerts: {doc.pending_alerts}")
    print(f"open review: {_review_line(doc)}")
    if doc.needs_review:
        print(f"needs review: {', '.join(map(str, doc.needs_review))}")
    if doc.held:
        print(f"held digests: {', '.join(map(str, doc.held))} (`nml-tracker review`)")
    print("last checks:")
    rows = [(iso(c.started_at), c.trigger, c.outcome, c.error or "") for c in doc.last_checks]
    print(table(rows, ("started", "trigger", "outcome", "error")) if rows else "  none yet")
    _print_deliveries(doc)
    return 0


def _review_line(doc: Status) -> str:
    r, today = doc.review_open, doc.today
    if r is None or today is None:
        return "none (no Federal Register comment request is open)"
    due = r.next_deadline(today)
    when = f"next deadline: {due.what} on {due.date.isoformat()}" if due else "no deadline stated"
    return f"{r.review_year} ({when}) {r.url}"


def _print_deliveries(doc: Status) -> None:
    if not doc.deliveries:
        return
    print("deliveries not sent:")
    rows = [
        (
            i.id,
            i.message.kind,
            i.message.channel,
            i.message.recipient,
            i.status,
            i.attempts,
            i.last_error or "",
        )
        for i in doc.deliveries
    ]
    print(table(rows, ("id", "kind", "channel", "recipient", "status", "attempts", "last error")))


def cmd_daemon(args: argparse.Namespace) -> int:
    import os

    from tracker.daemon import run_daemon
    from tracker.store import Store

    config = load_config(args)
    path = args.config or os.environ.get("TRACKER_CONFIG")
    if path is None and Path("config.yaml").is_file():
        path = "config.yaml"
    with Store(config.database_url, migrate=False) as store:  # the daemon migrates (in a child)
        return run_daemon(
            config, store, str(Path(path).resolve()) if path else None, args.log_format
        )


def cmd_config(args: argparse.Namespace) -> int:
    config = load_config(args)
    from tracker.configfile import redacted

    doc = redacted(config.model_dump(mode="json"))  # no secret is ever printed
    if args.json:
        print_json(doc)
    else:
        import yaml

        print(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).rstrip())
    return 0
