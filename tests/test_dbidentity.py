"""The database's identity: a deleted or replaced database is a loud failure, never a baseline."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tracker.config import Config
from tracker.dbidentity import marker_path
from tracker.model import WarningCode
from tracker.pipeline import run_check
from tracker.store import Store

from .clirun import cli
from .conftest import sample_pdf, stored_years
from .smtp_server import Handler, SmtpServer
from .test_check import PDFS, settings
from .test_daemon import Daemon, daemons, wait_for, write_config
from .ustr_fixture_site import build_ustr
from .ustr_site import Site

SUBJECT = "[nml-tracker] the history database is missing or replaced"


def _remove_database(tmp_path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"tracker.db{suffix}").unlink(missing_ok=True)


def test_a_replaced_database_fails_the_check_and_alerts(tmp_path: Path) -> None:
    with Site() as site, SmtpServer(Handler()) as smtp:
        info = build_ustr(site, {2011: sample_pdf(2011).read_bytes()})  # a short report
        config = Config.model_validate(settings(tmp_path, info["seeds"], smtp.port))
        with Store(config.database_url) as store:
            marker = store.identity()
            assert marker and run_check(config, store).status == "baseline"
        assert marker_path(config).read_text().strip() == marker  # the first check adopts it
        _remove_database(tmp_path)
        site.reset_log()
        with Store(config.database_url) as store:  # a new, empty database
            assert store.identity() != marker
            result = run_check(config, store)
            assert stored_years(store) == []
        assert result.status == "failed" and result.error
        assert "deleted or replaced" in result.error and "db init" in result.error
        assert [w.code for w in result.warnings] == [WarningCode.DATABASE_REPLACED]
        assert site.count() == 0  # no baseline was started
        assert SUBJECT in [m["Subject"] for m in smtp.handler.messages]
        # starting a new history is explicit
        config_file = tmp_path / "config.yaml"
        import yaml

        config_file.write_text(yaml.safe_dump(settings(tmp_path, info["seeds"], smtp.port)))
        init = cli("--config", config_file, "db", "init")
        assert init.code == 0, init.err
        with Store(config.database_url) as store:
            assert run_check(config, store).status == "baseline"


@pytest.mark.slow
def test_database_deleted_under_a_running_daemon(tmp_path: Path) -> None:
    with Site() as site, SmtpServer(Handler()) as smtp:
        info = build_ustr(site, {2020: PDFS[2020]})
        url = write_config(tmp_path, info, smtp)
        d = Daemon(tmp_path)
        with daemons(d):
            with Store(url) as store:
                wait_for(lambda: stored_years(store) == [2020], message="the baseline check")
            wait_for(lambda: "check done" in d.output(), message="the check's end")
            _remove_database(tmp_path)
            build_ustr(site, {2020: PDFS[2020], 2021: PDFS[2021]})
            d.signal(signal.SIGUSR1)
            assert d.proc.wait(60) == 1  # the daemon stops, loudly
        assert "deleted or replaced under the daemon" in d.output()
        subjects = [m["Subject"] for m in smtp.handler.messages]
        assert SUBJECT in subjects
        assert not any("2021" in s for s in subjects)  # no digest, no silent baseline
        with Store(url) as store:
            assert stored_years(store) == []
