"""Who this process is, and whether another one still lives."""

from __future__ import annotations

import os
import socket


def worker_id() -> str:
    """`host:pid`, the name of this process in locks, claims and heartbeats."""
    return f"{socket.gethostname()}:{os.getpid()}"


def alive(pid: int) -> bool:
    """Whether a process with this pid exists on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dead_here(worker: str) -> bool:
    """True when `worker` (host:pid) ran on this host and is gone."""
    host, _, pid = worker.partition(":")
    return host == socket.gethostname() and pid.isdigit() and not alive(int(pid))
