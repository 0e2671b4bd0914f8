"""Held reports and a person's corrections of their lists (`review`): what is doubtful about a
stored report, its list as extracted and as corrected, and the corrections themselves.

A report is doubtful when its own checks fail (the extraction's doubtful notices: counts that
differ from the stated ones, a table of contents that disagrees, an uncertain review year...)
or when identity could not decide about a market whose answer changes the diff (a new market
that may be a removed one). The orchestrator (tracker.pipeline) holds such a report's digest
and releases it on `review YEAR --approve`; this module decides and corrects, and sends nothing.

Corrections apply on top of the extraction (tracker.report_fixes): the stored listings are the
corrected list, identity clusters it like any other, and the entries as extracted are kept
(`report_reviews.extracted`) so that a correction can be undone and a new revision corrected
again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from tracker.diff import Changes
from tracker.errors import NotFoundError
from tracker.history import changes, not_stored, year_before
from tracker.model import Entry, NoticeCode, Report, StoredReport
from tracker.report_fixes import (
    Fixed,
    FixError,
    FixOutcome,
    FixState,
    ListFix,
    apply_fixes,
    find,
    ref,
)
from tracker.store import Transaction
from tracker.store.report_reviews import StoredListFix

if TYPE_CHECKING:
    from tracker.identity import Curation

log = logging.getLogger(__name__)

POSSIBLE_MATCH = "possible-match"
REVIEW_OPEN = "review-open"


@dataclass(frozen=True)
class Doubt:
    """One reason a person should look at a report before its digest goes out."""

    code: str  # a NoticeCode value, or "possible-match"
    message: str
    page: int | None = None

    def to_json(self, url: str | None = None) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "page": self.page,
            "link": link(url, self.page),
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Doubt:
        page = doc.get("page")
        return cls(
            str(doc.get("code", "")),
            str(doc.get("message", "")),
            page if isinstance(page, int) else None,
        )


def link(url: str | None, page: int | None) -> str | None:
    return f"{url}#page={page}" if url and page else url


def doubts_of(report: Report | StoredReport, diff: Changes) -> list[Doubt]:
    """What makes a stored report doubtful: its doubtful notices, and the possible matches that
    would change its diff (a new market that may be one the year before listed). A notice about
    one kind without a page of its own points at that kind's first entry."""
    agree = report.stated_counts == report.counts  # a person's corrections made them agree
    first: dict[str, int] = {}
    for i in sorted((*diff.new_entries, *diff.still_listed), key=lambda i: i.page or 0):
        if i.page:
            first.setdefault(i.kind, i.page)
    out = [
        Doubt(n.code.value, n.message, n.page or (first.get(n.kind) if n.kind else None))
        for n in report.notices
        if n.doubtful and not (n.code is NoticeCode.COUNT_MISMATCH and agree)
    ]
    new = {i.market_id: i for i in diff.new_entries}
    removed = {i.market_id for i in diff.removed}
    for p in diff.possible_matches:
        if p.market_id in new and p.candidate_id in removed:
            out.append(
                Doubt(
                    POSSIBLE_MATCH,
                    f"{p.name!r} is listed as new but may be {p.candidate_name!r}, listed the "
                    f"year before and counted as removed ({p.reason}, score {p.score:.2f})",
                    new[p.market_id].page,
                )
            )
    return out


@dataclass(frozen=True)
class Hold:
    """A report whose digest is held, and why."""

    report: StoredReport
    doubts: tuple[Doubt, ...]
    changes: Changes  # its diff as extracted


def hold(
    tx: Transaction,
    enabled: bool,
    year: int,
    extracted: Sequence[Entry] | None = None,
    diff: Changes | None = None,
) -> Hold | None:
    """Hold the digest of a year's current revision when it is doubtful and holding is
    `enabled` (`alerts.hold_unverified`); None when it may go out. `extracted`: the entries as
    extracted (default: as stored), kept for corrections."""
    stored = current(tx, year)
    diff = diff or diff_of(tx, year)
    doubts = doubts_of(stored, diff) + _review_open(tx, stored)
    if not (doubts and enabled):
        return None
    entries = extracted if extracted is not None else [li.entry for li in tx.reports.listings(year)]
    tx.report_reviews.hold(stored.id, entries, doubts_json(doubts))
    log.warning(
        "the %d digest is held (%d doubts): see `nml-tracker review %d`", year, len(doubts), year
    )
    return Hold(stored, tuple(doubts), diff)


def digest_went_out(tx: Transaction, year: int) -> bool:
    """Was a digest of any revision of this year's report queued (sent, or on its way)?"""
    return any(tx.outbox.has_digest(r.id) for r in tx.reports.all() if r.review_year == year)


