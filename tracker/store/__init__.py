"""The history database: the one door to it, and the only package that knows SQLAlchemy.

SQLite (default, WAL, foreign keys on, writers serialised with BEGIN IMMEDIATE) or PostgreSQL
(`postgresql+psycopg://`). The schema is managed by Alembic (`tracker/migrations`) and brought
up to date whenever a Store opens. Everything leaving this package is a frozen dataclass.

    with store.transaction() as tx:       # one unit of work: committed, or rolled back whole
        year = tx.reports.current(2021)
        tx.outbox.enqueue(messages)

`Transaction` groups the tables by concept: `reports` (reports, revisions, listings),
`markets` (markets, the identity stage's results: each listing's market, possible matches,
redirects of retired ids), `corrections` (a person's merges, splits and renames), `runs` (check
runs), `daemons` (heartbeats), `cache` (the HTTP cache), `outbox` (alerts) and `notices` (the
Federal Register's review notices, and how asking it has gone) and `report_reviews` (held digests
and a person's corrections of an extracted list). Outside a transaction, the
Store offers the check lock and the outbox as delivery uses it (each call its own short
transaction).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from tracker.errors import StoreError
from tracker.store.cache import HttpCache
from tracker.store.corrections import Corrections
from tracker.store.db import db_message, make_engine, safe_url, utcnow
from tracker.store.locks import Held, check_lock
from tracker.store.markets import Markets
from tracker.store.notices import Notices
from tracker.store.outbox import DeliveryOutbox, Outbox
from tracker.store.report_reviews import ReportReviews
from tracker.store.reports import Reports
from tracker.store.runs import Daemons, Runs

__all__ = ["Held", "Store", "Transaction", "utcnow"]

log = logging.getLogger(__name__)


class Transaction:
    """One unit of work on the history: every read and write through it is one transaction."""

    def __init__(self, session: Session) -> None:
        self.reports = Reports(session)
        self.markets = Markets(session)
        self.corrections = Corrections(session)
        self.runs = Runs(session)
        self.daemons = Daemons(session)
        self.cache = HttpCache(session)
        self.outbox = Outbox(session)
        self.notices = Notices(session)
        self.report_reviews = ReportReviews(session)


class Store:
    """The history database at `url`."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        try:
            self.engine = make_engine(url)
            if migrate:
                self.migrate()
        except ImportError as exc:
            raise StoreError(
                f"no database driver for {safe_url(url)}: {exc.msg} "
                "(for PostgreSQL: pip install 'nml-tracker[postgres]')"
            ) from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"{safe_url(url)}: {db_message(exc)}") from exc
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.outbox = DeliveryOutbox(self._session)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A unit of work: committed on success, rolled back on any error."""
        with self._session() as session:
            yield Transaction(session)

    @contextmanager
    def snapshot(self) -> Iterator[Transaction]:
        """A read-only unit of work that sees one state of the history from its first read to
        its end, whatever commits meanwhile: PostgreSQL's default (read committed) gives each
        statement its own view, so this asks for REPEATABLE READ, READ ONLY; SQLite's
        transactions (BEGIN IMMEDIATE here) are serializable already."""
        with self._session() as session:
            if self.engine.dialect.name == "postgresql":
                session.connection(
                    execution_options={
                        "isolation_level": "REPEATABLE READ",
                        "postgresql_readonly": True,
                    }
                )
            yield Transaction(session)

    @contextmanager
    def _session(self) -> Iterator[Session]:
        try:
            with self._sessions.begin() as session:
                yield session
        except OperationalError as exc:
            raise StoreError(f"{safe_url(self.url)}: {db_message(exc)}") from exc

    def check_lock(
        self,
        wait_s: float = 0.0,
        poll_s: float = 0.5,
        on_lost: Callable[[], None] | None = None,
    ) -> AbstractContextManager[Held]:
        """One check at a time per database, across processes and hosts (see store.locks)."""
        return check_lock(self.engine, self._session, wait_s, poll_s, on_lost)

    # -- the schema ------------------------------------------------------------------------

    def migrate(self, *, in_child: bool = False) -> None:
        """Bring the schema up to date (`in_child`: in a child process, so that a long-lived
        caller never loads Alembic)."""
        from tracker.migrations import upgrade, upgrade_in_child

        (upgrade_in_child if in_child else upgrade)(self.engine)

    def identity(self) -> str | None:
        """The database's marker (created with it); None when it has none."""
        from sqlalchemy import select

        from tracker.store.models import DatabaseIdentityRow

        try:
            with self._session() as session:
                return session.scalar(select(DatabaseIdentityRow.marker).limit(1))
        except (StoreError, SQLAlchemyError):
            return None

    def database_file(self) -> Path | None:
        """The SQLite file holding the database (None for a server or :memory:)."""
        name = self.engine.url.database if self.engine.dialect.name == "sqlite" else None
        return Path(name) if name and name != ":memory:" else None

    def schema_revision(self) -> str | None:
        from tracker.migrations import current

        return current(self.engine)

    @staticmethod
    def latest_schema() -> str | None:
        from tracker.migrations import head

        return head()
