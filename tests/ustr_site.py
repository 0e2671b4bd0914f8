"""A real HTTP server on 127.0.0.1 that imitates ustr.gov, for tests that must never reach the internet.

    with Site() as site:
        site.add("/issue-areas/intellectual-property/notorious-markets-list", html)
        site.add("/sites/default/files/2022%20NML.pdf", pdf_bytes, content_type="application/pdf")
        site.fault("/sites/default/files/2022%20NML.pdf", "status", status=503, times=2)
        ... run the code under test against site.url("/...") ...
        assert site.count("/sites/default/files/2022%20NML.pdf", status=503) == 2

Resources
    `add(path, body)` serves `body` at `path` (GET and HEAD) with Content-Type, Content-Length, an
    ETag (quoted hash of the body) and Last-Modified; a matching If-None-Match, or (without
    If-None-Match) an If-Modified-Since not older than Last-Modified, gets a 304 with no body.
    `add()` on an existing path replaces the body (new ETag; when the body changed and no
    `last_modified` is given, Last-Modified moves one day later) - how tests simulate USTR
    replacing a posted PDF. `remove(path)` makes it a 404 again.
    A path may carry a query string ("/press-releases?page=2"): a request matches path+query
    exactly, else the path alone. Paths are compared percent-decoded, so "/a%20b.pdf" and
    "/a b.pdf" name the same resource; `Request.path` keeps what the client sent.

Faults
    `fault(path, kind, times=None, **params)` queues a misbehaviour for `path` (same matching as
    resources; the path "*" matches every request, after the path's own faults). Each request
    consumes the first queued fault that has uses left; a fault with `times=None` never runs out
    (so faults queued after it never apply: `clear_faults()` first). Kinds and their parameters:

    status       answer `status` (default 500) with a small HTML page
    retry_after  429 with `Retry-After: seconds` (default 1; a str is sent as is, e.g. an HTTP date)
    bot_wall     `status` (default 403) with an "Access Denied" / captcha page;
                 style="akamai" (default) | "incapsula" | "cloudflare"
    html         200 text/html bot-check / login page instead of the resource (`body` to override)
    truncate     the real headers (full Content-Length), then only `keep` body bytes (default
                 half), then the connection is closed
    reset        read the request, then close the socket with SO_LINGER (1, 0): connection reset,
                 no response at all
    slow         sleep `delay` seconds (default 2) before answering normally; after_headers=True
                 sends the headers first and sleeps before the body
    redirect     `status` (default 302) to `location` (any URL, another host included)
    oversize     a PDF-looking body of `size` bytes (default 100 MiB) starting with b"%PDF-1.4",
                 streamed in chunks with a matching Content-Length, or with
                 Transfer-Encoding: chunked and no Content-Length when chunked=True
    wrong_type   the real body served as text/html (`content_type` to override)

Log
    `accepted` counts the connections accepted, `open_connections()` those still being handled.
    `requests` holds a `Request` for every request received, in order; `count()` and
    `bytes_sent()` summarise it (bytes_sent counts body bytes handed to the socket; the kernel
    buffers of a loopback connection hold a few MB, so a client that stops reading early still
    "receives" that much more than it read). `reset_log()` empties it.

Only the standard library is used. The server runs in a daemon thread; `close()` (or leaving the
`with` block) stops it promptly, even while a "slow" fault sleeps or an "oversize" body streams.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import html as _html
import socket
import struct
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = ["DEFAULT_LAST_MODIFIED", "FAULT_KINDS", "Headers", "Request", "Site"]

DEFAULT_LAST_MODIFIED = datetime(2024, 1, 30, 15, 4, 5, tzinfo=UTC)

# kind -> accepted parameters
FAULT_KINDS: dict[str, frozenset[str]] = {
    "status": frozenset({"status", "body"}),
    "retry_after": frozenset({"seconds", "status"}),
    "bot_wall": frozenset({"status", "style"}),
    "html": frozenset({"body", "status"}),
    "truncate": frozenset({"keep"}),
    "reset": frozenset(),
    "slow": frozenset({"delay", "after_headers"}),
    "redirect": frozenset({"location", "status"}),
    "oversize": frozenset({"size", "chunked", "content_type"}),
    "wrong_type": frozenset({"content_type"}),
}

_CHUNK = 256 * 1024


class _Default:
    def __repr__(self) -> str:
        return "DEFAULT_LAST_MODIFIED"


_DEFAULT: Any = _Default()


class Headers(dict[str, str]):
    """The request headers as sent; lookups (`[]`, `get`, `in`) ignore case."""

    def _key(self, key: str) -> str:
        low = key.lower()
        for k in dict.keys(self):
            if k.lower() == low:
                return k
        return key

    def __getitem__(self, key: str) -> str:
        return dict.__getitem__(self, self._key(key))

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, self._key(key) if isinstance(key, str) else key)

    def get(self, key: str, default: Any = None) -> Any:
        return dict.get(self, self._key(key), default)


@dataclass
class Request:
    method: str
    path: str  # as sent, percent-encoding kept, without the query
    query: str  # "" when none
    headers: Headers
    fault: str | None  # the fault kind applied, if any
    status: int | None = None  # None: no response was sent (reset, or the client left first)
    bytes_sent: int = 0  # body bytes handed to the socket
    time: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def target(self) -> str:
        return self.path + ("?" + self.query if self.query else "")


@dataclass
class _Resource:
    body: bytes
    content_type: str
    status: int
    headers: dict[str, str]
    etag: str | None
    last_modified: datetime | None


@dataclass
class _Fault:
    kind: str
    times: int | None
    params: dict[str, Any]


def _norm_path(path: str) -> str:
    return unquote(path) or "/"


def _split(target: str) -> tuple[str, str]:
    """(normalised path, normalised query) of "path[?query]"."""
    path, _, query = target.partition("?")
    return _norm_path(path), unquote(query)


def _key(path: str, query: str) -> str:
    return path + ("?" + query if query else "")


def _http_date(dt: datetime) -> str:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return email.utils.format_datetime(dt.astimezone(UTC), usegmt=True)


def _page(title: str, message: str) -> bytes:
    t = _html.escape(title)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{t} | United States Trade Representative</title></head>\n"
        f'<body><main role="main"><h1 class="page-title">{t}</h1>\n<p>{message}</p></main>'
        "</body></html>\n"
    ).encode()


def _bot_wall(style: str, path: str) -> tuple[bytes, dict[str, str]]:
    ref = hashlib.sha1(path.encode()).hexdigest()[:8]
    if style == "akamai":
        body = (
            "<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>\n<H1>Access Denied</H1>\n \n"
            f'You don\'t have permission to access "http&#58;&#47;&#47;ustr&#46;gov{_html.escape(path)}" '
            "on this server.<P>\n"
            f"Reference&#32;&#35;18&#46;{ref}&#46;1700000000&#46;5a1b2c3d\n</BODY>\n</HTML>\n"
        )
        return body.encode(), {"Server": "AkamaiGHost", "Mime-Version": "1.0"}
    if style == "incapsula":
        body = (
            '<html style="height:100%"><head><META NAME="ROBOTS" CONTENT="NOINDEX, NOFOLLOW">'
            '<meta name="format-detection" content="telephone=no"></head>'
            '<body style="margin:0px;height:100%"><iframe id="main-iframe" '
            f'src="/_Incapsula_Resource?CWUDNSAI=23&xinfo=7-{ref}&incident_id=0-{ref}&edet=15" '
            'frameborder=0 width="100%" height="100%">Request unsuccessful. Incapsula incident ID: '
            f"0-{ref}</iframe></body></html>"
        )
        return body.encode(), {"X-Iinfo": f"7-{ref} NNNN CT(0 0 0) RT(0 0) q(0 0 0 -1) r(0 0)"}
    if style == "cloudflare":
        body = (
            '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>'
            '<meta http-equiv="refresh" content="390"></head><body><div class="main-wrapper">'
            '<h1 class="zone-name-title h1">ustr.gov</h1><h2>Checking if the site connection is '
            "secure</h2><noscript>Enable JavaScript and cookies to continue</noscript>"
            '<div id="challenge-stage"><input type="checkbox"> Verify you are human</div>'
            "</div></body></html>"
        )
        return body.encode(), {"Server": "cloudflare", "cf-mitigated": "challenge"}
    raise ValueError(f"bot_wall style must be akamai, incapsula or cloudflare, not {style!r}")


_BOT_CHECK_PAGE = (
    b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
    b"<title>Security check | United States Trade Representative</title></head>\n"
    b'<body><div class="container"><h1>Please verify you are a human</h1>\n'
    b"<p>Our systems have detected unusual traffic from your network. Complete the captcha "
    b"below to continue to ustr.gov.</p>\n"
    b'<form method="post" action="/user/login"><div class="g-recaptcha" '
    b'data-sitekey="6LcXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"></div>\n'
    b'<label>Username <input name="name"></label> <label>Password <input name="pass" '
    b'type="password"></label> <button type="submit">Log in</button></form>\n'
    b"</div></body></html>\n"
)


def _pdf_stream(size: int) -> Iterator[bytes]:
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    line = b"% padding padding padding padding padding padding padding padding padding\n"
    block = (line * (_CHUNK // len(line) + 1))[:_CHUNK]
    first = (head + block)[:_CHUNK]
    sent = 0
    while sent < size:
        chunk = first if sent == 0 else block
        chunk = chunk[: size - sent]
        sent += len(chunk)
        yield chunk


class _Abort(Exception):
    """Stop answering this request and close the connection (the server is closing)."""


_QUIET = (ConnectionError, TimeoutError, _Abort, OSError)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, site: Site) -> None:
        self.site = site
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, _QUIET):
            return
        self.site.errors.append(exc if isinstance(exc, BaseException) else RuntimeError("?"))
        super().handle_error(request, client_address)  # a bug in this module: show it


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Apache"
    sys_version = ""
    timeout = 30  # idle keep-alive connections end on their own
    server: _Server

    def version_string(self) -> str:
        return "Apache"

    def setup(self) -> None:
        super().setup()
        self.server.site._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.server.site._track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _serve(self) -> None:
        try:
            self.server.site._handle(self)
        except _QUIET:
            self.close_connection = True

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = _serve


class Site:
    """A ustr.gov look-alike on 127.0.0.1 (ephemeral port). See the module docstring."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._resources: dict[str, _Resource] = {}
        self._faults: dict[str, list[_Fault]] = {}
        self._conns: set[socket.socket] = set()
        self.accepted = 0  # connections accepted so far
        self.requests: list[Request] = []
        self.errors: list[BaseException] = []
        self._server = _Server(self)
        self.port: int = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"ustr-site-{self.port}",
            daemon=True,
        )
        self._thread.start()
        self._closed = False

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> Site:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        self._server.shutdown()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self._server.server_close()
        self._thread.join(timeout=5)

    def _track(self, conn: socket.socket, add: bool) -> None:
        with self._lock:
            if add:
                self._conns.add(conn)
                self.accepted += 1
            else:
                self._conns.discard(conn)

    def open_connections(self) -> int:
        """Connections accepted and not yet finished with (their handler still runs)."""
        with self._lock:
            return len(self._conns)

    # -- URLs ------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return self.base_url + path

    def alias_url(self, path: str, host: str = "localhost") -> str:
        """The same server under another host name: "another host" for allowed_hosts checks."""
        return f"http://{host}:{self.port}{path}"

    # -- resources -------------------------------------------------------------------------

    def add(
        self,
        path: str,
        body: bytes | str,
        *,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
        etag: bool = True,
        last_modified: datetime | None = _DEFAULT,
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        key = _key(*_split(path))
        with self._lock:
            old = self._resources.get(key)
            if last_modified is _DEFAULT:
                last_modified = DEFAULT_LAST_MODIFIED
                if old is not None:
                    last_modified = old.last_modified or DEFAULT_LAST_MODIFIED
                    if old.body != data:
                        last_modified += timedelta(days=1)
            if last_modified is not None and last_modified.tzinfo is None:
                last_modified = last_modified.replace(tzinfo=UTC)
            tag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"' if etag else None
            self._resources[key] = _Resource(
                data, content_type, status, dict(headers or {}), tag, last_modified
            )

    def remove(self, path: str) -> None:
        with self._lock:
            self._resources.pop(_key(*_split(path)), None)

    def etag(self, path: str) -> str | None:
        """The ETag currently served at `path` (None if none or no such resource)."""
        with self._lock:
            res = self._resources.get(_key(*_split(path)))
            return res.etag if res else None

    def paths(self) -> list[str]:
        """Every resource path (percent-decoded), in the order added."""
        with self._lock:
            return list(self._resources)

    # -- faults ----------------------------------------------------------------------------

    def fault(self, path: str, kind: str, *, times: int | None = None, **params: Any) -> None:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; kinds: {', '.join(FAULT_KINDS)}")
        unknown = set(params) - FAULT_KINDS[kind]
        if unknown:
            raise ValueError(
                f"fault {kind!r} takes {sorted(FAULT_KINDS[kind]) or 'no parameters'}, "
                f"not {sorted(unknown)}"
            )
        if kind == "redirect" and "location" not in params:
            raise ValueError("fault 'redirect' needs location=")
        if kind == "bot_wall":
            _bot_wall(params.get("style", "akamai"), "/")  # validate the style now
        if times is not None and times < 1:
            raise ValueError("times must be >= 1 (or None: for ever)")
        key = "*" if path == "*" else _key(*_split(path))
        with self._lock:
            self._faults.setdefault(key, []).append(_Fault(kind, times, dict(params)))

    def clear_faults(self, path: str | None = None) -> None:
        with self._lock:
            if path is None:
                self._faults.clear()
            else:
                self._faults.pop("*" if path == "*" else _key(*_split(path)), None)

    def _take_fault(self, path: str, query: str) -> _Fault | None:
        keys = [_key(path, query)] if query else []
        keys += [path, "*"]
        for k in keys:
            queue = self._faults.get(k)
            if not queue:
                continue
            f = queue[0]
            if f.times is not None:
                f.times -= 1
                if f.times <= 0:
                    queue.pop(0)
            return f
        return None

    # -- log -------------------------------------------------------------------------------

    def _matching(self, path: str | None) -> Iterable[Request]:
        with self._lock:
            reqs = list(self.requests)
        if path is None:
            return reqs
        want_path, want_query = _split(path)
        if "?" in path:
            return [
                r
                for r in reqs
                if _norm_path(r.path) == want_path and unquote(r.query) == want_query
            ]
        return [r for r in reqs if _norm_path(r.path) == want_path]

    def count(self, path: str | None = None, *, status: int | None = None) -> int:
        """Requests of `path` (with "?": that exact query; without: any query), of `status`."""
        return sum(1 for r in self._matching(path) if status is None or r.status == status)

    def bytes_sent(self, path_prefix: str = "") -> int:
        prefix = _norm_path(path_prefix) if path_prefix else ""
        with self._lock:
            return sum(r.bytes_sent for r in self.requests if _norm_path(r.path).startswith(prefix))

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()

    # -- serving ---------------------------------------------------------------------------

    def _handle(self, h: _Handler) -> None:
        method = h.command
        split = urlsplit(h.path)
        raw_path = split.path or "/"
        if h.path.startswith("/"):  # origin-form: keep exactly what was sent
            raw_path, _, raw_query = h.path.partition("?")
        else:
            raw_query = split.query
        path, query = _norm_path(raw_path), unquote(raw_query)
        rec = Request(method, raw_path, raw_query, Headers(h.headers.items()), None)
        with self._lock:
            f = self._take_fault(path, query)
            res = self._resources.get(_key(path, query)) if query else None
            if res is None:
                res = self._resources.get(path)
            rec.fault = f.kind if f else None
            self.requests.append(rec)
        length = int(h.headers.get("Content-Length") or 0)
        if length > 0:
            h.rfile.read(length)
        head = method == "HEAD"

        if f is None:
            self._answer(h, rec, res, head)
            return
        p = f.params
        kind = f.kind
        if kind == "status":
            st = int(p.get("status", 500))
            body = p.get("body")
            data = body.encode() if isinstance(body, str) else body
            if data is None:
                data = _page("Error", f"The server answered {st}.")
            self._send(h, rec, st, [("Content-Type", "text/html; charset=utf-8")], data, head)
        elif kind == "retry_after":
            st = int(p.get("status", 429))
            hdrs = [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Retry-After", str(p.get("seconds", 1))),
            ]
            self._send(h, rec, st, hdrs, _page("Too Many Requests", "Slow down."), head)
        elif kind == "bot_wall":
            data, extra = _bot_wall(p.get("style", "akamai"), raw_path)
            hdrs = [("Content-Type", "text/html"), *extra.items()]
            self._send(h, rec, int(p.get("status", 403)), hdrs, data, head)
        elif kind == "html":
            body = p.get("body")
            data = body.encode() if isinstance(body, str) else (body or _BOT_CHECK_PAGE)
            hdrs = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-cache")]
            self._send(h, rec, int(p.get("status", 200)), hdrs, data, head)
        elif kind == "truncate":
            if res is None:
                self._answer(h, rec, None, head)
                return
            keep = int(p.get("keep", len(res.body) // 2))
            self._send(
                h, rec, res.status, self._res_headers(res), res.body, head, keep=keep, close=True
            )
        elif kind == "reset":
            self._reset(h)
        elif kind == "slow":
            if p.get("after_headers"):
                self._answer(h, rec, res, head, delay=float(p.get("delay", 2)))
            else:
                if self._stop.wait(float(p.get("delay", 2))):
                    raise _Abort
                self._answer(h, rec, res, head)
        elif kind == "redirect":
            loc = str(p["location"])
            hdrs = [("Location", loc), ("Content-Type", "text/html; charset=utf-8")]
            page = _page("Moved", f'The document has moved <a href="{_html.escape(loc)}">here</a>.')
            self._send(h, rec, int(p.get("status", 302)), hdrs, page, head)
        elif kind == "oversize":
            self._oversize(h, rec, int(p.get("size", 100 * 1024 * 1024)), p, head)
        elif kind == "wrong_type":
            if res is None:
                self._answer(h, rec, None, head)
                return
            ct = str(p.get("content_type", "text/html; charset=utf-8"))
            hdrs = [
                (k, ct if k.lower() == "content-type" else v) for k, v in self._res_headers(res)
            ]
            self._send(h, rec, res.status, hdrs, res.body, head)
        else:  # pragma: no cover - fault() validates kinds
            raise AssertionError(kind)

    def _res_headers(self, res: _Resource) -> list[tuple[str, str]]:
        hdrs: dict[str, tuple[str, str]] = {"content-type": ("Content-Type", res.content_type)}
        if res.status == 200 and res.etag:
            hdrs["etag"] = ("ETag", res.etag)
        if res.status == 200 and res.last_modified:
            hdrs["last-modified"] = ("Last-Modified", _http_date(res.last_modified))
        for k, v in res.headers.items():
            hdrs[k.lower()] = (k, v)
        return list(hdrs.values())

    def _not_modified(self, h: _Handler, res: _Resource) -> bool:
        inm = h.headers.get("If-None-Match")
        if inm is not None:
            if not res.etag:
                return False
            tags = [t.strip() for t in inm.split(",")]
            mine = res.etag.removeprefix("W/")
            return any(t == "*" or t.removeprefix("W/") == mine for t in tags)
        ims = h.headers.get("If-Modified-Since")
        if ims and res.last_modified:
            try:
                since = email.utils.parsedate_to_datetime(ims)
            except (TypeError, ValueError, IndexError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            return since >= res.last_modified.replace(microsecond=0)
        return False

    def _answer(
        self,
        h: _Handler,
        rec: Request,
        res: _Resource | None,
        head: bool,
        delay: float = 0.0,
    ) -> None:
        if res is None:
            page = _page("Page not found", "The requested page could not be found.")
            self._send(h, rec, 404, [("Content-Type", "text/html; charset=utf-8")], page, head)
            return
        if h.command not in ("GET", "HEAD"):
            hdrs = [("Allow", "GET, HEAD"), ("Content-Type", "text/html; charset=utf-8")]
            page = _page("Method Not Allowed", "Only GET and HEAD are supported.")
            self._send(h, rec, 405, hdrs, page, head)
            return
        if res.status == 200 and self._not_modified(h, res):
            hdrs = [x for x in self._res_headers(res) if x[0].lower() != "content-type"]
            self._send(h, rec, 304, hdrs, b"", True)
            return
        self._send(h, rec, res.status, self._res_headers(res), res.body, head, delay=delay)

    def _write(self, h: _Handler, rec: Request, data: bytes) -> None:
        if self._stop.is_set():
            raise _Abort
        with self._lock:
            rec.bytes_sent += len(data)
        try:
            h.wfile.write(data)
        except BaseException:
            with self._lock:
                rec.bytes_sent -= len(data)
            raise

    def _send(
        self,
        h: _Handler,
        rec: Request,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        head: bool,
        *,
        keep: int | None = None,
        close: bool = False,
        delay: float = 0.0,
    ) -> None:
        rec.status = status
        h.send_response(status)
        for k, v in headers:
            h.send_header(k, v)
        if status != 304:
            h.send_header("Content-Length", str(len(body)))
        if close:
            h.close_connection = True
        h.end_headers()
        if head or status == 304:
            return
        if delay and self._stop.wait(delay):
            raise _Abort
        data = body if keep is None else body[: max(0, keep)]
        for i in range(0, len(data), _CHUNK):
            self._write(h, rec, data[i : i + _CHUNK])
        if keep is not None:
            h.close_connection = True

    def _oversize(
        self, h: _Handler, rec: Request, size: int, p: dict[str, Any], head: bool
    ) -> None:
        chunked = bool(p.get("chunked", False))
        rec.status = 200
        h.send_response(200)
        h.send_header("Content-Type", str(p.get("content_type", "application/pdf")))
        if chunked:
            h.send_header("Transfer-Encoding", "chunked")
        else:
            h.send_header("Content-Length", str(size))
        h.close_connection = True
        h.end_headers()
        if head:
            return
        for chunk in _pdf_stream(size):
            if chunked:
                h.wfile.write(f"{len(chunk):x}\r\n".encode())
                self._write(h, rec, chunk)
                h.wfile.write(b"\r\n")
            else:
                self._write(h, rec, chunk)
        if chunked:
            h.wfile.write(b"0\r\n\r\n")

    def _reset(self, h: _Handler) -> None:
        conn = h.connection
        h.close_connection = True
        with contextlib.suppress(OSError):
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # the socket's fd only really closes when rfile (a makefile of it) is closed as well
        conn.close()
        h.rfile.close()
