"""The orchestrator: the only place that chains the stages."""

from __future__ import annotations

import logging
from pathlib import Path

from tracker.archive import sha256, store_pdf
from tracker.config import Config
from tracker.diff import Changes, compare
from tracker.errors import ExtractionError, NotFoundError, TrackerError
from tracker.extract import extract
from tracker.model import IngestResult
from tracker.store import Store

log = logging.getLogger(__name__)


def open_store(config: Config) -> Store:
    if config.database_url.startswith("sqlite:///"):
        Path(config.database_url.removeprefix("sqlite:///")).parent.mkdir(
            parents=True, exist_ok=True
        )
    return Store(config.database_url)


def ingest_file(config: Config, store: Store, path: Path, url: str | None = None) -> IngestResult:
    """Extract a local PDF and store it as its year's report (a revision if the year is
    stored with other bytes; nothing at all if these bytes are)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExtractionError(f"{path}: cannot read: {exc.strerror}") from exc
    digest = sha256(data)
    if existing := store.report_by_sha(digest):
        log.info("%s is already stored as the %d review", path, existing.review_year)
        return IngestResult("unchanged", existing)
    try:
        report = extract(data)
    except TrackerError as exc:
        raise ExtractionError(f"{path}: {exc}") from exc
    pdf = store_pdf(config.reports_dir, data)
    result = store.save_report(
        report, sha256=digest, source_url=url, pdf_path=str(pdf), aliases=dict(config.aliases)
    )
    log.info(
        "stored the %d review (revision %d): %d online, %d physical, %d new markets",
        report.review_year,
        result.report.revision,
        report.counts.online,
        report.counts.physical,
        len(result.new_markets),
    )
    return result


def changes(store: Store, old: int | None, new: int) -> Changes:
    """The diff between two stored years (old None: everything in `new` is new)."""
    stored = store.years()
    for year in (old, new):
        if year is not None and year not in stored:
            raise NotFoundError(f"no report stored for {year} (stored: {_years(stored)})")
    return compare(
        old,
        new,
        store.listings(old) if old is not None else [],
        store.listings(new),
        store.years_listed(),
        stored,
        store.possible_matches(new),
    )


def default_years(store: Store) -> tuple[int, int]:
    stored = store.years()
    if len(stored) < 2:
        raise NotFoundError(f"a diff needs two stored years (stored: {_years(stored)})")
    return stored[-2], stored[-1]


def _years(years: list[int]) -> str:
    return ", ".join(map(str, years)) or "none"


def market_history(store: Store, query: str) -> dict[str, object]:
    """One market's record across all stored years, found by id, printed name or alias."""
    ids = store.find_markets(query)
    if not ids:
        raise NotFoundError(f"no market named {query!r} in the stored lists")
    if len(ids) > 1:
        raise NotFoundError(f"{query!r} names several markets: {', '.join(ids)}; give a market id")
    market_id = ids[0]
    name, kind, country = store.market(market_id)
    listings = [li for li in store.all_listings() if li.market_id == market_id]
    years = sorted({li.review_year for li in listings})
    return {
        "market_id": market_id,
        "name": name,
        "kind": kind,
        "country": country,
        "years_listed": years,
        "first_listed": years[0] if years else None,
        "aliases": [{"name": n, "source": src} for n, src in store.aliases_of(market_id)],
        "listings": [
            {"review_year": li.review_year, **li.entry.to_json(), "match": li.match}
            for li in listings
        ],
    }
