"""The daemon keeps the report site current and serves it (`report.out_dir`,
`http_status.serve_report`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .clirun import run
from .conftest import sample_pdf
from .smtp_server import Handler, SmtpServer, free_port
from .test_check import PDFS
from .test_daemon import Daemon, _get, daemons, wait_for, write_config
from .ustr_fixture_site import build_ustr
from .ustr_site import Site

pytestmark = pytest.mark.slow  # a real daemon process


def headline(site: Path) -> str:
    try:
        return (site / "index.html").read_text(encoding="utf-8")
    except OSError:
        return ""


def test_the_daemon_rebuilds_and_serves_the_site(tmp_path: Path) -> None:
    port, out = free_port(), tmp_path / "site"
    with Site() as ustr, SmtpServer(Handler()) as smtp:
        write_config(
            tmp_path,
            build_ustr(ustr, {2020: PDFS[2020]}),
            smtp,
            report={"out_dir": "site", "refresh_s": 1},
            http_status={"port": port, "serve_report": True},
        )
        d = Daemon(tmp_path)
        with daemons(d):
            wait_for(
                lambda: "The 2020 Notorious Markets List" in headline(out),
                message="the site after the baseline check",
            )
            served = wait_for(lambda: _get(f"http://127.0.0.1:{port}/report/"), message="/report/")
            assert served.status_code == 200 and served.content == (out / "index.html").read_bytes()
            # a change made by another process (a correction, an ingest) is picked up too
            ingested = run("-q", "ingest", sample_pdf(2021), cwd=tmp_path)
            assert ingested.code == 0, ingested.err
            wait_for(
                lambda: "The 2021 Notorious Markets List" in headline(out),
                message="the site after an ingest elsewhere",
            )
            assert (out / "years" / "2021.html").is_file()
            assert d.stop() == 0
    builds = [
        line.split(": ")[-1].split(",")[0]
        for line in d.output().splitlines()
        if "wrote the site" in line
    ]
    assert builds == ["0 years", "1 year", "2 years"]  # at start, then once per change
