"""Channel text escaped for its medium; only http(s) URLs become links."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from alerts.channels import AppriseChannel, Outgoing, WebhookChannel
from alerts.digest import render
from tracker.config import Config
from tracker.pipeline import digest_input
from tracker.store import Store

from .conftest import sample_report, sample_sha, save, save_sample
from .test_alerts import json_receiver

HOSTILE = "<!channel> <https://evil.example|Click> & <b>bold</b>"


def _store_hostile(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path}/t.db")
    save_sample(store, 2020, source_url="https://ustr.gov/2020.pdf")
    report = sample_report(2021)
    first = dataclasses.replace(report.entries[0], name=HOSTILE)
    report = dataclasses.replace(report, entries=(first, *report.entries[1:]))
    save(store, report, sample_sha(2021), source_url="javascript:alert(document.cookie)")
    return store


def test_html_digest_escapes_names_and_links_only_http(tmp_path: Path) -> None:
    with _store_hostile(tmp_path) as store, store.transaction() as tx:
        rendered = render(digest_input(tx, 2021))
    assert "javascript:" not in rendered.html
    assert "<!channel>" not in rendered.html and "<b>bold</b>" not in rendered.html
    assert "&lt;!channel&gt;" in rendered.html
    assert 'href="https://ustr.gov/2020.pdf' in rendered.html  # the removed markets' report


def test_webhook_text_is_inert_for_slack(tmp_path: Path) -> None:
    with _store_hostile(tmp_path) as store, store.transaction() as tx:
        rendered = render(digest_input(tx, 2021))
    with json_receiver() as (port, received):
        cfg = Config.model_validate(
            {"alerts": {"webhooks": [{"url": f"http://127.0.0.1:{port}/hook"}]}}
        )
        channel = WebhookChannel(cfg)
        (key,) = WebhookChannel.recipients(cfg)
        channel.send(Outgoing(f"{HOSTILE} subject", rendered.text, None, key, "k"), lambda: None)
    (payload,) = received
    text = payload["text"]
    assert "<!channel>" not in text and "<https://evil.example|Click>" not in text
    assert "&lt;!channel&gt; &lt;https://evil.example|Click&gt; &amp; &lt;b&gt;" in text
    assert "<" not in text and ">" not in text


def test_apprise_text_is_inert_where_the_service_reads_markup(tmp_path: Path) -> None:
    """An Apprise service that renders HTML or Markdown (Telegram, Discord, Matrix...) gets the
    digest as plain text escaped for it: a market name is never markup or a link there."""
    with _store_hostile(tmp_path) as store, store.transaction() as tx:
        rendered = render(digest_input(tx, 2021))
    link = "[Click](https://evil.example) *now*"
    bodies = {}
    for fmt in ("html", "markdown"):
        with json_receiver() as (port, received):
            cfg = Config.model_validate(
                {"alerts": {"apprise": [f"json://127.0.0.1:{port}/notify?format={fmt}"]}}
            )
            (key,) = AppriseChannel.recipients(cfg)
            message = Outgoing("subject", f"{link}\n{rendered.text}", None, key, "k")
            AppriseChannel(cfg).send(message, lambda: None)
        (payload,) = received
        bodies[fmt] = payload["message"]
    assert HOSTILE in rendered.text  # the market's name is in the text as printed
    html = bodies["html"].replace("<br/>", "")  # a line break is Apprise's only markup
    assert "<" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "[Click](" not in bodies["markdown"] and "*now*" not in bodies["markdown"]
    assert r"\[Click\]\(https://evil\.example\) \*now\*" in bodies["markdown"]
