"""Extraction in a child process, so that a hostile or broken PDF cannot hang, bloat or crash the
process that asked for it (the daemon, a check).

The child is `python -m tracker.sandbox MEGABYTES PDF [LEVEL PDFMINER_LEVEL]`: it caps its own
address space (`extraction.memory_mb`) before it loads the PDF libraries, and is killed when it
outlives the time limit (`extraction.timeout_s`); it prints the report as JSON, and sends its log
records to the parent at the parent's levels.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

from tracker.config import ExtractionConfig
from tracker.errors import ExtractionError, Stopped, TrackerError
from tracker.model import Report

OUT_OF_MEMORY = 3  # the child's exit status when it hit its memory cap


def extract_isolated(
    path: Path, limits: ExtractionConfig, cancel: threading.Event | None = None
) -> Report:
    """Extract `path` in a child process within the limits; raise ExtractionError otherwise
    (or Stopped, when `cancel` is set meanwhile)."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tracker.sandbox",
            str(limits.memory_mb),
            str(path),
            str(logging.getLogger("tracker").getEffectiveLevel()),
            str(logging.getLogger("pdfminer").getEffectiveLevel()),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_die_with_parent,
    )
    deadline = time.monotonic() + limits.timeout_s
    while True:
        try:
            out, err_bytes = proc.communicate(timeout=0.25)
            break
        except subprocess.TimeoutExpired:
            stopped = cancel is not None and cancel.is_set()
            if stopped or time.monotonic() > deadline:
                proc.kill()
                proc.communicate()
                if stopped:
                    raise Stopped("the check was stopped during the extraction") from None
                raise ExtractionError(
                    f"extraction did not finish within {limits.timeout_s:g} s "
                    "(extraction.timeout_s)"
                ) from None
    err = _relog(err_bytes.decode(errors="replace").strip().splitlines())
    if proc.returncode != 0:
        if proc.returncode < 0:
            raise ExtractionError(f"extraction crashed (signal {-proc.returncode})")
        if proc.returncode == OUT_OF_MEMORY:
            raise ExtractionError(f"ran out of memory (extraction.memory_mb: {limits.memory_mb})")
        raise ExtractionError(err[-1] if err else f"exit status {proc.returncode}")
    try:
        return Report.from_json(json.loads(out))
    except (ValueError, KeyError, TypeError) as exc:
        raise ExtractionError(f"the extraction process answered nonsense: {exc}") from exc


def _relog(lines: list[str]) -> list[str]:
    """Log the child's log records here (as this process logs); the other lines are returned."""
    rest = []
    for line in lines:
        try:
            rec = json.loads(line) if line.startswith('{"sandbox_log"') else None
        except ValueError:
            rec = None
        if isinstance(rec, dict):
            logging.getLogger(str(rec.get("logger"))).log(int(rec["level"]), "%s", rec["message"])
        else:
            rest.append(line)
    return rest


class _Records(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        doc = {"sandbox_log": 1, "logger": record.name, "level": record.levelno}
        return json.dumps({**doc, "message": record.getMessage()})


def _log_to_parent(level: int, pdfminer_level: int) -> None:
    """Send the child's records to the parent at the parent's levels: pdfminer's debug output
    (a record per parsed token) is never made when the parent would drop it."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Records())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("pdfminer").setLevel(pdfminer_level)


def _die_with_parent() -> None:
    """In the child, before exec: SIGKILL when the parent dies (Linux prctl PR_SET_PDEATHSIG),
    so a killed check never leaves an extraction running past its limits."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the time limit still applies while the parent lives
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


def main() -> int:
    cap = int(sys.argv[1]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))  # before the PDF libraries load
    level = int(sys.argv[3]) if len(sys.argv) > 3 else logging.WARNING
    _log_to_parent(level, int(sys.argv[4]) if len(sys.argv) > 4 else logging.ERROR)

    try:
        from tracker.extract import extract

        report = extract(Path(sys.argv[2]))
    except TrackerError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except MemoryError:  # loading the libraries or reading the PDF
        os._exit(OUT_OF_MEMORY)  # at once: an orderly exit needs memory too
    json.dump(report.to_json(full=True), sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
