"""Channels: SMTP email (standard library), a JSON webhook, and Apprise URLs (optional extra).

Each channel sends one message to one recipient and says how it went: a `Permanent` error
(the server refused for good: never retried), a `Transient` one (retried later), and, through
`on_commit`, the moment past which the server may have accepted the message.

A channel is one class in CHANNELS: its `name` (stored with each outbox row), the digest
recipients the configuration gives it, and `send`. A new channel is one class and one line.
"""

from __future__ import annotations

import email.policy
import hashlib
import logging
import os
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import ClassVar, Protocol

from tracker.config import Config, EmailConfig

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """An alert channel did not accept a message."""


class Transient(DeliveryError):
    """Worth trying again later. `server_down`: the server itself is unreachable, so the other
    messages for it wait too."""

    def __init__(self, message: str, server_down: bool = False) -> None:
        super().__init__(message)
        self.server_down = server_down


class Permanent(DeliveryError):
    """The server refused for good."""


@dataclass(frozen=True)
class Outgoing:
    subject: str
    text: str
    html: str | None
    recipient: str  # an address, or the key of a webhook/apprise URL
    key: str  # the outbox dedupe key, for the Message-ID


class Channel(Protocol):
    name: ClassVar[str]

    def __init__(self, config: Config) -> None: ...

    @staticmethod
    def recipients(config: Config) -> list[str]:
        """Who receives the digest through this channel (empty: not configured)."""
        ...

    def send(self, message: Outgoing, on_commit: Callable[[], None]) -> None: ...


def slack_escape(text: str) -> str:
    """Text made inert for Slack's mrkdwn: `<!channel>` and `<url|text>` are control
    sequences, so `&`, `<` and `>` are escaped (Slack's own rule)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def url_key(url: str) -> str:
    """How a webhook or Apprise URL is named in the database and logs: never the URL itself,
    which often carries a secret token."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]


class SmtpChannel:
    name: ClassVar[str] = "email"

    def __init__(self, config: Config) -> None:
        cfg: EmailConfig = config.alerts.email
        if not cfg.host:
            raise Permanent("alerts.email.host is not set")
        self.cfg = cfg

    @staticmethod
    def recipients(config: Config) -> list[str]:
        email = config.alerts.email
        return email.addresses if email.host else []

    def send(self, message: Outgoing, on_commit: Callable[[], None]) -> None:
        msg = self._build(message)
        try:
            smtp = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            raise Transient(f"{self._where()}: cannot connect: {exc}", server_down=True) from exc
        try:
            smtp.ehlo_or_helo_if_needed()
            self._login(smtp)
            code, reply = smtp.mail(self.cfg.sender)
            _check(code, reply, "MAIL FROM")
            code, reply = smtp.rcpt(message.recipient)
            _check(code, reply, f"RCPT TO {message.recipient}")
            on_commit()  # past this point the server may keep the message
            code, reply = smtp.data(msg.as_bytes(policy=email.policy.SMTP))
            _check(code, reply, "DATA")
        except (Permanent, Transient):
            raise
        except smtplib.SMTPResponseException as exc:
            raise _classify(exc.smtp_code, exc.smtp_error, "SMTP") from exc
        except smtplib.SMTPServerDisconnected as exc:
            # no reply to the message: the server did not accept it (RFC 5321 4.1.1.4)
            raise Transient(f"{self._where()}: the server closed the connection ({exc})") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise Transient(f"{self._where()}: {exc.__class__.__name__}: {exc}") from exc
        finally:
            _quit(smtp)  # once the server said 250, a failing QUIT changes nothing

    def _where(self) -> str:
        return f"SMTP {self.cfg.host}:{self.cfg.port}"

    def _connect(self) -> smtplib.SMTP:
        assert self.cfg.host
        context = ssl.create_default_context(cafile=self.cfg.tls_ca_file)
        if self.cfg.security == "ssl":
            return smtplib.SMTP_SSL(
                self.cfg.host, self.cfg.port, timeout=self.cfg.timeout_s, context=context
            )
        smtp = smtplib.SMTP(self.cfg.host, self.cfg.port, timeout=self.cfg.timeout_s)
        if self.cfg.security == "starttls":
            smtp.starttls(context=context)
        return smtp

    def _login(self, smtp: smtplib.SMTP) -> None:
        if not self.cfg.username:
            return
        password = os.environ.get(self.cfg.password_env)
        if password is None:
            raise Permanent(
                f"alerts.email.password_env names {self.cfg.password_env}, which is not set"
            )
        try:
            smtp.login(self.cfg.username, password)
        except smtplib.SMTPAuthenticationError as exc:
            raise Permanent(f"{self._where()}: login refused ({exc.smtp_code})") from exc

    def _build(self, message: Outgoing) -> EmailMessage:
        msg = EmailMessage()
        msg["Subject"] = message.subject
        msg["From"] = self.cfg.sender
        msg["To"] = message.recipient
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid("nml-tracker", domain=_domain(self.cfg.sender))
        msg["X-NML-Tracker-Key"] = message.key
        msg.set_content(message.text)
        if message.html:
            msg.add_alternative(message.html, subtype="html")
        return msg


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def _domain(sender: str) -> str:
    return sender.rpartition("@")[2].strip(">") or "localhost"


