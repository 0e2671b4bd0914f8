"""The Federal Register step of each check, against a Federal Register-like API on 127.0.0.1:
new notices, corrections, reminders, faults, conditional requests, `status`. Time is the
check's `clock`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tracker.config import Config
from tracker.model import AlertKind, CheckStatus, DeliveryStatus, WarningCode
from tracker.outcome import CheckResult
from tracker.pipeline import run_check
from tracker.status import status
from tracker.store import Store

from .fedreg_site import Doc, FedRegSite
from .test_alerts import json_receiver
from .ustr_site import Site

NOTICE = Doc(
    "2024-18543",
    "2024 Review of Notorious Markets for Counterfeiting and Piracy: Comment Request",
    "2024-08-16",
    abstract="The Office of the United States Trade Representative (USTR) requests written "
    "comments that identify online and physical markets based outside the United States that "
    "should be included in the 2024 Notorious Markets List.",
    dates="Written comments are due by 11:59 p.m. EDT on October 7, 2024. Rebuttal comments "
    "are due by 11:59 p.m. EDT on October 21, 2024.",
    comments_close_on="2024-10-07",
    body="SUPPLEMENTARY INFORMATION: The issue focus for the 2024 Notorious Markets List will "
    "examine the risks that online pharmacies selling counterfeit medicines pose to consumers.",
)
OLD = Doc(
    "2023-18201",
    "2023 Review of Notorious Markets for Counterfeiting and Piracy: Comment Request",
    "2023-08-24",
    dates="Written comments are due by October 6, 2023. Rebuttal comments are due by "
    "October 20, 2023.",
    body="notorious markets",
)
SPECIAL_301 = Doc(  # found by the search (it mentions the list), not a comment request of it
    "2024-20001",
    "2025 Special 301 Review: Identification of Countries Under Section 182",
    "2024-12-10",
    dates="Written comments are due by January 27, 2025.",
    body="The Notorious Markets List is published separately.",
)
EASTERN = ZoneInfo("America/New_York")


def noon(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), EASTERN).replace(hour=12)


@dataclass
class Env:
    fr: FedRegSite
    hooks: list[dict[str, Any]]
    config: Config
    store: Store
    settings: dict[str, Any]
    hooks_port: int

    def configured(self, **changes: Any) -> Config:
        """The test's configuration with top-level keys changed."""
        return Config.model_validate({**self.settings, **changes})

    def check(self, day: str, **kw: Any) -> CheckResult:
        return run_check(self.config, self.store, clock=lambda: noon(day), **kw)

    def sent(self, prefix: str = "") -> list[str]:
        """The subjects the webhook received, in order."""
        return [h["subject"] for h in self.hooks if h["subject"].startswith(prefix)]

    def body(self, subject_prefix: str) -> str:
        (text,) = [h["body"] for h in self.hooks if h["subject"].startswith(subject_prefix)]
        return str(text)


def settings(tmp_path: Path, seed: str, api_url: str, hook_port: int) -> dict[str, Any]:
    return {
        "state_dir": str(tmp_path / "state"),
        "database_url": f"sqlite:///{tmp_path}/tracker.db",
        "sources": [seed],
        "http": {"allowed_hosts": ["127.0.0.1"], "min_delay_s": 0, "retries": 1},
        "federal_register": {"api_url": api_url},
        "alerts": {"webhooks": [{"url": f"http://127.0.0.1:{hook_port}/hook"}]},
    }


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    with FedRegSite() as fr, Site() as ustr, json_receiver() as (port, hooks):
        ustr.add("/nml", "<html><body><p>No report is linked from here.</p></body></html>")
        doc = settings(tmp_path, ustr.url("/nml"), fr.api_url, port)
        doc["http"] |= {"timeout_s": 1, "backoff_s": 0.01}
        config = Config.model_validate(doc)
        with Store(config.database_url) as store:
            yield Env(fr, hooks, config, store, doc, port)


OPENED = "USTR opens the 2024 Notorious Markets review"
REMINDER = "Reminder: "


def test_the_search_asks_for_usts_notices_and_the_fields_it_reads(env: Env) -> None:
    env.check("2024-08-20")
    (search,) = env.fr.searches()
    q = search.query
    assert q["conditions[agencies][]"] == ["trade-representative-office-of-united-states"]
    assert q["conditions[term]"] == ["notorious markets"] and q["conditions[type][]"] == ["NOTICE"]
    assert q["order"] == ["newest"]
    assert set(q["fields[]"]) >= {
        "title",
        "document_number",
        "publication_date",
        "html_url",
        "abstract",
        "comments_close_on",
        "dates",
        "body_html_url",
        "raw_text_url",
    }
    assert search.headers["User-Agent"].startswith("nml-tracker/")


