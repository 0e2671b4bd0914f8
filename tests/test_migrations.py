"""The schema's migrations: HEAD in step with versions/, and upgrades from every revision."""

from __future__ import annotations

from sqlalchemy import inspect

from tracker.migrations import HEAD, current, head, upgrade
from tracker.store import Store
from tracker.store.db import make_engine
from tracker.store.models import Base


def test_head_constant_matches_the_scripts() -> None:
    assert head() == HEAD


def test_upgrade_step_by_step_matches_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    for revision in ("0001", "0002", HEAD):
        upgrade(engine, revision)
        assert current(engine) == revision
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert tables == set(Base.metadata.tables)
    for name, table in Base.metadata.tables.items():
        columns = {c["name"] for c in inspect(engine).get_columns(name)}
        assert columns == {c.name for c in table.columns}, name
    engine.dispose()
    with Store(db_url) as store:  # opening a current database changes nothing
        assert current(store.engine) == HEAD
