"""The history database: the only module that knows SQLAlchemy models.

SQLite (default, WAL, foreign keys on, writers serialised with BEGIN IMMEDIATE) or PostgreSQL
(`postgresql+psycopg://`). The schema is managed by Alembic (`tracker/migrations`) and brought
up to date whenever a Store opens. Everything leaving this module is a plain dataclass.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from tracker import identity
from tracker.errors import NotFoundError, StoreError
from tracker.model import (
    Counts,
    Entry,
    IngestResult,
    Listing,
    Notice,
    PossibleMatchRecord,
    Report,
    StoredReport,
)
from tracker.store.models import (
    AliasRow,
    CheckRunRow,
    HeartbeatRow,
    ListingRow,
    MarketRow,
    PossibleMatchRow,
    ReportRow,
)

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite drops the zone


def make_engine(url: str) -> Engine:
    """An engine with the settings this project relies on."""
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # SQLAlchemy, not the driver, opens transactions
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # one writer at a time, no upgrade deadlock

        return engine
    return create_engine(url, pool_pre_ping=True)


class Store:
    """The history: reports, markets, listings, aliases, possible matches and check runs."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        try:
            self.engine = make_engine(url)
            if migrate:
                from tracker.migrations import upgrade

                upgrade(self.engine)
        except ImportError as exc:
            raise StoreError(
                f"no database driver for {_safe_url(url)}: {exc.msg} "
                "(for PostgreSQL: pip install 'nml-tracker[postgres]')"
            ) from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"{_safe_url(url)}: {_db_message(exc)}") from exc
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on any error."""
        try:
            with self._sessions.begin() as session:
                yield session
        except OperationalError as exc:
            raise StoreError(f"{_safe_url(self.url)}: {_db_message(exc)}") from exc

    @contextmanager
    def using(self, session: Session | None) -> Iterator[Session]:
        """The caller's transaction if it has one, else a new one."""
        if session is not None:
            yield session
        else:
            with self.session() as s:
                yield s

    # -- reports ---------------------------------------------------------------------------

    def report_by_sha(self, sha256: str) -> StoredReport | None:
        with self.session() as s:
            row = s.scalar(select(ReportRow).where(ReportRow.sha256 == sha256))
            return _report(row) if row else None

    def current_report(self, year: int, session: Session | None = None) -> StoredReport | None:
        with self.using(session) as s:
            row = _current(s, year)
            return _report(row) if row else None

    def years(self, session: Session | None = None) -> list[int]:
        with self.using(session) as s:
            return list(
                s.scalars(select(ReportRow.review_year).distinct().order_by(ReportRow.review_year))
            )

    def save_report(
        self,
        report: Report,
        *,
        sha256: str,
        source_url: str | None = None,
        source_page: str | None = None,
        pdf_path: str | None = None,
        published: str | None = None,
        aliases: dict[str, str] | None = None,
        session: Session | None = None,
    ) -> IngestResult:
        """Store a report: resolve each entry's market, add listings; a stored sha256 is a
        no-op and new bytes for a stored year become its next revision. Pass `session` to make
        it part of a larger transaction (the alert outbox is written in the same one)."""
        if session is None:
            with self.session() as s:
                return self.save_report(
                    report,
                    sha256=sha256,
                    source_url=source_url,
                    source_page=source_page,
                    pdf_path=pdf_path,
                    published=published,
                    aliases=aliases,
                    session=s,
                )
        s = session
        if existing := s.scalar(select(ReportRow).where(ReportRow.sha256 == sha256)):
            return IngestResult("unchanged", _report(existing))
        previous = _current(s, report.review_year)
        known = _known_markets(s)  # before the new row: a revision resolves like its year did
        row = _new_report_row(report, sha256, source_url, pdf_path, published)
        row.source_page = source_page
        row.revision = previous.revision + 1 if previous else 1
        s.add(row)
        s.flush()
        decisions = identity.Resolver(known, aliases or {}).resolve(report.entries)
        new_ids, possible = self._add_listings(s, row, report.entries, decisions)
        s.flush()
        status = "revised" if previous else "stored"
        return IngestResult(status, _report(row), tuple(new_ids), tuple(possible))

    def _add_listings(
        self,
        s: Session,
        row: ReportRow,
        entries: Sequence[Entry],
        decisions: Sequence[identity.Decision],
    ) -> tuple[list[str], list[PossibleMatchRecord]]:
        taken = set(s.scalars(select(MarketRow.id)))
        names = dict(s.execute(select(MarketRow.id, MarketRow.name)).all())
        new_ids: list[str] = []
        possible: list[PossibleMatchRecord] = []
        now = utcnow()
        for position, (entry, decision) in enumerate(zip(entries, decisions, strict=True)):
            market_id = decision.market_id
            if market_id is None:
                market_id = identity.new_market_id(entry, taken)
                taken.add(market_id)
                new_ids.append(market_id)
                s.add(
                    MarketRow(
                        id=market_id,
                        kind=entry.kind,
                        name=entry.name,
                        country=entry.country,
                        created_at=now,
                    )
                )
                s.flush()
            else:
                market = s.get_one(MarketRow, market_id)
                market.name, market.country = entry.name, entry.country or market.country
                if decision.reason != "name":
                    _link_alias(s, market_id, entry.name, decision.reason, row.id, now)
            s.add(
                ListingRow(
                    report_id=row.id,
                    market_id=market_id,
                    position=position,
                    name=entry.name,
                    heading=entry.heading,
                    kind=entry.kind,
                    country=entry.country,
                    city=entry.city,
                    domains=list(entry.domains),
                    page=entry.page,
                    excerpt=entry.excerpt,
                    match=decision.reason,
                )
            )
            for p in decision.possible:
                s.add(
                    PossibleMatchRow(
                        report_id=row.id,
                        market_id=market_id,
                        candidate_id=p.market_id,
                        score=p.score,
                        reason=p.reason,
                    )
                )
                possible.append(
                    PossibleMatchRecord(
                        row.review_year,
                        entry.name,
                        market_id,
                        p.market_id,
                        names.get(p.market_id, ""),
                        p.score,
                        p.reason,
                    )
                )
        return new_ids, possible

    # -- listings and markets --------------------------------------------------------------

    def listings(self, year: int, session: Session | None = None) -> list[Listing]:
        """The markets of a year's current revision, in the report's order."""
        with self.using(session) as s:
            report = _current(s, year)
            if report is None:
                raise NotFoundError(f"no report stored for {year} (stored: {_years_text(s)})")
            rows = s.scalars(
                select(ListingRow)
                .where(ListingRow.report_id == report.id)
                .order_by(ListingRow.position)
            )
            return [_listing(r, year) for r in rows]

    def all_listings(self) -> list[Listing]:
        """Every listing of every year's current revision, oldest year first."""
        with self.session() as s:
            current = _current_ids(s)
            rows = s.execute(
                select(ListingRow, ReportRow.review_year)
                .join(ReportRow, ListingRow.report_id == ReportRow.id)
                .where(ReportRow.id.in_(current))
                .order_by(ReportRow.review_year, ListingRow.position)
            )
            return [_listing(r, year) for r, year in rows]

    def export_rows(self) -> list[dict[str, Any]]:
        """A row per listing of every year's current revision, with its report."""
        with self.session() as s:
            rows = s.execute(
                select(ListingRow, ReportRow)
                .join(ReportRow, ListingRow.report_id == ReportRow.id)
                .where(ReportRow.id.in_(_current_ids(s)))
                .order_by(ReportRow.review_year, ListingRow.position)
            )
            return [
                {
                    "review_year": r.review_year,
                    "market_id": li.market_id,
                    "name": li.name,
                    "kind": li.kind,
                    "country": li.country,
                    "city": li.city,
                    "domains": list(li.domains or ()),
                    "page": li.page,
                    "heading": li.heading,
                    "report_title": r.title,
                    "report_revision": r.revision,
                    "report_sha256": r.sha256,
                    "source_url": r.source_url,
                }
                for li, r in rows
            ]

    def years_listed(self, session: Session | None = None) -> dict[str, list[int]]:
        """Every market's listed years (current revisions only)."""
        with self.using(session) as s:
            rows = s.execute(
                select(ListingRow.market_id, ReportRow.review_year)
                .join(ReportRow, ListingRow.report_id == ReportRow.id)
                .where(ReportRow.id.in_(_current_ids(s)))
            )
            out: dict[str, list[int]] = {}
            for market_id, year in rows:
                out.setdefault(market_id, []).append(year)
            return {k: sorted(set(v)) for k, v in out.items()}

    def possible_matches(
        self, year: int | None = None, session: Session | None = None
    ) -> list[PossibleMatchRecord]:
        with self.using(session) as s:
            q = (
                select(PossibleMatchRow, ReportRow.review_year, ListingRow.name, MarketRow.name)
                .join(ReportRow, PossibleMatchRow.report_id == ReportRow.id)
                .join(
                    ListingRow,
                    (ListingRow.report_id == ReportRow.id)
                    & (ListingRow.market_id == PossibleMatchRow.market_id),
                )
                .join(MarketRow, MarketRow.id == PossibleMatchRow.candidate_id)
                .where(ReportRow.id.in_(_current_ids(s)))
                .order_by(ReportRow.review_year, PossibleMatchRow.id)
            )
            if year is not None:
                q = q.where(ReportRow.review_year == year)
            return [
                PossibleMatchRecord(y, name, p.market_id, p.candidate_id, cname, p.score, p.reason)
                for p, y, name, cname in s.execute(q)
            ]

    def find_markets(self, query: str) -> list[str]:
        """Market ids for a market id, a printed name (any year) or an alias."""
        keys = identity.name_keys(query)
        with self.session() as s:
            if s.get(MarketRow, query) is not None:
                return [query]
            found: set[str] = set()
            for market_id, name in s.execute(select(ListingRow.market_id, ListingRow.name)):
                if keys & identity.name_keys(name):
                    found.add(market_id)
            for market_id, name in s.execute(select(AliasRow.market_id, AliasRow.name)):
                if keys & identity.name_keys(name):
                    found.add(market_id)
            return sorted(found)

    def market(self, market_id: str) -> tuple[str, str, str | None]:
        """(name, kind, country) of a market."""
        with self.session() as s:
            row = s.get(MarketRow, market_id)
            if row is None:
                raise NotFoundError(f"no market {market_id!r}")
            return row.name, row.kind, row.country

    def aliases_of(self, market_id: str) -> list[tuple[str, str]]:
        with self.session() as s:
            rows = s.execute(
                select(AliasRow.name, AliasRow.source).where(AliasRow.market_id == market_id)
            )
            return list(rows)

    def reports(self) -> list[StoredReport]:
        """Every stored report, every revision, oldest first."""
        with self.session() as s:
            rows = s.scalars(select(ReportRow).order_by(ReportRow.review_year, ReportRow.revision))
            return [_report(r) for r in rows]

    # -- check runs ------------------------------------------------------------------------

    def start_run(self, trigger: str = "manual") -> int:
        with self.session() as s:
            row = CheckRunRow(started_at=utcnow(), trigger=trigger, outcome="running", detail={})
            s.add(row)
            s.flush()
            return row.id

    def finish_run(
        self,
        run_id: int,
        outcome: str,
        error: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        with self.session() as s:
            row = s.get_one(CheckRunRow, run_id)
            row.finished_at, row.outcome, row.error = utcnow(), outcome, error
            row.detail = detail or {}

    def next_run(self, fresh: timedelta = timedelta(minutes=2)) -> str | None:
        """When a live daemon (one that beat recently) will check next."""
        with self.session() as s:
            rows = s.scalars(
                select(HeartbeatRow).where(HeartbeatRow.beat_at >= utcnow() - fresh)
            ).all()
            runs = [as_utc(r.next_run) for r in rows if r.next_run]
            return min(runs).isoformat(timespec="seconds") if runs else None

    def run_stats(self) -> dict[str, Any]:
        """Checks by outcome, and when the last one and the last successful one ended."""
        with self.session() as s:
            by_outcome = dict(
                s.execute(select(CheckRunRow.outcome, func.count()).group_by(CheckRunRow.outcome))
                .tuples()
                .all()
            )
            last = s.scalar(select(func.max(CheckRunRow.finished_at)))
            ok = s.scalar(
                select(func.max(CheckRunRow.finished_at)).where(
                    CheckRunRow.outcome.in_(("baseline", "new_report", "no_change", "revised"))
                )
            )
            return {
                "by_outcome": by_outcome,
                "last_finished": as_utc(last) if last else None,
                "last_success": as_utc(ok) if ok else None,
            }

    def last_runs(self, limit: int = 5) -> list[dict[str, Any]]:
        with self.session() as s:
            rows = s.scalars(select(CheckRunRow).order_by(CheckRunRow.id.desc()).limit(limit))
            return [
                {
                    "started_at": as_utc(r.started_at).isoformat(timespec="seconds"),
                    "finished_at": as_utc(r.finished_at).isoformat(timespec="seconds")
                    if r.finished_at
                    else None,
                    "trigger": r.trigger,
                    "outcome": r.outcome,
                    "error": r.error,
                }
                for r in rows
            ]


# ---------------------------------------------------------------------------------------------
# helpers


def _current(s: Session, year: int) -> ReportRow | None:
    return s.scalar(
        select(ReportRow)
        .where(ReportRow.review_year == year)
        .order_by(ReportRow.revision.desc())
        .limit(1)
    )


def _current_ids(s: Session) -> list[int]:
    latest = (
        select(ReportRow.review_year, func.max(ReportRow.revision).label("rev"))
        .group_by(ReportRow.review_year)
        .subquery()
    )
    return list(
        s.scalars(
            select(ReportRow.id).join(
                latest,
                (ReportRow.review_year == latest.c.review_year)
                & (ReportRow.revision == latest.c.rev),
            )
        )
    )


def _years_text(s: Session) -> str:
    years = sorted(set(s.scalars(select(ReportRow.review_year))))
    return ", ".join(map(str, years)) or "none"


def _known_markets(s: Session) -> list[identity.KnownMarket]:
    """Every market with everything printed for it in the current reports."""
    rows = s.execute(
        select(ListingRow, MarketRow.country)
        .join(MarketRow, MarketRow.id == ListingRow.market_id)
        .where(ListingRow.report_id.in_(_current_ids(s)))
    )
    acc: dict[str, dict[str, Any]] = {}
    for listing, country in rows:
        m = acc.setdefault(
            listing.market_id,
            {
                "kind": listing.kind,
                "country": country,
                "names": set(),
                "domains": set(),
                "places": set(),
            },
        )
        m["names"].add(listing.name)
        m["domains"].update(identity.heading_domains(_entry(listing)))
        m["places"].update(identity.entry_places(_entry(listing)))
    for market_id, name in s.execute(select(AliasRow.market_id, AliasRow.name)):
        if market_id in acc:
            acc[market_id]["names"].add(name)
    return [
        identity.KnownMarket(
            id=k,
            kind=v["kind"],
            country=v["country"],
            names=frozenset(v["names"]),
            domains=frozenset(v["domains"]),
            places=frozenset(v["places"]),
        )
        for k, v in acc.items()
    ]


def _link_alias(
    s: Session, market_id: str, name: str, source: str, report_id: int, now: datetime
) -> None:
    exists = s.scalar(
        select(AliasRow.id).where(AliasRow.market_id == market_id, AliasRow.name == name)
    )
    if exists is None:
        s.add(
            AliasRow(
                market_id=market_id, name=name, source=source, report_id=report_id, created_at=now
            )
        )


def _new_report_row(
    report: Report, sha256: str, source_url: str | None, pdf_path: str | None, published: str | None
) -> ReportRow:
    counts, stated = report.counts, report.stated_counts
    status = "unverified" if stated is None else "ok" if stated == counts else "needs_review"
    return ReportRow(
        review_year=report.review_year,
        title=report.title,
        sha256=sha256,
        source_url=source_url,
        pdf_path=pdf_path,
        published=published,
        ingested_at=utcnow(),
        stated_online=stated.online if stated else None,
        stated_physical=stated.physical if stated else None,
        online_count=counts.online,
        physical_count=counts.physical,
        status=status,
        warnings=[n.to_json() for n in report.notices],
    )


def _report(row: ReportRow) -> StoredReport:
    stated = None
    if row.stated_online is not None and row.stated_physical is not None:
        stated = Counts(row.stated_online, row.stated_physical)
    return StoredReport(
        id=row.id,
        review_year=row.review_year,
        revision=row.revision,
        title=row.title,
        sha256=row.sha256,
        source_url=row.source_url,
        published=row.published,
        ingested_at=as_utc(row.ingested_at).isoformat(timespec="seconds"),
        stated_counts=stated,
        counts=Counts(row.online_count, row.physical_count),
        status=row.status,
        notices=tuple(Notice.from_json(w) for w in row.warnings or ()),
        pdf_path=row.pdf_path,
        source_page=row.source_page,
    )


def _entry(row: ListingRow) -> Entry:
    return Entry(
        name=row.name,
        kind="online" if row.kind == "online" else "physical",
        page=row.page,
        country=row.country,
        city=row.city,
        domains=tuple(row.domains or ()),
        heading=row.heading,
        excerpt=row.excerpt,
    )


def _listing(row: ListingRow, year: int) -> Listing:
    return Listing(market_id=row.market_id, review_year=year, entry=_entry(row), match=row.match)


def _safe_url(url: str) -> str:
    """The URL without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "the database URL"


def _db_message(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig or exc).strip().splitlines()[0]
    return text
