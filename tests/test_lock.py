"""The check lock on real SQLite and real PostgreSQL, across processes."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from sqlalchemy.orm import Session

from tracker.store import Store, utcnow
from tracker.store.models import LockRow

HOLD = """
import sys, time
from tracker.store import Store
with Store(sys.argv[1]) as store, store.check_lock() as held:
    print("held" if held.acquired else "busy", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def holder(url: str, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, url, str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


@pytest.mark.slow
def test_second_caller_is_told_or_waits(db_url: str) -> None:
    with Store(db_url) as store:
        other = holder(db_url, 3)
        try:
            with store.check_lock(wait_s=0) as held:
                assert not held.acquired and held.holder
            started = time.monotonic()
            with store.check_lock(wait_s=30, poll_s=0.2) as held:
                assert held.acquired
                assert time.monotonic() - started < 10
        finally:
            other.wait(10)


@pytest.mark.slow
def test_a_dead_holder_does_not_block(db_url: str) -> None:
    with Store(db_url) as store:
        other = holder(db_url, 60)
        other.kill()
        other.wait()
        with store.check_lock(wait_s=5, poll_s=0.2) as held:
            assert held.acquired


def test_an_expired_lease_is_taken_over(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with Store(f"sqlite:///{tmp_path}/t.db") as store:
        with Session(store.engine) as s, s.begin():
            s.add(
                LockRow(
                    name="check", holder="elsewhere:1", acquired_at=utcnow(), expires_at=utcnow()
                )
            )
        with store.check_lock() as held:
            assert held.acquired


def test_a_lost_lease_tells_the_holder(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import threading
    from datetime import timedelta

    from sqlalchemy import update

    import tracker.store.locks

    monkeypatch.setattr(tracker.store.locks, "LEASE", timedelta(seconds=0.6))
    lost = threading.Event()
    with (
        Store(f"sqlite:///{tmp_path}/t.db") as store,
        store.check_lock(on_lost=lost.set) as held,
    ):
        assert held.acquired
        with Session(store.engine) as s, s.begin():  # another process took the lapsed lease
            s.execute(update(LockRow).values(holder="elsewhere:1"))
        assert lost.wait(5)
