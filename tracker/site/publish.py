"""Publishing the site: every build goes to a new folder, then is swapped in atomically.

`out_dir` (say `/srv/nml/site`) is a symbolic link to the current build, kept beside it in
`/srv/nml/.site.builds/build-XXXX/`. A rebuild writes a whole new build folder, then creates a
new link under a temporary name in the same directory and renames it over `out_dir`. rename(2)
replaces a directory entry atomically: at every instant `out_dir` names either the old complete
build or the new complete build, never a half-written one, and never nothing. The previous
build is kept until the next rebuild, so a reader (or the HTTP endpoint) that resolved the link
just before the swap still finds every file it is about to open. Builds are written under an
exclusive lock (flock on `.site.builds/.lock`), so two builders (the daemon and a manual
`report`) never prune each other's build. `.fingerprint`, written last into each build, is a
hash of the data and the code that made it: the daemon rebuilds only when it differs (a build
cut short by a crash has none, and is rebuilt).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path

from tracker import __version__
from tracker.errors import TrackerError
from tracker.site.gather import gather
from tracker.site.model import SiteData
from tracker.site.render import Files, render
from tracker.store import Store, utcnow

FINGERPRINT = ".fingerprint"


class SiteError(TrackerError):
    """The site could not be written where it was asked to be."""


@dataclass(frozen=True)
class Published:
    out_dir: Path
    build: Path
    files: int
    index_bytes: int
    seconds: float
    years: int
    markets: int


def builds_dir(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.builds"


@cache
def _code_hash() -> str:
    """The templates and assets: a new version of them makes a new site from the same data."""
    h = hashlib.sha256(__version__.encode())
    root = resources.files("tracker.site")
    for folder in ("templates", "assets"):
        for f in sorted(root.joinpath(folder).iterdir(), key=lambda p: p.name):
            h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()


def fingerprint(data: SiteData) -> str:
    """What a build was made from; the build time is left out."""
    text = repr(replace(data, generated_at=""))
    return hashlib.sha256((_code_hash() + text).encode()).hexdigest()


def published_fingerprint(out_dir: Path) -> str | None:
    try:
        return (out_dir / FINGERPRINT).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def read_site(store: Store, base_url: str | None = None) -> SiteData:
    """The site's data, in one consistent read of the history."""
    stamp = utcnow().strftime("%Y-%m-%d %H:%M UTC")
    with store.snapshot() as tx:
        return gather(tx, base_url, stamp)


def refresh(store: Store, out_dir: Path, base_url: str | None = None) -> Published | None:
    """Rebuild the site when the history (or the code) changed since the published build."""
    data = read_site(store, base_url)
    if published_fingerprint(out_dir) == fingerprint(data):
        return None
    return publish(data, out_dir)


def publish(data: SiteData, out_dir: Path) -> Published:
    """Render `data` into a new build and swap it in as `out_dir`."""
    started = time.perf_counter()
    out_dir = Path(os.path.abspath(out_dir))
    files = render(data)
    builds = builds_dir(out_dir)
    try:
        builds.mkdir(parents=True, exist_ok=True)
        with _locked(builds):
            _check_replaceable(out_dir, builds)
            build = Path(tempfile.mkdtemp(prefix="build-", dir=builds))
            try:
                os.chmod(build, 0o755)  # mkdtemp makes it private; a web server must read it
                write_files(files, build)
                (build / FINGERPRINT).write_text(fingerprint(data), encoding="utf-8")
                previous = _swap(out_dir, build)
            except BaseException:
                shutil.rmtree(build, ignore_errors=True)
                raise
            _prune(out_dir, builds, keep={build, previous})
    except OSError as exc:
        raise SiteError(f"{out_dir}: cannot write the site: {exc.strerror or exc}") from exc
    index = files.get("index.html", b"")
    return Published(
        out_dir,
        build,
        len(files),
        len(index) if isinstance(index, bytes) else 0,
        time.perf_counter() - started,
        len(data.years),
        len(data.markets),
    )


def write_files(files: Files, folder: Path) -> None:
    for name, content in sorted(files.items()):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copyfile(content, path)
        else:
            path.write_bytes(content)


@contextmanager
def _locked(builds: Path) -> Iterator[None]:
    with (builds / ".lock").open("a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _ours(out_dir: Path, builds: Path) -> bool:
    """Whether `out_dir` is a link to one of our builds."""
    target = Path(os.path.normpath(out_dir.parent / os.readlink(out_dir)))
    return target.parent == builds


def _check_replaceable(out_dir: Path, builds: Path) -> None:
    """Never replace what this program did not write: a folder of files, a file, a link
    elsewhere. An empty folder is taken over (it is removed just before the swap)."""
    if out_dir.is_symlink():
        if not _ours(out_dir, builds):
            raise SiteError(
                f"{out_dir}: a link to {os.readlink(out_dir)}, not to a build in {builds}; "
                "remove it or choose another folder"
            )
    elif out_dir.is_dir():
        if any(out_dir.iterdir()):
            raise SiteError(
                f"{out_dir}: a folder that is not a site built by nml-tracker (a link to a build "
                f"in {builds}); move it away or choose another folder"
            )
    elif out_dir.exists():
        raise SiteError(f"{out_dir}: not a folder; choose another path")


def _swap(out_dir: Path, build: Path) -> Path | None:
    """Point `out_dir` at `build` with one rename; returns the build it named before."""
    previous = None
    if out_dir.is_symlink():
        previous = Path(os.path.normpath(out_dir.parent / os.readlink(out_dir)))
    elif out_dir.is_dir():
        out_dir.rmdir()  # empty (checked): nothing to lose, nothing a reader could miss
    link = out_dir.parent / f".{out_dir.name}.link-{secrets.token_hex(6)}"
    os.symlink(os.path.relpath(build, out_dir.parent), link)
    try:
        os.replace(link, out_dir)
    except BaseException:
        link.unlink(missing_ok=True)
        raise
    return previous


def _prune(out_dir: Path, builds: Path, keep: set[Path | None]) -> None:
    """Remove the builds older than the previous one, and what crashed builds left."""
    for link in out_dir.parent.glob(f".{out_dir.name}.link-*"):
        link.unlink(missing_ok=True)
    for entry in builds.iterdir():
        if entry.name == ".lock" or entry in keep:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def describe(p: Published) -> str:
    """One line for the command and the daemon's log."""
    return (
        f"wrote the site to {p.out_dir}: {_n(p.years, 'year')}, {_n(p.markets, 'market')}, "
        f"{p.files} files, "
        f"index {p.index_bytes / 1024:.0f} KB, in {p.seconds:.2f} s"
    )


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
