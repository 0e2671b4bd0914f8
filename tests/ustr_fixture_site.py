"""Populate a `Site` so that it looks like ustr.gov around the Notorious Markets List (NML).

    with Site() as site:
        info = build_ustr(site, {2020: pdf_2020, 2021: pdf_2021})
        config.sources = info["seeds"]
        config.http.allowed_hosts = ["127.0.0.1"]      # info["host"]
        ...
        site.add(info["report_paths"][2021], corrected_pdf, content_type="application/pdf")

What is built (every page a Drupal-like page: header, main menu, breadcrumb, main content,
sidebar, a footer with many links):

* `/issue-areas/intellectual-property/notorious-markets-list` (seed): one link per report,
  newest first, with the link texts real pages use ("2021 Review of Notorious Markets for
  Counterfeiting and Piracy", "2016 Out-of-Cycle Review of Notorious Markets", "2012 Notorious
  Markets List", a generic "Read the report (PDF)" after a sentence naming the review, "here");
  the newest report is left out when `newest_only_in_press_release`. Also: a Federal Register
  link (off-site), an "archived copy" of one report on another host (`site.alias_url`, i.e.
  http://localhost:PORT/..., same server, so a test can see whether it was fetched), and in the
  sidebar the latest Special 301 Report and its fact sheet (PDF noise).
* `/issue-areas/intellectual-property/special-301`: Special 301 Reports and fact sheets (PDFs).
* `/issue-areas/intellectual-property`, `/`: small hub pages.
* Press releases, newest first, in two listings paginated Drupal-style (`?page=1` is the second
  page; pager links "1", "2", ..., "Next ›", "Last »", hrefs relative like "?page=1"):
  `/about-us/policy-offices/press-office/press-releases` (every release whose URL is under
  /about-us/) and `/about/policy-offices/press-office/press-releases` (all releases; the listing
  used since 2025). Each has `listing_pages` pages; the later pages hold the older releases.
* Release pages `/about-us/policy-offices/press-office/press-releases/YYYY/<month>/<slug>`
  (under `/about/...` for the newest NML release and anything newer when `newest_under_about`):
  one per NML report ("USTR Releases 2021 Review of Notorious Markets for Counterfeiting and
  Piracy"), except the 2018 and 2019 reviews, announced with the Special 301 Report (title only
  about Special 301; the body links both PDFs and a fact sheet); Special 301 releases of other
  years; unrelated releases (trade deals, readouts, the National Trade Estimate with its PDF);
  a request for comments on the next review (names "<N+1> Review of Notorious Markets", links
  only the Federal Register) when `comment_request`. The newest NML release also links an NML
  fact sheet PDF when `nml_fact_sheet`.
* PDF file names follow the real ones (unpredictable folders and names, folder year != review
  year); review years outside 2010-2025 get a plausible invented name.

All noise PDFs are small valid PDFs made with reportlab (cached per process).
"""

from __future__ import annotations

import html
import io
import math
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .ustr_site import Site

ISSUE_AREA = "/issue-areas/intellectual-property/notorious-markets-list"
SPECIAL_301 = "/issue-areas/intellectual-property/special-301"
IP_HUB = "/issue-areas/intellectual-property"
LISTING_OLD = "/about-us/policy-offices/press-office/press-releases"
LISTING_NEW = "/about/policy-offices/press-office/press-releases"

# Publication dates of the real reports (review year -> press release date).
PUBLISHED: dict[int, date] = {
    2010: date(2011, 2, 28),
    2011: date(2011, 12, 20),
    2012: date(2012, 12, 13),
    2013: date(2014, 2, 12),
    2014: date(2015, 3, 5),
    2015: date(2015, 12, 17),
    2016: date(2016, 12, 21),
    2017: date(2018, 1, 12),
    2018: date(2019, 4, 25),  # with the 2019 Special 301 Report
    2019: date(2020, 4, 29),  # with the 2020 Special 301 Report
    2020: date(2021, 1, 14),
    2021: date(2022, 2, 17),
    2022: date(2023, 1, 31),
    2023: date(2024, 1, 30),
    2024: date(2025, 1, 29),
    2025: date(2026, 3, 10),
}

