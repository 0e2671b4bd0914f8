"""The report site over HTTP, for the daemon's status endpoint (`http_status.serve_report`):
files of the published build under /report/, and nothing else.

A request path is split into segments after percent-decoding; any empty, `.`, `..` or hidden
segment (which also hides `.fingerprint`), a backslash or a NUL is refused, and the file must
resolve inside the build `report.out_dir` links to at that moment. What is served is read from
that one build, so a request never mixes two builds.
"""

from __future__ import annotations

import os
import shutil
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import unquote, urlsplit

PREFIX = "/report"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}


def is_report_path(url: str) -> bool:
    path = urlsplit(url).path
    return path == PREFIX or path.startswith(PREFIX + "/")


def report_file(out_dir: Path, url: str) -> Path | None:
    """The published file `url` names (`/report/years/2021.html`), or None."""
    rest = unquote(urlsplit(url).path)[len(PREFIX) + 1 :]
    parts = rest.split("/")
    if parts[-1] == "":
        parts[-1] = "index.html"
    if any(p in ("", ".", "..") or p.startswith(".") or "\\" in p or "\0" in p for p in parts):
        return None
    root = Path(os.path.realpath(out_dir))  # the current build, resolved once
    file = Path(os.path.realpath(root.joinpath(*parts)))
    if not file.is_relative_to(root) or not file.is_file():
        return None
    return file


def serve_report(handler: BaseHTTPRequestHandler, out_dir: Path) -> None:
    """Answer one GET under /report: a redirect to /report/, a file, or 404."""
    if urlsplit(handler.path).path == PREFIX:
        handler.send_response(301)
        handler.send_header("Location", PREFIX + "/")
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return
    file = report_file(out_dir, handler.path)
    if file is None:
        body = b"not found in the report site\n"
        handler.send_response(404)
        handler.send_header("Content-Type", "text/plain; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
        return
    with file.open("rb") as f:  # open before answering: a swap later cannot take it away
        size = os.fstat(f.fileno()).st_size
        handler.send_response(200)
        handler.send_header("Content-Type", TYPES.get(file.suffix, "application/octet-stream"))
        handler.send_header("Content-Length", str(size))
        handler.send_header("X-Content-Type-Options", "nosniff")
        handler.end_headers()
        shutil.copyfileobj(f, handler.wfile)