def test_a_new_notice_is_alerted_once_with_its_deadlines(env: Env) -> None:
    env.fr.publish(NOTICE)
    env.fr.publish(OLD)
    env.fr.publish(SPECIAL_301)
    first = env.check("2024-08-20")
    assert first.status is CheckStatus.NO_CHANGE and first.error is None
    assert [w for w in first.warnings if w.code is WarningCode.FEDERAL_REGISTER] == []
    assert env.sent() == [f"{OPENED}: written comments due Monday, October 7, 2024"]
    text = env.body(OPENED)
    assert NOTICE.title in text and "/documents/2024/08/16/2024-18543/" in text
    assert "written comments: Monday, October 7, 2024 (in 48 days)" in text
    assert "rebuttal comments: Monday, October 21, 2024" in text
    assert "Issue focus: The risks that online pharmacies selling counterfeit medicines" in text
    env.check("2024-08-20")
    env.check("2024-08-21")
    assert len(env.sent()) == 1  # the 2023 review is closed: stored, never announced
    with env.store.transaction() as tx:
        assert [d.review_year for d in tx.notices.all()] == [2023, 2024]


def test_one_reminder_per_deadline_at_the_right_day_even_across_restarts(env: Env) -> None:
    env.fr.publish(NOTICE)
    env.check("2024-08-20")
    env.check("2024-09-29")  # eight days before the written comments are due
    assert env.sent(REMINDER) == []
    env.check("2024-09-30")
    assert env.sent(REMINDER) == [
        "Reminder: written comments for USTR's 2024 Notorious Markets review are due in 7 days"
    ]
    with Store(env.config.database_url) as restarted:  # a daemon restart: a new process
        run_check(env.config, restarted, clock=lambda: noon("2024-09-30"))
    env.check("2024-10-02")
    assert len(env.sent(REMINDER)) == 1
    env.check("2024-10-15")
    assert env.sent(REMINDER)[1:] == [
        "Reminder: rebuttal comments for USTR's 2024 Notorious Markets review are due in 6 days"
    ]
    env.check("2024-10-22")  # every deadline passed: the review is closed
    assert len(env.sent()) == 3
    assert status(env.store, date(2024, 10, 22)).to_json()["review_open"] is None


def test_a_notice_corrected_the_next_day_re_alerts_only_what_changed(env: Env) -> None:
    env.fr.publish(NOTICE)
    env.check("2024-08-20")
    env.fr.correct(
        NOTICE.document_number,
        dates="Written comments are due by October 14, 2024. Rebuttal comments are due by "
        "October 21, 2024.",
        comments_close_on="2024-10-14",
    )
    env.check("2024-08-21")
    assert env.sent()[1:] == ["USTR 2024 Notorious Markets review: the notice was corrected"]
    text = env.body("USTR 2024 Notorious Markets review: the notice was corrected")
    changes = [line for line in text.splitlines() if line.startswith("  - ") and "now" in line]
    assert changes == [
        "  - written comments: now due Monday, October 14, 2024 (was Monday, October 7, 2024)"
    ]
    assert "rebuttal comments: now" not in text
    env.check("2024-08-22")
    env.check("2024-09-30")  # seven days before the old date: nothing is due that day any more
    assert env.sent(REMINDER) == []
    env.check("2024-10-07")
    assert env.sent(REMINDER) == [
        "Reminder: written comments for USTR's 2024 Notorious Markets review are due in 7 days"
    ]


def test_a_correction_document_updates_the_review_it_corrects(env: Env) -> None:
    env.fr.publish(NOTICE)
    env.check("2024-08-20")
    env.fr.publish(
        Doc(
            "2024-18950",
            "2024 Review of Notorious Markets for Counterfeiting and Piracy; Correction",
            "2024-08-21",
            dates="Rebuttal comments are due by October 28, 2024.",
            correction_of="2024-18543",
            body="notorious markets",
        )
    )
    env.check("2024-08-21")
    text = env.body("USTR 2024 Notorious Markets review: the notice was corrected")
    assert "  - rebuttal comments: now due Monday, October 28, 2024 (was Monday, October 21" in text
    assert "written comments: now" not in text
    got = status(env.store, date(2024, 8, 21)).to_json()["review_open"]
    assert got == {
        "review_year": 2024,
        "deadlines": [
            {"what": "written comments", "date": "2024-10-07"},
            {"what": "rebuttal comments", "date": "2024-10-28"},
        ],
        "url": f"{env.fr.base_url}/documents/2024/08/16/2024-18543/notice",
    }


