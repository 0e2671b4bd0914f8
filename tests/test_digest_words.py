"""The digest says what the report says (issue 11, items 4-6): excerpts with their pages, the
Positive Developments sentence of a removed market, operators and bases, the summary at the top,
a text part for a terminal and an HTML part that escapes everything and loads nothing."""

from __future__ import annotations

import re
from email.message import Message
from pathlib import Path

import pytest
import sqlalchemy as sa

from alerts.digest import DigestInput, Rendered, render, wrap_text
from alerts.outbox import deliver, queue_digest
from tracker.config import Config
from tracker.diff import Changes, Item
from tracker.model import Counts
from tracker.owners import Owner, curated, from_text, owner_of
from tracker.pipeline import digest_input
from tracker.quotes import mention, opening, sentences
from tracker.store import Store

from .conftest import save_sample
from .smtp_server import Handler, SmtpServer

REPORT, OLD = "https://ustr.gov/2021.pdf", "https://ustr.gov/2020.pdf"


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Store:
    s = Store(f"sqlite:///{tmp_path_factory.mktemp('words')}/t.db")
    for year in (2020, 2021):
        save_sample(s, year, source_url=f"https://ustr.gov/{year}.pdf")
    return s


@pytest.fixture(scope="module")
def sample_digest(samples: Store) -> Rendered:
    with samples.transaction() as tx:
        return render(digest_input(tx, 2021))


def section(text: str, title: str) -> str:
    start = text.index(title)
    end = text.find("\n\n", text.find("\n\n", start) + 2) if title == "AT A GLANCE" else -1
    return text[start:end] if end > 0 else text[start:]


# -- the report's own words ------------------------------------------------------------------


def test_operator_from_the_text_wins_over_the_table() -> None:
    assert from_text("The platform is operated by Alibaba Group, which runs it.") == Owner(
        "Alibaba Group", None
    )
    said = from_text("AliExpress, a subsidiary of Alibaba Group Holding Ltd., is based in China.")
    assert said == Owner("Alibaba Group Holding Ltd.", "China")
    assert from_text("The site is reportedly based in the Netherlands.").based_in == "Netherlands"
    assert from_text("It is owned by the same people and based in Hangzhou.") == Owner()
    assert from_text("It is owned by Chinese nationals.") == Owner()  # no company named
    assert curated("ALIEXPRESS") == Owner("Alibaba", "China")
    assert curated("WECHAT (WEIXIN) E-COMMERCE ECOSYSTEM") == Owner("Tencent", "China")
    assert curated("x", ("pinduoduo.com",)) == Owner("PDD", "China")
    assert curated("1337X") == Owner()
    assert owner_of("TAOBAO", (), "Taobao is operated by Zhejiang Taobao Co.") == Owner(
        "Zhejiang Taobao Co.", "China"
    )


def test_opening_sentences_are_whole_and_bounded() -> None:
    text = (
        "The U.S. Government and Hosting Concepts B.V. were told.12 Commenters note that the "
        "market draws crowds. A third sentence that the stored excerpt cut in the mid"
    )
    assert sentences(text)[0] == "The U.S. Government and Hosting Concepts B.V. were told."
    assert opening(text) == sentences(text)[0] + " Commenters note that the market draws crowds."
    long = "word " * 100
    assert opening(long, 60).endswith(" …") and len(opening(long, 60)) <= 60
    assert opening("") == ""


def test_a_run_in_positive_development_keeps_its_next_sentence() -> None:
    passage = sentences(
        "Snapdeal: Remaining mirror sites attract a small share. Traffic declined. Other "
        "positive developments include the disruption of Seasonvar."
    )
    assert mention(passage, ["SNAPDEAL"]) == (
        "Snapdeal: Remaining mirror sites attract a small share. Traffic declined."
    )
    assert mention(passage, ["SEASONVAR"]).startswith("Other positive developments")
    assert mention(passage, ["WEIDIAN", "weidian.com"]) == ""


@pytest.mark.slow
def test_the_2021_sample_keeps_its_positive_developments_and_operators() -> None:
    from tracker.extract import extract

    from .conftest import sample_pdf

    report = extract(sample_pdf(2021))
    assert any(s.startswith("Snapdeal: Remaining mirror sites") for s in report.positive)
    by_name = {e.name: e for e in report.entries}
    assert (by_name["ALIEXPRESS"].operator, by_name["ALIEXPRESS"].based_in) == ("Alibaba", "China")
    assert by_name["La Salada"].operator is None  # physical markets have a country instead
    assert "-\n" not in by_name["ALIEXPRESS"].excerpt


