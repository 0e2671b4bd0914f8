"""A real HTTP server on 127.0.0.1 that imitates the Federal Register's documents API, for tests
that must never reach the internet.

    with FedRegSite() as fr:
        fr.publish(Doc("2024-18543", "2024 Review of Notorious Markets ...: Comment Request",
                       "2024-08-16", dates="Written comments are due by October 7, 2024."))
        fr.fault("status", status=500, times=1)
        ... run the code under test with federal_register.api_url = fr.api_url ...
        assert fr.count("/api/v1/documents.json", status=304) == 1

The search, `GET /api/v1/documents.json`, answers like the real one: it applies the query's
`conditions[agencies][]` (agency slugs), `conditions[type][]` (NOTICE, RULE, ...) and
`conditions[term]` (every word in the title, abstract or text), `order=newest`, `per_page`, and
answers only the fields named by `fields[]` (without them, a default set that lacks the dates):
`{"count": n, "description": ..., "total_pages": k, "results": [...]}`, `results` left out
when nothing matches. Each answer carries an ETag (a hash of its body) and Last-Modified; a
matching If-None-Match gets a 304. Each document's text is served at its `raw_text_url`
(`/documents/full_text/text/<number>.txt`) and `body_html_url` (`.../html/<number>.html`).

Changes: `publish(doc)` adds a document or replaces the one with its number (a notice
corrected the next day), `withdraw(number)` takes it away.

Faults, each for `times` requests (None: until `clear_faults()`), to every path or to the
requests whose path starts with `path`:
    status     answer `status` (default 500) with a small HTML page
    malformed  200 application/json with a body cut short (not JSON)
    html       200 text/html, a maintenance page instead of JSON
    slow       sleep `delay` seconds (default 2), then answer normally

`requests` holds (path, query, headers, status) for every request, in order.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field, replace
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

USTR = "trade-representative-office-of-united-states"
DEFAULT_FIELDS = (
    "title",
    "type",
    "abstract",
    "document_number",
    "html_url",
    "pdf_url",
    "publication_date",
    "agencies",
    "excerpts",
)
FAULTS = frozenset({"status", "malformed", "html", "slow"})


@dataclass(frozen=True)
class Doc:
    document_number: str
    title: str
    publication_date: str  # YYYY-MM-DD
    dates: str | None = None
    abstract: str | None = None
    comments_close_on: str | None = None
    body: str = ""  # the full text
    correction_of: str | None = None
    agency: str = USTR
    type: str = "Notice"


@dataclass
class Request:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    status: int | None = None


@dataclass
class _Fault:
    kind: str
    params: dict[str, Any]
    left: int | None
    path: str = ""


@dataclass
class FedRegSite:
    docs: dict[str, Doc] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    _faults: list[_Fault] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._stop = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site._serve(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.api_url = f"{self.base_url}/api/v1"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def __enter__(self) -> FedRegSite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # -- documents and faults --------------------------------------------------------------

    def publish(self, doc: Doc) -> None:
        with self._lock:
            self.docs[doc.document_number] = doc

    def correct(self, number: str, **changes: Any) -> Doc:
        """The document under `number`, republished with `changes`."""
        doc = replace(self.docs[number], **changes)
        self.publish(doc)
        return doc

    def withdraw(self, number: str) -> None:
        with self._lock:
            self.docs.pop(number, None)

    def fault(self, kind: str, *, times: int | None = None, path: str = "", **params: Any) -> None:
        if kind not in FAULTS:
            raise ValueError(f"unknown fault {kind!r}; kinds: {', '.join(sorted(FAULTS))}")
        with self._lock:
            self._faults.append(_Fault(kind, params, times, path))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def count(self, path_prefix: str = "", *, status: int | None = None) -> int:
        with self._lock:
            return sum(
                1
                for r in self.requests
                if r.path.startswith(path_prefix) and (status is None or r.status == status)
            )

    def searches(self) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == "/api/v1/documents.json"]

    # -- serving ---------------------------------------------------------------------------

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        split = urlsplit(h.path)
        rec = Request(split.path, parse_qs(split.query), dict(h.headers.items()))
        with self._lock:
            self.requests.append(rec)
            fault = self._take_fault(split.path)
        if fault and fault.kind == "slow":
            if self._stop.wait(float(fault.params.get("delay", 2))):
                return
            fault = None
        if fault:
            status, ctype, body = _faulty(fault)
            return self._send(h, rec, status, ctype, body)
        answer = self._answer(split.path, rec.query)
        if answer is None:
            return self._send(h, rec, 404, "text/html", b"<html><body>Not found</body></html>")
        ctype, body = answer
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if h.headers.get("If-None-Match") == etag:
            return self._send(h, rec, 304, None, b"", etag)
        self._send(h, rec, 200, ctype, body, etag)

    def _take_fault(self, path: str) -> _Fault | None:
        for f in self._faults:
            if path.startswith(f.path) and (f.left is None or f.left > 0):
                if f.left is not None:
                    f.left -= 1
                return f
        return None

    def _answer(self, path: str, query: dict[str, list[str]]) -> tuple[str, bytes] | None:
        with self._lock:
            docs = list(self.docs.values())
        if path == "/api/v1/documents.json":
            doc = _search(self, docs, query)
            return "application/json; charset=utf-8", json.dumps(doc, indent=2).encode()
        for d in docs:
            if path == f"/documents/full_text/text/{d.document_number}.txt":
                return "text/plain; charset=utf-8", d.body.encode()
            if path == f"/documents/full_text/html/{d.document_number}.html":
                return (
                    "text/html; charset=utf-8",
                    f"<html><body><p>{d.body}</p></body></html>".encode(),
                )
        return None

    def _send(
        self,
        h: BaseHTTPRequestHandler,
        rec: Request,
        status: int,
        ctype: str | None,
        body: bytes,
        etag: str | None = None,
    ) -> None:
        with self._lock:
            rec.status = status
        h.send_response(status)
        if ctype:
            h.send_header("Content-Type", ctype)
        if etag:
            h.send_header("ETag", etag)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def url_of(self, doc: Doc) -> dict[str, str]:
        day = date.fromisoformat(doc.publication_date)
        n = doc.document_number
        return {
            "html_url": f"{self.base_url}/documents/{day:%Y/%m/%d}/{n}/notice",
            "raw_text_url": f"{self.base_url}/documents/full_text/text/{n}.txt",
            "body_html_url": f"{self.base_url}/documents/full_text/html/{n}.html",
            "pdf_url": f"{self.base_url}/content/pkg/{n}.pdf",
        }


def _search(site: FedRegSite, docs: list[Doc], query: dict[str, list[str]]) -> dict[str, Any]:
    agencies = set(query.get("conditions[agencies][]", []))
    types = {t.upper() for t in query.get("conditions[type][]", [])}
    words = " ".join(query.get("conditions[term]", [])).lower().split()
    found = [
        d
        for d in docs
        if (not agencies or d.agency in agencies)
        and (not types or _type_code(d.type) in types)
        and all(w in f"{d.title} {d.abstract or ''} {d.body}".lower() for w in words)
    ]
    if query.get("order", ["relevance"])[0] == "newest":
        found.sort(key=lambda d: (d.publication_date, d.document_number), reverse=True)
    per_page = int(query.get("per_page", ["20"])[0])
    fields = query.get("fields[]") or list(DEFAULT_FIELDS)
    out: dict[str, Any] = {
        "count": len(found),
        "description": "Documents matching your search",
        "total_pages": max(1, -(-len(found) // per_page)),
    }
    if found:
        out["results"] = [_fields(site, d, fields) for d in found[:per_page]]
    return out


def _type_code(name: str) -> str:
    return {"Notice": "NOTICE", "Rule": "RULE", "Proposed Rule": "PRORULE"}.get(name, name.upper())


def _fields(site: FedRegSite, d: Doc, fields: list[str]) -> dict[str, Any]:
    full: dict[str, Any] = {
        "document_number": d.document_number,
        "title": d.title,
        "type": d.type,
        "abstract": d.abstract,
        "publication_date": d.publication_date,
        "comments_close_on": d.comments_close_on,
        "dates": d.dates,
        "correction_of": d.correction_of,
        "agencies": [
            {"slug": d.agency, "name": "Office of the United States Trade Representative"}
        ],
        "excerpts": None,
        **site.url_of(d),
    }
    return {f: full.get(f) for f in fields}


def _faulty(f: _Fault) -> tuple[int, str, bytes]:
    if f.kind == "status":
        st = int(f.params.get("status", 500))
        return st, "text/html", f"<html><body>Error {st}</body></html>".encode()
    if f.kind == "malformed":
        return 200, "application/json", b'{"count": 1, "results": [{"document_number": "20'
    return 200, "text/html", b"<html><body>Down for maintenance</body></html>"
