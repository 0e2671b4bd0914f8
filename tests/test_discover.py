"""Discovery is pure parsing: HTML in, report links, press releases and listing pages out."""

from __future__ import annotations

import pytest

from tracker.discover import parse_page

BASE = "https://ustr.gov/issue-areas/intellectual-property/notorious-markets-list"
HOSTS = ("ustr.gov", "www.ustr.gov")


def found(html: str, url: str = BASE) -> list[tuple[str, int | None]]:
    return [(link.url, link.review_year) for link in parse_page(url, html, HOSTS).reports]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param(
            '<li><a href="/sites/default/files/2022-02/2021%20NML.pdf">2021 Review of Notorious '
            "Markets for Counterfeiting and Piracy</a></li>",
            [("https://ustr.gov/sites/default/files/2022-02/2021%20NML.pdf", 2021)],
            id="modern title",
        ),
        pytest.param(
            '<p><a href="/files/2016-OCR.pdf">2016 Out-of-Cycle Review of Notorious Markets</a></p>',
            [("https://ustr.gov/files/2016-OCR.pdf", 2016)],
            id="out-of-cycle title",
        ),
        pytest.param(
            '<p><a href="/sites/default/files/2023-01/2022%20Notorious%20Markets%20List%20(final).pdf">'
            "(final)</a></p>",
            [
                (
                    "https://ustr.gov/sites/default/files/2023-01/2022%20Notorious%20Markets%20List%20"
                    "(final).pdf",
                    2022,
                )
            ],
            id="year from the file name, not the folder date",
        ),
        pytest.param(
            "<p>Today USTR released the 2023 Review of Notorious Markets for Counterfeiting and "
            'Piracy. <a href="/x/report.pdf">Read the report (PDF)</a>.</p>',
            [("https://ustr.gov/x/report.pdf", 2023)],
            id="generic link in a sentence that names the review",
        ),
        pytest.param(
            '<p>Read the Special 301 Report <a href="/a.pdf">here</a>. Read the 2019 Notorious '
            'Markets List <a href="/b.pdf">here</a>.</p>',
            [("https://ustr.gov/b.pdf", 2019)],
            id="two generic links in one paragraph",
        ),
        pytest.param(
            '<p>USTR released the <a href="/s301.pdf">2019 Special 301 Report</a> and the '
            '<a href="/nml.pdf">2019 Review of Notorious Markets for Counterfeiting and Piracy</a>'
            "</p>",
            [("https://ustr.gov/nml.pdf", 2019)],
            id="released with the Special 301 Report",
        ),
        pytest.param(
            '<a href="/fact-sheet.pdf">Fact Sheet: Notorious Markets List</a>'
            '<a href="https://evil.example/2021%20Notorious%20Markets.pdf">2021 Notorious Markets '
            'List</a><a href="/x.pdf">2021 National Trade Estimate Report</a>',
            [],
            id="fact sheet, other host, other report",
        ),
        pytest.param(
            '<a href="/y.pdf">Notorious Markets List (PDF)</a>',
            [("https://ustr.gov/y.pdf", None)],
            id="no year: confirmed from the PDF later",
        ),
    ],
)
def test_report_links(html: str, expected: list[tuple[str, int | None]]) -> None:
    assert found(f"<html><body><main>{html}</main></body></html>") == expected


def test_press_releases_and_pagination() -> None:
    listing = "https://ustr.gov/about-us/policy-offices/press-office/press-releases"
    html = """
    <ul>
     <li><a href="/about-us/policy-offices/press-office/press-releases/2022/february/ustr-releases-2021-review-notorious-markets-counterfeiting-and-piracy">USTR Releases 2021 Review of Notorious Markets</a></li>
     <li><a href="/about-us/policy-offices/press-office/press-releases/2019/april/ustr-releases-annual-special-301-report-intellectual-property-protection-and-review-notorious">USTR Releases Annual Special 301 Report</a></li>
     <li><a href="/about/policy-offices/press-office/press-releases/2026/march/ambassador-meets-trade-ministers">Ambassador meets trade ministers</a></li>
    </ul>
    <nav><a href="?page=1">2</a><a href="?page=2">3</a><a href="?page=1">Next ›</a></nav>"""
    links = parse_page(listing, html, HOSTS)
    assert [u.rsplit("/", 1)[-1][:30] for u in links.press_releases] == [
        "ustr-releases-2021-review-noto",
        "ustr-releases-annual-special-3",
    ]
    assert links.next_pages == (f"{listing}?page=1", f"{listing}?page=2")


def test_bot_wall() -> None:
    html = "<html><title>Access Denied</title><body>Request unsuccessful. Incapsula incident</body>"
    assert parse_page(BASE, html, HOSTS).bot_wall
    assert not parse_page(
        BASE, "<html><body><p>Notorious markets</p></body></html>", HOSTS
    ).bot_wall
