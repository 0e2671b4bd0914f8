"""Real SMTP servers on 127.0.0.1 for the tests: aiosmtpd (plain, STARTTLS, AUTH, refusals,
a hook that can kill the client mid-delivery) and a raw socket server that drops the connection
in the middle of DATA."""

from __future__ import annotations

import datetime as dt
import email.policy
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Handler:
    """Collects messages; optionally refuses, or runs a hook at RCPT or DATA."""

    messages: list[Message] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse_rcpt: str | None = None  # e.g. "550 5.1.1 no such user"
    refuse_data: str | None = None  # e.g. "451 4.3.0 try again later"
    on_rcpt: Callable[[], None] | None = None
    on_data: Callable[[], None] | None = None
    quit_reply: str | None = None  # e.g. "421 closing": a server that misbehaves at QUIT

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        return self.quit_reply or "221 Bye"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if self.on_rcpt:
            self.on_rcpt()
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.on_data:
            self.on_data()
        if self.refuse_data:
            return self.refuse_data
        self.messages.append(message_from_bytes(envelope.content, policy=email.policy.default))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


def _authenticator(user: str, password: str) -> Callable[..., AuthResult]:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == user
            and (data.password.decode() == password)
        )
        return AuthResult(success=ok, handled=False)

    return check


class SmtpServer:
    """An aiosmtpd server in a thread: `SmtpServer(handler, tls=..., auth=...)` as a context."""

    def __init__(
        self,
        handler: Handler,
        *,
        tls: ssl.SSLContext | None = None,
        auth: tuple[str, str] | None = None,
        port: int | None = None,
    ) -> None:
        kwargs: dict[str, Any] = {}
        if tls is not None:
            kwargs.update(tls_context=tls, require_starttls=True)
        if auth is not None:
            kwargs.update(
                authenticator=_authenticator(*auth),
                auth_required=True,
                auth_require_tls=tls is not None,
            )
        self.handler = handler
        self.controller = Controller(
            handler, hostname="127.0.0.1", port=port or free_port(), **kwargs
        )

    @property
    def port(self) -> int:
        return int(self.controller.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


class DroppingServer:
    """Speaks just enough SMTP to reach DATA, reads part of the message, then hangs up."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._stop = False

    def __enter__(self) -> DroppingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        self.sock.close()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                f = conn.makefile("rb")
                conn.sendall(b"220 drop.test ESMTP\r\n")
                for line in f:
                    cmd = line.strip().upper()
                    if cmd.startswith((b"EHLO", b"HELO")):
                        conn.sendall(b"250 drop.test\r\n")
                    elif cmd.startswith((b"MAIL", b"RCPT", b"RSET", b"NOOP")):
                        conn.sendall(b"250 OK\r\n")
                    elif cmd == b"DATA":
                        conn.sendall(b"354 go ahead\r\n")
                        f.readline()  # one line of the message, then hang up
                        break
                    else:
                        conn.sendall(b"500 what\r\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def self_signed(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A server TLS context for 127.0.0.1 with a fresh self-signed certificate, and the path of
    that certificate for the client to trust."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context, cert_path
