"""Alembic migrations of the history database, applied by `Store()` and `nml-tracker db upgrade`."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

HERE = Path(__file__).parent
HEAD = "0008"  # the newest revision in versions/ (a test keeps the two in step)


def alembic_config(engine: Engine) -> object:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; safe to run from several processes at once. A database
    already at HEAD is left alone without loading Alembic (it weighs on a small daemon)."""
    if revision == "head" and _version(engine) == HEAD:
        return
    from alembic import command

    command.upgrade(alembic_config(engine), revision)  # type: ignore[arg-type]


def upgrade_in_child(engine: Engine) -> None:
    """Upgrade in a child process, so that a long-lived caller never loads Alembic."""
    import os
    import subprocess
    import sys

    if _version(engine) == HEAD:
        return
    code = (
        "import os; from tracker.migrations import upgrade;"
        " from tracker.store.db import make_engine;"
        " upgrade(make_engine(os.environ['NML_MIGRATE_URL']))"
    )
    url = engine.url.render_as_string(hide_password=False)
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "NML_MIGRATE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        from tracker.errors import StoreError

        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise StoreError(f"the schema upgrade failed: {last}")


def _version(engine: Engine) -> str | None:
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None  # no table yet


def current(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(HERE)).get_current_head()
