"""A person's identity corrections (`markets merge|split|rename`), kept in the database and
applied by every re-clustering, oldest first. Each names listings (year, printed name, kind),
never market ids: ids are derived from the clusters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tracker.errors import StoreError
from tracker.model import Kind
from tracker.records import StoredCorrection
from tracker.store.db import as_utc, utcnow
from tracker.store.models import CorrectionRow

if TYPE_CHECKING:
    from tracker.resolve.types import Correction, ListingKey


class Corrections:
    """The stored corrections of one transaction."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def all(self) -> list[StoredCorrection]:
        """Every correction, oldest first."""
        rows = self._s.scalars(select(CorrectionRow).order_by(CorrectionRow.id))
        return [
            StoredCorrection(r.id, correction(r.action, r.doc, r.note), as_utc(r.created_at))
            for r in rows
        ]

    def add(self, c: Correction) -> StoredCorrection:
        action, doc = correction_doc(c)
        row = CorrectionRow(action=action, doc=doc, note=c.note, created_at=utcnow())
        self._s.add(row)
        self._s.flush()
        return StoredCorrection(row.id, c, as_utc(row.created_at))

    def remove(self, ids: Iterable[int]) -> None:
        """Drop corrections a later one supersedes (a merge undone by a split, ...)."""
        self._s.execute(delete(CorrectionRow).where(CorrectionRow.id.in_(list(ids))))


def _key(k: ListingKey) -> dict[str, Any]:
    return {"year": k.year, "name": k.name, "kind": k.kind}


def correction_doc(c: Correction) -> tuple[str, dict[str, Any]]:
    from tracker.resolve.types import Merge, Split

    if isinstance(c, Merge):
        return "merge", {"a": _key(c.a), "b": _key(c.b)}
    if isinstance(c, Split):
        return "split", {"listing": _key(c.listing), "away_from": [_key(k) for k in c.away_from]}
    return "rename", {"listing": _key(c.listing), "name": c.name}


def correction(action: str, doc: dict[str, Any], note: str) -> Correction:
    """A stored correction as the identity stage takes it."""
    from tracker.resolve.types import ListingKey, Merge, Rename, Split

    def key(d: dict[str, Any]) -> ListingKey:
        return ListingKey(int(d["year"]), str(d["name"]), _kind(d.get("kind")))

    try:
        if action == "merge":
            return Merge(key(doc["a"]), key(doc["b"]), note)
        if action == "split":
            return Split(key(doc["listing"]), tuple(key(k) for k in doc["away_from"]), note)
        if action == "rename":
            return Rename(key(doc["listing"]), str(doc["name"]), note)
    except (KeyError, TypeError, ValueError) as exc:
        raise StoreError(f"a stored {action} correction is malformed: {exc!r}") from exc
    raise StoreError(f"unknown stored correction {action!r}")


def _kind(value: Any) -> Kind | None:
    return "online" if value == "online" else "physical" if value == "physical" else None
