"""The report site's data, read from the history in one unit of work (`Store.snapshot()`, so
that every page shows the same state of the history)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from tracker.diff import Changes, Item
from tracker.history import every_diff
from tracker.model import Entry, Listing, StoredReport
from tracker.site.model import (
    Appearance,
    FeedItem,
    Mark,
    MarketRecord,
    PdfLink,
    Redirect,
    SiteData,
    YearReport,
)
from tracker.store import Transaction


def gather(tx: Transaction, base_url: str | None = None, generated_at: str = "") -> SiteData:
    """Everything the site shows, read through `tx`. A year whose digest is held for review
    is left out, as if not stored, until a person approves it: the site is read by the same
    people as the digest."""
    held = frozenset(tx.report_reviews.held_years())
    stored = [y for y in tx.reports.years() if y not in held]
    listings = [li for li in tx.reports.all_listings() if li.review_year not in held]
    diffs = every_diff(tx, listings, leave_out=held)
    years = []
    for y in stored:
        report = tx.reports.current(y)
        assert report is not None  # a stored year has a current revision
        years.append(year_report(report, diffs[y] if diffs[y].old is not None else None))
    markets = market_records(listings, stored, marks(diffs.values()))
    return SiteData(
        years=tuple(years),
        markets=markets,
        export=tuple(r for r in tx.reports.export_rows() if r.review_year not in held),
        feed=feed_items([r for r in tx.reports.all() if r.review_year not in held], diffs),
        redirects=tuple(Redirect(old, new) for old, new in sorted(tx.markets.redirects().items())),
        base_url=base_url,
        generated_at=generated_at,
        held=tuple(sorted(held)),
    )


def year_report(r: StoredReport, diff: Changes | None) -> YearReport:
    return YearReport(
        year=r.review_year,
        title=r.title,
        revision=r.revision,
        counts=r.counts,
        stated=r.stated_counts,
        status=r.status,
        published=r.published,
        ingested_at=r.ingested_at,
        pdf=pdf_link(r),
        press_release=_web(r.source_page),
        doubts=tuple(n.message for n in r.notices if n.doubtful),
        changes=diff,
    )


def _web(url: str | None) -> str | None:
    """Only http(s) URLs are linked: a stored URL can never become a script."""
    return url if url and url.lower().startswith(("https://", "http://")) else None


def pdf_link(r: StoredReport) -> PdfLink:
    """The archived PDF, copied into the site, when this machine has it; else its source."""
    source = _web(r.source_url)
    if r.pdf_path and Path(r.pdf_path).is_file():
        return PdfLink(f"pdf/{r.review_year}.pdf", Path(r.pdf_path), source)
    return PdfLink(source, None, source)


def marks(diffs: Iterable[Changes]) -> dict[tuple[str, int], Mark]:
    """(market id, year) -> new or returning, against the stored year before (the first
    stored year marks nothing: it has nothing to compare with)."""
    out: dict[tuple[str, int], Mark] = {}
    for d in diffs:
        if d.old is None:
            continue
        out.update({(i.market_id, d.new): Mark.NEW for i in d.first_time})
        out.update({(i.market_id, d.new): Mark.RETURNING for i in d.returning})
    return out


def operator_of(entry: Entry) -> str | None:
    """The listing's operator once listings carry one (issue 11 adds `Entry.operator`)."""
    value = getattr(entry, "operator", None)
    return str(value) if value else None


def market_records(
    listings: Sequence[Listing], stored: Sequence[int], mark: Mapping[tuple[str, int], Mark]
) -> tuple[MarketRecord, ...]:
    by_market: dict[str, list[Listing]] = {}
    for li in listings:  # oldest year first
        by_market.setdefault(li.market_id, []).append(li)
    out = []
    for market_id, items in sorted(by_market.items()):
        latest = items[-1].entry
        listed = {li.review_year for li in items}
        first = min(listed)
        out.append(
            MarketRecord(
                id=market_id,
                name=latest.name,
                kind=latest.kind,
                country=next(
                    (li.entry.country for li in reversed(items) if li.entry.country), None
                ),
                appearances=tuple(
                    Appearance(
                        li.review_year,
                        li.entry,
                        mark.get((market_id, li.review_year), Mark.LISTED),
                        operator_of(li.entry),
                    )
                    for li in items
                ),
                years_absent=tuple(y for y in stored if y > first and y not in listed),
            )
        )
    return tuple(out)


def feed_items(
    reports: Sequence[StoredReport], diffs: Mapping[int, Changes]
) -> tuple[FeedItem, ...]:
    """One entry per stored report, every revision of every year, newest first."""
    current = {r.review_year: r.revision for r in reports}  # all() is oldest revision first
    items = []
    for r in reports:
        what = f"The {r.review_year} Notorious Markets List"
        if r.revision > 1:
            what = f"A corrected PDF of the {r.review_year} list (revision {r.revision})"
        title = f"{what}: {r.counts.online} online and {r.counts.physical} physical markets"
        diff = diffs.get(r.review_year) if current[r.review_year] == r.revision else None
        summary = r.title
        if diff is not None and diff.old is not None:
            title += f"; {len(diff.new_entries)} new, {len(diff.removed)} removed"
            summary = _diff_summary(r.title, diff)
        items.append(
            FeedItem(
                key=f"report:{r.sha256}",
                kind="report",
                year=r.review_year,
                title=title,
                summary=summary,
                updated=r.ingested_at,
                url=_web(r.source_url),
            )
        )
    return tuple(sorted(items, key=lambda i: (i.updated, i.year), reverse=True))


def _diff_summary(title: str, d: Changes) -> str:
    def names(items: Sequence[Item]) -> str:
        return ", ".join(i.name for i in items) or "none"

    return (
        f"{title}. Against {d.old}: new for the first time: {names(d.first_time)}. "
        f"Returning: {names(d.returning)}. Removed: {names(d.removed)}. "
        f"Still listed: {len(d.still_listed)}."
    )
