"""Publishing the report site: atomic swaps under readers, what it refuses to replace, rebuilds
only on change, and the status endpoint serving it without path traversal."""

from __future__ import annotations

import http.client
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from tracker.config import Config
from tracker.site.model import SiteData
from tracker.site.publish import (
    SiteError,
    builds_dir,
    publish,
    published_fingerprint,
    read_site,
    refresh,
)
from tracker.status_http import serve
from tracker.store import Store

from .conftest import save
from .test_site import HISTORY, report


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite history of 2019 and 2020, made once and copied by each test."""
    path = tmp_path_factory.mktemp("template") / "tracker.db"
    with Store(f"sqlite:///{path}") as s:
        for year in (2019, 2020):
            save(s, report(year, HISTORY[year]), f"sha-{year}")
    return path


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Iterator[Store]:
    shutil.copyfile(template, tmp_path / "tracker.db")
    with Store(f"sqlite:///{tmp_path}/tracker.db") as s:
        yield s


@pytest.fixture
def data(store: Store) -> SiteData:
    return replace(read_site(store), generated_at="fixed")


def builds(out: Path) -> list[str]:
    return sorted(p.name for p in builds_dir(out).iterdir() if p.name != ".lock")


def test_the_folder_is_a_link_to_the_current_build(data: SiteData, tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = publish(data, out)
    assert out.is_symlink() and out.resolve() == first.build.resolve()
    assert not os.path.isabs(os.readlink(out))  # relative: the folder can be moved
    second = publish(data, out)
    assert out.resolve() == second.build.resolve()
    assert builds(out) == sorted([first.build.name, second.build.name])  # the previous is kept
    third = publish(data, out)
    assert builds(out) == sorted([second.build.name, third.build.name])
    assert (out / "index.html").read_bytes() == (third.build / "index.html").read_bytes()
    assert oct((third.build).stat().st_mode & 0o777) == "0o755"
    assert not list(tmp_path.glob(".site.link-*"))


def test_an_empty_folder_is_taken_over(data: SiteData, tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    publish(data, tmp_path / "site")
    assert (tmp_path / "site").is_symlink()


@pytest.mark.parametrize("what", ["folder", "file", "link"])
def test_what_it_did_not_write_is_never_replaced(data: SiteData, tmp_path: Path, what: str) -> None:
    out = tmp_path / "site"
    if what == "folder":
        out.mkdir()
        (out / "notes.txt").write_text("mine")
    elif what == "file":
        out.write_text("mine")
    else:
        (tmp_path / "elsewhere").mkdir()
        out.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(SiteError, match=r"site: .*(choose another|remove it)"):
        publish(data, out)
    if what == "folder":
        assert (out / "notes.txt").read_text() == "mine"
    elif what == "file":
        assert out.read_text() == "mine"
    else:
        assert out.resolve() == (tmp_path / "elsewhere").resolve()
    assert builds(out) == []  # nothing half built is left behind


def test_readers_never_see_half_a_site(store: Store, data: SiteData, tmp_path: Path) -> None:
    """A reader opening files through the link while builds are swapped in sees one complete
    version of each page or the other, and never a missing file."""
    save(store, report(2021, HISTORY[2021]), "sha-2021")
    later = replace(read_site(store), generated_at="fixed")
    out = tmp_path / "site"
    versions = {}
    for d in (data, later):
        published = publish(d, out)
        versions[len(d.years)] = {
            name: (published.build / name).read_bytes()
            for name in ("index.html", "markets/alpha.html", "feed.atom")
        }
    done, seen, bad = threading.Event(), set(), []

    def read() -> None:
        while not done.is_set():
            for name in ("index.html", "markets/alpha.html", "feed.atom"):
                try:
                    content = (out / name).read_bytes()
                except OSError as exc:
                    bad.append(f"{name}: {exc}")
                    continue
                match = [n for n, v in versions.items() if v[name] == content]
                seen.update(match)
                if not match:
                    bad.append(f"{name}: {len(content)} bytes, neither version")

    readers = [threading.Thread(target=read) for _ in range(3)]
    for t in readers:
        t.start()
    try:
        for n in range(12):
            publish(data if n % 2 else later, out)
    finally:
        done.set()
        for t in readers:
            t.join()
    assert bad == []
    assert seen == {2, 3}
    assert len(builds(out)) == 2


def test_two_builders_at_once_leave_one_good_site(data: SiteData, tmp_path: Path) -> None:
    out, errors = tmp_path / "site", []

    def build() -> None:
        try:
            for _ in range(8):
                publish(data, out)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert (out / "index.html").is_file() and len(builds(out)) == 2


def test_refresh_rebuilds_only_when_the_history_changed(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert refresh(store, out) is not None
    stamp = published_fingerprint(out)
    assert stamp and refresh(store, out) is None  # nothing changed: nothing written
    save(store, report(2021, HISTORY[2021]), "sha-2021")
    rebuilt = refresh(store, out)
    assert rebuilt is not None and rebuilt.years == 3
    assert published_fingerprint(out) != stamp
    (out / ".fingerprint").unlink()  # a build cut short never counts as published
    assert refresh(store, out) is not None


# -- served by the status endpoint ---------------------------------------------------------------


class View:
    state = "idle"

    def next_run(self) -> datetime | None:
        return None


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, Path]]:
    """The endpoint serving a published site; beside it (and planted in it, as a link) files
    that must never be served."""
    tmp = tmp_path_factory.mktemp("served")
    out = tmp / "public" / "site"
    out.parent.mkdir()
    (tmp / "public" / "secret.txt").write_text("not for the web")
    (tmp / "secret.txt").write_text("not for the web")
    config = Config.model_validate(
        {"report": {"out_dir": str(out)}, "http_status": {"serve_report": True}}
    )
    with Store(f"sqlite:///{tmp}/tracker.db") as store:
        for year in (2019, 2020):
            save(store, report(year, HISTORY[year]), f"sha-{year}")
        refresh(store, out)
        (out / "markets" / "outside.html").symlink_to(out.parent / "secret.txt")
        server = serve(config, store, View())
        try:
            yield "127.0.0.1", server.server_port, out
        finally:
            server.shutdown()
            server.server_close()


def get(served: tuple[str, int, Path], path: str) -> tuple[int, dict[str, str], bytes]:
    host, port, _ = served
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", path)  # sent as written: no client-side normalisation
        res = conn.getresponse()
        return res.status, dict(res.getheaders()), res.read()
    finally:
        conn.close()


def test_the_endpoint_serves_the_site(served: tuple[str, int, Path]) -> None:
    status, headers, body = get(served, "/report/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert body == (served[2] / "index.html").read_bytes()
    assert get(served, "/report")[:2][0] == 301
    assert get(served, "/report")[1]["Location"] == "/report/"
    status, headers, _ = get(served, "/report/feed.atom?x=1")
    assert status == 200 and headers["Content-Type"].startswith("application/atom+xml")
    assert get(served, "/report/years/2020.html")[0] == 200
    assert get(served, "/healthz")[0] == 200  # the endpoint's own paths are unchanged


@pytest.mark.parametrize(
    "path",
    [
        "/report/../secret.txt",
        "/report/../../secret.txt",
        "/report/%2e%2e/secret.txt",
        "/report/..%2fsecret.txt",
        "/report/years/..%2f..%2f..%2fsecret.txt",
        "/report/..%5c..%5csecret.txt",
        "/report//etc/passwd",
        "/report/%2fetc%2fpasswd",
        "/report/.fingerprint",
        "/report/index.html%00.css",
        "/report/years/",
        "/report/markets/outside.html",
        "/reports/index.html",
    ],
)
def test_no_path_leaves_the_site(served: tuple[str, int, Path], path: str) -> None:
    status, _, body = get(served, path)
    assert status == 404, path
    assert b"not for the web" not in body