def test_an_unchanged_answer_costs_a_304(env: Env) -> None:
    env.fr.publish(NOTICE)
    env.check("2024-08-20")
    env.check("2024-08-21")
    first, second = env.fr.searches()
    assert "If-None-Match" not in first.headers and second.status == 304
    assert second.headers["If-None-Match"].startswith('"')
    assert env.fr.count("/documents/full_text/") == 1  # the text is read once


@pytest.mark.parametrize(
    ("fault", "params", "said"),
    [  # a 500 and a timeout are tried again once (http.retries: 1), a bad body is not
        ("status", {"status": 500, "times": 2}, "documents.json?…: answered 500"),
        ("malformed", {"times": 1}, "answered malformed JSON (Unterminated string"),
        ("html", {"times": 1}, "answered an HTML page where JSON was expected"),
        ("slow", {"delay": 3, "times": 2}, "no answer within 1 s (after 2 attempts)"),
    ],
)
def test_a_failing_federal_register_is_a_warning_and_never_the_checks_failure(
    env: Env, fault: str, params: dict[str, Any], said: str
) -> None:
    env.fr.publish(NOTICE)
    env.fr.fault(fault, **params)
    failed = env.check("2024-08-20")
    assert failed.status is CheckStatus.NO_CHANGE and failed.error is None
    (warning,) = [w for w in failed.warnings if w.code is WarningCode.FEDERAL_REGISTER]
    assert said in warning.message and "not affected" in warning.message
    assert env.sent() == []
    recovered = env.check("2024-08-20")
    assert [w.code for w in recovered.warnings] == [] and env.sent() == [
        f"{OPENED}: written comments due Monday, October 7, 2024"
    ]


def test_operators_hear_when_it_keeps_failing(env: Env) -> None:
    from .smtp_server import free_port

    email = {"host": "127.0.0.1", "port": free_port()}  # nobody listens: the alerts wait
    config = env.configured(alerts={"email": email, "operators": ["ops@example.org"]})
    env.fr.fault("status", status=503)
    for day in ("2024-08-20", "2024-08-21", "2024-08-22", "2024-08-22"):
        assert run_check(config, env.store, clock=lambda d=day: noon(d)).error is None
    everything = env.store.outbox.items(tuple(DeliveryStatus))
    ops = [i for i in everything if i.message.kind is AlertKind.OPERATOR]
    assert [i.message.subject for i in ops] == [
        "[nml-tracker] the Federal Register has failed 3 checks in a row"
    ]
    env.fr.clear_faults()
    env.fr.publish(NOTICE)
    run_check(config, env.store, clock=lambda: noon("2024-08-23"))
    with env.store.transaction() as tx:
        assert tx.notices.health("federal-register").failures == 0


def test_a_result_it_cannot_read_is_skipped_and_said(env: Env) -> None:
    env.fr.publish(NOTICE)
    env.fr.publish(Doc("2024-19999", "", "2024-08-18", body="notorious markets"))
    result = env.check("2024-08-20")
    (warning,) = [w for w in result.warnings if w.code is WarningCode.FEDERAL_REGISTER]
    assert warning.message == "federal register: skipped result 1: no title"
    assert len(env.sent(OPENED)) == 1


def test_not_asked_when_its_host_is_not_allowed(env: Env) -> None:
    elsewhere = env.fr.api_url.replace("127.0.0.1", "localhost")
    run_check(env.configured(federal_register={"api_url": elsewhere}), env.store)
    off = {"api_url": env.fr.api_url, "enabled": False}
    run_check(env.configured(federal_register=off), env.store)
    assert env.fr.requests == []


def test_status_shows_the_open_review_and_its_next_deadline(env: Env, tmp_path: Path) -> None:
    import yaml

    from .clirun import cli

    (tmp_path / "config.yaml").write_text(yaml.safe_dump({"database_url": env.store.url}))
    assert cli("status", "--json", cwd=tmp_path).json()["review_open"] is None
    env.fr.publish(NOTICE)
    env.check("2024-08-20")
    doc = status(env.store, date(2024, 10, 8))
    assert doc.review_open is not None and doc.review_open.review_year == 2024
    due = doc.review_open.next_deadline(date(2024, 10, 8))
    assert due is not None and (due.what, due.date) == ("rebuttal comments", date(2024, 10, 21))