def _check(code: int, reply: bytes, step: str) -> None:
    if not 200 <= code < 300 and code != 354:
        raise _classify(code, reply, step)


def _classify(code: int, reply: bytes | str, step: str) -> DeliveryError:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    error = f"{step}: the server answered {code} {text.strip()}"
    return Permanent(error) if 500 <= code < 600 else Transient(error)


class WebhookChannel:
    """POST {"text": ..., "subject": ..., "body": ...}: Slack-compatible, and easy elsewhere."""

    name: ClassVar[str] = "webhook"

    def __init__(self, config: Config) -> None:
        self.urls = {url_key(w.url): w.url for w in config.alerts.webhooks}
        self.timeout_s = config.http.timeout_s

    @staticmethod
    def recipients(config: Config) -> list[str]:
        return [url_key(w.url) for w in config.alerts.webhooks]

    def send(self, message: Outgoing, on_commit: Callable[[], None]) -> None:
        import requests

        url = self.urls.get(message.recipient)
        if url is None:
            raise Permanent(f"webhook {message.recipient} is no longer configured")
        text = f"*{slack_escape(message.subject)}*\n{slack_escape(message.text)}"[:3500]
        payload = {"text": text, "subject": message.subject, "body": message.text}
        on_commit()
        try:
            resp = requests.post(url, json=payload, timeout=self.timeout_s)
        except requests.ConnectionError as exc:
            raise Transient(f"webhook {message.recipient}: connection failed") from exc
        except requests.Timeout as exc:
            raise Transient(
                f"webhook {message.recipient}: no answer in {self.timeout_s:g} s"
            ) from exc
        except requests.RequestException as exc:  # an invalid URL: the message would show it
            raise Permanent(f"webhook {message.recipient}: {type(exc).__name__}") from None
        if resp.status_code >= 300:
            error = f"webhook {message.recipient}: answered {resp.status_code} {resp.reason}"
            if resp.status_code in (408, 429) or resp.status_code >= 500:
                raise Transient(error)
            raise Permanent(error)


class AppriseChannel:
    name: ClassVar[str] = "apprise"

    def __init__(self, config: Config) -> None:
        self.urls = {url_key(u): u for u in config.alerts.apprise}

    @staticmethod
    def recipients(config: Config) -> list[str]:
        return [url_key(u) for u in config.alerts.apprise]

    def send(self, message: Outgoing, on_commit: Callable[[], None]) -> None:
        try:
            import apprise
        except ImportError as exc:
            raise Permanent(
                "alerts.apprise needs the apprise extra: pip install 'nml-tracker[apprise]'"
            ) from exc
        url = self.urls.get(message.recipient)
        if url is None:
            raise Permanent(f"apprise {message.recipient} is no longer configured")
        notifier = apprise.Apprise()
        if not notifier.add(url):
            raise Permanent(f"apprise {message.recipient}: not a URL Apprise understands")
        on_commit()
        # the text is plain text (names from the PDF included): Apprise escapes it for the
        # services that read Markdown or HTML, so nothing in it becomes a link, a mention or markup
        plain = apprise.NotifyFormat.TEXT
        if not notifier.notify(title=message.subject, body=message.text, body_format=plain):
            raise Transient(f"apprise {message.recipient}: the service did not accept it")


CHANNELS: dict[str, type[Channel]] = {
    c.name: c for c in (SmtpChannel, WebhookChannel, AppriseChannel)
}


def channel(name: str, config: Config) -> Channel:
    if name not in CHANNELS:
        raise Permanent(f"unknown channel {name!r}")
    return CHANNELS[name](config)


def digest_recipients(config: Config) -> list[tuple[str, str]]:
    """(channel, recipient) pairs that receive the digest."""
    return [(name, r) for name, c in CHANNELS.items() for r in c.recipients(config)]
