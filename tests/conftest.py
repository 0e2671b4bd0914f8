from __future__ import annotations

import gc
import json
import shutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tracker.model import CheckRun, IngestResult, Report
from tracker.store import Store

FIXTURES = Path(__file__).parent / "fixtures"


def pytest_configure(config: pytest.Config) -> None:
    """The test process holds a large heap (parsed reports, SQLAlchemy's mappers, servers).
    With Python's default cyclic collector (a pass per 700 allocations) rescanning it costs
    about 16 s of the fast layer's 100 s (measured with a gc.callbacks timer); a first threshold
    of 50,000 makes it about 5 s. The test process only: the tracker keeps Python's default."""
    gc.set_threshold(50_000, *gc.get_threshold()[1:])


SAMPLE_YEARS = (2011, 2016, 2019, 2020, 2021)


def sample_pdf(year: int) -> Path:
    return FIXTURES / f"{year}-docx.pdf"


def sample_truth(year: int) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{year}-docx.truth.json").read_text(encoding="utf-8"))


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A PostgreSQL database of this test session, dropped at its end."""
    import uuid

    import psycopg

    name = f"nml_test_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is needed at 127.0.0.1:5432 (trust auth): {exc}; "
            "start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) "
            "main start",
            pytrace=False,
        )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def reset_pg(url: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file, or the session's PostgreSQL database emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/tracker.db"
    url: str = request.getfixturevalue("pg_database")
    reset_pg(url)
    return url


@cache
def sample_report(year: int) -> Report:
    from tracker.extract import extract

    return extract(sample_pdf(year))


def sample_sha(year: int) -> str:
    import hashlib

    return hashlib.sha256(sample_pdf(year).read_bytes()).hexdigest()


# -- the store, as the tests read and fill it ------------------------------------------------


def save(
    store: Store,
    report: Report,
    sha256: str,
    source_url: str | None = None,
    aliases: dict[str, str] | None = None,
) -> IngestResult:
    """Store a report through the identity stage, as ingest and check do."""
    from tracker.ingest import save_report
    from tracker.records import ReportSource

    with store.transaction() as tx:
        return save_report(tx, report, ReportSource(sha256, source_url), aliases or {})


def save_sample(store: Store, year: int, **kw: Any) -> IngestResult:
    return save(store, sample_report(year), sample_sha(year), **kw)


def stored_years(store: Store) -> list[int]:
    with store.transaction() as tx:
        return tx.reports.years()


def last_runs(store: Store, limit: int = 5) -> list[CheckRun]:
    with store.transaction() as tx:
        return tx.runs.last(limit)


# -- a history ingested by the CLI --------------------------------------------------------


def ingest_samples(cwd: Path, env: dict[str, str]) -> None:
    from .clirun import cli

    for year in (2020, 2021):
        res = cli("-q", "ingest", sample_pdf(year), cwd=cwd, env=env)
        assert res.code == 0, res.err


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder whose SQLite history holds the 2020 and 2021 samples, ingested once."""
    folder = tmp_path_factory.mktemp("history")
    ingest_samples(folder, {"TRACKER_DATABASE_URL": f"sqlite:///{folder}/tracker.db"})
    return folder


@pytest.fixture
def workdir(
    tmp_path: Path, db_url: str, request: pytest.FixtureRequest
) -> tuple[Path, dict[str, str]]:
    """A folder and a database holding the 2020 and 2021 samples, ingested by the CLI (on
    SQLite, a copy of one session-wide ingest)."""
    env = {"TRACKER_DATABASE_URL": db_url}
    if db_url.startswith("sqlite"):
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copytree(template, tmp_path, dirs_exist_ok=True)
    else:
        ingest_samples(tmp_path, env)
    return tmp_path, env