def _review_open(tx: Transaction, stored: StoredReport) -> list[Doubt]:
    """A new revision of a year whose earlier revision is held waits for the same approval."""
    for r in tx.reports.all():
        record = tx.report_reviews.get(r.id) if r.review_year == stored.review_year else None
        if r.id != stored.id and record is not None and record.held:
            message = (
                f"revision {r.revision} of the {r.review_year} review is held and not approved "
                f"yet: revision {stored.revision} waits for the same review"
            )
            return [Doubt(REVIEW_OPEN, message)]
    return []


def doubts_json(doubts: Sequence[Doubt]) -> list[dict[str, Any]]:
    return [{"code": d.code, "message": d.message, "page": d.page} for d in doubts]


# --- the list as extracted, and as corrected ------------------------------------------------


def stored_fixes(tx: Transaction, year: int) -> list[ListFix]:
    return [_fix(s) for s in tx.report_reviews.corrections(year)]


def _fix(s: StoredListFix) -> ListFix:
    return ListFix.from_doc(s.action, s.doc, s.id)


def current(tx: Transaction, year: int) -> StoredReport:
    report = tx.reports.current(year)
    if report is None:
        raise not_stored(year, tx.reports.years())
    return report


def extracted(tx: Transaction, year: int) -> tuple[StoredReport, Report]:
    """A stored year's current revision, and its list as the extractor read it."""
    stored = current(tx, year)
    record = tx.report_reviews.get(stored.id)
    if record is not None:
        entries = record.extracted
    else:  # never corrected: the stored list is the extracted one
        entries = tuple(li.entry for li in tx.reports.listings(year))
    moved = [f for f in tx.report_reviews.corrections(year) if f.action == "set-year"]
    first_year = int(moved[0].doc.get("from", year)) if moved else year  # as extracted
    raw = Report(first_year, stored.title, stored.stated_counts, entries, stored.notices)
    return stored, raw


def fix_report(report: Report, fixes: Sequence[ListFix]) -> Fixed:
    """Apply the stored corrections to a new revision as it is stored: `set-year` corrections
    stay with the revision they moved (a new revision is stored under the year it claims)."""
    return apply_fixes(report, [f for f in fixes if f.action != "set-year"])


def relist(tx: Transaction, curation: Curation, year: int) -> Fixed:
    """Store a year's corrected list: the corrections applied to the extraction, identity run
    over the whole history with it, the current revision's listings replaced."""
    from tracker.identity import identify

    stored, raw = extracted(tx, year)
    tx.report_reviews.keep_extracted(stored.id, raw.entries)
    fixed = apply_fixes(raw, stored_fixes(tx, year))
    report = replace(fixed.report, review_year=year)
    found = identify(tx, curation, report)
    tx.markets.upsert(found.markets())
    tx.reports.replace_listings(stored.id, report, found.placements(year))
    tx.markets.relink(found.relink())
    return fixed


@dataclass(frozen=True)
class Corrected:
    """A correction recorded (or undone), and the diff of the year before and after it."""

    review_year: int
    report_id: int
    text: str  # what the person did, one line
    fix_id: int
    before: Changes
    after: Changes


def diff_of(tx: Transaction, year: int) -> Changes:
    return changes(tx, year_before(tx.reports.years(), year), year)


def correct(tx: Transaction, curation: Curation, year: int, fix: ListFix, note: str) -> Corrected:
    """Record a correction of a year's list and store the corrected list. Refused (FixError)
    when it names no entry of the list as corrected so far, or changes nothing."""
    if fix.action == "set-year":
        return _set_year(tx, curation, year, fix, note)
    stored, raw = extracted(tx, year)
    so_far = apply_fixes(raw, stored_fixes(tx, year)).report
    for name in fix.entries if fix.action == "drop" else ():  # else: it may read so already
        if find(so_far.entries, name) is None:
            raise FixError(f"cannot {fix.describe()}: the list holds no entry {name!r}")
    (outcome,) = apply_fixes(so_far, [fix]).outcomes
    _refuse_unless_applied(outcome)
    before = diff_of(tx, year)
    tx.report_reviews.keep_extracted(stored.id, raw.entries)
    saved = tx.report_reviews.add_correction(year, stored.id, fix.action, fix.to_doc(), note)
    relist(tx, curation, year)
    return Corrected(year, stored.id, fix.describe(), saved.id, before, diff_of(tx, year))


def _refuse_unless_applied(outcome: FixOutcome) -> None:
    if outcome.state is FixState.NOT_APPLICABLE:
        raise FixError(f"cannot {outcome.fix.describe()}: {outcome.reason}")
    if outcome.state is FixState.NOT_NEEDED:
        raise FixError(f"nothing to do: the list already reads so ({outcome.fix.describe()})")


