"""The Federal Register's public documents API, asked for USTR's Notorious Markets notices.

What this relies on (FederalRegister.gov API v1, https://www.federalregister.gov/developers/
documentation/api/v1; the field names as the official client `usnationalarchives/
federal_register` reads them in lib/federal_register/document.rb; query conditions as the
API's users send them):
- `GET <api_url>/documents.json` searches the published documents. Query conditions:
  `conditions[agencies][]=<agency slug>` (USTR is `trade-representative-office-of-united-states`),
  `conditions[term]=<full text>`, `conditions[type][]=NOTICE`; `order=newest`, `per_page=N`, and
  `fields[]=<name>` once per field wanted (a search answers few fields unless asked).
- The answer: `{"count": n, "results": [...]}` (`results` left out when nothing matches); each
  result holds the fields asked for: `document_number`, `title`, `type`, `publication_date`
  (YYYY-MM-DD), `html_url`, `abstract`, `comments_close_on` (YYYY-MM-DD or null), `dates` (the
  notice's DATES paragraph, or null), `body_html_url` and `raw_text_url` (the full text, where
  deadlines may be written only), `correction_of` (set on a correction document).
The client is strict: an answer it cannot read fails the step (a warning, never the check's
failure); a result it cannot read is skipped and said, never absorbed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from tracker.errors import SourceError
from tracker.fetch import Fetcher, Validators

log = logging.getLogger(__name__)

AGENCY = "trade-representative-office-of-united-states"
TERM = "notorious markets"
PER_PAGE = 20  # the newest twenty: a review opens once a year, with a correction now and then
FIELDS = (
    "document_number",
    "title",
    "type",
    "publication_date",
    "html_url",
    "abstract",
    "comments_close_on",
    "dates",
    "body_html_url",
    "raw_text_url",
    "correction_of",
)


def search_url(api_url: str) -> str:
    query = [
        ("conditions[agencies][]", AGENCY),
        ("conditions[term]", TERM),
        ("conditions[type][]", "NOTICE"),
        ("order", "newest"),
        ("per_page", str(PER_PAGE)),
        *(("fields[]", f) for f in FIELDS),
    ]
    return f"{api_url.rstrip('/')}/documents.json?{urlencode(query)}"


@dataclass(frozen=True)
class ApiDocument:
    """One search result, as the API gave it."""

    document_number: str
    title: str
    publication_date: date
    html_url: str
    abstract: str | None = None
    comments_close_on: date | None = None
    dates: str | None = None
    body_html_url: str | None = None
    raw_text_url: str | None = None
    correction_of: str | None = None
    fingerprint: str = ""  # sha256 of the fields read: another value, a changed document


@dataclass(frozen=True)
class Search:
    url: str
    not_modified: bool
    documents: tuple[ApiDocument, ...] = ()
    skipped: tuple[str, ...] = ()  # results that could not be read, and why
    validators: Validators = field(default_factory=Validators)
    sha256: str | None = None  # of the answer


def search(fetcher: Fetcher, url: str, validators: Validators | None) -> Search:
    """Ask the documents search (conditionally, with `validators`)."""
    try:
        answer = fetcher.json(url, validators)
    except SourceError as exc:  # the query is long: say where, not the whole of it
        short = url.split("?", 1)[0] + "?…"
        raise type(exc)(str(exc).replace(url, short), exc.status) from exc
    if answer.not_modified:
        return Search(url, True, validators=answer.validators)
    documents, skipped = parse_results(url, answer.data)
    raw = json.dumps(answer.data, sort_keys=True).encode()
    log.info(
        "federal register: %d notice(s) found, %d result(s) skipped", len(documents), len(skipped)
    )
    return Search(
        url, False, documents, skipped, answer.validators, hashlib.sha256(raw).hexdigest()
    )


def parse_results(url: str, data: Any) -> tuple[tuple[ApiDocument, ...], tuple[str, ...]]:
    """The documents of a search answer, and what could not be read in it."""
    if not isinstance(data, dict):
        raise SourceError(f"{url}: expected a JSON object, got {type(data).__name__}")
    results = data.get("results")
    if results is None and data.get("count") == 0:
        return (), ()
    if not isinstance(results, list):
        raise SourceError(f"{url}: the answer has no list of results")
    documents, skipped = [], []
    for n, result in enumerate(results, 1):
        try:
            documents.append(_document(result))
        except ValueError as exc:
            skipped.append(f"result {n}: {exc}")
    return tuple(documents), tuple(skipped)


def _document(result: Any) -> ApiDocument:
    if not isinstance(result, Mapping):
        raise ValueError(f"expected an object, got {type(result).__name__}")
    number = _text(result, "document_number", required=True)
    title = _text(result, "title", required=True)
    html_url = _text(result, "html_url", required=True)
    assert number and title and html_url
    fields = {k: result.get(k) for k in FIELDS}
    return ApiDocument(
        document_number=number,
        title=" ".join(title.split()),
        publication_date=_date(result, "publication_date", number) or date.min,
        html_url=html_url,
        abstract=_text(result, "abstract"),
        comments_close_on=_date(result, "comments_close_on", number, required=False),
        dates=_text(result, "dates"),
        body_html_url=_text(result, "body_html_url"),
        raw_text_url=_text(result, "raw_text_url"),
        correction_of=_text(result, "correction_of"),
        fingerprint=hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest(),
    )


def _text(result: Mapping[str, Any], key: str, required: bool = False) -> str | None:
    value = result.get(key)
    if value is None or value == "":
        if required:
            raise ValueError(f"no {key}")
        return None
    if not isinstance(value, str):
        raise ValueError(f"{key}: expected a string, got {value!r}"[:200])
    return value.strip()


def _date(result: Mapping[str, Any], key: str, number: str, required: bool = True) -> date | None:
    value = _text(result, key, required)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{number}: {key}: expected YYYY-MM-DD, got {value!r}") from None


def body_text(fetcher: Fetcher, doc: ApiDocument) -> str | None:
    """The document's full text: the plain text if the API names it, else the HTML body
    (markup is taken out by the reader). None when neither can be had from an allowed host, or
    both are gone; another failure is the step's (the next check reads it again)."""
    for url, accept in ((doc.raw_text_url, "text/plain,*/*;q=0.5"), (doc.body_html_url, None)):
        if not url or not fetcher.origins.allows(url):
            continue
        try:
            return fetcher.page(url, accept=accept).text
        except SourceError as exc:
            if not exc.gone:
                raise
            log.info("federal register: %s: the text is gone (%s)", doc.document_number, exc)
    return None
