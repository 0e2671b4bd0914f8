"""Alembic environment: runs in the caller's engine, one transaction, under a lock so that two
processes starting at once do not both migrate."""

from __future__ import annotations

from alembic import context

from tracker.store.models import Base

MIGRATION_LOCK = 0x4E4D4C  # an arbitrary PostgreSQL advisory lock key: "NML"

config = context.config
engine = config.attributes["engine"]

# SQLite: the transaction starts with BEGIN IMMEDIATE (see store.make_engine)
with engine.connect() as connection, connection.begin():
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,
    )
    context.run_migrations()
