"""The parts of a transfer that do not depend on the Fetcher: reading a body under a deadline,
checking what the server sent, and naming what went wrong in a few words."""

from __future__ import annotations

import contextlib
import email.utils
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tracker.errors import BlockedError, SourceError, Stopped

_CHUNK = 16 * 1024


def abort(resp: Any) -> None:
    """Close a response from another thread so that a read blocked on it fails at once
    (closing alone does not wake a blocked recv on Linux; shutting the socket down does)."""
    sock = getattr(getattr(resp.raw, "_connection", None), "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    resp.close()


@dataclass
class Watchdog:
    seconds: float
    done: threading.Event = field(default_factory=threading.Event)
    fired: str | None = None  # deadline | stopped


def chunks(url: str, resp: Any, dog: Watchdog) -> Iterator[bytes]:
    import requests

    try:
        yield from resp.iter_content(_CHUNK)
    except Exception as exc:
        if dog.fired == "stopped":
            raise Stopped(f"{url}: the check was stopped during the download") from exc
        if dog.fired == "deadline":
            raise SourceError(f"{url}: took longer than {dog.seconds:g} s") from exc
        if isinstance(exc, (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
            raise SourceError(f"{url}: download cut off ({reason(exc)})") from exc
        if isinstance(exc, requests.Timeout):
            raise SourceError(f"{url}: download stalled") from exc
        raise
    if dog.fired:  # closed between two chunks: what came is not the whole body
        raise (Stopped if dog.fired == "stopped" else SourceError)(
            f"{url}: took longer than {dog.seconds:g} s"
            if dog.fired == "deadline"
            else f"{url}: the check was stopped during the download"
        )


def check_pdf_headers(url: str, resp: Any, max_mb: float) -> None:
    ctype = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if "html" in ctype:
        raise BlockedError(
            f"{url}: answered an HTML page where a PDF was expected: "
            "the source may be blocking this client"
        )
    length = int_header(resp.headers.get("Content-Length"))
    if length is not None and length > max_mb * 1024 * 1024:
        raise SourceError(
            f"{url}: {length / 1048576:.0f} MB is larger than http.max_download_mb ({max_mb:g} MB)"
        )


def not_pdf(url: str, head: bytes) -> SourceError:
    if b"<html" in head[:2000].lower() or b"<!doctype" in head[:2000].lower():
        return BlockedError(
            f"{url}: answered an HTML page where a PDF was expected: "
            "the source may be blocking this client"
        )
    return SourceError(f"{url}: not a PDF (it starts with {head[:8]!r})")


def retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def int_header(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def dns_failure(exc: Exception) -> bool:
    text = repr(exc)
    return (
        "NameResolutionError" in text
        or "Name or service not known" in text
        or ("Temporary failure in name resolution" in text)
    )


def reason(exc: Exception) -> str:
    """The innermost cause, in a few words."""
    cause: BaseException = exc
    while cause.__cause__ is not None or cause.__context__ is not None:
        nxt = cause.__cause__ or cause.__context__
        assert nxt is not None
        cause = nxt
    text = str(cause) or type(cause).__name__
    if "Connection reset" in text or "ConnectionResetError" in repr(cause):
        return "connection reset by the server"
    if "Connection refused" in text:
        return "connection refused"
    if "RemoteDisconnected" in repr(cause) or "closed connection without response" in text:
        return "the server closed the connection without answering"
    if "IncompleteRead" in repr(cause):
        return "the server closed the connection mid-download"
    return text.split(": ")[-1][:120]
