"""Reading a comment request's text: deadlines, issue focus, review year (a table of cases)."""

from __future__ import annotations

from datetime import date

import pytest

from tracker import deadlines as dl
from tracker.fedreg import ApiDocument
from tracker.records import Deadline
from tracker.review import read_document

W, R = "written comments", "rebuttal comments"

DEADLINES = [
    # (text, [(what, YYYY-MM-DD), ...])
    (
        "Written comments are due by 11:59 p.m. EDT on October 7, 2024, and rebuttal comments "
        "are due by 11:59 p.m. EDT on October 21, 2024.",
        [(W, "2024-10-07"), (R, "2024-10-21")],
    ),
    (  # the DATES paragraph as the Federal Register prints it: the date opens each entry
        "DATES: October 6, 2023 at 11:59 p.m. EDT: The deadline for interested parties to "
        "submit written comments. October 20, 2023 at 11:59 p.m. EDT: The deadline for "
        "interested parties to submit rebuttal comments.",
        [(W, "2023-10-06"), (R, "2023-10-20")],
    ),
    (
        "The deadline for the submission of written comments is Oct. 7, 2022; rebuttal comments "
        "must be received no later than Oct. 21, 2022.",
        [(W, "2022-10-07"), (R, "2022-10-21")],
    ),
    (  # a start date is not a deadline
        "USTR will begin accepting comments on August 16, 2024. Comments are due by "
        "October 7, 2024.",
        [("comments", "2024-10-07")],
    ),
    (  # a rebuttal deadline that names the written comments it answers
        "Rebuttal comments, which respond to written comments, are due by October 21, 2024.",
        [(R, "2024-10-21")],
    ),
    (
        "Notices of intent to testify are due by September 9, 2019.",
        [("requests to appear", "2019-09-09")],
    ),
    ("The 2023 Notorious Markets List was published on January 30, 2024.", []),  # no deadline
    ("Written comments are due by September 31, 2024.", []),  # no such day
    ("", []),
    (  # markup and entities from body_html_url
        "<p><strong>DATES:</strong> Written comments are due by October&nbsp;7, 2024.</p>",
        [(W, "2024-10-07")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), DEADLINES)
def test_deadlines(text: str, expected: list[tuple[str, str]]) -> None:
    assert dl.deadlines(text) == tuple(
        Deadline(date.fromisoformat(when), what) for what, when in expected
    )


def test_a_bare_closing_date_goes_where_a_precise_one_names_it() -> None:
    written = Deadline(date(2024, 10, 7), W)
    bare = Deadline(date(2024, 10, 7), "comments")
    other = Deadline(date(2024, 10, 9), "comments")
    assert dl.merge([written], [bare, other]) == (written, other)


FOCUS = [
    (
        "The issue focus for the 2024 Notorious Markets List will examine the risks that "
        "online pharmacies selling counterfeit medicines pose to consumers.",
        "The risks that online pharmacies selling counterfeit medicines pose to consumers",
    ),
    (
        "USTR also requests comments on this year's issue focus: the impact of piracy on "
        "workers in the creative industries.",
        "The impact of piracy on workers in the creative industries",
    ),
    ("The list identifies online and physical markets.", None),
]


@pytest.mark.parametrize(("text", "expected"), FOCUS)
def test_issue_focus(text: str, expected: str | None) -> None:
    assert dl.issue_focus(None, text) == expected


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("2024 Review of Notorious Markets for Counterfeiting and Piracy: Comment Request", 2024),
        ("2017 Special 301 Out-of-Cycle Review of Notorious Markets: Comment Request", 2017),
        ("Review of Notorious Markets: Request for Public Comment", 2011),  # no year: published
    ],
)
def test_review_year(title: str, year: int) -> None:
    assert dl.review_year(title, date(2011, 9, 20)) == year


@pytest.mark.parametrize(
    ("title", "about", "correction"),
    [
        ("2024 Review of Notorious Markets for Counterfeiting and Piracy: Comment Request", 1, 0),
        ("2024 Review of Notorious Markets for Counterfeiting and Piracy; Correction", 1, 1),
        ("2024 Special 301 Review: Identification of Countries; Notorious Markets", 0, 0),
        ("Section 301 Investigation: Comment Request", 0, 0),
    ],
)
def test_which_notices_are_about_the_list(title: str, about: int, correction: int) -> None:
    assert (dl.about_the_list(title), dl.is_correction(title)) == (bool(about), bool(correction))


def test_a_notice_reads_dates_first_then_its_text_and_the_closing_date() -> None:
    doc = ApiDocument(
        "2024-18543",
        "2024 Review of Notorious Markets for Counterfeiting and Piracy: Comment Request",
        date(2024, 8, 16),
        "https://example.org/2024-18543",
        comments_close_on=date(2024, 10, 7),
        dates=None,  # the API gave no DATES paragraph: the deadlines are only in the text
    )
    body = (
        "SUMMARY: USTR requests comments. The issue focus for the 2024 List will examine "
        "online pharmacies. DATES: October 7, 2024 at 11:59 p.m. EDT: The deadline for "
        "written comments. October 21, 2024 at 11:59 p.m. EDT: The deadline for rebuttal "
        "comments. ADDRESSES: Submit comments at regulations.gov, by October 30, 2024."
    )
    read = read_document(doc, body)
    assert read.review_year == 2024 and not read.correction
    assert read.deadlines == (Deadline(date(2024, 10, 7), W), Deadline(date(2024, 10, 21), R))
    assert read.issue_focus == "Online pharmacies"
