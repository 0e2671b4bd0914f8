"""A full disk, for real: the state folder and the SQLite history on a small tmpfs, resized to
leave just too little room. Each failure is one specific line, nothing is half written or left
behind, and once space is freed the same command stores what it could not (nothing is lost).

Mounting needs root (as on the project's machines and CI); elsewhere the tests are skipped and
say why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tracker.config import Config
from tracker.store import Store

from .clirun import cli
from .conftest import sample_pdf, stored_years
from .smtp_server import Handler, SmtpServer
from .test_check import PDFS, settings
from .ustr_fixture_site import build_ustr
from .ustr_site import Site

pytestmark = pytest.mark.slow

KB = 1024
# the 2020 sample PDF, and the 32 KB of SQLite's shared-memory file a writer opens beside the
# history, plus a few pages: not the 100 KB or so the new rows need in the write-ahead log
ROOM_FOR_2020_PDF = len(PDFS[2020]) + 48 * KB


class Disk:
    """A tmpfs mounted at `path`; `leave(n)` resizes it to what is used now plus `n` bytes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir()
        self._mount("-t", "tmpfs", "-o", "size=8m", "tmpfs")

    def _mount(self, *args: str) -> None:
        done = subprocess.run(["mount", *args, str(self.path)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a small filesystem here: {done.stderr.strip()}")

    def used(self) -> int:
        return shutil.disk_usage(self.path).used

    def leave(self, free: int) -> None:
        self._mount("-o", f"remount,size={self.used() + free}")
        assert shutil.disk_usage(self.path).free <= free + 4 * KB

    def grow(self) -> None:
        self._mount("-o", "remount,size=16m")

    def files(self) -> list[str]:
        return sorted(str(p.relative_to(self.path)) for p in self.path.rglob("*") if p.is_file())

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], capture_output=True, check=False)


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Disk]:
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root")
    d = Disk(tmp_path / "disk")
    try:
        yield d
    finally:
        d.unmount()


def archived(disk: Disk) -> list[str]:
    return [f for f in disk.files() if f.startswith("state/reports/")]


def ingest(disk: Disk, year: int) -> tuple[int, str]:
    res = cli("-q", "ingest", sample_pdf(year), cwd=disk.path)
    return res.code, res.err.strip()


def test_ingest_when_the_report_does_not_fit(disk: Disk) -> None:
    assert ingest(disk, 2011)[0] == 0
    disk.leave(64 * KB)  # the 2020 PDF is 137 KB
    code, err = ingest(disk, 2020)
    assert code == 1
    assert err.endswith("cannot write the report: No space left on device"), err
    assert len(err.splitlines()) == 1
    assert len(archived(disk)) == 1  # 2011's; no partial file of 2020
    assert [p.name for p in (disk.path / "state" / "reports").iterdir()] == [
        Path(archived(disk)[0]).name
    ]
    disk.grow()
    assert ingest(disk, 2020) == (0, "")
    with Store(f"sqlite:///{disk.path}/state/tracker.db") as store:
        assert stored_years(store) == [2011, 2020]


def test_ingest_when_the_history_cannot_grow(disk: Disk) -> None:
    assert ingest(disk, 2011)[0] == 0
    listed = cli("-q", "list", "--year", "2011", "--json", cwd=disk.path).json()["entries"]
    disk.leave(ROOM_FOR_2020_PDF)  # room for the PDF, not for the history's new rows
    code, err = ingest(disk, 2020)
    assert code == 1
    assert "disk full" in err and "this write was undone" in err, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert len(archived(disk)) == 1  # the 2020 PDF went with the transaction
    disk.grow()
    again = cli("-q", "list", "--year", "2011", "--json", cwd=disk.path).json()["entries"]
    assert again == listed  # what was there is intact
    assert ingest(disk, 2020) == (0, "")
    assert len(archived(disk)) == 2


def test_check_when_the_history_cannot_grow(disk: Disk) -> None:
    with Site() as site, SmtpServer(Handler()) as smtp:
        info = build_ustr(site, {2020: PDFS[2020]})
        config_file = disk.path / "config.yaml"
        config_file.write_text(yaml.safe_dump(settings(disk.path, info["seeds"], smtp.port)))
        assert cli("-q", "--config", config_file, "db", "init").code == 0
        disk.leave(len(PDFS[2020]) + 120 * KB)  # the download fits; the report's rows do not
        res = cli("-q", "--config", config_file, "check", cwd=disk.path)
        assert res.code == 1
        assert res.err.startswith(f"sqlite:///{disk.path}/tracker.db: disk full"), res.err
        assert "this write was undone" in res.err and "stored the" not in res.err
        assert "Traceback" not in res.err
        assert archived(disk) == []  # no PDF kept without its report
        disk.grow()
        res = cli("-q", "--config", config_file, "check", cwd=disk.path)
        assert res.code == 0, res.err
        config = Config.model_validate(settings(disk.path, info["seeds"], smtp.port))
        with Store(config.database_url) as store:
            assert stored_years(store) == [2020]
            with store.transaction() as tx:
                runs = tx.runs.last(5)
        assert [r.outcome for r in runs] == ["baseline", "failed"]
        assert runs[1].error and "disk full" in runs[1].error  # the failure is on record
        assert len(archived(disk)) == 1


def test_report_site_when_the_disk_is_full(disk: Disk, tmp_path: Path) -> None:
    """The site is swapped in whole (tracker.site.publish): a build that cannot be written
    leaves the published one, and nothing of itself."""
    history = tmp_path / "history"
    history.mkdir()
    for year in (2020, 2021):
        assert cli("-q", "ingest", sample_pdf(year), cwd=history).code == 0
    out = disk.path / "site"
    first = cli("-q", "report", "--out", out, cwd=history)
    assert first.code == 0, first.err
    published = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    on_disk = disk.files()
    assert cli("-q", "ingest", sample_pdf(2019), cwd=history).code == 0
    disk.leave(32 * KB)
    res = cli("-q", "report", "--out", out, cwd=history)
    assert res.code == 1
    assert res.err.strip().endswith("cannot write the site: No space left on device"), res.err
    assert len(res.err.strip().splitlines()) == 1
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == published
    assert disk.files() == on_disk  # the failed build is gone
    disk.grow()
    again = cli("-q", "report", "--out", out, "--json", cwd=history)
    assert again.code == 0 and again.json()["years"] == [2019, 2020, 2021]
