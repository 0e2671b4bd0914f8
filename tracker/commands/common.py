"""What every command shares: the config, the store, JSON and table output, usage errors."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from tracker.errors import TrackerError

if TYPE_CHECKING:
    from tracker.config import Config
    from tracker.store import Store

Handler = Callable[[argparse.Namespace], int]


def command(sub: Any, name: str, func: Handler, help_text: str) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=help_text)
    p.set_defaults(func=func)
    return p


def json_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")


def load_config(args: argparse.Namespace) -> Config:
    from tracker.config import load

    return load(args.config)


def open_store(config: Config) -> Store:
    """The history, with the watchlists' markets checked against it (a ConfigError)."""
    from tracker.store import Store
    from tracker.watching import check_watchlists

    store = Store(config.database_url)
    try:
        check_watchlists(config, store)
    except TrackerError:
        store.close()
        raise
    return store


def print_json(doc: Any) -> None:
    print(json.dumps(doc, ensure_ascii=False, indent=2))


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


class UsageError(TrackerError):
    exit_code = 2


NOTHING_STORED = "no report stored yet: run `nml-tracker check` or `ingest`"