def test_every_channel_carries_the_new_kinds_exactly_once(env: Env) -> None:
    with json_receiver() as (port, apprised):
        config = env.configured(
            alerts={
                "webhooks": [{"url": f"http://127.0.0.1:{env.hooks_port}/hook"}],
                "apprise": [f"json://127.0.0.1:{port}/notify"],
            }
        )
        env.fr.publish(NOTICE)
        for day in ("2024-08-20", "2024-08-20", "2024-09-30", "2024-09-30"):
            run_check(config, env.store, clock=lambda d=day: noon(d))
        with Store(config.database_url) as restarted:
            run_check(config, restarted, clock=lambda: noon("2024-09-30"))
    kinds = [i.message.kind for i in env.store.outbox.items(tuple(DeliveryStatus))]
    assert sorted(kinds) == ["notice", "notice", "reminder", "reminder"]
    assert [h["subject"].split(":")[0] for h in env.hooks] == [OPENED, "Reminder"]
    assert [a["title"].split(":")[0] for a in apprised] == [OPENED, "Reminder"]
    assert "written comments: Monday, October 7, 2024" in apprised[0]["message"]


def test_test_alert_shows_each_new_kind(env: Env, tmp_path: Path) -> None:
    import yaml

    from .clirun import cli

    doc = {k: v for k, v in env.settings.items() if k != "sources"}
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(doc))
    res = cli("test-alert", "--kind", "all", cwd=tmp_path)
    assert res.code == 0, res.err
    assert res.out.strip() == "test alert: 2 sent, 0 failed, 0 pending"
    subjects = [h["subject"] for h in env.hooks]
    assert subjects[0].startswith("[nml-tracker] test: USTR opens the ")
    assert subjects[1].startswith("[nml-tracker] test: Reminder: written comments for USTR's ")
    assert env.hooks[0]["body"].startswith(
        "This is a test: a sample of the notice alert, not news."
    )
    watch = cli("test-alert", "--kind", "watch", cwd=tmp_path)  # nothing stored, nobody watches
    assert watch.code == 1 and "no watch alert to show" in watch.err
    assert env.store.outbox.counts() == {"sent": 2}  # tests are never left pending


@pytest.mark.slow
def test_email_carries_the_notice_and_its_reminder(env: Env) -> None:
    from .smtp_server import Handler, SmtpServer

    with SmtpServer(Handler()) as smtp:
        email = {"host": "127.0.0.1", "port": smtp.port, "recipients": ["desk@example.org"]}
        config = env.configured(alerts={"email": email})
        env.fr.publish(NOTICE)
        for day in ("2024-08-20", "2024-09-30", "2024-09-30"):
            run_check(config, env.store, clock=lambda d=day: noon(d))
        subjects = [m["Subject"] for m in smtp.handler.messages]
    assert subjects == [
        f"{OPENED}: written comments due Monday, October 7, 2024",
        "Reminder: written comments for USTR's 2024 Notorious Markets review are due in 7 days",
    ]


def test_the_store_keeps_notices_and_the_sources_health(db_url: str) -> None:
    from tracker.records import Deadline, ReviewDocument

    doc = ReviewDocument(
        "2024-18543",
        2024,
        NOTICE.title,
        date(2024, 8, 16),
        "https://example.org/n",
        None,
        "online pharmacies",
        (
            Deadline(date(2024, 10, 21), "rebuttal comments"),
            Deadline(date(2024, 10, 7), "written comments"),
        ),
        False,
        "f" * 64,
    )
    with Store(db_url) as store:
        with store.transaction() as tx:
            tx.notices.save(doc)
            assert tx.notices.failed("federal-register", "down").failures == 1
            assert tx.notices.failed("federal-register", "down").failures == 2
        with store.transaction() as tx:
            (got,) = tx.notices.all()
            assert got == replace(doc, deadlines=tuple(sorted(doc.deadlines)))
            tx.notices.save(replace(doc, correction=True, issue_focus=None))
            tx.notices.succeeded("federal-register")
        with store.transaction() as tx:
            assert tx.notices.get("2024-18543") == replace(got, correction=True, issue_focus=None)
            health = tx.notices.health("federal-register")
            assert (health.failures, health.last_error) == (0, None) and health.last_success


def test_deadlines_written_only_in_the_text_are_read_there(env: Env) -> None:
    body = (
        "DATES: October 7, 2024 at 11:59 p.m. EDT: The deadline for interested parties to "
        "submit written comments. October 21, 2024 at 11:59 p.m. EDT: The deadline for "
        "rebuttal comments. ADDRESSES: All submissions must be made through regulations.gov."
    )
    env.fr.publish(replace(NOTICE, dates=None, comments_close_on=None, body=body))
    env.fr.fault("status", status=404, path="/documents/full_text/text/")  # only the HTML body
    env.check("2024-08-20")
    got = status(env.store, date(2024, 8, 20)).to_json()["review_open"]["deadlines"]
    assert got == [
        {"what": "written comments", "date": "2024-10-07"},
        {"what": "rebuttal comments", "date": "2024-10-21"},
    ]
    assert env.fr.count("/documents/full_text/html/") == 1
