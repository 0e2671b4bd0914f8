"""Every sample report, one per era, extracts exactly as its truth file says."""

from __future__ import annotations

from functools import cache

import pytest

from tracker.extract import extract
from tracker.model import Report

from .conftest import SAMPLE_YEARS, sample_pdf, sample_truth


@cache
def report(year: int) -> Report:
    return extract(sample_pdf(year))


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


@pytest.mark.parametrize("year", SAMPLE_YEARS)
def test_sample_entries_exact(year: int) -> None:
    assert listing(report(year).to_json()["entries"]) == listing(sample_truth(year)["entries"])


@pytest.mark.parametrize("year", SAMPLE_YEARS)
def test_sample_year_title_and_counts(year: int) -> None:
    truth, got = sample_truth(year), report(year)
    assert got.review_year == truth["review_year"]
    assert got.title == truth["title"]
    assert got.stated_counts is not None
    assert got.stated_counts.to_json() == truth["stated_counts"]
    assert got.counts_match is True
    assert got.warnings == ()


@pytest.mark.parametrize("year", SAMPLE_YEARS)
def test_sample_distractors_not_listed(year: int) -> None:
    names = {e.name.casefold() for e in report(year).entries}
    listed = {e["name"].casefold() for e in sample_truth(year)["entries"]}
    for name in sample_truth(year)["distractor_names"]:
        if name.casefold() not in listed:
            assert name.casefold() not in names


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
    ],
)
def test_stated_counts_sentence(sentence: str, expected: tuple[int, int] | None) -> None:
    from tracker.extract import stated_counts_in

    got = stated_counts_in(sentence)
    assert ((got.online, got.physical) if got else None) == expected