# Report PDF paths modelled on the real ones (percent-encoded as linked).
REPORT_PATHS: dict[int, str] = {
    2010: "/sites/default/files/uploads/gsp/speeches/reports/2011/"
    "Notorious%20Markets%20List%20FINAL.pdf",
    2011: "/sites/default/files/uploads/pdfs/2011%20Notorious%20Markets%20List_Final.pdf",
    2012: "/sites/default/files/121312%20Notorious%20Markets%20List.pdf",
    2013: "/sites/default/files/2013%20Notorious%20Markets%20List%20-%20Final.pdf",
    2014: "/sites/default/files/2014%20Notorious%20Markets%20List%20-%20Published_0.pdf",
    2015: "/sites/default/files/USTR-2015-Out-of-Cycle-Review-Notorious-Markets-Final.pdf",
    2016: "/sites/default/files/2016-Out-of-Cycle-Review-Notorious-Markets.pdf",
    2017: "/sites/default/files/files/Press/Reports/2017%20Notorious%20Markets%20List%201.11.18.pdf",
    2018: "/sites/default/files/2018_Notorious_Markets_List.pdf",
    2019: "/sites/default/files/2019_Review_of_Notorious_Markets_for_Counterfeiting_and_Piracy.pdf",
    2020: "/sites/default/files/Files/Press/Releases/2021/"
    "2020%20Review%20of%20Notorious%20Markets%20for%20Counterfeiting%20and%20Piracy%20(final).pdf",
    2021: "/sites/default/files/IssueAreas/IP/2021%20Notorious%20Markets%20List.pdf",
    2022: "/sites/default/files/2023-01/2022%20Notorious%20Markets%20List%20(final).pdf",
    2023: "/sites/default/files/2024-01/"
    "2023_Review_of_Notorious_Markets_for_Counterfeiting_and_Piracy_(final).pdf",
    2024: "/sites/default/files/2025-01/"
    "2024%20Review%20of%20Notorious%20Markets%20for%20Counterfeiting%20and%20Piracy.pdf",
    2025: "/sites/default/files/files/Press/Releases/2026/"
    "2025%20Notorious%20Markets%20List%20(final).pdf",
}

# How the issue-area page words each report's link.
GENERIC_YEARS = frozenset({2011, 2014, 2020})  # "... released the <title>. Read the report (PDF)"
HERE_YEARS = frozenset({2013})  # "The <title> is available here."
LIST_NAME_YEARS = frozenset({2012, 2017, 2022})  # "2012 Notorious Markets List"

COMBINED_WITH_301 = frozenset({2018, 2019})

MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]

PDF = "application/pdf"


def title_of(year: int) -> str:
    """The report's own title."""
    if year <= 2018:
        return f"{year} Out-of-Cycle Review of Notorious Markets"
    return f"{year} Review of Notorious Markets for Counterfeiting and Piracy"


def published(year: int) -> date:
    return PUBLISHED.get(year, date(year + 1, 2, 15))


def report_path(year: int) -> str:
    if year in REPORT_PATHS:
        return REPORT_PATHS[year]
    pub = published(year)
    return (
        f"/sites/default/files/{pub.year}-{pub.month:02d}/"
        f"{year}%20Review%20of%20Notorious%20Markets%20for%20Counterfeiting%20and%20Piracy"
        "%20(final).pdf"
    )


