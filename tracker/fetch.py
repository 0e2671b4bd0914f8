"""Talk to the source, politely and safely: the only module that makes HTTP requests.

One requests session with a descriptive User-Agent; timeouts; retries with exponential backoff
on connection errors, 429 and 5xx (Retry-After honoured); conditional requests (a 304 downloads
nothing); redirects followed by hand so that no hop leaves `http.allowed_hosts`; PDFs streamed
to a temporary file under the size limit, checked (content type, `%PDF`, full length) and only
then renamed into the content-addressed archive. A 403 or an HTML page where a PDF was expected
is "blocked by the source", never "no new report".
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from tracker.archive import archive_path
from tracker.config import HttpConfig
from tracker.errors import BlockedError, SourceError, Stopped, StoreError
from tracker.origins import Origins
from tracker.transfer import (
    Watchdog,
    abort,
    check_pdf_headers,
    chunks,
    dns_failure,
    int_header,
    not_pdf,
    reason,
    retry_after,
)

log = logging.getLogger(__name__)

_RETRY_STATUS = {429, 500, 502, 503, 504}
_MAX_RETRY_AFTER = 120.0  # longer waits fail the check; the next one will try again
MAX_PAGE_BYTES = 5 * 1024 * 1024  # an HTML page larger than this is not a page we want
PAGE_DEADLINE_FACTOR = 2  # a page must arrive within 2 x http.timeout_s in all
PDF_DEADLINE_FACTOR = 10  # a PDF within 10 x http.timeout_s (5 minutes by default)


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


@dataclass(frozen=True)
class PageResult:
    url: str
    not_modified: bool
    text: str = ""
    validators: Validators = Validators()


@dataclass(frozen=True)
class JsonResult:
    url: str
    not_modified: bool
    data: Any = None
    validators: Validators = Validators()
    size: int = 0  # characters read


_ACCEPT = {"pdf": "application/pdf,*/*;q=0.5", "page": "text/html,*/*;q=0.5"}


@dataclass(frozen=True)
class PdfResult:
    url: str
    not_modified: bool
    path: Path | None = None  # in the archive, named by its sha256
    sha256: str = ""
    size: int = 0
    validators: Validators = Validators()


class Fetcher:
    def __init__(
        self,
        http: HttpConfig,
        reports_dir: Path,
        cancel: threading.Event | None = None,
        origins: Origins | None = None,
    ) -> None:
        import requests

        self.http, self.reports_dir = http, reports_dir
        self.origins = origins or Origins.of(http.allowed_hosts)
        self.cancel = cancel or threading.Event()
        self.session = requests.Session()
        self.session.headers["User-Agent"] = http.user_agent
        self._last: dict[str, float] = {}  # host -> monotonic time of its last request
        self._dead: dict[str, str] = {}  # host -> why it cannot be reached in this check
        self.requests = 0
        self.pdf_bytes = 0

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public ----------------------------------------------------------------------------

    def page(
        self, url: str, validators: Validators | None = None, *, accept: str | None = None
    ) -> PageResult:
        resp = self._get(url, validators, stream=True, want=accept or "page")
        try:
            if resp.status_code == 304:
                return PageResult(resp.url, True, validators=validators or Validators())
            with self._watchdog(url, resp, PAGE_DEADLINE_FACTOR * self.http.timeout_s) as dog:
                body = bytearray()
                for chunk in chunks(url, resp, dog):
                    body += chunk
                    if len(body) > MAX_PAGE_BYTES:
                        raise SourceError(f"{url}: a page larger than {MAX_PAGE_BYTES >> 20} MB")
            encoding = resp.encoding or resp.apparent_encoding or "utf-8"
            text = bytes(body).decode(encoding, errors="replace")
            return PageResult(resp.url, False, text, _validators(resp))
        finally:
            resp.close()

    def json(self, url: str, validators: Validators | None = None) -> JsonResult:
        """A JSON document (an API's answer), parsed; malformed JSON is a SourceError."""
        import json

        page = self.page(url, validators, accept="application/json")
        if page.not_modified:
            return JsonResult(page.url, True, validators=page.validators)
        if page.text.lstrip().startswith("<"):
            raise SourceError(f"{url}: answered an HTML page where JSON was expected")
        try:
            data = json.loads(page.text)
        except ValueError as exc:
            raise SourceError(f"{url}: answered malformed JSON ({exc})") from exc
        return JsonResult(page.url, False, data, page.validators, len(page.text))

    def pdf(self, url: str, validators: Validators | None = None) -> PdfResult:
        resp = self._get(url, validators, stream=True, want="pdf")
        try:
            if resp.status_code == 304:
                return PdfResult(resp.url, True, validators=validators or Validators())
            check_pdf_headers(url, resp, self.http.max_download_mb)
            with self._watchdog(url, resp, PDF_DEADLINE_FACTOR * self.http.timeout_s) as dog:
                path, digest, size = self._download(url, resp, dog)
            return PdfResult(resp.url, False, path, digest, size, _validators(resp))
        finally:
            resp.close()

    @contextmanager
    def _watchdog(self, url: str, resp: Any, seconds: float) -> Iterator[Watchdog]:
        """Close the response when the whole transfer outlives `seconds` or the check is
        cancelled: a server that sends a byte now and then never trips the read timeout."""
        dog = Watchdog(seconds)
        deadline = time.monotonic() + seconds

        def watch() -> None:
            while not dog.done.wait(0.25):
                if self.cancel.is_set() or time.monotonic() >= deadline:
                    dog.fired = "stopped" if self.cancel.is_set() else "deadline"
                    abort(resp)
                    return

        threading.Thread(target=watch, name="watchdog", daemon=True).start()
        try:
            yield dog
        finally:
            dog.done.set()

    # -- requests --------------------------------------------------------------------------

    def _get(self, url: str, validators: Validators | None, *, stream: bool, want: str) -> Any:
        headers = (validators or Validators()).headers()
        headers["Accept"] = _ACCEPT.get(want, want)
        current = url
        for _hop in range(6):
            self._check_host(url, current)
            resp = self._with_retries(current, headers, stream)
            if resp.status_code in (301, 302, 303, 307, 308) and "Location" in resp.headers:
                location = urljoin(current, resp.headers["Location"])
                resp.close()
                if not self.origins.allows(location):
                    raise SourceError(
                        f"{url}: redirects to {location[:200]}, outside http.allowed_hosts "
                        f"(the allowed origins: {self.origins})"
                    )
                current = location
                continue
            return self._classify(url, resp)
        raise SourceError(f"{url}: too many redirects")

    def _check_host(self, url: str, current: str) -> None:
        host = (urlsplit(current).hostname or "").lower()
        if not self.origins.allows(current):
            raise SourceError(
                f"{url[:200]}: not an allowed origin (allowed: {self.origins}; see "
                "http.allowed_hosts)"
            )
        if host in self._dead:
            raise SourceError(f"{url}: {self._dead[host]}")

    def _with_retries(self, url: str, headers: dict[str, str], stream: bool) -> Any:
        attempts = self.http.retries + 1
        delay = self.http.backoff_s
        host = urlsplit(url).hostname or ""
        for attempt in range(1, attempts + 1):
            self._polite(host)
            outcome = self._attempt(url, headers, stream, host)
            if not isinstance(outcome, _Miss):
                return outcome
            if attempt == attempts:
                if outcome.connection and attempts > 1:
                    self._dead[host] = f"{outcome.problem} (after {attempts} attempts)"
                raise SourceError(
                    f"{url}: {outcome.problem} (after {attempts} attempts)", outcome.status
                )
            wait = delay if outcome.wait is None else outcome.wait
            log.info("%s: %s; retrying in %.1f s", url, outcome.problem, wait)
            self._sleep(wait)
            delay *= 2
        raise AssertionError("unreachable")

    def _attempt(self, url: str, headers: dict[str, str], stream: bool, host: str) -> Any:
        """One request: the response, or a _Miss worth retrying."""
        import requests

        connect_s = min(10.0, self.http.timeout_s)
        try:
            resp = self.session.get(
                url,
                headers=headers,
                stream=stream,
                allow_redirects=False,
                timeout=(connect_s, self.http.timeout_s),
            )
        except requests.ConnectionError as exc:
            if dns_failure(exc):
                self._dead[host] = f"cannot resolve {host}: no network or DNS failure"
                raise SourceError(f"{url}: {self._dead[host]}") from exc
            if isinstance(exc, requests.ConnectTimeout):
                return _Miss(f"no connection within {connect_s:g} s")
            return _Miss(f"connection failed ({reason(exc)})", connection=True)
        except requests.Timeout:
            return _Miss(f"no answer within {self.http.timeout_s:g} s")
        except requests.RequestException as exc:
            return _Miss(f"request failed ({reason(exc)})")
        if resp.status_code not in _RETRY_STATUS:
            return resp
        miss = _Miss(f"answered {resp.status_code} {resp.reason}", resp.status_code)
        asked = retry_after(resp.headers.get("Retry-After"))
        resp.close()
        if asked is None:
            return miss
        if asked > _MAX_RETRY_AFTER:
            raise SourceError(
                f"{url}: {miss.problem} and asks to wait {asked:.0f} s; "
                "the next check will try again",
                miss.status,
            )
        return replace(miss, wait=max(asked, 0.0))

    def _sleep(self, seconds: float) -> None:
        if self.cancel.wait(seconds):
            raise Stopped("the check was stopped")

    def _polite(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            pause = self.http.min_delay_s - (time.monotonic() - last)
            if pause > 0:
                self._sleep(pause)
        self._last[host] = time.monotonic()
        self.requests += 1

    def _classify(self, url: str, resp: Any) -> Any:
        if resp.status_code in (200, 304):
            return resp
        status = f"{resp.status_code} {resp.reason}".strip()
        html = "html" in resp.headers.get("Content-Type", "").lower()
        resp.close()
        if resp.status_code in (401, 403):
            kind = "an HTML page" if html else "no content"
            raise BlockedError(
                f"{url}: answered {status} with {kind}: the source is blocking this client",
                resp.status_code,
            )
        raise SourceError(f"{url}: answered {status}", resp.status_code)

    # -- downloads -------------------------------------------------------------------------

    def _download(self, url: str, resp: Any, dog: Watchdog) -> tuple[Path, str, int]:
        limit = int(self.http.max_download_mb * 1024 * 1024)
        expected = int_header(resp.headers.get("Content-Length"))
        digest, size = hashlib.sha256(), 0
        try:
            self.reports_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(dir=self.reports_dir, prefix=".download-")
        except OSError as exc:
            raise StoreError(f"{self.reports_dir}: cannot write downloads: {exc.strerror}") from exc
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as f:
                for chunk in chunks(url, resp, dog):
                    if self.cancel.is_set():
                        raise Stopped(f"{url}: the check was stopped during the download")
                    if size == 0 and not chunk.lstrip()[:5].startswith(b"%PDF"):
                        raise not_pdf(url, chunk)
                    size += len(chunk)
                    if size > limit:
                        raise SourceError(
                            f"{url}: larger than http.max_download_mb "
                            f"({self.http.max_download_mb:g} MB); not downloaded"
                        )
                    digest.update(chunk)
                    f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
            self.pdf_bytes += size
            if size == 0:
                raise SourceError(f"{url}: answered an empty body")
            if expected is not None and size < expected:
                raise SourceError(f"{url}: download truncated: got {size} of {expected} bytes")
            target = archive_path(self.reports_dir, digest.hexdigest())
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
            return target, digest.hexdigest(), size
        except OSError as exc:
            raise StoreError(f"{self.reports_dir}: cannot write {url}: {exc.strerror}") from exc
        finally:
            tmp.unlink(missing_ok=True)


@dataclass(frozen=True)
class _Miss:
    """A request that did not get an answer worth keeping, and may be tried again."""

    problem: str
    status: int | None = None  # the HTTP status it answered, if any
    connection: bool = False  # the connection itself failed
    wait: float | None = None  # what the server asked for (Retry-After)


def _validators(resp: Any) -> Validators:
    return Validators(resp.headers.get("ETag"), resp.headers.get("Last-Modified"))
