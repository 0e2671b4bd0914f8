"""ingest, list, diff, history, export and db: the stored history, asked and added to."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.commands.common import (
    NOTHING_STORED,
    UsageError,
    command,
    json_flag,
    load_config,
    open_store,
    print_json,
    table,
)
from tracker.errors import ExtractionError, TrackerError

if TYPE_CHECKING:
    from tracker.diff import Changes, Item
    from tracker.history import AmbiguousName, MarketHistory
    from tracker.model import IngestResult, Listing


def register(sub: Any) -> None:
    p = command(sub, "ingest", cmd_ingest, "extract a local report PDF and store it (no alert)")
    p.add_argument("pdf", type=Path, metavar="PDF")
    p.add_argument("--url", help="where the PDF came from")
    p.add_argument(
        "--force-revision",
        action="store_true",
        help="store it as a revision of its year even when its list or year looks like another's",
    )
    json_flag(p)

    p = command(sub, "list", cmd_list, "the markets of one stored year (default: the latest)")
    p.add_argument("--year", type=int)
    json_flag(p)

    p = command(sub, "diff", cmd_diff, "compare two stored years (default: the two latest)")
    p.add_argument("years", type=int, nargs="*", metavar="YEAR", help="OLD NEW")
    json_flag(p)

    p = command(sub, "history", cmd_history, "one market's record across the years")
    p.add_argument("name", metavar="NAME", help="a market id, a printed name or an alias")
    json_flag(p)

    p = command(sub, "export", cmd_export, "the whole history, a row per listing")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--output", "-o", type=Path, help="write to this file (default: stdout)")

    p = command(sub, "db", cmd_db, "database maintenance")
    p.add_argument(
        "action",
        choices=("upgrade", "current", "init"),
        help="apply migrations / show revision / create the database and make it the "
        "state_dir's history (after a replaced database, starts a new history)",
    )


def cmd_ingest(args: argparse.Namespace) -> int:
    from tracker.ingest import ingest_file
    from tracker.model import IngestStatus, ReportStatus, count_mismatches

    config = load_config(args)
    if args.url is not None and not config.origins.allows(args.url):
        from tracker.origins import excerpt

        raise UsageError(
            f"--url: expected an http(s) URL on an allowed origin ({config.origins}), "
            f"got {excerpt(args.url)}"
        )
    if not args.pdf.is_file():
        raise ExtractionError(f"{args.pdf}: no such file")
    with open_store(config) as store:
        result = ingest_file(config, store, args.pdf, args.url, args.force_revision)
    stored = result.report
    if args.json:
        print_json(_ingest_json(result))
    elif result.status is IngestStatus.UNCHANGED:
        print(
            f"unchanged: {args.pdf} is already stored as the {stored.review_year} review "
            f"(revision {stored.revision})"
        )
    else:
        print(
            f"{result.status}: the {stored.review_year} review, revision {stored.revision}: "
            f"{stored.counts.online} online and {stored.counts.physical} physical markets, "
            f"{len(result.new_markets)} never listed before"
        )
        for p in result.possible_matches:
            print(
                f"  possible match: {p.name!r} ({p.market_id}) may be {p.candidate_name!r} "
                f"({p.candidate_id}), {p.reason} {p.score:.2f}"
            )
    for reason in result.rejected:
        print(f"WARNING: a stored identity correction no longer applies: {reason}", file=sys.stderr)
    if stored.status is ReportStatus.NEEDS_REVIEW and result.status is not IngestStatus.UNCHANGED:
        print(
            f"WARNING: the {stored.review_year} review is stored as NEEDS REVIEW: "
            + count_mismatches(stored.notices),
            file=sys.stderr,
        )
    return 0


def _ingest_json(result: IngestResult) -> dict[str, Any]:
    stored = result.report
    return {
        "status": result.status.value,
        "review_year": stored.review_year,
        "revision": stored.revision,
        "report_status": stored.status.value,
        "counts": stored.counts.to_json(),
        "stated_counts": stored.stated_counts.to_json() if stored.stated_counts else None,
        "new_markets": list(result.new_markets),
        "possible_matches": [p.to_json() for p in result.possible_matches],
        "rejected_corrections": list(result.rejected),
    }


def cmd_list(args: argparse.Namespace) -> int:
    from tracker.history import latest_year

    config = load_config(args)
    with open_store(config) as store, store.transaction() as tx:
        year = args.year or latest_year(tx)
        if year is None:
            raise TrackerError(NOTHING_STORED)
        listings = tx.reports.listings(year)
    if args.json:
        print_json({"review_year": year, "entries": [li.to_json() for li in listings]})
        return 0
    print(f"The {year} Notorious Markets List: {len(listings)} markets")
    rows = [
        (e.page, e.kind, e.name, e.city, e.country or e.based_in, e.operator, li.market_id)
        for li, e in ((li, li.entry) for li in listings)
    ]
    print(table(rows, ("page", "kind", "name", "city", "country", "operator", "market id")))
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from tracker.history import changes, default_years

    if len(args.years) not in (0, 2):
        raise UsageError("diff takes no year (the two latest) or two: OLD NEW")
    config = load_config(args)
    with open_store(config) as store, store.transaction() as tx:
        old, new = args.years or default_years(tx)
        result = changes(tx, old, new)
    if args.json:
        print_json(result.to_json())
    else:
        print(render_changes(result))
    return 0


def _names(items: Sequence[Item], extra: Callable[[Item], str] = lambda i: "") -> list[str]:
    return [f"  {i.name}{extra(i)}" for i in items] or ["  (none)"]


def render_changes(c: Changes) -> str:
    out = [
        f"The {c.new} list against {c.old}: {len(c.new_entries)} new "
        f"({len(c.returning)} returning), {len(c.removed)} removed, "
        f"{len(c.still_listed)} still listed, {len(c.renamed)} renamed",
        "",
        "New (first time ever):",
        *_names(c.first_time),
        "",
        "Returning:",
        *_names(
            c.returning,
            lambda i: f" (absent {', '.join(map(str, i.years_absent))})" if i.years_absent else "",
        ),
        "",
        "Removed:",
        *_names(c.removed),
        "",
        "Renamed:",
        *([f"  {i.old_name} -> {i.name}" for i in c.renamed] or ["  (none)"]),
        "",
        "Still listed:",
        *_names(
            c.still_listed,
            lambda i: (
                f" ({i.streak} years running, {len(i.years_listed)} in all, first {i.first_listed})"
            ),
        ),
    ]
    if c.possible_matches:
        out += ["", "Possible matches (a person decides: `markets merge A B` makes them one):"]
        out += [
            f"  {p.name} ({p.market_id}) ~ {p.candidate_name} ({p.candidate_id}), "
            f"{p.reason} {p.score:.2f}"
            for p in c.possible_matches
        ]
    return "\n".join(out)


def cmd_history(args: argparse.Namespace) -> int:
    from tracker.history import AmbiguousName, market_history

    config = load_config(args)
    with open_store(config) as store, store.transaction() as tx:
        try:
            record = market_history(tx, args.name)
        except AmbiguousName as exc:  # the candidates on stdout, the one line on stderr
            _print_candidates(exc, args.json)
            raise
    if args.json:
        print_json(record.to_json())
    else:
        _print_record(record)
    return 0


def _print_candidates(exc: AmbiguousName, as_json: bool) -> None:
    if as_json:
        print_json({"query": exc.query, "candidates": [c.to_json() for c in exc.candidates]})
        return
    rows = [
        (c.market_id, c.name, c.kind, c.country, years_text(c.years_listed), ", ".join(c.places))
        for c in exc.candidates
    ]
    print(table(rows, ("market id", "name", "kind", "country", "years", "places")))


def _print_record(record: MarketHistory) -> None:
    from tracker.identity import describe

    m, years = record.market, record.years_listed
    print(f"{m.name} ({m.id}, {m.kind}" + (f", {m.country}" if m.country else "") + ")")
    print(f"listed in {len(years)} year(s): {years_text(years)}")
    if record.former_ids:
        print(f"former ids: {', '.join(record.former_ids)}")
    _print_words(record)
    rows = [
        (li.review_year, _marked(li, record.corrected), li.entry.city, li.entry.page, li.match)
        for li in record.listings
    ]
    print(table(rows, ("year", "printed name", "city", "page", "linked by")))
    if record.corrected & {(li.review_year, li.entry.name) for li in record.listings}:
        print("* a person corrected that year's list (`nml-tracker review YEAR`)")
    if record.corrections:
        print("\nCorrections by a person:")
    for c in record.corrections:
        note = f" ({c.correction.note})" if c.correction.note else ""
        stale = "; NO LONGER APPLIES: a listing it names is gone" if c.id in record.stale else ""
        print(f"  {c.created_at.date().isoformat()} {describe(c.correction)}{note}{stale}")


def _marked(li: Listing, corrected: frozenset[tuple[int, str]]) -> str:
    return li.entry.name + (" *" if (li.review_year, li.entry.name) in corrected else "")


def _print_words(record: MarketHistory) -> None:
    """Who operates it and the latest entry's opening words, when known."""
    from tracker.quotes import opening

    if not record.listings:
        return
    e = record.listings[-1].entry
    if e.operator or e.based_in:
        based = f"based in {e.based_in}" if e.based_in else ""
        print(
            "operator: "
            + (f"{e.operator} ({based})" if e.operator and based else e.operator or based)
        )
    if quote := opening(e.excerpt):
        print(f"{record.listings[-1].review_year}: “{quote}” (page {e.page})")


def years_text(years: Sequence[int]) -> str:
    return ", ".join(map(str, years))


def cmd_export(args: argparse.Namespace) -> int:
    from tracker.export import export_csv, export_json

    config = load_config(args)
    with open_store(config) as store, store.transaction() as tx:
        rows = tx.reports.export_rows()
    text = export_json(rows) if args.format == "json" else export_csv(rows)
    if args.output:
        args.output.write_text(text, encoding="utf-8", newline="")
    else:
        sys.stdout.write(text)
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from tracker.store import Store

    config = load_config(args)
    with Store(config.database_url, migrate=args.action != "current") as store:
        if args.action == "init":
            from tracker.dbidentity import init

            marker = init(config, store)
            print(f"database {marker[:8]} is now the history of {config.state_dir}")
        print(f"database at revision {store.schema_revision()} (latest: {store.latest_schema()})")
    return 0
