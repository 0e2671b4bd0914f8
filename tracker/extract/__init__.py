"""Read a Notorious Markets List PDF into a Report: the markets its results sections list.

The pipeline inside, each step its own module:

    layout     characters -> styled lines (baselines, footnote markers, page furniture)
    profile    the report's own units: body style, line spacing, text column
    toc        the table of contents (every online market since 2019, the countries)
    sections   the online and physical results sections, by their headings
    classify   the ONE place deciding each line's role, with the evidence in log-odds
    reconcile  the stated counts choose among readings the classifier was unsure of
    build      names, cities, domains and countries by the heading grammar (tracker.headings)
    year       the title, the review year from every signal that names it, the stated counts
    trace      why each line got its role: `nml-tracker extract --explain`

Disagreements the report's own evidence cannot settle become notices (`tracker.model.Notice`)
that hold the report for a person; nothing is silently bent to fit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from tracker.errors import ExtractionError
from tracker.extract import classify, reconcile
from tracker.extract.build import Builder, Found, check_toc
from tracker.extract.layout import Document, Line, read_document
from tracker.extract.profile import Profile, measure
from tracker.extract.sections import find_sections, positive_developments
from tracker.extract.toc import Toc, read_toc
from tracker.extract.trace import Trace
from tracker.extract.year import review_year, stated_counts, stated_counts_in, title_of
from tracker.model import KINDS, Kind, Notice, NoticeCode, Report

__all__ = ["explain", "extract", "parse", "stated_counts_in"]

log = logging.getLogger(__name__)


def extract(source: str | Path | bytes) -> Report:
    """Extract the report at `source` (a path or the PDF's bytes)."""
    return _with_source(source, parse)


def explain(source: str | Path | bytes) -> tuple[Report, Trace]:
    """The report and the trace of every decision that made it."""
    trace = Trace()
    report = _with_source(source, lambda doc: parse(doc, trace))
    return report, trace


def _with_source(source: str | Path | bytes, run: Callable[[Document], Report]) -> Report:
    if isinstance(source, bytes):
        return run(read_document(source))
    try:
        return run(read_document(source))
    except ExtractionError as exc:
        raise ExtractionError(f"{source}: {exc}") from exc


def parse(doc: Document, trace: Trace | None = None) -> Report:
    trace = trace if trace is not None else Trace()
    profile = measure(doc)
    trace.profile = _describe_profile(profile)
    toc = read_toc(doc)
    lines = [ln for ln in doc.lines() if id(ln) not in toc.lines]
    sections = find_sections(lines, profile.body)
    first = min(start for start, _ in sections.values())
    last = max(end for _, end in sections.values())
    outside = lines[: first - 1] + lines[last:]
    notes: list[Notice] = []
    titled = title_of(doc)
    year, year_notes, trace.year = review_year(doc, titled, outside, _results_heading(lines, first))
    title = titled[0]
    notes += year_notes
    stated = stated_counts(lines[:first]) or stated_counts(lines)
    readings = _read_sections(sections, lines, profile, toc)
    toc_countries = _toc_countries(toc)
    chosen, trace.readings = reconcile.reconcile(readings, stated, toc_countries)
    notes += chosen
    found = _entries(doc, toc, readings, toc_countries, notes, trace)
    for reading in readings.values():
        notes += classify.unread_openings(reading, profile)
    if toc.online_names and "online" in sections:
        start, end = sections["online"]
        found = check_toc(found, toc, lines[start:end], notes)
    entries = tuple(f.entry for f in sorted(found, key=lambda f: (f.entry.kind != "online", f.key)))
    if not entries:
        raise ExtractionError("no market headings found in the results sections")
    positive = positive_developments(lines, profile.body, first - 1)
    report = Report(year, title, stated, entries, pages=doc.page_count, positive=positive)
    notes += _count_notices(report)
    log.info(
        "extracted %d online and %d physical markets from the %d review (%d notices)",
        report.counts.online,
        report.counts.physical,
        year,
        len(notes),
    )
    return replace(report, notices=tuple(notes))


def _read_sections(
    sections: dict[Kind, tuple[int, int]], lines: list[Line], profile: Profile, toc: Toc
) -> dict[Kind, classify.SectionReading]:
    from tracker import headings as hd

    toc_names = {hd.fold(n) for n in toc.online_names}
    toc_countries = _toc_countries(toc)
    return {
        kind: classify.read_section(kind, lines[start:end], profile, toc_names, toc_countries)
        for kind, (start, end) in sections.items()
    }


def _toc_countries(toc: Toc) -> set[str]:
    from tracker import headings as hd

    return {hd.fold(c) for c in toc.countries}


def _entries(
    doc: Document,
    toc: Toc,
    readings: dict[Kind, classify.SectionReading],
    toc_countries: set[str],
    notes: list[Notice],
    trace: Trace,
) -> list[Found]:
    builder = Builder(doc, toc)
    found: list[Found] = []
    for reading in readings.values():
        heads = reading.headings(toc_countries)
        trace.decisions += classify.decisions(reading, heads)
        for label in reading.labels.values():
            line = f"{reading.kind:<8} {label}"
            if line not in trace.styles:
                trace.styles.append(line)
        found += builder.entries(reading, heads, notes)
    return found


def _results_heading(lines: list[Line], first: int) -> Line | None:
    from tracker.extract.sections import RESULTS

    return next((ln for ln in reversed(lines[:first]) if RESULTS.match(ln.plain)), None)


def _count_notices(report: Report) -> list[Notice]:
    stated, got = report.stated_counts, report.counts
    if stated is None:
        return [
            Notice(
                NoticeCode.NO_STATED_COUNTS,
                "the report states no counts of online and physical markets",
            )
        ]
    out = []
    for kind in KINDS:
        g, s = getattr(got, kind), getattr(stated, kind)
        if g != s:
            out.append(
                Notice(
                    NoticeCode.COUNT_MISMATCH,
                    f"extracted {g} {kind} markets but the report states {s}",
                    kind=kind,
                    got=g,
                    stated=s,
                )
            )
    return out


def _describe_profile(profile: Profile) -> str:
    b = profile.body
    return (
        f"body {b.font} {b.size:g} pt, leading {profile.leading:.2f} pt "
        f"({profile.spacing:.2f} em), text column {profile.text_left:.0f}-"
        f"{profile.text_right:.0f} pt"
    )
