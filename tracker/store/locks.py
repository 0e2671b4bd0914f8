"""One check at a time per database, across processes and hosts.

PostgreSQL: a session-level advisory lock, held on a connection of its own for the whole check
(it goes away with its holder's connection, however that ends). SQLite: a row in `locks` with a
lease that its holder renews from a heartbeat thread; a lease that runs out, or whose holder is
a dead process on this host, may be taken over.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.store.db import as_utc, utcnow
from tracker.store.models import LockRow
from tracker.worker import dead_here, worker_id

Sessions = Callable[[], AbstractContextManager[Session]]

log = logging.getLogger(__name__)

CHECK_LOCK = 0x4E4D4C01  # PostgreSQL advisory lock key of the check
LEASE = timedelta(seconds=60)
PING_S = 20.0  # how often the PostgreSQL lock's connection is checked


@dataclass
class Held:
    """What `check_lock` yields: whether this process holds the lock, else who does."""

    acquired: bool
    holder: str | None = None


@contextmanager
def check_lock(
    engine: Engine,
    sessions: Sessions,
    wait_s: float = 0.0,
    poll_s: float = 0.5,
    on_lost: Callable[[], None] | None = None,
) -> Iterator[Held]:
    """Hold the check lock for the `with` block; wait up to `wait_s` for it. `on_lost` is
    called if the lock is lost while held (a lapsed lease, a dropped connection): the holder
    must then stop."""
    lost = on_lost or (lambda: None)
    if engine.dialect.name == "postgresql":
        with _advisory(engine, wait_s, poll_s, lost) as held:
            yield held
    else:
        with _leased(sessions, wait_s, poll_s, lost) as held:
            yield held


@contextmanager
def _advisory(
    engine: Engine, wait_s: float, poll_s: float, lost: Callable[[], None]
) -> Iterator[Held]:
    deadline = time.monotonic() + wait_s
    with engine.connect() as conn:
        while True:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": CHECK_LOCK}).scalar()
            conn.commit()
            if got or time.monotonic() >= deadline:
                break
            time.sleep(poll_s)
        if not got:
            holder = conn.execute(
                text(
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = :k "
                    "AND granted LIMIT 1"
                ),
                {"k": CHECK_LOCK & 0xFFFFFFFF},
            ).scalar()
            conn.commit()
            yield Held(False, f"PostgreSQL backend {holder}" if holder else "another process")
            return
        stop = threading.Event()

        def ping() -> None:  # the lock lives as long as this connection: watch it
            while not stop.wait(PING_S):
                try:
                    conn.execute(text("SELECT 1"))
                    conn.commit()
                except Exception:
                    log.error("lost the connection that holds the check lock")
                    lost()
                    return

        watcher = threading.Thread(target=ping, name="lock-ping", daemon=True)
        watcher.start()
        try:
            yield Held(True)
        finally:
            stop.set()
            watcher.join()
            try:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": CHECK_LOCK})
                conn.commit()
            except Exception:  # the connection is gone, and the lock with it
                log.warning("could not release the check lock", exc_info=True)


@contextmanager
def _leased(
    sessions: Sessions, wait_s: float, poll_s: float, lost: Callable[[], None]
) -> Iterator[Held]:
    me = worker_id()
    deadline = time.monotonic() + wait_s
    while True:
        holder = _try_take(sessions, me)
        if holder is None or time.monotonic() >= deadline:
            break
        time.sleep(poll_s)
    if holder is not None:
        yield Held(False, holder)
        return
    stop = threading.Event()
    beat = threading.Thread(target=_renew, args=(sessions, me, stop, lost), daemon=True)
    beat.start()
    try:
        yield Held(True)
    finally:
        stop.set()
        beat.join()
        with sessions() as s:
            s.execute(delete(LockRow).where(LockRow.name == "check", LockRow.holder == me))


def _try_take(sessions: Sessions, me: str) -> str | None:
    """Take the lease if it is free, expired or held by a dead process; else its holder."""
    now = utcnow()
    try:
        with sessions() as s:
            row = s.scalar(select(LockRow).where(LockRow.name == "check"))
            if row is None:
                s.add(LockRow(name="check", holder=me, acquired_at=now, expires_at=now + LEASE))
                return None
            dead = dead_here(row.holder)
            if row.holder == me or dead or as_utc(row.expires_at) < now:
                if row.holder != me:
                    log.warning(
                        "taking over the check lock from %s (%s)",
                        row.holder,
                        "dead" if dead else "lease expired",
                    )
                row.holder, row.acquired_at, row.expires_at = me, now, now + LEASE
                return None
            return row.holder
    except IntegrityError:  # another process inserted the row first
        return "another process"


def _renew(sessions: Sessions, me: str, stop: threading.Event, lost: Callable[[], None]) -> None:
    while not stop.wait(LEASE.total_seconds() / 3):
        try:
            with sessions() as s:
                renewed = s.execute(
                    update(LockRow)
                    .where(LockRow.name == "check", LockRow.holder == me)
                    .values(expires_at=utcnow() + LEASE)
                ).rowcount  # type: ignore[attr-defined]
        except Exception:  # a missed beat is survivable; the next one retries
            log.warning("could not renew the check lock", exc_info=True)
            continue
        if not renewed:
            log.error("lost the check lock (the lease ran out and another process took it)")
            lost()
            return
