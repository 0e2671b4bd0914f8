"""Run the `nml-tracker` entry point: in this process (`cli`, fast: `tracker.cli.main(argv)` with
stdout and stderr captured) or in a child process (`run`, what a user's shell does)."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        import json

        return json.loads(self.out)


def _clean_env(env: dict[str, str] | None) -> dict[str, str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    full.update(env or {})
    return full


def run(
    *args: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> Result:
    proc = subprocess.run(
        [sys.executable, "-m", "tracker", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=_clean_env(env),
        timeout=timeout,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def cli(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> Result:
    """`tracker.cli.main(args)` in this process, as `run` would in a child: the environment
    without TRACKER_* (plus `env`), the working directory `cwd`; everything it changes in the
    process (environment, directory, logging, the SIGTERM handler) is put back after."""
    from tracker.cli import main

    out, err = io.StringIO(), io.StringIO()
    with (
        _process_state(cwd, _clean_env(env)),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse: usage errors, --help, --version
            code = exc.code if isinstance(exc.code, int) else 1
    return Result(code, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def _process_state(cwd: Path | None, env: dict[str, str]) -> Iterator[None]:
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    root = logging.getLogger()
    saved_log = (root.handlers[:], root.level)
    saved_term = signal.getsignal(signal.SIGTERM)
    os.environ.clear()
    os.environ.update(env)
    if cwd is not None:
        os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        root.handlers[:] = saved_log[0]
        root.setLevel(saved_log[1])
        signal.signal(signal.SIGTERM, saved_term)