def test_stored_online_listings_get_operators_on_upgrade(tmp_path: Path) -> None:
    from tracker.migrations import upgrade
    from tracker.store.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    upgrade(engine, "0004")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO reports (id, review_year, revision, title, sha256, ingested_at, "
                "online_count, physical_count, status, warnings) VALUES (1, 2021, 1, 'T', 'x', "
                "'2026-01-01 00:00:00', 2, 0, 'ok', '[]')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO markets (id, kind, name, created_at, source) VALUES "
                "('aliexpress', 'online', 'ALIEXPRESS', '2026-01-01 00:00:00', 'rules'), "
                "('x', 'online', 'X', '2026-01-01 00:00:00', 'rules')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO listings (report_id, market_id, position, name, heading, kind, "
                "domains, page, excerpt, match) VALUES "
                "(1, 'aliexpress', 0, 'ALIEXPRESS', 'ALIEXPRESS', 'online', '[]', 8, '', 'new'), "
                "(1, 'x', 1, 'X', 'X', 'online', '[]', 9, 'X is operated by Acme Corp. It', 'new')"
            )
        )
    upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT name, operator, based_in FROM listings")).all()
    engine.dispose()
    assert sorted(map(tuple, rows)) == [
        ("ALIEXPRESS", "Alibaba", "China"),
        ("X", "Acme Corp.", None),
    ]


# -- the digest of the samples ---------------------------------------------------------------


def test_each_new_market_has_its_excerpt_and_page(sample_digest: Rendered) -> None:
    text = section(sample_digest.text, "NEW MARKETS")
    text = text[: text.index("RETURNING")]
    items = re.split(r"\n(?=  - )", text.strip())[1:]
    assert len(items) == 11
    for item in items:
        head, *quote = item.splitlines()
        assert re.search(r", p\. \d+$", head), head
        assert quote and quote[0].startswith("    “") and quote[-1].endswith("”"), item
    assert "  - ALIEXPRESS (online; Alibaba, China), p. 8\n    “Right holders report" in text


def test_the_summary_counts_by_kind_country_and_operator(sample_digest: Rendered) -> None:
    glance = section(sample_digest.text, "AT A GLANCE")
    assert "Online     42 (2020: 39): 9 new, 0 returning, 6 removed, 33 still listed" in glance
    assert "Physical   35 (2020: 34): 2 new, 0 returning, 1 removed, 33 still listed" in glance
    text = sample_digest.text
    assert re.search(r"\n  China +2 +0 +1 +13\n", text)
    assert re.search(r"\n  Canada +1 +0 +0 +0\n", text)
    assert "  Alibaba: ALIEXPRESS new; TAOBAO still listed\n" in text
    assert "  Tencent: WECHAT (WEIXIN) E-COMMERCE ECOSYSTEM new\n" in text
    assert text.index("AT A GLANCE") < text.index("NEW MARKETS")
    assert "At a glance" in sample_digest.html and "Alibaba: ALIEXPRESS new" in sample_digest.html


def test_a_removed_market_quotes_the_new_reports_positive_developments(
    sample_digest: Rendered,
) -> None:
    removed = section(sample_digest.text, "REMOVED (7)")
    assert "  - SNAPDEAL (online; India): listed 2020; 2020 report p. 15" in removed
    assert "Positive Developments, 2021 report: “Snapdeal: Remaining mirror sites" in removed
    assert "Positive Developments, 2021 report: “Other positive developments include" in removed
    assert removed.count("Positive Developments") == 2  # only the markets the report credits


def test_the_text_part_fits_a_terminal(sample_digest: Rendered) -> None:
    lines = sample_digest.text.splitlines()
    assert max(len(line) for line in lines) <= 78
    assert sample_digest.text.count(REPORT) == 1 and "pdf#page=" not in sample_digest.text
    assert sample_digest.text.count(OLD) == 1  # the older report, for the removed markets' pages


def test_wrap_keeps_long_urls_whole_and_indents_items() -> None:
    url = "https://ustr.gov/sites/default/files/files/Press/Releases/2026/" + "x" * 40 + ".pdf"
    wrapped = wrap_text(f"Report: {url}\n  - " + "word " * 30)
    lines = wrapped.splitlines()
    assert lines[:2] == ["Report:", url]
    assert all(line.startswith("    ") for line in lines[3:]) and lines[2].startswith("  - ")


# -- the HTML part ---------------------------------------------------------------------------


HOSTILE = '<script>alert("x")</script><!channel>'


def hostile_digest() -> Rendered:
    new = Item(
        "m",
        HOSTILE,
        "online",
        None,
        (2021,),
        2021,
        page=3,
        excerpt=f"{HOSTILE} said.",
        operator="<b>Evil</b> & Co",
        based_in="<i>X</i>",
    )
    gone = Item(
        "g",
        "<img src=x onerror=1>",
        "physical",
        "<u>C</u>",
        (2020,),
        2020,
        page=5,
        positive="<a href='http://evil.example'>closed</a>.",
    )
    changes = Changes(2020, 2021, (new,), (), (gone,), (), ())
    d = DigestInput("T", 2021, REPORT, changes, Counts(1, 0), Counts(1, 0), old_report_url=OLD)
    return render(d)


def test_the_html_part_escapes_every_name_and_excerpt() -> None:
    html = hostile_digest().html
    for raw in ("<script", "<!channel>", "<b>Evil", "<img", "<i>X", "<u>C", "<a href='http"):
        assert raw not in html, raw
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;!channel&gt;" in html
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in html


