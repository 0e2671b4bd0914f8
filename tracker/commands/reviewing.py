"""review: held reports, their doubts and lists, a person's corrections of a list, and the
approval that releases a held digest (once)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tracker.commands.common import (
    UsageError,
    command,
    json_flag,
    load_config,
    open_store,
    print_json,
    table,
)

if TYPE_CHECKING:
    from tracker.report_fixes import ListFix
    from tracker.report_review import Corrected
    from tracker.store import Transaction

HELP = "held reports: their doubts and lists; correct a list; approve (release its digest)"
ACTIONS = ("join", "split", "rename", "drop", "add", "set_year", "undo", "approve")


def register(sub: Any) -> None:
    p = command(sub, "review", cmd_review, HELP)
    p.add_argument("year", type=int, nargs="?", metavar="YEAR", help="one year's review")
    act = p.add_mutually_exclusive_group()
    act.add_argument("--join", nargs=2, metavar=("A", "B"), help="two headings are one entry")
    act.add_argument(
        "--split", nargs="+", metavar="ENTRY", help="ENTRY HEADING HEADING...: one heading, several"
    )
    act.add_argument("--rename", nargs=2, metavar=("ENTRY", "NAME"), help="the entry's name")
    act.add_argument("--drop", metavar="ENTRY", help="the entry is not a listed market")
    act.add_argument("--add", metavar="NAME", help="a listed market the extraction missed")
    act.add_argument("--set-year", type=int, metavar="Y", help="the report is the Y review")
    act.add_argument("--undo", type=int, metavar="N", help="undo correction N")
    act.add_argument("--approve", action="store_true", help="release the held digest (once)")
    p.add_argument("--page", type=int, metavar="N", help="with --add: the PDF page of its heading")
    p.add_argument("--kind", choices=("online", "physical"), help="with --add")
    p.add_argument("--country", help="with --add (physical)")
    p.add_argument("--city", help="with --add (physical)")
    p.add_argument("--note", default="", help="why (stored with the correction)")
    json_flag(p)


def cmd_review(args: argparse.Namespace) -> int:
    action = next((a for a in ACTIONS if getattr(args, a) not in (None, False)), None)
    if action is not None and args.year is None:
        raise UsageError(f"review --{action.replace('_', '-')} needs a YEAR")
    if action != "add" and (args.page or args.kind or args.country or args.city):
        raise UsageError("review: --page, --kind, --country and --city go with --add")
    config = load_config(args)
    with open_store(config) as store:
        if action is None:
            return _show(args, store)
        if action == "approve":
            from tracker.pipeline import approve_review

            released, stats = approve_review(config, store, args.year)
            return _approved(args, released, stats)
        from tracker.identity import Curation
        from tracker.pipeline import correct_review

        do = _correction(args, action, Curation.of(config))
        done, stats = correct_review(config, store, args.year, do)
        with store.transaction() as tx:
            return _corrected(args, tx, done, stats)


def _fix(args: argparse.Namespace, action: str) -> ListFix:
    from tracker.report_fixes import ListFix

    if action == "join":
        return ListFix("join", tuple(args.join))
    if action == "split":
        if len(args.split) < 3:
            raise UsageError("review --split ENTRY HEADING HEADING...: two headings at least")
        return ListFix("split", (args.split[0],), tuple(args.split[1:]))
    if action == "rename":
        return ListFix("rename", (args.rename[0],), (" ".join(args.rename[1].split()),))
    if action == "drop":
        return ListFix("drop", (args.drop,))
    if action == "add":
        if args.page is None or args.kind is None:
            raise UsageError("review --add NAME needs --page N and --kind online|physical")
        name = " ".join(args.add.split())
        return ListFix("add", (), (name,), args.page, args.kind, args.country, args.city)
    return ListFix("set-year", year=args.set_year)


def _correction(args: argparse.Namespace, action: str, curation: Any) -> Callable[..., Corrected]:
    from tracker import report_review

    if action == "undo":
        return lambda tx: report_review.undo(tx, curation, args.year, args.undo)
    fix = _fix(args, action)
    note = args.note or f"review {args.year} --{action.replace('_', '-')}"
    return lambda tx: report_review.correct(tx, curation, args.year, fix, note)


def _stats(stats: Any) -> dict[str, int]:
    return {"sent": stats.sent, "pending": stats.pending, "failed": stats.failed}


def _approved(args: argparse.Namespace, released: bool, stats: Any) -> int:
    if args.json:
        print_json({"review_year": args.year, "released": released, "alerts": _stats(stats)})
    elif released:
        print(f"the {args.year} digest is released: {stats.sent} sent, {stats.pending} pending")
    else:
        print(f"the {args.year} digest is not held (released already, or never held): nothing sent")
    return 0


def _corrected(args: argparse.Namespace, tx: Transaction, done: Corrected, stats: Any) -> int:
    from tracker.report_review import review

    doc = review(tx, done.review_year)
    if args.json:
        print_json(
            {
                "correction": {"id": done.fix_id, "text": done.text},
                "review": doc,
                "alerts": _stats(stats),
            }
        )
        return 0
    print(f"correction {done.fix_id}: {done.text}")
    print(_counts_line(doc))
    if stats.sent or stats.pending:
        print(
            f"a correction notice to the digest's recipients: {stats.sent} sent, "
            f"{stats.pending} pending"
        )
    if doc["held"]:
        print(f"the digest is still held: `nml-tracker review {done.review_year} --approve`")
    return 0


def _counts_line(doc: dict[str, Any]) -> str:
    c, s = doc["counts"], doc["stated_counts"]
    line = f"the list: {c['online']} online, {c['physical']} physical"
    if s:
        agree = "agrees with" if doc["counts_match"] else "differs from"
        line += f" ({agree} the {s['online']} and {s['physical']} the report states)"
    return line


def _show(args: argparse.Namespace, store: Any) -> int:
    from tracker import report_review

    with store.transaction() as tx:
        if args.year is None:
            held = report_review.held(tx)
            if args.json:
                print_json({"held": held})
            else:
                print(_held_text(held))
            return 0
        doc = report_review.review(tx, args.year)
    if args.json:
        print_json(doc)
    else:
        print(_review_text(doc))
    return 0


def _held_text(held: list[dict[str, Any]]) -> str:
    if not held:
        return "no report is held"
    out = ["held reports (their digests wait for `nml-tracker review YEAR --approve`):"]
    for h in held:
        out.append(f"  {h['review_year']} (held {h['held_at']}): {len(h['doubts'])} doubt(s)")
        out += [f"    - {d['message']}" for d in h["doubts"]]
    return "\n".join(out)


def _review_text(doc: dict[str, Any]) -> str:
    year = doc["review_year"]
    state = "HELD: its digest waits for --approve" if doc["held"] else "not held"
    if doc["released_at"]:
        state = f"its held digest was released {doc['released_at']}"
    out = [f"{doc['title']} (revision {doc['revision']}): {state}", _counts_line(doc), ""]
    out.append("Doubts:" if doc["doubts"] else "Doubts: none")
    for d in doc["doubts"]:
        out.append(
            f"  - {d['message']}" + ("  (resolved: the counts agree now)" if d["resolved"] else "")
        )
        if d["link"]:
            out.append(f"    p. {d['page']}: {d['link']}")
    rows = [
        (e["page"], e["kind"], ("* " if e["corrected"] else "") + e["ref"], e["country"], e["city"])
        for e in doc["entries"]
    ]
    out += ["", "Entries (* corrected):", table(rows, ("page", "kind", "entry", "country", "city"))]
    if doc["corrections"]:
        out += ["", "Corrections:"]
        fixes = [(c["id"], c["state"], c["text"], c["note"]) for c in doc["corrections"]]
        out.append(table(fixes, ("id", "state", "correction", "note")))
    out += [
        "",
        f"correct: nml-tracker review {year} --join A B | --split ENTRY H H... | "
        "--rename ENTRY NAME | --drop ENTRY | --add NAME --page N --kind K | --undo N",
        f"release: nml-tracker review {year} --approve",
    ]
    return "\n".join(out)