def long_date(d: date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


@cache
def small_pdf(*lines: str) -> bytes:
    """A small valid one-page PDF holding `lines` (deterministic bytes)."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=LETTER, invariant=1)
    c.setTitle(lines[0] if lines else "")
    c.setAuthor("Office of the United States Trade Representative")
    y = 720.0
    for i, line in enumerate(lines):
        c.setFont("Helvetica-Bold" if i == 0 else "Helvetica", 16 if i == 0 else 11)
        c.drawString(72, y, line)
        y -= 28 if i == 0 else 16
    c.showPage()
    c.save()
    return buf.getvalue()


def special_301_path(year: int) -> str:
    return f"/sites/default/files/{year}%20Special%20301%20Report.pdf"


def special_301_fact_sheet_path(year: int) -> str:
    return f"/sites/default/files/files/Press/fs/{year}%20Special%20301%20Fact%20Sheet.pdf"


def special_301_pdf(year: int) -> bytes:
    return small_pdf(
        f"{year} Special 301 Report",
        "Office of the United States Trade Representative",
        "Executive Summary",
        "The Special 301 Report identifies trading partners that do not adequately protect",
        "intellectual property rights. Online and physical notorious markets are reported",
        "separately in the Review of Notorious Markets for Counterfeiting and Piracy.",
        "Priority Watch List: Argentina, Chile, China, India, Indonesia, Russia, Venezuela.",
    )


def fact_sheet_pdf(subject: str) -> bytes:
    return small_pdf(
        f"Fact Sheet: {subject}",
        "Office of the United States Trade Representative",
        "Key findings",
        f"The {subject} was released today. This fact sheet summarises it.",
    )


def nte_pdf(year: int) -> bytes:
    return small_pdf(
        f"{year} National Trade Estimate Report on Foreign Trade Barriers",
        "Office of the United States Trade Representative",
        "Foreword",
    )


# -- page chrome ---------------------------------------------------------------------------

_MAIN_MENU = [
    ("About", "/about", [("Mission", "/about/mission"), ("Leadership", "/about/leadership")]),
    (
        "Countries & Regions",
        "/countries-regions",
        [
            ("Africa", "/countries-regions/africa"),
            ("China", "/countries-regions/china-mongolia-taiwan"),
        ],
    ),
    (
        "Trade Topics",
        "/trade-topics",
        [("Enforcement", "/trade-topics/enforcement"), ("Labor", "/trade-topics/labor")],
    ),
    (
        "Issue Areas",
        "/issue-areas",
        [
            ("Intellectual Property", IP_HUB),
            ("Notorious Markets List", ISSUE_AREA),
            ("Special 301", SPECIAL_301),
            ("Small Business", "/issue-areas/small-business"),
        ],
    ),
    ("Trade Agreements", "/trade-agreements", [("USMCA", "/trade-agreements/usmca")]),
    (
        "Press Office",
        "/about/policy-offices/press-office",
        [
            ("Press Releases", LISTING_NEW),
            ("Speeches", "/about/policy-offices/press-office/speeches"),
            ("Fact Sheets", "/about/policy-offices/press-office/fact-sheets"),
        ],
    ),
]

_FOOTER = [
    ("About USTR", "/about"),
    ("Contact Us", "/contact-us"),
    ("Careers", "/about/careers"),
    ("FOIA", "/about/foia"),
    ("Privacy Policy", "/privacy-policy"),
    ("Accessibility", "/accessibility"),
    ("No FEAR Act Data", "/about/no-fear-act"),
    ("Open Government", "/open-government"),
    ("Site Map", "/sitemap"),
    ("Reports and Publications", "/reports-and-publications"),
    ("Press Releases", LISTING_NEW),
    ("Press Release Archive", LISTING_OLD),
    ("Trade Policy Agenda", "/about/policy-offices/press-office/reports-and-publications"),
    ("USA.gov", "https://www.usa.gov/"),
    ("WhiteHouse.gov", "https://www.whitehouse.gov/"),
    ("Inspector General", "https://www.oig.doc.gov/"),
    ("Regulations.gov", "https://www.regulations.gov/"),
    ("X (Twitter)", "https://x.com/USTradeRep"),
    ("Facebook", "https://www.facebook.com/USTradeRep"),
    ("YouTube", "https://www.youtube.com/user/USTradeRep"),
    ("Instagram", "https://www.instagram.com/ustraderep/"),
]


def _a(href: str, text: str, **attrs: str) -> str:
    extra = "".join(
        f' {k.rstrip("_").replace("_", "-")}="{html.escape(v)}"' for k, v in attrs.items()
    )
    return f'<a href="{html.escape(href)}"{extra}>{text}</a>'


def drupal_page(
    path: str,
    title: str,
    body: str,
    *,
    node_type: str = "page",
    breadcrumb: list[tuple[str, str]] | None = None,
    sidebar: str = "",
    posted: date | None = None,
) -> str:
    """A page in the markup of the ustr.gov Drupal theme."""
    menu = []
    for label, href, children in _MAIN_MENU:
        sub = "".join(f'<li class="menu-item">{_a(h, html.escape(t))}</li>' for t, h in children)
        menu.append(
            '<li class="menu-item menu-item--expanded">'
            f'{_a(href, html.escape(label))}<ul class="menu">{sub}</ul></li>'
        )
    crumbs = [("Home", "/"), *(breadcrumb or [])]
    crumb_html = "".join(
        f'<li class="breadcrumb__item">{_a(h, html.escape(t))}</li>' for t, h in crumbs
    )
    footer = "".join(f'<li class="menu-item">{_a(h, html.escape(t))}</li>' for t, h in _FOOTER)
    date_html = (
        f'<div class="field field--name-field-date"><time datetime="{posted.isoformat()}">'
        f"{long_date(posted)}</time></div>"
        if posted
        else ""
    )
    side = (
        f'<aside class="layout-sidebar-first" role="complementary"><div class="region '
        f'region-sidebar-first">{sidebar}</div></aside>'
        if sidebar
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr" prefix="og: https://ogp.me/ns#">
<head>
<meta charset="utf-8" />
<meta name="Generator" content="Drupal 10 (https://www.drupal.org)" />
<meta name="MobileOptimized" content="width" />
<meta name="viewport" content="width=device-width, initial-scale=1.0" />
<link rel="canonical" href="https://ustr.gov{html.escape(path)}" />
<link rel="icon" href="/themes/custom/ustr/favicon.ico" type="image/vnd.microsoft.icon" />
<title>{html.escape(title)} | United States Trade Representative</title>
<link rel="stylesheet" media="all" href="/sites/default/files/css/css_Yb3kq0d9.css" />
<script src="/sites/default/files/js/js_0fy2n1Qc.js"></script>
</head>
<body class="path-node page-node-type-{node_type}">
<a href="#main-content" class="visually-hidden focusable skip-link">Skip to main content</a>
<div class="dialog-off-canvas-main-canvas" data-off-canvas-main-canvas>
<div class="usa-banner">An official website of the United States government</div>
<header role="banner" class="site-header">
 <div class="region region-header">
  <a href="/" title="Home" rel="home" class="site-logo"><img src="/themes/custom/ustr/logo.svg" alt="Home" /></a>
  <div class="site-name"><a href="/" rel="home">Office of the United States Trade Representative</a></div>
  <form action="/search" method="get" id="search-block-form" accept-charset="UTF-8">
   <input type="search" name="keys" size="15" maxlength="128" /><input type="submit" value="Search" />
  </form>
 </div>
 <nav role="navigation" aria-labelledby="block-ustr-main-menu-menu" id="block-ustr-main-menu">
  <h2 class="visually-hidden" id="block-ustr-main-menu-menu">Main navigation</h2>
  <ul class="menu">{"".join(menu)}</ul>
 </nav>
</header>
<div class="region region-breadcrumb"><nav class="breadcrumb" role="navigation" aria-labelledby="system-breadcrumb"><h2 id="system-breadcrumb" class="visually-hidden">Breadcrumb</h2><ol>{crumb_html}</ol></nav></div>
<main role="main" class="layout-main-wrapper">
 <a id="main-content" tabindex="-1"></a>
 <div class="layout-content">
  <div class="region region-content">
   <div id="block-ustr-page-title" class="block block-core block-page-title-block">
    <h1 class="page-title"><span class="field field--name-title field--type-string">{html.escape(title)}</span></h1>
   </div>
   <article role="article" class="node node--type-{node_type} node--view-mode-full">
    {date_html}
    <div class="node__content">
     <div class="clearfix text-formatted field field--name-body field--type-text-with-summary field--label-hidden field__item">
{body}
     </div>
    </div>
   </article>
  </div>
 </div>
 {side}
</main>
<footer role="contentinfo" class="site-footer">
 <div class="region region-footer">
  <nav role="navigation" aria-labelledby="block-footer-menu"><h2 id="block-footer-menu" class="visually-hidden">Footer</h2>
   <ul class="menu">{footer}</ul>
  </nav>
  <p class="address">Office of the United States Trade Representative, 600 17th Street NW, Washington, DC 20508</p>
 </div>
</footer>
</div>
</body>
</html>
"""


# -- the site ------------------------------------------------------------------------------


def _slug(title: str) -> str:
    out = []
    for word in title.lower().replace("’", "").replace("'", "").replace("-", " ").split():
        w = "".join(ch for ch in word if ch.isalnum())
        if w and w not in {"of", "for", "and", "the", "on", "a", "to", "in", "with"}:
            out.append(w)
    return "-".join(out)[:90].rstrip("-")


_NOISE = [
    ("USTR Announces Agreement with {c} on Reciprocal Trade", 3),
    ("Readout of Ambassador's Meeting with {c} Minister of Trade", 6),
    ("Joint Statement Following the United States-{c} Trade Policy Forum", 9),
    ("USTR Welcomes Entry into Force of the Trade Agreement with {c}", 11),
]
_COUNTRIES = ["Japan", "Kenya", "India", "Canada", "Vietnam", "Brazil", "Ecuador"]


def build_ustr(
    site: Site,
    reports: dict[int, bytes],
    *,
    newest_only_in_press_release: bool = True,
    newest_under_about: bool = True,
    listing_pages: int = 2,
    nml_fact_sheet: bool = True,
    comment_request: bool = True,
) -> dict[str, Any]:
    """Populate `site` like ustr.gov from {review_year: pdf_bytes}; describe what was built.

    Returns {"base_url", "host", "seeds", "issue_area", "special_301", "listings": {"about-us":
    [page urls], "about": [page urls]}, "reports": {year: url}, "report_paths": {year: path},
    "link_texts": {year: text on the issue-area page}, "published": {year: date},
    "press_releases": {year: url of the release linking that report}, "releases": [{"url",
    "path", "title", "date", "kind": "nml"|"special301"|"combined"|"comments"|"noise",
    "review_year": int|None}] newest first, "issue_area_years": [years linked there],
    "newest_year": int|None, "noise_pdfs": [urls], "noise_pdf_paths": [paths],
    "offsite_links": [urls], "other_host_pdfs": [urls], "ignored_paths": [paths on this server
    that only the other-host links reach]}.
    """
    if listing_pages < 1:
        raise ValueError("listing_pages must be >= 1")
    years = sorted(reports, reverse=True)
    newest = years[0] if years else None
    url = site.url

    for y in years:
        site.add(report_path(y), reports[y], content_type=PDF)

    noise_paths: list[str] = []

    def add_pdf(path: str, data: bytes) -> str:
        site.add(path, data, content_type=PDF)
        if path not in noise_paths:
            noise_paths.append(path)
        return path

    s301_years: set[int] = set()

    def s301_paths(pub_year: int) -> tuple[str, str]:
        s301_years.add(pub_year)
        rep = add_pdf(special_301_path(pub_year), special_301_pdf(pub_year))
        fs = add_pdf(
            special_301_fact_sheet_path(pub_year), fact_sheet_pdf(f"{pub_year} Special 301 Report")
        )
        return rep, fs

    # -- press releases --------------------------------------------------------------------
    releases: list[dict[str, Any]] = []

    def release(d: date, title: str, kind: str, body: str, review_year: int | None) -> None:
        releases.append(
            {"date": d, "title": title, "kind": kind, "body": body, "review_year": review_year}
        )

    pub_years = [published(y).year for y in years] or [2024]
    first_pub, last_pub = min(pub_years), max(pub_years)
    combined_pub = {published(y).year for y in years if y in COMBINED_WITH_301}

    for y in years:
        d = published(y)
        pdf = report_path(y)
        href = url(pdf) if y % 2 == 0 else pdf  # real bodies mix absolute and relative links
        if y in COMBINED_WITH_301:
            rep301, fs301 = s301_paths(d.year)
            title = (
                f"USTR Releases {d.year} Special 301 Report on Intellectual Property Protection "
                "and Enforcement"
            )
            body = (
                f"<p>WASHINGTON – The Office of the United States Trade Representative (USTR) "
                f"today released its annual Special 301 Report on the adequacy and effectiveness "
                f"of U.S. trading partners’ protection and enforcement of intellectual property "
                f"(IP) rights. The {d.year} Special 301 Report identifies 36 trading partners "
                f"on the Priority Watch List or Watch List.</p>\n"
                f"<p>USTR today also released the {title_of(y)} (the Notorious Markets List), "
                f"which highlights online and physical markets that reportedly engage in or "
                f"facilitate substantial trademark counterfeiting and copyright piracy.</p>\n"
                f"<p>The {_a(rep301, f'{d.year} Special 301 Report')} and the "
                f"{_a(href, title_of(y))} are available on the USTR website. "
                f"A {_a(fs301, 'fact sheet')} on the Special 301 Report is also available.</p>\n"
                "<p>###</p>"
            )
            release(d, title, "combined", body, y)
            continue
        title = f"USTR Releases {title_of(y)}"
        link_text = "here" if y % 2 else title_of(y)
        extra = ""
        if y == newest and nml_fact_sheet:
            fs = add_pdf(
                f"/sites/default/files/files/Press/fs/{d.year}-{d.month:02d}/"
                f"NML%20{y}%20Fact%20Sheet.pdf",
                fact_sheet_pdf(f"{y} Notorious Markets List"),
            )
            extra = f"<p>{_a(fs, f'Fact sheet: {y} Notorious Markets List')}</p>\n"
        body = (
            f"<p>WASHINGTON – The Office of the United States Trade Representative (USTR) today "
            f"released the {title_of(y)} (Notorious Markets List). The Notorious Markets List "
            f"highlights prominent online and physical marketplaces that reportedly engage in "
            f"or facilitate substantial copyright piracy or trademark counterfeiting.</p>\n"
            f"<p>“Counterfeiting and piracy undermine American innovation and creativity,” "
            f"said the Trade Representative.</p>\n"
            f"<p>The Issue Focus of this year’s review examines the harm that counterfeit goods "
            f"cause to workers and consumers.</p>\n"
            f"<p>The {title_of(y)} is available {_a(href, link_text)}.</p>\n"
            if link_text == "here"
            else (
                f"<p>WASHINGTON – The Office of the United States Trade Representative (USTR) "
                f"today released its annual review of notorious markets, identifying online "
                f"and physical markets that reportedly engage in or facilitate substantial "
                f"trademark counterfeiting or copyright piracy.</p>\n"
                f"<p>“Counterfeiting and piracy undermine American innovation and creativity,” "
                f"said the Trade Representative.</p>\n"
                f"<p>Read the {_a(href, title_of(y))}.</p>\n"
            )
        )
        release(d, title, "nml", body + extra + "<p>###</p>", y)

    # Special 301 releases of other years (recent ones only)
    for p in range(max(first_pub, last_pub - 4), last_pub + 1):
        if p in combined_pub:
            continue
        rep301, fs301 = s301_paths(p)
        title = (
            f"USTR Releases {p} Special 301 Report on Intellectual Property Protection and "
            "Enforcement"
        )
        body = (
            f"<p>WASHINGTON – USTR today released the {p} Special 301 Report, its annual "
            f"review of intellectual property protection and enforcement by U.S. trading "
            f"partners. Markets that facilitate piracy and counterfeiting are covered by the "
            f"separate Notorious Markets List.</p>\n"
            f"<p>{_a(rep301, f'{p} Special 301 Report (PDF)')} | {_a(fs301, 'Fact Sheet')}</p>\n"
            "<p>###</p>"
        )
        release(date(p, 4, 26), title, "special301", body, None)

    # unrelated releases, one or two a year
    nte_done = False
    for p in range(first_pub - 1, last_pub + 1):
        for i, (tmpl, month) in enumerate(_NOISE):
            if (p + i) % 2:
                continue
            c = _COUNTRIES[(p + i) % len(_COUNTRIES)]
            title = tmpl.format(c=c)
            body = (
                f"<p>WASHINGTON – {html.escape(title)}. The two sides discussed market access, "
                f"digital trade, labor and environment, and the next steps of their "
                f"{_a('/trade-agreements', 'trade agreements')}.</p>\n<p>###</p>"
            )
            release(date(p, month, 10 + i), title, "noise", body, None)
        if p == last_pub - 1 and not nte_done:
            nte_done = True
            nte = add_pdf(
                f"/sites/default/files/reports/{p}/NTE/{p}%20NTE%20Report.pdf", nte_pdf(p)
            )
            title = f"USTR Releases {p} National Trade Estimate Report on Foreign Trade Barriers"
            body = (
                f"<p>WASHINGTON – USTR today released the {p} National Trade Estimate Report "
                f"on Foreign Trade Barriers.</p>\n<p>{_a(nte, f'{p} NTE Report (PDF)')}</p>\n"
                "<p>###</p>"
            )
            release(date(p, 3, 31), title, "noise", body, None)

    fr_year = (newest or 2024) + 1
    offsite = [
        f"https://www.federalregister.gov/documents/{fr_year}/08/19/{fr_year}-15712/"
        f"request-for-comments-on-the-{fr_year}-review-of-notorious-markets-for-counterfeiting-"
        "and-piracy"
    ]
    if comment_request and newest is not None:
        n = newest + 1
        title = (
            f"USTR Requests Public Comments on the {n} Review of Notorious Markets for "
            "Counterfeiting and Piracy"
        )
        body = (
            f"<p>WASHINGTON – USTR is requesting written comments that identify online and "
            f"physical markets to be considered for the {n} Review of Notorious Markets for "
            f"Counterfeiting and Piracy. Comments are due October 6, {n}.</p>\n"
            f"<p>Read the {_a(offsite[0], 'Federal Register notice')} requesting comments.</p>\n"
            "<p>###</p>"
        )
        release(date(n, 8, 19), title, "comments", body, None)

    # place and publish the releases
    releases.sort(key=lambda r: (r["date"], r["title"]), reverse=True)
    newest_release_date = next(
        (r["date"] for r in releases if r["review_year"] == newest and newest is not None), None
    )
    for r in releases:
        d = r["date"]
        under_about = (
            newest_under_about and newest_release_date is not None and d >= newest_release_date
        )
        root = LISTING_NEW if under_about else LISTING_OLD
        r["path"] = f"{root}/{d.year}/{MONTHS[d.month - 1]}/{_slug(r['title'])}"
        r["url"] = url(r["path"])
    assert len({r["path"] for r in releases}) == len(releases), "duplicate release paths"
    for r in releases:
        site.add(
            r["path"],
            drupal_page(
                r["path"],
                r["title"],
                r.pop("body"),
                node_type="press_release",
                breadcrumb=[
                    ("Press Office", "/about/policy-offices/press-office"),
                    ("Press Releases", LISTING_NEW),
                ],
                posted=r["date"],
                sidebar=(
                    '<h2>Related</h2><ul class="menu">'
                    f"<li>{_a(LISTING_NEW, 'All press releases')}</li>"
                    f"<li>{_a(LISTING_OLD, 'Press release archive')}</li></ul>"
                ),
            ),
        )

    # -- listings --------------------------------------------------------------------------
    listings: dict[str, list[str]] = {}
    for name, root, listed in (
        ("about-us", LISTING_OLD, [r for r in releases if r["path"].startswith(LISTING_OLD)]),
        ("about", LISTING_NEW, releases),
    ):
        per = max(1, math.ceil(len(listed) / listing_pages))
        urls = []
        for page in range(listing_pages):
            chunk = listed[page * per : (page + 1) * per]
            rows = (
                "\n".join(
                    '<div class="views-row"><article class="press-release-teaser">'
                    f'<h3 class="teaser__title">{_a(r["path"], html.escape(r["title"]))}</h3>'
                    f'<div class="teaser__date"><time datetime="{r["date"]}">'
                    f"{long_date(r['date'])}</time></div></article></div>"
                    for r in chunk
                )
                or '<div class="view-empty"><p>No press releases found.</p></div>'
            )
            pager = _pager(page, listing_pages)
            body = (
                '<div class="view view-press-releases view-id-press_releases">'
                f'<div class="view-content">\n{rows}\n</div>\n{pager}</div>'
            )
            path = root if page == 0 else f"{root}?page={page}"
            site.add(
                path,
                drupal_page(
                    path,
                    "Press Releases",
                    body,
                    breadcrumb=[("Press Office", "/about/policy-offices/press-office")],
                ),
            )
            urls.append(url(path))
        listings[name] = urls

    # -- issue-area page -------------------------------------------------------------------
    on_page = [y for y in years if not (newest_only_in_press_release and y == newest)]
    link_texts: dict[int, str] = {}
    items = []
    for y in on_page:
        d, pdf = published(y), report_path(y)
        if y in GENERIC_YEARS:
            text = "Read the report (PDF)"
            items.append(
                f"<li>On {long_date(d)}, USTR released the {title_of(y)}. {_a(pdf, text)}</li>"
            )
        elif y in HERE_YEARS:
            text = "here"
            items.append(f"<li>The {title_of(y)} is available {_a(pdf, text)}.</li>")
        elif y in LIST_NAME_YEARS:
            text = f"{y} Notorious Markets List" + (" (PDF)" if y == 2017 else "")
            items.append(f"<li>{_a(pdf, text)}</li>")
        else:
            text = title_of(y)
            items.append(f"<li>{_a(pdf, text, title=text)}</li>")
        link_texts[y] = text

    other_host: list[str] = []
    ignored: list[str] = []
    archive_note = ""
    if on_page:
        y = on_page[-1]
        mirror = f"/mirror/nara/ustr/{y}-notorious-markets.pdf"
        site.add(mirror, reports[y], content_type=PDF)
        other_host.append(site.alias_url(mirror))
        ignored.append(mirror)
        archive_note = (
            f"<p>An archived copy of the {title_of(y)} is kept by the "
            f"{_a(other_host[0], 'National Archives (PDF)')}.</p>\n"
        )
    sidebar = '<h2>Intellectual Property</h2><ul class="menu">'
    sidebar += f"<li>{_a(IP_HUB, 'Intellectual Property')}</li>"
    sidebar += f"<li>{_a(SPECIAL_301, 'Special 301')}</li>"
    if s301_years:
        p = max(s301_years)
        sidebar += f"<li>{_a(special_301_path(p), f'{p} Special 301 Report (PDF)')}</li>"
        fs = special_301_fact_sheet_path(p)
        sidebar += f"<li>{_a(fs, f'Fact Sheet: {p} Special 301 Report')}</li>"
    sidebar += "</ul>"
    body = (
        "<p>USTR publishes the Review of Notorious Markets for Counterfeiting and Piracy (the "
        "Notorious Markets List) each year. The List highlights prominent online and physical "
        "marketplaces that reportedly engage in or facilitate substantial copyright piracy or "
        "trademark counterfeiting. It was published as the Out-of-Cycle Review of Notorious "
        "Markets until 2018.</p>\n"
        f"<p>USTR requests public comments each year: see the "
        f"{_a(offsite[0], 'Federal Register notice')}.</p>\n"
        "<h2>Notorious Markets Lists</h2>\n"
        f'<ul class="report-list">\n'
        + "\n".join(items)
        + "\n</ul>\n"
        + archive_note
        + f"<p>See also {_a(SPECIAL_301, 'Special 301')} and the "
        f"{_a(LISTING_NEW, 'press releases')}.</p>"
    )
    site.add(
        ISSUE_AREA,
        drupal_page(
            ISSUE_AREA,
            "Notorious Markets List",
            body,
            breadcrumb=[("Issue Areas", "/issue-areas"), ("Intellectual Property", IP_HUB)],
            sidebar=sidebar,
        ),
    )

    # -- Special 301 page, hubs ------------------------------------------------------------
    rows = "\n".join(
        f"<li>{_a(special_301_path(p), f'{p} Special 301 Report')} "
        f"({_a(special_301_fact_sheet_path(p), 'Fact Sheet')})</li>"
        for p in sorted(s301_years, reverse=True)
    )
    site.add(
        SPECIAL_301,
        drupal_page(
            SPECIAL_301,
            "Special 301",
            "<p>The Special 301 Report is the result of an annual review of the state of "
            "intellectual property protection and enforcement in U.S. trading partners around "
            "the world. Notorious markets are identified separately, in the "
            f"{_a(ISSUE_AREA, 'Notorious Markets List')}.</p>\n"
            f"<h2>Reports</h2>\n<ul>\n{rows}\n</ul>",
            breadcrumb=[("Issue Areas", "/issue-areas"), ("Intellectual Property", IP_HUB)],
        ),
    )
    site.add(
        IP_HUB,
        drupal_page(
            IP_HUB,
            "Intellectual Property",
            "<p>USTR uses a wide range of bilateral and multilateral trade tools to promote "
            "strong intellectual property laws and effective enforcement worldwide.</p>\n"
            f"<ul><li>{_a(SPECIAL_301, 'Special 301')}</li>"
            f"<li>{_a(ISSUE_AREA, 'Notorious Markets List')}</li></ul>",
            breadcrumb=[("Issue Areas", "/issue-areas")],
        ),
    )
    latest = "".join(
        f"<li>{_a(r['path'], html.escape(r['title']))} <span>{long_date(r['date'])}</span></li>"
        for r in releases[:5]
    )
    site.add(
        "/",
        drupal_page(
            "/",
            "Office of the United States Trade Representative",
            f"<h2>Latest news</h2><ul>{latest}</ul>",
            node_type="front",
        ),
    )

    by_year = {r["review_year"]: r["url"] for r in releases if r["kind"] in ("nml", "combined")}
    return {
        "base_url": site.base_url,
        "host": "127.0.0.1",
        "seeds": [url(ISSUE_AREA), url(LISTING_NEW), url(LISTING_OLD)],
        "issue_area": url(ISSUE_AREA),
        "special_301": url(SPECIAL_301),
        "listings": listings,
        "reports": {y: url(report_path(y)) for y in years},
        "report_paths": {y: report_path(y) for y in years},
        "link_texts": link_texts,
        "published": {y: published(y) for y in years},
        "press_releases": by_year,
        "releases": releases,
        "issue_area_years": on_page,
        "newest_year": newest,
        "noise_pdfs": [url(p) for p in noise_paths],
        "noise_pdf_paths": list(noise_paths),
        "offsite_links": offsite,
        "other_host_pdfs": other_host,
        "ignored_paths": ignored,
    }


def _pager(page: int, pages: int) -> str:
    """Drupal's full pager: relative "?page=N" hrefs, page numbers shown 1-based."""
    if pages <= 1:
        return ""
    items = []
    if page > 0:
        items.append(
            '<li class="pager__item pager__item--first"><a href="?page=0" title="Go to first page">'
            "<span>« First</span></a></li>"
        )
        items.append(
            f'<li class="pager__item pager__item--previous"><a href="?page={page - 1}" '
            'title="Go to previous page" rel="prev"><span>‹ Previous</span></a></li>'
        )
    for i in range(pages):
        if i == page:
            items.append(
                f'<li class="pager__item is-active"><a href="?page={i}" title="Current page">'
                f'<span class="visually-hidden">Current page</span>{i + 1}</a></li>'
            )
        else:
            items.append(
                f'<li class="pager__item"><a href="?page={i}" title="Go to page {i + 1}">'
                f'<span class="visually-hidden">Page</span>{i + 1}</a></li>'
            )
    if page < pages - 1:
        items.append(
            f'<li class="pager__item pager__item--next"><a href="?page={page + 1}" '
            'title="Go to next page" rel="next"><span>Next ›</span></a></li>'
        )
        items.append(
            f'<li class="pager__item pager__item--last"><a href="?page={pages - 1}" '
            'title="Go to last page"><span>Last »</span></a></li>'
        )
    return (
        '<nav class="pager" role="navigation" aria-labelledby="pagination-heading">'
        '<h4 id="pagination-heading" class="visually-hidden">Pagination</h4>'
        f'<ul class="pager__items js-pager__items">{"".join(items)}</ul></nav>'
    )
