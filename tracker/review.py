"""The yearly review as its Federal Register notices state it: pure, no I/O.

A review is its comment request, with what later documents of the same review year change:
a correction document (or the notice itself, re-published under its number) replaces the
deadlines it names and the issue focus it states. A review is open while one of its deadlines
is still ahead (without any stated deadline: for OPEN_WITHOUT_DEADLINE after publication).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from tracker import deadlines as dl
from tracker.fedreg import ApiDocument
from tracker.records import Deadline, ReviewDocument

OPEN_WITHOUT_DEADLINE = timedelta(days=60)
READ_BODY_WITHIN = timedelta(days=365)  # older notices are stored from their fields alone


@dataclass(frozen=True)
class Review:
    review_year: int
    title: str
    url: str  # the comment request on federalregister.gov
    publication_date: date
    issue_focus: str | None
    deadlines: tuple[Deadline, ...]
    documents: tuple[str, ...]  # document numbers, the comment request first

    def is_open(self, today: date) -> bool:
        if self.deadlines:
            return any(d.date >= today for d in self.deadlines)
        return today - self.publication_date <= OPEN_WITHOUT_DEADLINE

    def next_deadline(self, today: date) -> Deadline | None:
        return next((d for d in self.deadlines if d.date >= today), None)

    def to_json(self) -> dict[str, Any]:
        """`status --json` "review_open"."""
        return {
            "review_year": self.review_year,
            "deadlines": [d.to_json() for d in self.deadlines],
            "url": self.url,
        }


def worth_reading(doc: ApiDocument, today: date) -> bool:
    """Whether to fetch a notice's full text: only recent ones can still be open."""
    return today - doc.publication_date <= READ_BODY_WITHIN


def read_document(doc: ApiDocument, body: str | None) -> ReviewDocument:
    """A notice as the tracker keeps it: its review year, deadlines and issue focus, from the
    DATES paragraph first, else the full text, plus the API's comment closing date."""
    stated = dl.deadlines(doc.dates) or dl.deadlines(_dates_section(body)) or dl.deadlines(body)
    closing = (Deadline(doc.comments_close_on, "comments"),) if doc.comments_close_on else ()
    return ReviewDocument(
        document_number=doc.document_number,
        review_year=dl.review_year(doc.title, doc.publication_date),
        title=doc.title,
        publication_date=doc.publication_date,
        url=doc.html_url,
        abstract=doc.abstract,
        issue_focus=dl.issue_focus(doc.abstract, body),
        deadlines=dl.merge(stated, closing),
        correction=bool(doc.correction_of) or dl.is_correction(doc.title),
        fingerprint=doc.fingerprint,
    )


def _dates_section(body: str | None) -> str | None:
    """The DATES paragraph of a notice's text (up to ADDRESSES or FOR FURTHER INFORMATION)."""
    if not body:
        return None
    text = dl.plain(body)
    start = text.find("DATES:")
    if start < 0:
        return None
    ends = [i for i in (text.find(m, start) for m in ("ADDRESSES:", "FOR FURTHER")) if i > start]
    return text[start : min(ends, default=len(text))]


def reviews(documents: Iterable[ReviewDocument]) -> dict[int, Review]:
    """Each review year's review, from its documents."""
    by_year: dict[int, list[ReviewDocument]] = {}
    for doc in sorted(documents, key=lambda d: (d.publication_date, d.document_number)):
        by_year.setdefault(doc.review_year, []).append(doc)
    return {year: _review(docs) for year, docs in sorted(by_year.items())}


def _review(docs: Sequence[ReviewDocument]) -> Review:
    first = next((d for d in docs if not d.correction), docs[0])
    review = Review(
        first.review_year,
        first.title,
        first.url,
        first.publication_date,
        first.issue_focus,
        first.deadlines,
        (first.document_number,),
    )
    for doc in docs:
        if doc is not first:
            review = _corrected(review, doc)
    return review


def _corrected(review: Review, doc: ReviewDocument) -> Review:
    """A later document of the same review: what it states replaces what it names."""
    named = {d.what for d in doc.deadlines}
    kept = [d for d in review.deadlines if d.what not in named]
    return replace(
        review,
        issue_focus=doc.issue_focus or review.issue_focus,
        deadlines=dl.merge(kept, doc.deadlines),
        documents=(*review.documents, doc.document_number),
    )


def open_review(by_year: dict[int, Review], today: date) -> Review | None:
    """The latest review still open on `today`."""
    return next((r for _, r in sorted(by_year.items(), reverse=True) if r.is_open(today)), None)


def latest(by_year: dict[int, Review]) -> Review | None:
    return by_year[max(by_year)] if by_year else None


def what_changed(before: Review, after: Review) -> tuple[str, ...]:
    """What a correction changed, one line each (empty: nothing a reader would notice)."""
    lines = []
    old = {d.what: d.date for d in before.deadlines}
    new = {d.what: d.date for d in after.deadlines}
    for what, when in sorted(new.items(), key=lambda kv: kv[1]):
        if what not in old:
            lines.append(f"{what}: due {long_date(when)} (not stated before)")
        elif old[what] != when:
            lines.append(f"{what}: now due {long_date(when)} (was {long_date(old[what])})")
    lines += [f"{what}: no longer stated" for what in old if what not in new]
    if after.issue_focus != before.issue_focus and after.issue_focus:
        lines.append(f"issue focus: {after.issue_focus}")
    if after.title != before.title:
        lines.append(f"title: {after.title}")
    return tuple(lines)


def due_reminders(review: Review, today: date, days: int) -> list[Deadline]:
    """The deadlines whose reminder is due on `today`: from `days` before each, up to the day."""
    return [d for d in review.deadlines if d.date - timedelta(days=days) <= today <= d.date]


def long_date(when: date) -> str:
    return f"{when:%A}, {when:%B} {when.day}, {when.year}"
