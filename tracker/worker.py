"""Who this process is, and whether another one still lives."""

from __future__ import annotations

import os
import socket


def worker_id() -> str:
    """`host:pid`, the name of this process in locks, claims and heartbeats."""
    return f"{socket.gethostname()}:{os.getpid()}"


def alive(pid: int) -> bool:
    """Whether a process with this pid runs on this host (a zombie does not: with no init to
    reap it, a killed process can linger in that state)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def dead_here(worker: str) -> bool:
    """True when `worker` (host:pid) ran on this host and is gone."""
    host, _, pid = worker.partition(":")
    return host == socket.gethostname() and pid.isdigit() and not alive(int(pid))
