"""The command line. Thin by design: parse, load the config, call one core function, print.

Exit codes: 0 success, 1 the work failed (one line on stderr), 2 usage or configuration error.
Heavy libraries are imported inside the commands so that `--help` starts fast.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tracker import __version__
from tracker.commands import history, markets, operate, reviewing, site
from tracker.commands.common import command as _command
from tracker.commands.common import json_flag as _json_flag
from tracker.commands.common import print_json, table
from tracker.errors import ExtractionError, TrackerError

if TYPE_CHECKING:
    from tracker.model import Report

log = logging.getLogger("tracker")


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
    operate.register(sub)
    history.register(sub)
    markets.register(sub)
    reviewing.register(sub)
    site.register(sub)
    return parser


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
    # pdfminer's warnings are about a PDF's font dictionaries, nothing a user can act on; its
    # debug output is every token it parses (100,000 lines for a 30-page report), never shown
    logging.getLogger("pdfminer").setLevel(logging.WARNING if args.verbose else logging.ERROR)


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


# ---------------------------------------------------------------------------------------------
# commands


def cmd_extract(args: argparse.Namespace) -> int:
    from tracker.extract import explain

    if not args.pdf.is_file():
        raise ExtractionError(f"{args.pdf}: no such file")
    if args.explain:  # the trace is made in this process
        report, trace = explain(args.pdf)
    else:  # in a child process, with check's time and memory limits
        from tracker.config import load
        from tracker.sandbox import extract_isolated

        report, trace = extract_isolated(args.pdf, load(args.config).extraction), None
    if args.json:
        doc = report.to_json()
        if trace is not None:
            doc["explain"] = trace.render(args.page).splitlines()
        print_json(doc)
    elif trace is not None:
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
