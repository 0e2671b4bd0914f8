"""Check runs, and the heartbeats of running daemons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from tracker.model import CheckRun, CheckStatus
from tracker.records import SUCCESSFUL, RunStats
from tracker.store.db import as_utc, opt_utc, utcnow
from tracker.store.models import CheckRunRow, HeartbeatRow


class Runs:
    """The recorded checks of one transaction."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def start(self, trigger: str = "manual") -> int:
        """Record a check starting. Called under the check lock, so a check still `running`
        is a process that died mid-check (kill -9, a crash): it is closed as failed."""
        self._s.execute(
            update(CheckRunRow)
            .where(CheckRunRow.outcome == CheckStatus.RUNNING.value)
            .values(
                outcome=CheckStatus.FAILED.value,
                finished_at=utcnow(),
                error="interrupted: the process ended before the check finished",
            )
        )
        row = CheckRunRow(
            started_at=utcnow(), trigger=trigger, outcome=CheckStatus.RUNNING.value, detail={}
        )
        self._s.add(row)
        self._s.flush()
        return row.id

    def finish(
        self,
        run_id: int,
        outcome: CheckStatus,
        error: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        row = self._s.get_one(CheckRunRow, run_id)
        row.finished_at, row.outcome, row.error = utcnow(), outcome.value, error
        row.detail = detail or {}

    def last(self, limit: int = 5) -> list[CheckRun]:
        """The latest checks, newest first."""
        q = select(CheckRunRow).order_by(CheckRunRow.id.desc()).limit(limit)
        return [
            CheckRun(
                r.id,
                as_utc(r.started_at),
                opt_utc(r.finished_at),
                r.trigger,
                CheckStatus(r.outcome),
                r.error,
            )
            for r in self._s.scalars(q)
        ]

    def stats(self) -> RunStats:
        by_outcome = dict(
            self._s.execute(select(CheckRunRow.outcome, func.count()).group_by(CheckRunRow.outcome))
            .tuples()
            .all()
        )
        last = self._s.scalar(select(func.max(CheckRunRow.finished_at)))
        ok = self._s.scalar(
            select(func.max(CheckRunRow.finished_at)).where(
                CheckRunRow.outcome.in_([s.value for s in SUCCESSFUL])
            )
        )
        return RunStats(by_outcome, opt_utc(last), opt_utc(ok))


class Daemons:
    """The heartbeats of running daemons, and when they will check next."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def beat(
        self, worker: str, started_at: datetime, state: str, next_run: datetime | None
    ) -> None:
        row = self._s.get(HeartbeatRow, worker) or HeartbeatRow(
            worker=worker, started_at=started_at
        )
        row.beat_at, row.state = utcnow(), state
        row.next_run = next_run.astimezone(UTC) if next_run else None
        self._s.add(row)

    def forget(self, worker: str) -> None:
        self._s.execute(delete(HeartbeatRow).where(HeartbeatRow.worker == worker))

    def next_run(self, fresh: timedelta = timedelta(minutes=2)) -> datetime | None:
        """When a live daemon (one that beat recently) will check next."""
        rows = self._s.scalars(select(HeartbeatRow).where(HeartbeatRow.beat_at >= utcnow() - fresh))
        runs = [as_utc(r.next_run) for r in rows if r.next_run]
        return min(runs) if runs else None
