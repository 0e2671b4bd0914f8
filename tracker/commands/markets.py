"""markets merge|split|rename|recluster: a person's identity corrections, stored in the database
and applied to every later clustering, diff and digest."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tracker.commands.common import UsageError, command, json_flag, load_config, open_store
from tracker.commands.common import print_json as _print_json

if TYPE_CHECKING:
    from tracker.identity import Curation
    from tracker.markets import Outcome
    from tracker.store import Transaction

HELP = "correct market identity: merge, split, rename (stored, applied to every later diff)"


def register(sub: Any) -> None:
    p = command(sub, "markets", _no_action, HELP)
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    q = command(
        actions,
        "merge",
        cmd_merge,
        "the two markets are one (refused if both are listed in one year)",
    )
    q.add_argument("a", metavar="A", help="a market id, a former id or a printed name")
    q.add_argument("b", metavar="B", help="the other market")
    _common(q)

    q = command(actions, "split", cmd_split, "the market's listing of one year is another market")
    q.add_argument("market", metavar="ID", help="a market id, a former id or a printed name")
    q.add_argument("--year", type=int, required=True, metavar="Y", help="the year to split off")
    _common(q)

    q = command(
        actions, "rename", cmd_rename, "name the market; its id follows (the old one redirects)"
    )
    q.add_argument("market", metavar="ID", help="a market id, a former id or a printed name")
    q.add_argument("name", metavar="NAME", help="the market's name from now on")
    _common(q)

    q = command(
        actions,
        "recluster",
        cmd_recluster,
        "cluster the whole history again now (after "
        "an upgrade or an edit of aliases or the knowledge file)",
    )
    json_flag(q)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--note", default="", help="why (stored with the correction)")
    json_flag(p)


def _no_action(args: argparse.Namespace) -> int:  # argparse requires an action first
    raise UsageError("markets needs an action: merge, split, rename or recluster")


def cmd_merge(args: argparse.Namespace) -> int:
    from tracker.markets import merge

    note = args.note or f"markets merge {args.a} {args.b}"
    return _run(args, lambda tx, c: merge(tx, c, args.a, args.b, note))


def cmd_split(args: argparse.Namespace) -> int:
    from tracker.markets import split

    note = args.note or f"markets split {args.market} --year {args.year}"
    return _run(args, lambda tx, c: split(tx, c, args.market, args.year, note))


def cmd_rename(args: argparse.Namespace) -> int:
    from tracker.markets import rename
    from tracker.resolve import slug

    name = " ".join(args.name.split())
    if slug(name) == "market" and "market" not in name.lower():
        raise UsageError(f"markets rename: NAME {args.name!r} needs a letter or a digit")
    note = args.note or f"markets rename {args.market} {name}"
    return _run(args, lambda tx, c: rename(tx, c, args.market, name, note))


def cmd_recluster(args: argparse.Namespace) -> int:
    from tracker.markets import recluster

    return _run(args, recluster)


def _run(args: argparse.Namespace, do: Callable[[Transaction, Curation], Outcome]) -> int:
    from tracker.identity import Curation

    config = load_config(args)
    with open_store(config) as store, store.transaction() as tx:
        outcome = do(tx, Curation.of(config))
    if args.json:
        _print_json(outcome.to_json())
    else:
        print(outcome.message)
    for reason in outcome.rejected:
        print(f"WARNING: a stored correction no longer applies: {reason}", file=sys.stderr)
    return 0
