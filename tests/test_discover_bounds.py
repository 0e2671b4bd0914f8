"""Discovery's work is bounded: linear in the page, within a deadline, a few new reports a check.

A page full of PDF links that mention the list used to cost the square of its links, and every
such link was downloaded and extracted at every check.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.discover_bench import hostile_page
from tracker.config import Config
from tracker.discover import parse_page
from tracker.model import WarningCode
from tracker.pipeline import run_check
from tracker.store import Store

from .conftest import sample_pdf
from .smtp_server import Handler, SmtpServer
from .test_check import settings
from .ustr_fixture_site import build_ustr
from .ustr_site import Site

BASE = "https://ustr.gov/issue-areas/intellectual-property/notorious-markets-list"


def _calls(html: str) -> int:
    """Python function calls (generator steps included) made parsing `html`: a count of the
    work done that no machine's speed changes."""
    count = 0

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal count
        count += event in ("call", "c_call")

    sys.setprofile(profile)
    try:
        parse_page(BASE, html, ("ustr.gov",))
    finally:
        sys.setprofile(None)
    return count


def test_parsing_is_linear_in_the_links() -> None:
    small, large = _calls(hostile_page(150)), _calls(hostile_page(600))
    assert large / small < 5, (small, large)  # 4 times the links: about 4 times the work


def test_links_found_in_a_crowded_paragraph() -> None:
    found = parse_page(BASE, hostile_page(50), ("ustr.gov",))
    assert len(found.reports) == 50 and found.links == 50
    assert all(link.evidence == 0 for link in found.reports)  # the sentence names the list


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Site, SmtpServer, dict[str, Any], Path]]:
    with Site() as site, SmtpServer(Handler()) as smtp:
        info = build_ustr(site, {2020: sample_pdf(2020).read_bytes()})
        site.add("/hostile", "<html><body><p>Nothing yet.</p></body></html>")
        yield site, smtp, info, tmp_path


def _config(world: Any, **discovery: Any) -> Config:
    site, smtp, info, tmp_path = world
    raw = settings(tmp_path, [*info["seeds"], site.url("/hostile")], smtp.port)
    return Config.model_validate({**raw, "discovery": discovery})


@pytest.mark.slow
def test_a_page_of_report_links_is_an_alert_not_a_download_storm(world: Any) -> None:
    site, smtp = world[0], world[1]
    config = _config(world, max_new_reports=2)
    with Store(config.database_url) as store:
        assert run_check(config, store).status == "baseline"
        links = (
            "".join(
                f'<li><a href="/files/r{i}.pdf">{2000 + i} Notorious Markets List</a></li>'
                for i in range(10)
            )
            + '<li><a href="/files/plain.pdf">the report</a> (Notorious Markets List)</li>'
        )
        site.add("/hostile", f"<html><body><ul>{links}</ul></body></html>")
        for i in range(10):
            site.add(f"/files/r{i}.pdf", b"%PDF-1.4 not a report", content_type="application/pdf")
        result = run_check(config, store)
    fetched = [i for i in range(10) if site.count(f"/files/r{i}.pdf")]
    assert fetched == [8, 9]  # the newest years, named by the links' own words
    assert site.count("/files/plain.pdf") == 0
    # the downloads that failed extraction are not left in the archive without a row
    assert len(list((world[3] / "state" / "reports").glob("*.pdf"))) == 1  # 2020's report
    (capped,) = [w for w in result.warnings if w.code is WarningCode.TOO_MANY_REPORTS]
    assert "11 new report links, more than discovery.max_new_reports (2)" in capped.message
    subjects = [m["Subject"] for m in smtp.handler.messages if m["To"] == "ops@example.org"]
    assert "[nml-tracker] discovery found more new reports than it may fetch" in subjects


@pytest.mark.slow
def test_discovery_past_its_deadline_stops_reading(world: Any) -> None:
    site = world[0]
    config = _config(world, deadline_s=1e-9)
    with Store(config.database_url) as store:
        result = run_check(config, store)
    assert site.count() == 0
    assert [w.code for w in result.warnings] == [WarningCode.DISCOVERY_OVERTIME]
    assert "discovery.deadline_s" in result.warnings[0].message
