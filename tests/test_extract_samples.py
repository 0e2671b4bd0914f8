"""Every sample report extracts exactly as its truth file says: one per era set with LibreOffice
(`<year>-docx`), and two set by another typesetter (`<year>-rl`: a sans-serif layout with
headings in a narrower measure, raised markers after run-in names, a heading at a page foot)."""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

import pytest

from tracker.extract import explain, extract
from tracker.model import Report

from .conftest import FIXTURES, SAMPLE_YEARS, sample_pdf, sample_truth

pytestmark = pytest.mark.slow  # real PDFs, read in full

SAMPLES = (*(f"{y}-docx" for y in SAMPLE_YEARS), "2011-rl", "2021-rl")
GOLDEN = FIXTURES / "explain"


@cache
def report(year: int) -> Report:
    return extract(sample_pdf(year))


@cache
def named(sample: str) -> Report:
    return extract(FIXTURES / f"{sample}.pdf")


def truth_of(sample: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((FIXTURES / f"{sample}.truth.json").read_text("utf-8"))
    return doc


def listing(entries: list[dict]) -> list[tuple]:
    # Online markets' countries in the truth files come from outside the PDF, so only physical
    # entries are held to a country.
    return [
        (
            e["name"],
            e["kind"],
            e["country"] if e["kind"] == "physical" else None,
            e["city"],
            e["page"],
        )
        for e in entries
    ]


@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_entries_exact(sample: str) -> None:
    assert listing(named(sample).to_json()["entries"]) == listing(truth_of(sample)["entries"])


@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_year_title_and_counts(sample: str) -> None:
    truth, got = truth_of(sample), named(sample)
    assert got.review_year == truth["review_year"]
    assert got.title == truth["title"]
    assert got.stated_counts is not None
    assert got.stated_counts.to_json() == truth["stated_counts"]
    assert got.counts_match is True
    assert got.warnings == ()


@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_distractors_not_listed(sample: str) -> None:
    names = {e.name.casefold() for e in named(sample).entries}
    listed = {e["name"].casefold() for e in truth_of(sample)["entries"]}
    for name in truth_of(sample)["distractor_names"]:
        if name.casefold() not in listed:
            assert name.casefold() not in names


@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_explain_trace_is_golden(sample: str) -> None:
    """The decisions behind each sample, line by line, as committed beside it: a change to the
    classifier shows here which lines changed role. `UPDATE_GOLDEN=1 pytest -k golden` writes
    the new traces (read the diff before committing them)."""
    _, trace = explain(FIXTURES / f"{sample}.pdf")
    got = trace.render() + "\n"
    path = GOLDEN / f"{sample}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
    want = path.read_text(encoding="utf-8")
    if got != want:
        import difflib

        diff = difflib.unified_diff(
            want.splitlines(), got.splitlines(), "golden", "now", lineterm=""
        )
        pytest.fail("the trace changed:\n" + "\n".join(list(diff)[:80]), pytrace=False)


@pytest.mark.parametrize("year", (2011, 2016))
def test_heading_domains(year: int) -> None:
    """Domains printed in a heading (`Putlocker (putlocker.ch)`, `Libgen.io / Bookfi.net`)."""
    for got, truth in zip(report(year).entries, sample_truth(year)["entries"], strict=True):
        assert list(got.domains) == [d.lower() for d in truth["domains"]], got.name


def test_domains_from_entry_text() -> None:
    amazon = next(e for e in report(2020).entries if e.name.startswith("AMAZON"))
    assert "amazon.co.uk" in amazon.domains


def test_bytes_and_path_agree() -> None:
    assert extract(sample_pdf(2016).read_bytes()) == report(2016)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "the 2021 Notorious Markets List highlights 42 online markets and 35 physical markets",
            (42, 35),
        ),
        ("The List identifies 39 online markets, and 33 physical markets", (39, 33)),
        ("it includes thirty-seven online and thirty-two physical markets", (37, 32)),
        ("the List names 35 physical markets as well as 42 online markets", (42, 35)),
        ("42 online marketplaces and 35 physical markets", (42, 35)),
        ("Online markets on the List include search and linking services", None),
        (
            "The 2023 List identifies 39 online markets. It also names 33 physical markets in "
            "several countries.",
            (39, 33),
        ),
        ("The List identifies 39 online markets.", None),
    ],
)
def test_stated_counts_sentence(sentence: str, expected: tuple[int, int] | None) -> None:
    from tracker.extract import stated_counts_in

    got = stated_counts_in(sentence)
    assert ((got.online, got.physical) if got else None) == expected
