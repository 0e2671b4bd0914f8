"""Watchlists: what one recipient follows, applied to a digest's changes.

A recipient (`alerts.email.recipients` item with `watch`) watches markets by name or id, by
operator, by country and by kind. Markets and operators are picks: each one named is watched.
Countries and kinds are a scope: the markets of those countries, of those kinds (both given:
both must hold). A market is watched when it is picked or in the scope.

Each such recipient gets its own digest: the full digest with a "your watchlist" section at the
top, or (`only_watched`) only what the watchlist matches. A watched market that is new on the
list, returns to it or leaves it also triggers a short alert of its own, beside the digest,
once per report and recipient for the same changes.

Operators and the country of an online market: a diff item carries `operator` and `based_in`
once listings name them (issue 11); until then no item has them, operator picks match nothing
and a country scope sees online markets only where their `country` is given. The filter reads
them through `operator_of` and `place_of`, the one place that knows where they are.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from alerts.channels import digest_recipients
from alerts.digest import DigestInput, Rendered, render, render_template, subject, wrap_text
from alerts.outbox import Queue, queue_message
from tracker.config import Config, Recipient
from tracker.diff import Changes
from tracker.model import AlertKind


class Subject(Protocol):
    """What a watchlist reads of a diff item."""

    @property
    def market_id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def country(self) -> str | None: ...


def operator_of(item: object) -> str | None:
    """The operator a diff item names (`Item.operator`, once listings carry it)."""
    value = getattr(item, "operator", None)
    return value if isinstance(value, str) and value.strip() else None


def place_of(item: Subject) -> str | None:
    """The country a market is in (physical) or based in (online: `Item.based_in`)."""
    based_in = getattr(item, "based_in", None)
    return item.country or (based_in if isinstance(based_in, str) and based_in else None)


@dataclass(frozen=True)
class Watchlist:
    market_ids: frozenset[str]
    operators: frozenset[str]  # casefolded
    countries: frozenset[str]  # casefolded
    kinds: frozenset[str]
    only_watched: bool
    label: str  # what it watches, for the reader

    @classmethod
    def of(cls, r: Recipient, ids: Mapping[str, frozenset[str]]) -> Watchlist:
        """`ids`: the stored market ids each watched market value names."""
        w = r.watch
        parts = [
            (name, ", ".join(values))
            for name, values in (
                ("markets", w.markets),
                ("operators", w.operators),
                ("countries", w.countries),
                ("kinds", w.kinds),
            )
            if values
        ]
        return cls(
            frozenset(i for value in w.markets for i in ids.get(value, ())),
            frozenset(o.casefold() for o in w.operators),
            frozenset(c.casefold() for c in w.countries),
            frozenset(w.kinds),
            r.only_watched,
            "; ".join(f"{name}: {values}" for name, values in parts),
        )

    def matches(self, item: Subject) -> bool:
        operator = operator_of(item)
        if item.market_id in self.market_ids or (operator or "").casefold() in self.operators:
            return True
        if not (self.countries or self.kinds):
            return False
        country_ok = not self.countries or (place_of(item) or "").casefold() in self.countries
        return country_ok and (not self.kinds or item.kind in self.kinds)


def watched(changes: Changes, wl: Watchlist) -> Changes:
    """The changes of the markets a watchlist matches."""
    keep = wl.matches
    new_entries = tuple(i for i in changes.new_entries if keep(i))
    ids = {i.market_id for i in new_entries}
    return replace(
        changes,
        new_entries=new_entries,
        returning=tuple(i for i in changes.returning if keep(i)),
        removed=tuple(i for i in changes.removed if keep(i)),
        still_listed=tuple(i for i in changes.still_listed if keep(i)),
        renamed=tuple(i for i in changes.renamed if keep(i)),
        possible_matches=tuple(p for p in changes.possible_matches if p.market_id in ids),
    )


def watchlists(config: Config, ids: Mapping[str, frozenset[str]]) -> dict[str, Watchlist]:
    """The email recipients with a watchlist that receive the digest, by address."""
    reached = {r for ch, r in digest_recipients(config) if ch == "email"}
    return {
        r.address: Watchlist.of(r, ids)
        for r in config.alerts.email.watching
        if r.address in reached
    }


def personal_digests(
    d: DigestInput, config: Config, ids: Mapping[str, frozenset[str]]
) -> dict[str, Rendered]:
    """Each watching recipient's own digest, by address."""
    templates = config.alerts.templates_dir
    return {a: digest_for(d, wl, templates) for a, wl in watchlists(config, ids).items()}


def digest_for(d: DigestInput, wl: Watchlist, templates_dir: Path | None = None) -> Rendered:
    mine = replace(d, changes=watched(d.changes, wl))
    if wl.only_watched:
        base, head = render(mine, templates_dir), f"{subject(mine)} (your watchlist)"
    else:
        c = mine.changes
        base = render(d, templates_dir)
        head = f"{base.subject}; your watchlist: {len(c.new_entries)} new, {len(c.removed)} removed"
    text = wrap_text(render_template("watch.txt.j2", mine, templates_dir, wl=wl).strip())
    html = render_template("watch.html.j2", mine, templates_dir, wl=wl)
    return Rendered(head, f"{text}\n\n{base.text}", _after_heading(base.html, html))


def _after_heading(page: str, section: str) -> str:
    """The section at the top of the digest's content: after its heading, else its body tag."""
    for pattern in (r"</h1>", r"<body[^>]*>"):
        if m := re.search(pattern, page, re.I):
            return f"{page[: m.end()]}\n{section}{page[m.end() :]}"
    return section + page


def queue_watch_alerts(
    queue: Queue, config: Config, d: DigestInput, ids: Mapping[str, frozenset[str]]
) -> int:
    """A short alert to each recipient whose watched markets are new, return or leave."""
    n = 0
    for address, wl in watchlists(config, ids).items():
        mine = replace(d, changes=watched(d.changes, wl))
        c = mine.changes
        moved = [*c.first_time, *c.returning, *c.removed]
        if not moved:
            continue
        text = render_template("watch_alert.txt.j2", mine, config.alerts.templates_dir, wl=wl)
        text = wrap_text(text)
        head = f"USTR's {d.review_year} Notorious Markets List"
        title = (
            f"Watchlist: {moved[0].name} {_verb(c, moved[0])} {head}"
            if len(moved) == 1
            else f"Watchlist: {len(moved)} of your markets change on {head}"
        )
        key = f"report-{d.review_year}:{_digest(moved)}"
        n += queue_message(queue, AlertKind.WATCH, key, [("email", address)], title, text)
    return n


def _verb(c: Changes, item: Any) -> str:
    if item in c.removed:
        return "leaves"
    return "returns to" if item in c.returning else "is new on"


def _digest(items: list[Any]) -> str:
    facts = sorted(f"{i.market_id}:{i.years_listed}" for i in items)
    return hashlib.sha256("|".join(facts).encode()).hexdigest()[:16]
