"""Watchlists against the history: the markets a recipient names, checked and resolved to ids.

The config can check countries and kinds by itself; market names and ids only mean something
against the stored history, so they are checked whenever a command opens the store:
- a stored market id, or a name printed in some stored year (or an alias): it watches those
  markets (by id: a later spelling still matches);
- a value written as a market id (`aliexpress`, `silk-market`) that no stored market has: a
  configuration error naming it;
- a value written as a printed name (`ALIEXPRESS`) that no stored year prints: accepted, and
  matched by name once a report lists it (watching a market before it is ever listed is the
  point), unless it is one letter or so off a stored name: then it is a typo, and an error
  ("did you mean ...?").
"""

from __future__ import annotations

import difflib
import logging
import re

from tracker.config import Config
from tracker.errors import ConfigError
from tracker.history import find_markets
from tracker.store import Store, Transaction

log = logging.getLogger(__name__)

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
TYPO = 0.8  # a name this close to a stored name, and not it, is taken for a misspelling


def watched_values(config: Config) -> list[tuple[int, str]]:
    """(recipient index, market value) for every market a recipient watches."""
    return [
        (n, value)
        for n, r in enumerate(config.alerts.email.recipients)
        for value in r.watch.markets
    ]


def check_watchlists(config: Config, store: Store) -> None:
    """Raise a ConfigError naming the first watched market the history cannot account for."""
    values = watched_values(config)
    if not values:
        return
    with store.transaction() as tx:
        if not tx.reports.years():
            return  # nothing stored yet: nothing to check against
        names = sorted({li.entry.name for li in tx.reports.all_listings()})
        for n, value in values:
            problem = _problem(tx, value, names)
            if problem:
                where = f"alerts.email.recipients.{n}.watch.markets"
                raise ConfigError(f"{where}: {problem}")


def _problem(tx: Transaction, value: str, names: list[str]) -> str | None:
    if find_markets(tx, value):
        return None
    if _ID.fullmatch(value):
        return (
            f"no market with the id {value!r} in the history (a market not listed yet is "
            "watched by its name as printed, e.g. ALIEXPRESS)"
        )
    close = difflib.get_close_matches(value.casefold(), [n.casefold() for n in names], 1, TYPO)
    if close:
        printed = next(n for n in names if n.casefold() == close[0])
        return f"no market named {value!r} in the history (did you mean {printed!r}?)"
    log.info("watchlist: %r names no stored market yet; it will match once listed", value)
    return None


def watched_ids(tx: Transaction, config: Config) -> dict[str, frozenset[str]]:
    """Each watched market value, and the stored market ids it names (now)."""
    return {value: frozenset(find_markets(tx, value)) for _, value in watched_values(config)}
