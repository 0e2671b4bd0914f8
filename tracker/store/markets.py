"""Markets: the identity stage's results as the store keeps them. The stage re-clusters the whole
history on every change and saves it here in the same transaction: the markets, each current
listing's market, the possible matches and the redirects of retired ids."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from tracker.errors import NotFoundError
from tracker.model import Kind, PossibleMatchRecord
from tracker.records import Alias, Market, Relink
from tracker.store.db import current_ids, utcnow
from tracker.store.models import ListingRow, MarketRow, PossibleMatchRow, RedirectRow, ReportRow

IDENTITY_LOCK = 0x4E4D4C02  # PostgreSQL advisory lock key of a re-clustering
_SWAP = "~relinking"  # a market row that holds a listing for a moment while ids are swapped
_LINKED_BY_NAME = frozenset({"first", "name"})


class Markets:
    """The stored markets of one transaction."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def lock(self) -> None:
        """Serialise re-clusterings: each reads the whole history and rewrites it. SQLite
        transactions are serialised already (BEGIN IMMEDIATE); PostgreSQL takes a lock held to
        the end of this transaction."""
        if self._s.get_bind().dialect.name == "postgresql":
            self._s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": IDENTITY_LOCK})

    def get(self, market_id: str) -> Market | None:
        row = self._s.get(MarketRow, market_id)
        return _market(row) if row is not None and row.id != _SWAP else None

    def one(self, market_id: str) -> Market:
        market = self.get(market_id)
        if market is None:
            raise NotFoundError(f"no market {market_id!r}")
        return market

    def all(self) -> list[Market]:
        """Every stored market (those of older revisions' listings included)."""
        q = select(MarketRow).where(MarketRow.id != _SWAP).order_by(MarketRow.id)
        rows = self._s.scalars(q)
        return [_market(r) for r in rows]

    def redirects(self) -> dict[str, str]:
        """Every retired market id -> the live market that holds its listings now."""
        return dict(self._s.execute(select(RedirectRow.old_id, RedirectRow.market_id)).all())

    def aliases_of(self, market_id: str) -> list[Alias]:
        """The other names a market was printed under in the current reports, each with the rule
        that linked its first listing under that name."""
        q = (
            select(ListingRow.name, ListingRow.match)
            .join(ReportRow, ListingRow.report_id == ReportRow.id)
            .where(ListingRow.market_id == market_id, ReportRow.id.in_(current_ids(self._s)))
            .order_by(ReportRow.review_year, ListingRow.position)
        )
        seen: dict[str, Alias] = {}
        for name, match in self._s.execute(q):
            seen.setdefault(name.casefold(), Alias(name, match))
        return [a for a in seen.values() if a.source not in _LINKED_BY_NAME]

    # -- saving a clustering ----------------------------------------------------------------

    def upsert(self, markets: Sequence[Market]) -> None:
        """Create or update these markets (before listings point at them)."""
        rows = {r.id: r for r in self._s.scalars(select(MarketRow))}
        now = utcnow()
        for m in markets:
            row = rows.get(m.id)
            if row is None:
                self._s.add(
                    MarketRow(
                        id=m.id,
                        kind=m.kind,
                        name=m.name,
                        country=m.country,
                        source=m.source,
                        created_at=now,
                    )
                )
            elif (row.kind, row.name, row.country, row.source) != (
                m.kind,
                m.name,
                m.country,
                m.source,
            ):
                row.kind, row.name, row.country, row.source = m.kind, m.name, m.country, m.source
        self._s.flush()

    def relink(self, relink: Relink) -> int:
        """Point every current listing at its market, replace the possible matches and the
        redirects, and drop the markets no listing names any more. Returns how many listings
        changed market. Only what changed is written."""
        reports = _current_reports(self._s)
        rows = self._s.execute(
            select(ListingRow.id, ListingRow.report_id, ReportRow.review_year, ListingRow.position)
            .add_columns(ListingRow.market_id, ListingRow.match)
            .join(ReportRow, ListingRow.report_id == ReportRow.id)
            .where(ReportRow.id.in_(reports.values()))
        )
        rules: list[dict[str, object]] = []
        moves: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        for listing_id, report_id, year, position, market_id, match in rows:
            placed = relink.placements[(year, position)]
            if match != placed.match:
                rules.append({"id": listing_id, "match": placed.match})
            if market_id != placed.market_id:
                moves[report_id].append((listing_id, market_id, placed.market_id))
        self._s.flush()
        if rules:
            self._s.execute(update(ListingRow), rules)
        for report_moves in moves.values():
            _move(self._s, report_moves)
        self._possible(relink.possible, reports)
        self._s.execute(delete(RedirectRow))
        self._s.add_all(RedirectRow(old_id=o, market_id=n) for o, n in relink.redirects.items())
        named = select(ListingRow.market_id).distinct()
        self._s.execute(delete(MarketRow).where(MarketRow.id.not_in(named)))
        self._s.flush()
        self._s.expire_all()  # listings loaded earlier in this transaction see the new markets
        return sum(len(m) for m in moves.values())

    def _possible(self, possible: Iterable[PossibleMatchRecord], reports: dict[int, int]) -> None:
        self._s.execute(delete(PossibleMatchRow))
        self._s.add_all(
            PossibleMatchRow(
                report_id=reports[p.review_year],
                market_id=p.market_id,
                candidate_id=p.candidate_id,
                score=p.score,
                reason=p.reason,
            )
            for p in possible
        )


def _current_reports(s: Session) -> dict[int, int]:
    """Each stored year -> the id of its current revision."""
    ids = current_ids(s)
    rows = s.execute(select(ReportRow.review_year, ReportRow.id).where(ReportRow.id.in_(ids)))
    return {year: report_id for year, report_id in rows}


def _move(s: Session, moves: list[tuple[int, str, str]]) -> None:
    """Give listings of one report their new markets (listing id, market now, market then)
    without two of them ever holding the same market (a unique constraint, checked row by
    row): a listing moves once its target is free; a cycle (two listings swapping ids) is
    broken by parking one on a placeholder market."""
    held = {old for _, old, _ in moves}
    pending = {listing: (old, new) for listing, old, new in moves}

    def set_market(listing: int, market_id: str) -> None:
        s.execute(update(ListingRow).where(ListingRow.id == listing).values(market_id=market_id))
        held.discard(pending[listing][0])
        held.add(market_id)
        pending[listing] = (market_id, pending[listing][1])

    while pending:
        ready = [n for n, (_, new) in pending.items() if new not in held]
        if not ready:  # every target is held by another listing that moves: park one
            if s.get(MarketRow, _SWAP) is None:
                s.add(MarketRow(id=_SWAP, kind="online", name="", created_at=utcnow()))
                s.flush()
            set_market(next(iter(pending)), _SWAP)
            continue
        for n in ready:
            set_market(n, pending[n][1])
            del pending[n]
    s.execute(delete(MarketRow).where(MarketRow.id == _SWAP))


def _market(row: MarketRow) -> Market:
    kind: Kind = "online" if row.kind == "online" else "physical"
    return Market(row.id, row.name, kind, row.country, row.source)
