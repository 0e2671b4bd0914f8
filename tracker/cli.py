"""The command line. Thin by design: parse, load the config, call one core function, print.

Exit codes: 0 success, 1 the work failed (one line on stderr), 2 usage or configuration error.
Heavy libraries are imported inside the commands so that `--help` starts fast.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker import __version__
from tracker.errors import ExtractionError, TrackerError

if TYPE_CHECKING:
    from tracker.config import Config
    from tracker.diff import Changes, Item
    from tracker.model import Report
    from tracker.pipeline import CheckResult
    from tracker.store import Store

log = logging.getLogger("tracker")
Handler = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup_logging(args)
    try:
        return int(args.func(args))
    except TrackerError as exc:
        if args.verbose:
            log.exception("failed")
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: one line, the traceback only when asked for
        if args.verbose:
            log.exception("unexpected error")
        print(
            f"unexpected error: {type(exc).__name__}: {exc} (rerun with --verbose)", file=sys.stderr
        )
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nml-tracker",
        description="Follow USTR's Notorious Markets List: fetch each new report, extract every "
        "listed market, keep the history and send a digest.",
    )
    parser.add_argument("--version", action="version", version=f"nml-tracker {__version__}")
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="configuration file (default: $TRACKER_CONFIG, else ./config.yaml)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logs and tracebacks")
    parser.add_argument("-q", "--quiet", action="store_true", help="log only errors")
    parser.add_argument(
        "--log-format", choices=("text", "json"), default="text", help="log lines as text or JSON"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = _command(sub, "extract", cmd_extract, "parse a local report PDF and print its markets")
    p.add_argument("pdf", type=Path, metavar="PDF")
    _json_flag(p)
    p.add_argument(
        "--allow-mismatch",
        action="store_true",
        help="exit 0 even when the extracted counts differ from the counts the report states",
    )
    p.add_argument(
        "--explain",
        action="store_true",
        help="print why each line got its role (the trace to paste into a bug report)",
    )
    p.add_argument(
        "--page", type=int, metavar="N", help="with --explain: only the lines of PDF page N"
    )
    p = _command(sub, "check", cmd_check, "check ustr.gov now: fetch, extract, store, diff, alert")
    _json_flag(p)
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

    p = _command(sub, "backfill", cmd_backfill, "store every report the source lists; no digest")
    _json_flag(p)

    p = _command(sub, "digest", cmd_digest, "preview a stored year's digest, or send it again")
    p.add_argument("--year", type=int, help="default: the latest stored year")
    p.add_argument("--html", type=Path, metavar="FILE", help="write the HTML part to FILE")
    p.add_argument("--text", action="store_true", help="print the text part (the default)")
    p.add_argument("--send", action="store_true", help="send it again to every recipient")

    p = _command(sub, "test-alert", cmd_test_alert, "send a test message through every channel")

    p = _command(sub, "status", cmd_status, "stored years, last checks, next run, pending alerts")
    _json_flag(p)

    p = _command(sub, "daemon", cmd_daemon, "run the schedule in the foreground until stopped")

    p = _command(sub, "config", cmd_config, "validate the configuration and print it in full")
    _json_flag(p)

    p = _command(sub, "ingest", cmd_ingest, "extract a local report PDF and store it (no alert)")
    p.add_argument("pdf", type=Path, metavar="PDF")
    p.add_argument("--url", help="where the PDF came from")
    _json_flag(p)

    p = _command(sub, "list", cmd_list, "the markets of one stored year (default: the latest)")
    p.add_argument("--year", type=int)
    _json_flag(p)

    p = _command(sub, "diff", cmd_diff, "compare two stored years (default: the two latest)")
    p.add_argument("years", type=int, nargs="*", metavar="YEAR", help="OLD NEW")
    _json_flag(p)

    p = _command(sub, "history", cmd_history, "one market's record across the years")
    p.add_argument("name", metavar="NAME", help="a market id, a printed name or an alias")
    _json_flag(p)

    p = _command(sub, "export", cmd_export, "the whole history, a row per listing")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--output", "-o", type=Path, help="write to this file (default: stdout)")

    p = _command(sub, "db", cmd_db, "database maintenance")
    p.add_argument(
        "action", choices=("upgrade", "current"), help="apply migrations / show revision"
    )
    return parser


def _command(sub: Any, name: str, func: Handler, help_text: str) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=help_text)
    p.set_defaults(func=func)
    return p


def _json_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")


def _setup_logging(args: argparse.Namespace) -> None:
    # one-shot commands speak through their output; the daemon logs what it does
    default = logging.INFO if args.command == "daemon" else logging.WARNING
    level = logging.DEBUG if args.verbose else logging.ERROR if args.quiet else default
    handler = logging.StreamHandler(sys.stderr)
    if args.log_format == "json":
        handler.setFormatter(_JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("pdfminer", "urllib3", "apscheduler.executors", "alembic"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        doc = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False)


def _config(args: argparse.Namespace) -> Config:
    from tracker.config import load

    return load(args.config)


def print_json(doc: Any) -> None:
    print(json.dumps(doc, ensure_ascii=False, indent=2))


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# commands


def cmd_extract(args: argparse.Namespace) -> int:
    from tracker.extract import explain

    if not args.pdf.is_file():
        raise ExtractionError(f"{args.pdf}: no such file")
    report, trace = explain(args.pdf)
    if args.json:
        doc = report.to_json()
        if args.explain:
            doc["explain"] = trace.render(args.page).splitlines()
        print_json(doc)
    elif args.explain:
        print(trace.render(args.page))
    else:
        print(render_report(report))
    if report.counts_match is False and not args.allow_mismatch:
        got, stated = report.counts, report.stated_counts
        assert stated is not None
        raise ExtractionError(
            f"{args.pdf}: extracted {got.online} online and {got.physical} physical markets but "
            f"the report states {stated.online} and {stated.physical} "
            "(check the warnings; --allow-mismatch accepts it)"
        )
    return 0


def render_report(report: Report) -> str:
    got, stated = report.counts, report.stated_counts
    out = [
        f"{report.title} (review year {report.review_year}, {report.pages} pages)",
        f"extracted {got.online} online and {got.physical} physical markets; "
        + (
            f"the report states {stated.online} and {stated.physical}"
            if stated
            else "the report states no counts"
        ),
        "",
        f"Online markets ({got.online})",
        table(
            [(e.page, e.name, ", ".join(e.domains)) for e in report.entries if e.kind == "online"],
            ("page", "name", "domains"),
        ),
        "",
        f"Physical markets ({got.physical})",
        table(
            [(e.page, e.name, e.city, e.country) for e in report.entries if e.kind == "physical"],
            ("page", "name", "city", "country"),
        ),
    ]
    if report.warnings:
        out += ["", "Warnings:", *(f"  - {w}" for w in report.warnings)]
    return "\n".join(out)


def cmd_config(args: argparse.Namespace) -> int:
    config = _config(args)
    doc = config.model_dump(mode="json")
    if args.json:
        print_json(doc)
    else:
        import yaml

        print(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).rstrip())
    return 0


def _store(config: Config) -> Store:
    from tracker.pipeline import open_store

    return open_store(config)


def cmd_ingest(args: argparse.Namespace) -> int:
    from tracker.model import count_mismatches
    from tracker.pipeline import ingest_file

    config = _config(args)
    if not args.pdf.is_file():
        raise ExtractionError(f"{args.pdf}: no such file")
    with _store(config) as store:
        result = ingest_file(config, store, args.pdf, args.url)
    stored = result.report
    if args.json:
        print_json(
            {
                "status": result.status,
                "review_year": stored.review_year,
                "revision": stored.revision,
                "report_status": stored.status,
                "counts": stored.counts.to_json(),
                "stated_counts": stored.stated_counts.to_json() if stored.stated_counts else None,
                "new_markets": list(result.new_markets),
                "possible_matches": [p.to_json() for p in result.possible_matches],
            }
        )
    elif result.status == "unchanged":
        print(
            f"unchanged: {args.pdf} is already stored as the {stored.review_year} review "
            f"(revision {stored.revision})"
        )
    else:
        print(
            f"{result.status}: the {stored.review_year} review, revision {stored.revision}: "
            f"{stored.counts.online} online and {stored.counts.physical} physical markets, "
            f"{len(result.new_markets)} never listed before"
        )
        for p in result.possible_matches:
            print(
                f"  possible match: {p.name!r} ({p.market_id}) may be {p.candidate_name!r} "
                f"({p.candidate_id}), {p.reason} {p.score:.0f}"
            )
    if stored.status == "needs_review" and result.status != "unchanged":
        print(
            f"WARNING: the {stored.review_year} review is stored as NEEDS REVIEW: "
            + count_mismatches(stored.notices),
            file=sys.stderr,
        )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    config = _config(args)
    with _store(config) as store:
        year = args.year
        if year is None:
            years = store.years()
            if not years:
                raise TrackerError("no report stored yet: run `nml-tracker check` or `ingest`")
            year = years[-1]
        listings = store.listings(year)
    if args.json:
        print_json({"review_year": year, "entries": [li.to_json() for li in listings]})
        return 0
    print(f"The {year} Notorious Markets List: {len(listings)} markets")
    rows = [
        (li.entry.page, li.entry.kind, li.entry.name, li.entry.city, li.entry.country, li.market_id)
        for li in listings
    ]
    print(table(rows, ("page", "kind", "name", "city", "country", "market id")))
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from tracker.pipeline import changes, default_years

    if len(args.years) not in (0, 2):
        raise _usage("diff takes no year (the two latest) or two: OLD NEW")
    config = _config(args)
    with _store(config) as store:
        old, new = args.years or default_years(store)
        result = changes(store, old, new)
    if args.json:
        print_json(result.to_json())
    else:
        print(render_changes(result))
    return 0


def render_changes(c: Changes) -> str:
    def names(items: Sequence[Item], extra: Callable[[Item], str] = lambda i: "") -> list[str]:
        return [f"  {i.name}{extra(i)}" for i in items] or ["  (none)"]

    out = [
        f"The {c.new} list against {c.old}: {len(c.new_entries)} new "
        f"({len(c.returning)} returning), {len(c.removed)} removed, "
        f"{len(c.still_listed)} still listed, {len(c.renamed)} renamed",
        "",
        "New (first time ever):",
        *names(c.first_time),
        "",
        "Returning:",
        *names(
            c.returning,
            lambda i: f" (absent {', '.join(map(str, i.years_absent))})" if i.years_absent else "",
        ),
        "",
        "Removed:",
        *names(c.removed),
        "",
        "Renamed:",
        *([f"  {i.old_name} -> {i.name}" for i in c.renamed] or ["  (none)"]),
        "",
        "Still listed:",
        *names(
            c.still_listed,
            lambda i: (
                f" ({i.streak} years running, {len(i.years_listed)} in all, first {i.first_listed})"
            ),
        ),
    ]
    if c.possible_matches:
        out += ["", "Possible matches (a human should decide; add an alias to merge):"]
        out += [
            f"  {p.name} ({p.market_id}) ~ {p.candidate_name} ({p.candidate_id}), "
            f"{p.reason} {p.score:.0f}"
            for p in c.possible_matches
        ]
    return "\n".join(out)


def cmd_history(args: argparse.Namespace) -> int:
    from tracker.pipeline import market_history

    config = _config(args)
    with _store(config) as store:
        record = market_history(store, args.name)
    if args.json:
        print_json(record)
        return 0
    years = record["years_listed"]
    assert isinstance(years, list)
    print(
        f"{record['name']} ({record['market_id']}, {record['kind']}"
        + (f", {record['country']}" if record["country"] else "")
        + ")"
    )
    print(f"listed in {len(years)} year(s): {', '.join(map(str, years))}")
    listings = record["listings"]
    assert isinstance(listings, list)
    print(
        table(
            [(li["review_year"], li["name"], li["city"], li["page"]) for li in listings],
            ("year", "printed name", "city", "page"),
        )
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    config = _config(args)
    with _store(config) as store:
        rows = store.export_rows()
    out = args.output.open("w", encoding="utf-8", newline="") if args.output else sys.stdout
    try:
        if args.format == "json":
            json.dump(rows, out, ensure_ascii=False, indent=2)
            out.write("\n")
        else:
            import csv

            fields = list(rows[0]) if rows else ["review_year", "market_id", "name"]
            writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({**row, "domains": " ".join(row["domains"])})
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from tracker.migrations import current, head
    from tracker.store import Store

    config = _config(args)
    store = Store(config.database_url, migrate=args.action == "upgrade")
    try:
        print(f"database at revision {current(store.engine)} (latest: {head()})")
    finally:
        store.close()
    return 0


class _UsageError(TrackerError):
    exit_code = 2


def _usage(message: str) -> TrackerError:
    return _UsageError(message)


def cmd_check(args: argparse.Namespace) -> int:
    import signal
    import threading

    from tracker.pipeline import locked_check

    config = _config(args)
    cancel = threading.Event()  # SIGTERM: stop at the next step, rolling back the current one
    signal.signal(signal.SIGTERM, lambda *_: cancel.set())
    with _store(config) as store:
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
    from tracker.pipeline import locked_check

    config = _config(args)
    with _store(config) as store:
        result = locked_check(
            config, store, wait_s=30.0, backfill=True, trigger="backfill", progress=_progress()
        )
    return _report_check(args, result)


def _report_check(args: argparse.Namespace, result: CheckResult) -> int:
    if args.json:
        print_json(result.to_json())
    elif result.status != "failed" or result.reports or result.warnings:
        print(render_check(result))
    if result.status == "failed":
        print(result.error, file=sys.stderr)
        return 1
    return 0


def render_check(result: CheckResult) -> str:
    head = {
        "baseline": "baseline: the history starts here (no digest sent)",
        "new_report": "a new Notorious Markets List",
        "revised": "a stored report was replaced by a corrected PDF",
        "no_change": "no change: no new or corrected report"
        if not result.already_running
        else "a check is already running; this one did nothing",
        "failed": "failed (see the error below)",
    }[result.status]
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
        flag = "  NEEDS REVIEW" if r.report_status == "needs_review" else ""
        out.append(
            f"  {r.review_year} ({r.status}): {r.entries} markets; {summary}{flag}\n    {r.url}"
        )
    out += [f"  warning: {w}" for w in result.warnings]
    if result.alerts_sent or result.alerts_pending:
        out.append(f"  alerts: {result.alerts_sent} sent, {result.alerts_pending} pending")
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
    from alerts.digest import render
    from alerts.outbox import deliver, queue_digest
    from tracker.pipeline import digest_input
    from tracker.store import utcnow

    config = _config(args)
    with _store(config) as store:
        year = args.year or max(store.years(), default=None)
        if year is None:
            raise TrackerError("no report stored yet: run `nml-tracker check` or `ingest`")
        rendered = render(digest_input(store, year), config.alerts.templates_dir)
        if args.html:
            args.html.write_text(rendered.html, encoding="utf-8")
        if args.text or not (args.html or args.send):
            print(f"Subject: {rendered.subject}\n")
            print(rendered.text, end="")
        if not args.send:
            return 0
        report = store.current_report(year)
        assert report is not None
        with store.session() as s:
            queued = queue_digest(
                s, config, report.id, rendered, key_suffix=f":resend-{utcnow().isoformat()}"
            )
        if not queued:
            raise TrackerError("no recipient is configured (alerts.email, webhooks, apprise)")
        stats = deliver(store, config)
    print(
        f"digest for {year}: {stats.sent} sent, {stats.pending} pending, {stats.failed} failed",
        file=sys.stderr,
    )
    if stats.errors:
        raise TrackerError(stats.errors[0])
    return 0


def cmd_test_alert(args: argparse.Namespace) -> int:
    from alerts.channels import digest_recipients
    from alerts.operators import recipients as operator_recipients
    from alerts.outbox import deliver, queue_message
    from tracker.store import outbox as box
    from tracker.store import utcnow

    config = _config(args)
    to = list(dict.fromkeys(digest_recipients(config.alerts) + operator_recipients(config)))
    if not to:
        raise TrackerError(
            "no channel is configured: set alerts.email (host, recipients or "
            "operators), alerts.webhooks or alerts.apprise"
        )
    with _store(config) as store:
        with store.session() as s:
            queue_message(
                s,
                "test",
                utcnow().isoformat(),
                to,
                "[nml-tracker] test alert",
                "This is a test message from nml-tracker: the channel works.\n",
            )
        stats = deliver(store, config)
        for item in box.items(store, ("pending",), kind="test"):  # a test is not retried later
            box.give_up(store, item.id, item.last_error or "not sent")
    print(f"test alert: {stats.sent} sent, {stats.failed} failed, {stats.pending} pending")
    if stats.errors:
        raise TrackerError(stats.errors[0])
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from tracker.pipeline import status

    config = _config(args)
    with _store(config) as store:
        doc = status(store)
    if args.json:
        print_json(doc)
        return 0
    years = doc["stored_years"]
    print(f"stored years: {', '.join(map(str, years)) or 'none'}")
    print(f"next run: {doc['next_run'] or 'no daemon running'}")
    print(f"pending alerts: {doc['pending_alerts']}")
    if doc["needs_review"]:
        print(f"needs review: {', '.join(map(str, doc['needs_review']))}")
    print("last checks:")
    rows = [
        (c["started_at"], c["trigger"], c["outcome"], c["error"] or "") for c in doc["last_checks"]
    ]
    print(table(rows, ("started", "trigger", "outcome", "error")) if rows else "  none yet")
    if doc["deliveries"]:
        print("deliveries not sent:")
        print(
            table(
                [
                    (
                        d["id"],
                        d["kind"],
                        d["channel"],
                        d["recipient"],
                        d["status"],
                        d["attempts"],
                        d["last_error"] or "",
                    )
                    for d in doc["deliveries"]
                ],
                ("id", "kind", "channel", "recipient", "status", "attempts", "last error"),
            )
        )
    return 0


def cmd_daemon(args: argparse.Namespace) -> int:
    import os

    from tracker.daemon import run_daemon

    config = _config(args)
    path = args.config or os.environ.get("TRACKER_CONFIG")
    if path is None and Path("config.yaml").is_file():
        path = "config.yaml"
    from tracker.store import Store

    with Store(config.database_url, migrate=False) as store:  # the daemon migrates (in a child)
        return run_daemon(
            config, store, str(Path(path).resolve()) if path else None, args.log_format
        )