def _set_year(tx: Transaction, curation: Curation, year: int, fix: ListFix, note: str) -> Corrected:
    from tracker.identity import identify, save

    new = fix.year
    assert new is not None
    if new == year:
        raise FixError(f"nothing to do: the report is stored as the {year} review already")
    if new in tx.reports.years():
        raise FixError(f"the {new} review is stored already: cannot move the {year} report there")
    stored, raw = extracted(tx, year)
    before = diff_of(tx, year)
    tx.report_reviews.keep_extracted(stored.id, raw.entries)
    doc = {**fix.to_doc(), "from": year}
    saved = tx.report_reviews.add_correction(year, stored.id, fix.action, doc, note)
    tx.reports.set_year(year, new)
    tx.report_reviews.move_year(year, new)
    save(tx, identify(tx, curation))
    return Corrected(new, stored.id, fix.describe(), saved.id, before, diff_of(tx, new))


def undo(tx: Transaction, curation: Curation, year: int, fix_id: int) -> Corrected:
    """Undo a stored correction of a year's list (it stays on record, marked undone)."""
    stored = current(tx, year)
    mine = {f.id: f for f in tx.report_reviews.corrections(year)}
    if fix_id not in mine:
        raise NotFoundError(f"no correction {fix_id} of the {year} list to undo")
    if mine[fix_id].action == "set-year":
        raise FixError("a year set by a person is changed with --set-year, not undone")
    before = diff_of(tx, year)
    tx.report_reviews.undo(fix_id)
    relist(tx, curation, year)
    text = f"undo correction {fix_id} ({_fix(mine[fix_id]).describe()})"
    return Corrected(year, stored.id, text, fix_id, before, diff_of(tx, year))


# --- what `review` shows --------------------------------------------------------------------


def held(tx: Transaction) -> list[dict[str, Any]]:
    """The held reports, oldest year first (`review`)."""
    out = []
    for year in tx.report_reviews.held_years():
        stored = current(tx, year)
        record = tx.report_reviews.get(stored.id)
        assert record is not None and record.held_at is not None
        out.append(
            {
                "review_year": year,
                "revision": stored.revision,
                "url": stored.source_url,
                "held_at": record.held_at.isoformat(timespec="seconds"),
                "doubts": [Doubt.from_json(d).to_json(stored.source_url) for d in record.doubts],
            }
        )
    return out


def review(tx: Transaction, year: int) -> dict[str, Any]:
    """One year's review: its doubts, its list as corrected with pages, its corrections."""
    stored, raw = extracted(tx, year)
    record = tx.report_reviews.get(stored.id)
    fixed = apply_fixes(raw, stored_fixes(tx, year))
    url = stored.source_url
    recorded = [Doubt.from_json(d) for d in record.doubts] if record else []
    doubts = recorded or doubts_of(stored, diff_of(tx, year))
    entries = fixed.report.entries
    as_extracted = {(e.name, e.kind, e.page) for e in raw.entries}
    states = {o.fix.id: o for o in fixed.outcomes}
    stated = stored.stated_counts
    return {
        "review_year": year,
        "title": stored.title,
        "revision": stored.revision,
        "url": url,
        "held": bool(record and record.held),
        "released_at": record.released_at.isoformat(timespec="seconds")
        if record and record.released_at
        else None,
        "stated_counts": stated.to_json() if stated else None,
        "counts": fixed.report.counts.to_json(),
        "counts_match": fixed.report.counts_match,
        "doubts": [
            {**d.to_json(url), "resolved": _resolved(d, fixed.report.counts_match)} for d in doubts
        ],
        "entries": [
            {
                **e.to_json(),
                "ref": ref(e, entries),
                "link": link(url, e.page),
                "corrected": (e.name, e.kind, e.page) not in as_extracted,
            }
            for e in entries
        ],
        "corrections": [
            _correction_json(s, states.get(s.id)) for s in tx.report_reviews.corrections(year, True)
        ],
    }


def _resolved(d: Doubt, counts_match: bool | None) -> bool:
    """A count mismatch the corrections made agree (the others wait for a person's eye)."""
    return d.code == NoticeCode.COUNT_MISMATCH.value and counts_match is True


def _correction_json(s: StoredListFix, outcome: FixOutcome | None) -> dict[str, Any]:
    state = "undone" if s.undone_at else outcome.state.value if outcome else "not-applicable"
    return {
        "id": s.id,
        "action": s.action,
        "text": _fix(s).describe(),
        "state": state,
        "note": s.note,
        "created_at": s.created_at.isoformat(timespec="seconds"),
        "report_id": s.report_id,
    }


def no_longer_needed(fixed: Fixed) -> list[str]:
    return [o.fix.describe() for o in fixed.outcomes if o.state is FixState.NOT_NEEDED]
