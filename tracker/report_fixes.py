"""A person's corrections of an extracted list (`review YEAR --join A B`, ...), applied on top of
the extraction: a pure function over a report's entries, so that the same corrections give the
same list whichever revision of the year they meet.

Listing corrections are not identity corrections (`markets merge|split|rename`, tracker.markets):
these fix what the report lists (two headings that are one entry, a heading that is not a
market), those which listings of different years are one market.

An entry is named as the list prints it (`ALIEXPRESS`), or `NAME@PAGE` when the name alone is
ambiguous. Each correction, applied, is `applied`; `not-needed` when the list already reads as
it would make it (the extractor now agrees); `not-applicable` when it names an entry the list
does not hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from tracker.errors import TrackerError
from tracker.model import KINDS, Entry, Kind, Report

ACTIONS = ("join", "split", "rename", "drop", "add", "set-year")


class FixError(TrackerError):
    """A correction that cannot be applied as given (an unknown or ambiguous entry)."""


class FixState(StrEnum):
    APPLIED = "applied"
    NOT_NEEDED = "not-needed"  # the list already reads so: the extractor now agrees
    NOT_APPLICABLE = "not-applicable"  # it names an entry the list does not hold


@dataclass(frozen=True)
class ListFix:
    """One correction of a year's list. `entries`: the entries it names (join: two; split,
    rename, drop: one); `names`: the names it gives (split: the headings; rename, add: one)."""

    action: str
    entries: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    page: int | None = None  # add
    kind: Kind | None = None  # add
    country: str | None = None  # add
    city: str | None = None  # add
    year: int | None = None  # set-year
    id: int = 0  # the stored correction's id (0: not stored yet)

    def describe(self) -> str:
        a, e, n = self.action, self.entries, self.names
        if a == "join":
            return f"join {e[0]!r} and {e[1]!r} into one entry"
        if a == "split":
            return f"split {e[0]!r} into " + ", ".join(map(repr, n))
        if a == "rename":
            return f"rename {e[0]!r} to {n[0]!r}"
        if a == "drop":
            return f"drop {e[0]!r} (not a listed market)"
        if a == "add":
            where = ", ".join(x for x in (self.city, self.country) if x)
            return f"add {n[0]!r} ({self.kind}, p. {self.page}{', ' + where if where else ''})"
        return f"set the review year to {self.year}"

    def to_doc(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"entries": list(self.entries), "names": list(self.names)}
        for key in ("page", "kind", "country", "city", "year"):
            if getattr(self, key) is not None:
                doc[key] = getattr(self, key)
        return doc

    @classmethod
    def from_doc(cls, action: str, doc: dict[str, Any], fix_id: int = 0) -> ListFix:
        kind = doc.get("kind")
        return cls(
            action,
            tuple(map(str, doc.get("entries", ()))),
            tuple(map(str, doc.get("names", ()))),
            int(doc["page"]) if doc.get("page") is not None else None,
            kind if kind in KINDS else None,
            doc.get("country"),
            doc.get("city"),
            int(doc["year"]) if doc.get("year") is not None else None,
            fix_id,
        )


@dataclass(frozen=True)
class FixOutcome:
    fix: ListFix
    state: FixState
    reason: str = ""


@dataclass(frozen=True)
class Fixed:
    """A report with the corrections applied, and what each did."""

    report: Report
    outcomes: tuple[FixOutcome, ...]

    @property
    def corrected(self) -> bool:
        return any(o.state is FixState.APPLIED for o in self.outcomes)


def _norm(name: str) -> str:
    return " ".join(name.split()).casefold()


def ref(entry: Entry, entries: Sequence[Entry]) -> str:
    """How a person names `entry` in `entries`: its name, with `@PAGE` when the name is not
    alone."""
    same = [e for e in entries if _norm(e.name) == _norm(entry.name)]
    return entry.name if len(same) == 1 else f"{entry.name}@{entry.page}"


def find(entries: Sequence[Entry], name: str) -> int | None:
    """The index of the entry `name` (`NAME` or `NAME@PAGE`) names; None when none does;
    FixError when several do."""
    base, _, page = name.rpartition("@")
    if not (base and page.isdigit()):
        base, page = name, ""
    hits = [
        i
        for i, e in enumerate(entries)
        if _norm(e.name) == _norm(base) and (not page or e.page == int(page))
    ]
    if len(hits) > 1:
        pages = ", ".join(str(entries[i].page) for i in hits)
        raise FixError(f"{name!r} names {len(hits)} entries (pages {pages}): give NAME@PAGE")
    return hits[0] if hits else None


def apply_fixes(report: Report, fixes: Sequence[ListFix]) -> Fixed:
    """`report` with `fixes` applied in order (its notices and stated counts as extracted)."""
    entries, year = list(report.entries), report.review_year
    outcomes = []
    for fix in fixes:
        try:
            state, reason = _apply(entries, fix, year)
        except FixError as exc:
            state, reason = FixState.NOT_APPLICABLE, str(exc)
        if fix.action == "set-year" and state is FixState.APPLIED and fix.year is not None:
            year = fix.year
        outcomes.append(FixOutcome(fix, state, reason))
    return Fixed(replace(report, review_year=year, entries=tuple(entries)), tuple(outcomes))


def _apply(entries: list[Entry], fix: ListFix, year: int) -> tuple[FixState, str]:
    """Apply one fix to `entries` in place."""
    if fix.action == "set-year":
        return (FixState.NOT_NEEDED, "") if fix.year == year else (FixState.APPLIED, "")
    if fix.action == "add":
        return _add(entries, fix)
    found = [find(entries, name) for name in fix.entries]
    if any(i is None for i in found):
        if _reads_so(entries, fix):
            return FixState.NOT_NEEDED, ""
        missing = [n for n, i in zip(fix.entries, found, strict=True) if i is None]
        return FixState.NOT_APPLICABLE, f"the list holds no entry {missing[0]!r}"
    at = [i for i in found if i is not None]
    if fix.action == "join":
        first, second = entries[at[0]], entries[at[1]]
        entries[at[0]] = _joined(first, second)
        del entries[at[1]]
    elif fix.action == "split":
        old = entries[at[0]]
        entries[at[0] : at[0] + 1] = [
            replace(old, name=n, heading=n, excerpt=old.excerpt if k == 0 else "")
            for k, n in enumerate(fix.names)
        ]
    elif fix.action == "rename":
        entries[at[0]] = replace(entries[at[0]], name=fix.names[0])
    else:  # drop
        del entries[at[0]]
    return FixState.APPLIED, ""


def _joined(a: Entry, b: Entry) -> Entry:
    return replace(
        a,
        name=f"{a.name} {b.name}",
        heading=" ".join(x for x in (a.heading or a.name, b.heading or b.name) if x),
        domains=tuple(dict.fromkeys(a.domains + b.domains)),
        country=a.country or b.country,
        city=a.city or b.city,
        excerpt=a.excerpt or b.excerpt,
    )


def _reads_so(entries: list[Entry], fix: ListFix) -> bool:
    """Does the list already read as `fix` would make it (its named entries gone)?"""
    names = {_norm(e.name) for e in entries}
    if fix.action == "join":
        return _norm(" ".join(fix.entries)) in names
    if fix.action in ("split", "rename"):
        return all(_norm(n) in names for n in fix.names)
    return fix.action == "drop"


def _add(entries: list[Entry], fix: ListFix) -> tuple[FixState, str]:
    name, kind = fix.names[0], fix.kind or "online"
    if any(_norm(e.name) == _norm(name) and e.kind == kind for e in entries):
        return FixState.NOT_NEEDED, ""
    entry = Entry(name, kind, fix.page or 1, fix.country, fix.city, heading=name)
    same = [i for i, e in enumerate(entries) if e.kind == kind and e.page <= entry.page]
    others = [i for i, e in enumerate(entries) if e.kind == kind]
    at = same[-1] + 1 if same else (others[0] if others else len(entries))
    entries.insert(at, entry)
    return FixState.APPLIED, ""