def test_the_html_part_loads_nothing_from_outside(sample_digest: Rendered) -> None:
    for html in (sample_digest.html, hostile_digest().html):
        assert not re.search(r"<link\b|<style\b|<script\b|<img\b|<iframe\b|@import|url\(", html)
        assert not re.search(r"<\w[^>]*\ssrc=", html)  # no tag loads anything
        for href in re.findall(r'href="([^"]*)"', html):
            assert href.split("#page=")[0] in (REPORT, OLD), href
    assert 'href="https://ustr.gov/2021.pdf#page=8"' in sample_digest.html
    assert 'href="https://ustr.gov/2020.pdf#page=15"' in sample_digest.html  # SNAPDEAL, removed


# -- through real SMTP -----------------------------------------------------------------------


@pytest.mark.slow
def test_the_sample_digest_through_smtp(samples: Store) -> None:
    with SmtpServer(Handler()) as server:
        cfg = Config.model_validate(
            {
                "database_url": samples.url,
                "alerts": {
                    "email": {
                        "host": "127.0.0.1",
                        "port": server.port,
                        "sender": "tracker@example.org",
                        "recipients": ["desk@example.org"],
                        "timeout_s": 5,
                    }
                },
            }
        )
        with samples.transaction() as tx:
            report = tx.reports.current(2021)
            assert report is not None
            queue_digest(tx.outbox, cfg, report.id, render(digest_input(tx, 2021)))
        assert deliver(samples.outbox, cfg).sent == 1
        (msg,) = server.handler.messages
    text, html = (part_text(p) for p in msg.get_payload())  # type: ignore[union-attr]
    assert max(len(line) for line in text.splitlines()) <= 78
    assert text.count(REPORT) == 1
    assert "Alibaba: ALIEXPRESS new; TAOBAO still listed" in text
    assert "“Right holders report that the site's takedown process remains slow and" in text
    assert "At a glance" in html and "&ldquo;Right holders report" in html


def part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(part.get_content_charset() or "utf-8")


def test_a_webhook_never_passes_on_slack_mentions(tmp_path: Path) -> None:
    from alerts.channels import url_key
    from alerts.outbox import queue_message
    from tracker.model import AlertKind

    from .test_alerts import json_receiver

    store = Store(f"sqlite:///{tmp_path}/t.db")
    with json_receiver() as (port, received):
        url = f"http://127.0.0.1:{port}/hook"
        cfg = Config.model_validate(
            {"database_url": store.url, "alerts": {"webhooks": [{"url": url}]}}
        )
        with store.transaction() as tx:
            to = [("webhook", url_key(url))]
            queue_message(tx.outbox, AlertKind.DIGEST, "k", to, "New: <!channel>", f"- {HOSTILE}")
        assert deliver(store.outbox, cfg).sent == 1
    (payload,) = received
    assert "<!channel>" not in payload["text"] and "&lt;!channel&gt;" in payload["text"]
    assert payload["body"] == f"- {HOSTILE}"  # the plain body stays as written


# -- in a real browser -------------------------------------------------------------------------


@pytest.mark.slow
def test_the_html_digest_in_headless_chromium(sample_digest: Rendered, tmp_path: Path) -> None:
    """What a reader sees: the summary first, every market with its quote, nothing fetched (the
    page's only resource is itself), and the hostile names shown as text."""
    from . import browser

    if why := browser.missing():
        pytest.fail(why, pytrace=False)
    page, evil = tmp_path / "digest.html", tmp_path / "evil.html"
    page.write_text(sample_digest.html, encoding="utf-8")
    evil.write_text(hostile_digest().html, encoding="utf-8")
    with browser.chromium(800, 900) as driver:
        driver.get(browser.file_url(page))
        body = driver.find_element("tag name", "body").text
        assert body.index("At a glance") < body.index("New markets, listed for the first time")
        assert "Alibaba: ALIEXPRESS new; TAOBAO still listed" in body
        assert "“Right holders report that the site's takedown process remains slow" in body
        resources = driver.execute_script("return performance.getEntriesByType('resource')")
        assert resources == []
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 800  # no sideways scrolling
        driver.get(browser.file_url(evil))
        assert HOSTILE in driver.find_element("tag name", "body").text
        assert driver.execute_script("return document.querySelectorAll('script, img').length") == 0


def test_a_skipped_phrase_does_not_hide_the_next() -> None:
    assert from_text("It is owned by Individuals. Operated by Tencent.") == Owner("Tencent")
    assert from_text("The app is run by Sci-Hub founders.") == Owner()  # 'run by' is too loose


def test_the_site_and_the_digest_see_the_same_words(samples: Store) -> None:
    from tracker.history import changes, every_diff

    with samples.transaction() as tx:
        assert every_diff(tx)[2021] == changes(tx, 2020, 2021)
        snapdeal = next(i for i in changes(tx, 2020, 2021).removed if i.name == "SNAPDEAL")
    assert snapdeal.positive.startswith("Snapdeal: Remaining mirror sites")
