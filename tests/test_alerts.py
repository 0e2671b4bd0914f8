"""The digest, the channels and the outbox, with real SMTP servers on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from alerts import operators
from alerts.digest import DigestInput, Rendered, render
from alerts.outbox import DeliveryStats, deliver, queue_digest
from tracker.config import Config
from tracker.diff import Changes, Item
from tracker.model import NOT_THROUGH, AlertKind, CheckStatus, Counts, DeliveryStatus
from tracker.pipeline import digest_input
from tracker.store import Store, utcnow

from .conftest import last_runs, save_sample
from .smtp_server import DroppingServer, Handler, SmtpServer, free_port, self_signed


def config(db_url: str, **email: Any) -> Config:
    return Config.model_validate(
        {
            "database_url": db_url,
            "alerts": {
                "email": {
                    "host": "127.0.0.1",
                    "sender": "tracker@example.org",
                    "recipients": ["a@example.org"],
                    "timeout_s": 5,
                    **email,
                },
                "operators": ["ops@example.org"],
            },
        }
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path}/t.db")
    for year in (2020, 2021):
        save_sample(s, year, source_url=f"https://ustr.gov/{year}.pdf")
    return s


def digest(store: Store, year: int = 2021, templates_dir: Path | None = None) -> Rendered:
    with store.transaction() as tx:
        return render(digest_input(tx, year), templates_dir)


def queue(store: Store, cfg: Config, year: int = 2021) -> int:
    with store.transaction() as tx:
        report = tx.reports.current(year)
        assert report is not None
        return queue_digest(tx.outbox, cfg, report.id, render(digest_input(tx, year)))


def send(store: Store, cfg: Config, **kw: Any) -> DeliveryStats:
    return deliver(store.outbox, cfg, **kw)


def items(store: Store, *statuses: DeliveryStatus, kind: AlertKind | None = None) -> list[Any]:
    return store.outbox.items(statuses or NOT_THROUGH, kind)


PENDING, FAILED, SENT = DeliveryStatus.PENDING, DeliveryStatus.FAILED, DeliveryStatus.SENT


# -- the digest ----------------------------------------------------------------------------


def test_digest_subject_and_sections(store: Store) -> None:
    r = digest(store)
    assert r.subject == "USTR 2021 Notorious Markets List: 11 new, 7 removed, 66 still listed"
    text = r.text
    assert text.index("NEW MARKETS") < text.index("RETURNING") < text.index("REMOVED")
    assert "  - ALIEXPRESS (online; Alibaba, China), p. 8" in text  # the link once, at the top
    assert "  - POPCORNTIME -> POPCORN TIME" in text
    assert "the counts agree" in text
    assert 'href="https://ustr.gov/2021.pdf#page=8"' in r.html
    assert "<script" not in r.html and "http" not in r.html.split("<body")[0].replace(
        "http-equiv", ""
    )  # no external assets in the head


def test_hostile_name_is_escaped() -> None:
    evil = '<script>alert("x")</script> & <img src=x onerror=1>'
    item = Item("m", evil, "online", None, (2021,), 2021, page=3)
    changes = Changes(2020, 2021, (item,), (), (), (), ())
    r = render(
        DigestInput("T", 2021, "https://ustr.gov/r.pdf", changes, Counts(1, 0), Counts(1, 0))
    )
    assert "<script>" not in r.html and "<img" not in r.html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;img" in r.html
    assert evil in r.text  # plain text carries it as is


def test_templates_dir_overrides(tmp_path: Path, store: Store) -> None:
    (tmp_path / "digest.txt.j2").write_text("Custom: {{ subject }}\n", encoding="utf-8")
    r = digest(store, 2021, tmp_path)
    assert r.text == f"Custom: {r.subject}\n"
    assert "<html" in r.html  # the shipped HTML template still serves


# -- SMTP ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_plain_smtp_multipart(store: Store) -> None:
    with SmtpServer(Handler()) as server:
        cfg = config(store.url, port=server.port)
        assert queue(store, cfg) == 1
        stats = send(store, cfg)
        assert (stats.sent, stats.pending) == (1, 0)
        (msg,) = server.handler.messages
    assert msg["Subject"].startswith("USTR 2021 Notorious Markets List")
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.get_payload()] == ["text/plain", "text/html"]
    assert send(store, cfg).sent == 0  # exactly once
    assert len(server.handler.messages) == 1


@pytest.mark.slow
def test_starttls_and_auth(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    context, cert = self_signed(tmp_path)
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "s3cret")
    with SmtpServer(Handler(), tls=context, auth=("tracker", "s3cret")) as server:
        cfg = config(
            store.url,
            port=server.port,
            security="starttls",
            username="tracker",
            password_env="TEST_SMTP_PASSWORD",
            tls_ca_file=str(cert),
        )
        queue(store, cfg)
        assert send(store, cfg).sent == 1
        assert len(server.handler.messages) == 1


@pytest.mark.slow
def test_wrong_password_fails_for_good(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    context, cert = self_signed(tmp_path)
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "wrong")
    with SmtpServer(Handler(), tls=context, auth=("tracker", "s3cret")) as server:
        cfg = config(
            store.url,
            port=server.port,
            security="starttls",
            username="tracker",
            password_env="TEST_SMTP_PASSWORD",
            tls_ca_file=str(cert),
        )
        queue(store, cfg)
        stats = send(store, cfg)
    assert stats.failed == 1 and "login refused (535)" in stats.errors[0]
    (item,) = items(store, FAILED)
    assert item.last_error and "login refused" in item.last_error


@pytest.mark.slow
def test_untrusted_certificate_is_not_accepted(store: Store, tmp_path: Path) -> None:
    context, _ = self_signed(tmp_path)
    with SmtpServer(Handler(), tls=context) as server:
        cfg = config(store.url, port=server.port, security="starttls")
        queue(store, cfg)
        stats = send(store, cfg)
    assert stats.sent == 0 and stats.pending == 1
    assert "CERTIFICATE_VERIFY_FAILED" in stats.errors[0]


@pytest.mark.slow
def test_server_down_then_back(store: Store) -> None:
    port = free_port()
    cfg = config(store.url, port=port)
    queue(store, cfg)
    stats = send(store, cfg)
    assert (stats.sent, stats.pending) == (0, 1)
    (item,) = items(store, PENDING)
    assert item.attempts == 1 and "Connection refused" in (item.last_error or "")
    assert send(store, cfg).sent == 0  # backing off: not due yet
    with SmtpServer(Handler(), port=port) as server:
        stats = send(store, cfg, now=utcnow() + timedelta(minutes=2))
        assert stats.sent == 1 and len(server.handler.messages) == 1


@pytest.mark.slow
def test_permanent_refusal(store: Store) -> None:
    with SmtpServer(Handler(refuse_rcpt="550 5.1.1 no such user")) as server:
        cfg = config(store.url, port=server.port)
        queue(store, cfg)
        stats = send(store, cfg)
    assert stats.failed == 1
    (item,) = items(store, FAILED)
    assert item.last_error == "RCPT TO a@example.org: the server answered 550 5.1.1 no such user"


@pytest.mark.slow
def test_temporary_refusal_is_retried(store: Store) -> None:
    handler = Handler(refuse_data="451 4.3.0 try again later")
    with SmtpServer(handler) as server:
        cfg = config(store.url, port=server.port)
        queue(store, cfg)
        assert send(store, cfg).pending == 1
        handler.refuse_data = None
        assert send(store, cfg, now=utcnow() + timedelta(minutes=2)).sent == 1
        assert len(handler.messages) == 1


@pytest.mark.slow
def test_connection_dropped_mid_data_is_retried(store: Store) -> None:
    with DroppingServer() as server:
        cfg = config(store.url, port=server.port)
        queue(store, cfg)
        stats = send(store, cfg)
    assert (stats.sent, stats.pending) == (0, 1)
    (item,) = items(store, PENDING)
    assert "closed the connection" in (item.last_error or "")


# -- webhook and operators -----------------------------------------------------------------


@contextmanager
def json_receiver() -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """An HTTP server on 127.0.0.1 that keeps the JSON bodies POSTed to it: (port, bodies)."""
    received: list[dict[str, Any]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    # shutdown() waits for the serving loop to poll: a short poll keeps each test short
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    try:
        yield server.server_port, received
    finally:
        server.shutdown()
        server.server_close()


def test_webhook_posts_slack_compatible_json(store: Store) -> None:
    with json_receiver() as (port, received):
        url = f"http://127.0.0.1:{port}/hook/SECRET-TOKEN"
        cfg = Config.model_validate(
            {"database_url": store.url, "alerts": {"webhooks": [{"url": url}]}}
        )
        queue(store, cfg)
        assert send(store, cfg).sent == 1
    (payload,) = received
    assert payload["text"].startswith("*USTR 2021 Notorious Markets List")
    assert all("SECRET-TOKEN" not in i.message.recipient for i in items(store, SENT))


def test_operator_alerts_once_per_problem_per_day(store: Store) -> None:
    cfg = config(store.url, port=free_port())
    now = utcnow()
    assert operators.raise_problem(store.outbox, cfg, "source-blocked", "blocked", "x", now) == 1
    assert operators.raise_problem(store.outbox, cfg, "source-blocked", "blocked", "x", now) == 0
    assert (
        operators.raise_problem(
            store.outbox, cfg, "source-blocked", "blocked", "x", now + timedelta(days=1)
        )
        == 1
    )
    assert [i.message.recipient for i in items(store, kind=AlertKind.OPERATOR)] == [
        "ops@example.org",
        "ops@example.org",
    ]


def test_failing_checks_alert_operators(store: Store) -> None:
    cfg = config(store.url, port=free_port())
    for _ in range(3):
        with store.transaction() as tx:
            run = tx.runs.start()
        with store.transaction() as tx:
            tx.runs.finish(run, CheckStatus.FAILED, "ustr.gov: answered 500")
    facts = operators.CheckFacts(
        blocked=False, error="x", needs_review=[], warnings=[], recent=last_runs(store, 3)
    )
    assert operators.after_check(store.outbox, cfg, facts) == 1
    (item,) = items(store, kind=AlertKind.OPERATOR)
    assert "the last 3 checks failed" in item.message.subject


# -- the CLI ------------------------------------------------------------------------------


def cli_config(tmp_path: Path, **alerts: Any) -> None:
    import yaml

    (tmp_path / "config.yaml").write_text(yaml.safe_dump({"alerts": alerts}), encoding="utf-8")


@pytest.mark.slow
def test_digest_preview_html_and_send(tmp_path: Path) -> None:
    from .clirun import cli
    from .conftest import sample_pdf

    with SmtpServer(Handler()) as server:
        cli_config(
            tmp_path,
            email={"host": "127.0.0.1", "port": server.port, "recipients": ["desk@example.org"]},
        )
        for year in (2020, 2021):
            assert cli("-q", "ingest", sample_pdf(year), cwd=tmp_path).code == 0
        preview = cli("digest", cwd=tmp_path)
        assert preview.code == 0
        assert preview.out.startswith("Subject: USTR 2021 Notorious Markets List: 11 new")
        assert server.handler.messages == []  # a preview sends nothing
        html = cli("digest", "--year", "2021", "--html", tmp_path / "d.html", cwd=tmp_path)
        assert html.code == 0 and html.out == ""
        assert (tmp_path / "d.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        sent = cli("digest", "--send", cwd=tmp_path)
        assert sent.code == 0, sent.err
        assert "digest for 2021: 1 sent, 0 pending, 0 failed" in sent.err
        again = cli("digest", "--send", cwd=tmp_path)  # a resend is a new message on purpose
        assert again.code == 0
        assert len(server.handler.messages) == 2


@pytest.mark.slow
def test_test_alert_reports_each_channel(tmp_path: Path) -> None:
    from .clirun import cli

    with SmtpServer(Handler()) as server:
        cli_config(
            tmp_path,
            email={"host": "127.0.0.1", "port": server.port, "recipients": ["desk@example.org"]},
            operators=["ops@example.org"],
        )
        ok = cli("test-alert", cwd=tmp_path)
        assert ok.code == 0, ok.err
        assert ok.out.strip() == "test alert: 2 sent, 0 failed, 0 pending"
        assert {m["To"] for m in server.handler.messages} == {"desk@example.org", "ops@example.org"}
    down = cli("test-alert", cwd=tmp_path)  # the server is gone now
    assert down.code == 1
    assert "Connection refused" in down.err and len(down.err.strip().splitlines()) == 1
    nothing = tmp_path / "empty"
    nothing.mkdir()
    none = cli("test-alert", cwd=nothing)
    assert none.code == 1 and "no channel is configured" in none.err


def test_apprise_channel_posts_to_a_json_url(store: Store) -> None:
    with json_receiver() as (port, received):
        cfg = Config.model_validate(
            {"database_url": store.url, "alerts": {"apprise": [f"json://127.0.0.1:{port}/notify"]}}
        )
        queue(store, cfg)
        assert send(store, cfg).sent == 1
    (payload,) = received
    assert payload["title"].startswith("USTR 2021 Notorious Markets List")


@pytest.mark.slow
def test_accepted_message_is_sent_even_if_quit_fails(store: Store) -> None:
    with SmtpServer(Handler(quit_reply="421 4.3.2 shutting down")) as server:
        cfg = config(store.url, port=server.port)
        queue(store, cfg)
        assert send(store, cfg).sent == 1
        assert send(store, cfg, now=utcnow() + timedelta(hours=1)).sent == 0
        assert len(server.handler.messages) == 1


def test_many_failures_do_not_overflow_the_backoff(store: Store) -> None:
    from sqlalchemy import update

    from tracker.store.models import OutboxRow

    cfg = config(store.url, port=free_port())
    queue(store, cfg)
    with store.engine.begin() as conn:
        conn.execute(update(OutboxRow).values(attempts=500))
    stats = send(store, cfg)
    (item,) = items(store, PENDING)
    assert stats.pending == 1 and item.attempts == 501
    assert item.next_attempt_at - utcnow() <= timedelta(hours=6, minutes=1)


def test_a_down_server_is_tried_once_per_round(store: Store) -> None:
    cfg = Config.model_validate(
        {
            "database_url": store.url,
            "alerts": {
                "email": {
                    "host": "127.0.0.1",
                    "port": free_port(),
                    "recipients": ["a@example.org", "b@example.org", "c@example.org"],
                }
            },
        }
    )
    assert queue(store, cfg) == 3
    stats = send(store, cfg)
    assert len(stats.errors) == 1 and stats.pending == 3
    assert sorted(i.attempts for i in items(store, PENDING)) == [0, 0, 1]


def test_a_live_claim_is_never_taken_back(store: Store) -> None:
    cfg = config(store.url, port=free_port())
    queue(store, cfg)
    (row_id,) = store.outbox.due()
    assert store.outbox.claim(row_id) is not None
    assert store.outbox.claim(row_id) is None  # one process wins
    store.outbox.recover(utcnow() + timedelta(days=1))  # this process is alive: still its claim
    assert [i.status for i in store.outbox.items()] == ["sending"]
