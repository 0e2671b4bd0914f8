"""Markets, and what is printed for them: the facts the identity stage reads."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.errors import NotFoundError
from tracker.model import Entry, Kind
from tracker.records import Alias, Market, MarketEvidence, MarketName
from tracker.store.db import current_ids
from tracker.store.models import AliasRow, ListingRow, MarketRow
from tracker.store.reports import entry


class Markets:
    """The stored markets of one transaction."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def ids(self) -> set[str]:
        """Every market id ever created (a new market must take another)."""
        return set(self._s.scalars(select(MarketRow.id)))

    def get(self, market_id: str) -> Market | None:
        row = self._s.get(MarketRow, market_id)
        if row is None:
            return None
        kind: Kind = "online" if row.kind == "online" else "physical"
        return Market(row.id, row.name, kind, row.country)

    def one(self, market_id: str) -> Market:
        market = self.get(market_id)
        if market is None:
            raise NotFoundError(f"no market {market_id!r}")
        return market

    def evidence(self) -> list[MarketEvidence]:
        """Every market listed in a current report, with all its current listings' entries and
        the names linked to it as aliases."""
        rows = self._s.execute(
            select(ListingRow, MarketRow.country)
            .join(MarketRow, MarketRow.id == ListingRow.market_id)
            .where(ListingRow.report_id.in_(current_ids(self._s)))
            .order_by(ListingRow.id)
        )
        entries: dict[str, list[Entry]] = {}
        first: dict[str, tuple[str, str | None]] = {}
        for listing, country in rows:
            entries.setdefault(listing.market_id, []).append(entry(listing))
            first.setdefault(listing.market_id, (listing.kind, country))
        aliases: dict[str, set[str]] = {}
        for market_id, name in self._s.execute(select(AliasRow.market_id, AliasRow.name)):
            aliases.setdefault(market_id, set()).add(name)
        return [
            MarketEvidence(
                id=market_id,
                kind="online" if first[market_id][0] == "online" else "physical",
                country=first[market_id][1],
                entries=tuple(found),
                alias_names=frozenset(aliases.get(market_id, ())),
            )
            for market_id, found in entries.items()
        ]

    def names(self) -> list[MarketName]:
        """Every name printed for a market (any year, any revision) or linked as its alias."""
        printed = self._s.execute(select(ListingRow.market_id, ListingRow.name))
        linked = self._s.execute(select(AliasRow.market_id, AliasRow.name))
        return [MarketName(m, n) for m, n in [*printed, *linked]]

    def aliases_of(self, market_id: str) -> list[Alias]:
        q = select(AliasRow.name, AliasRow.source).where(AliasRow.market_id == market_id)
        return [Alias(name, source) for name, source in self._s.execute(q)]
