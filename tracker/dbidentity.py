"""Which database a state_dir belongs to, checked before each check.

Migration 0008 writes a marker row (a random id) when the database is created. The state_dir
remembers the marker of its database in `database-id`, written by `nml-tracker db init` or by
the first check on a fresh state_dir (one with no `database-id` yet). Before each check the two
must agree: a database deleted under a running daemon (SQLite then makes a new empty file) or
replaced by another is a loud failure (`DatabaseReplaced`, the check fails and the operators are
alerted), never a silent new baseline. `db init` is the explicit way to start a new history.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from tracker.config import Config
from tracker.errors import StoreError
from tracker.model import CheckWarning, WarningCode
from tracker.store import Store

log = logging.getLogger(__name__)

MARKER_FILE = "database-id"


class DatabaseReplaced(StoreError):
    """The database is not the one this state_dir was used with."""


def marker_path(config: Config) -> Path:
    return config.state_dir / MARKER_FILE


def verify(config: Config, store: Store, warn: Callable[[CheckWarning], None]) -> None:
    """Raise DatabaseReplaced (after `warn`ing) unless the database is the state_dir's own."""
    marker = store.identity()
    path = marker_path(config)
    try:
        known = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        if marker is not None:
            adopt(config, marker)  # the first check on a fresh state_dir
            return
        known = "(none)"
    except OSError as exc:
        raise StoreError(f"{path}: cannot read: {exc.strerror}") from exc
    if marker == known:
        return
    message = (
        f"the database is not the one {config.state_dir} was used with (its marker "
        f"{(marker or 'none')[:8]}, expected {known[:8]}): it was deleted or replaced; "
        "restore it, or start a new history explicitly with `nml-tracker db init`"
    )
    log.error("%s", message)
    warn(CheckWarning(WarningCode.DATABASE_REPLACED, message))
    raise DatabaseReplaced(message)


def adopt(config: Config, marker: str) -> None:
    """Remember `marker` as the state_dir's database (atomically)."""
    path = marker_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{MARKER_FILE}.{os.getpid()}")
    tmp.write_text(marker + "\n", encoding="utf-8")
    os.replace(tmp, path)
    log.info("state_dir %s: database %s", config.state_dir, marker[:8])


def init(config: Config, store: Store) -> str:
    """`db init`: the schema created (or brought up to date) and adopted by the state_dir."""
    store.migrate()
    marker = store.identity()
    if marker is None:
        raise StoreError("the database has no identity marker after its upgrade")
    adopt(config, marker)
    return marker
