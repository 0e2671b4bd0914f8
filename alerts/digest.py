"""Render the digest of a new list from its diff: pure, with Jinja2 templates.

The templates ship in alerts/templates; `alerts.templates_dir` may hold replacements with the
same names (digest.txt.j2, digest.html.j2). The HTML escapes every name and uses inline styles
only, no external assets, so that it reads the same in every mail client.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from tracker.diff import Changes, Item
from tracker.model import Counts

WIDTH = 78  # the text part's lines, for a terminal mail client
TOP_COUNTRIES = 8  # the by-country summary: every country with a change, then the largest


@dataclass(frozen=True)
class DigestInput:
    title: str
    review_year: int
    report_url: str | None
    changes: Changes
    counts: Counts
    stated_counts: Counts | None
    report_status: str = "ok"  # ok | needs_review | unverified
    press_release_url: str | None = None
    old_report_url: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def subject(d: DigestInput) -> str:
    c = d.changes
    head = f"USTR {d.review_year} Notorious Markets List"
    if c.old is None:
        return f"{head}: {len(c.new_entries)} markets listed"
    flag = " (needs review)" if d.report_status == "needs_review" else ""
    return (
        f"{head}: {len(c.new_entries)} new, {len(c.removed)} removed, "
        f"{len(c.still_listed)} still listed{flag}"
    )


def render(d: DigestInput, templates_dir: Path | None = None) -> Rendered:
    env = environment(templates_dir)
    context = _context(d)
    return Rendered(
        subject=context["subject"],
        text=wrap_text(env.get_template("digest.txt.j2").render(context).strip()) + "\n",
        html=env.get_template("digest.html.j2").render(context),
    )


def wrap_text(text: str, width: int = WIDTH) -> str:
    """Every line at most `width` columns: a long line wraps at spaces, its continuation
    indented like it (a `- ` item's under the item's first word). A word longer than the
    line (a long URL) stays whole on a line of its own."""
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        bullet = re.match(r"[-*]\s+", line.lstrip())
        more = indent + " " * (bullet.end() if bullet else 0)
        out += textwrap.wrap(
            line.strip(),
            width,
            initial_indent=indent,
            subsequent_indent=more,
            break_long_words=False,
            break_on_hyphens=False,
        )
    return "\n".join(out)


def web_url(url: str | None) -> str | None:
    """A URL fit for a link: http(s) only (a stored `javascript:` URL never becomes one)."""
    return url if url and re.match(r"^https?://[^\s/]", url.strip(), re.I) else None


def _context(d: DigestInput) -> dict[str, Any]:
    d = replace(
        d,
        report_url=web_url(d.report_url),
        press_release_url=web_url(d.press_release_url),
        old_report_url=web_url(d.old_report_url),
    )
    c = d.changes

    def link(item: Item, url: str | None) -> str | None:
        return f"{url}#page={item.page}" if url and item.page else url

    def rows(items: tuple[Item, ...], url: str | None) -> list[dict[str, Any]]:
        return [{"item": i, "link": link(i, url)} for i in items]

    return {
        "d": d,
        "c": c,
        "subject": subject(d),
        "first_time": rows(c.first_time, d.report_url),
        "returning": rows(c.returning, d.report_url),
        "removed": rows(c.removed, d.old_report_url),
        "still_listed": rows(c.still_listed, d.report_url),
        "renamed": rows(c.renamed, d.report_url),
        "counts_agree": d.stated_counts is None or d.stated_counts == d.counts,
        **_glance(c),
    }


def _glance(c: Changes) -> dict[str, Any]:
    """The summary at the top: counts by kind against the older list, by country, by
    operator."""
    glance = [{"label": kind.capitalize(), **n} for kind, n in c.by_kind().items()]
    rows = [
        {"country": k, **n, "listed": n["new"] + n["returning"] + n["still_listed"]}
        for k, n in c.by_country().items()
    ]
    changed = [r for r in rows if r["new"] or r["returning"] or r["removed"]] if c.old else []
    rest = [r for r in rows if r not in changed]
    shown = changed + rest[: max(0, TOP_COUNTRIES - len(changed))]
    countries = [r for r in rows if r in shown]  # in by_country's order: the largest first
    return {
        "glance": glance,
        "countries": countries,
        "more_countries": len(rows) - len(countries),
        "operators": [_operator_line(op, s, c.old is None) for op, s in c.by_operator().items()],
    }


_STATE_WORDS = {
    "new": "new",
    "returning": "returning",
    "removed": "removed",
    "still_listed": "still listed",
}


def _operator_line(operator: str, states: dict[str, list[str]], first: bool = False) -> str:
    """'Alibaba: ALIEXPRESS new; TAOBAO still listed' ('listed' on a first list)."""
    words = {**_STATE_WORDS, "new": "listed"} if first else _STATE_WORDS
    parts = [f"{', '.join(names)} {words[s]}" for s, names in states.items() if names]
    return f"{operator}: {'; '.join(parts)}"


def environment(templates_dir: Path | None) -> Any:
    """The Jinja2 environment of alerts' templates, `templates_dir` first (one per folder)."""
    return _environment(str(templates_dir) if templates_dir else None)


@cache
def _environment(templates_dir: str | None) -> Any:
    from jinja2 import (
        ChoiceLoader,
        Environment,
        FileSystemLoader,
        PackageLoader,
        StrictUndefined,
        select_autoescape,
    )

    loaders: list[Any] = [PackageLoader("alerts", "templates")]
    if templates_dir:
        loaders.insert(0, FileSystemLoader(templates_dir))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["years"] = _years
    return env


def _years(years: Any) -> str:
    """(2016, 2017, 2018, 2021) -> '2016–2018, 2021'."""
    years = sorted(years)
    out, start, prev = [], None, None
    for y in [*years, None]:
        if start is None:
            start = prev = y
        elif y is not None and prev is not None and y == prev + 1:
            prev = y
        else:
            out.append(str(start) if start == prev else f"{start}–{prev}")
            start = prev = y
    return ", ".join(out)


def render_template(
    name: str, d: DigestInput, templates_dir: Path | None = None, **extra: Any
) -> str:
    """Another template (a section other modules add) rendered with the digest's context."""
    env = environment(templates_dir)
    return str(env.get_template(name).render({**_context(d), **extra}))
