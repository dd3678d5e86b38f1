"""Fixtures of the notification tests: people with e-mail addresses and languages, a real SMTP
server and HTTP receivers on loopback, and the API client (as in tests/api)."""
from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from api import create_app
from engine.settings import Settings
from outbox_support import SECRET, free_port
from support import PEOPLE

ENGLISH = {"sidorova"}  # everyone else reads Russian, the default


@pytest.fixture
def people(engine):
    """The demo people with addresses (``<username>@example.org``); Sidorova reads English."""
    for username, groups in PEOPLE.items():
        engine.create_user(username, full_name=username.title(), email=f"{username}@example.org",
                           groups=groups, locale="en" if username in ENGLISH else "ru")
    return PEOPLE


@pytest.fixture
def start_invoice(engine, invoice_process, invoice_data):
    """Start an invoice as Ivanova (approvers Petrov, Sidorova); returns the instance."""
    def _start(**overrides):
        return engine.start("invoice_approval", invoice_data(**overrides), "ivanova")
    return _start


# --- SMTP ------------------------------------------------------------------------------------

@dataclass
class Inbox:
    """What the test SMTP server received: envelopes and parsed messages."""

    url: str = ""
    received: list[tuple[str, list[str], email.message.EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        """The messages whose envelope named ``address``."""
        return [message for _, rcpts, message in self.received if address in rcpts]


def _smtp_server(credentials: tuple[str, str] | None = None):
    inbox = Inbox()
    port = free_port()
    options = {}
    if credentials:
        def authenticator(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and (_text(data.login), _text(data.password)) == credentials
            return AuthResult(success=ok, handled=False)
        options = {"authenticator": authenticator, "auth_require_tls": False}
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{port}"
    return inbox, controller


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value


@pytest.fixture
def smtp():
    """A real SMTP server on loopback (aiosmtpd); ``smtp.url`` is its INVOICEFLOW_SMTP_URL."""
    inbox, controller = _smtp_server()
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_with_login():
    """An SMTP server that requires the login ``robot`` / ``p@ss word``."""
    inbox, controller = _smtp_server(("robot", "p@ss word"))
    yield inbox
    controller.stop()


# --- HTTP receivers ------------------------------------------------------------------------

@dataclass
class Receiver:
    """A webhook receiver: answers ``statuses`` in turn, then ``default``; checks signatures."""

    statuses: list[int]
    default: int = 200
    delay: float = 0.0
    url: str = ""
    hits: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, path: str, headers, body: bytes) -> int:
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        with self.lock:
            self.hits.append({"path": path, "headers": dict(headers), "body": body,
                              "signed": hmac.compare_digest(expected, headers.get("X-Invoiceflow-Signature", ""))})
            return self.statuses.pop(0) if self.statuses else self.default


@pytest.fixture
def receiver():
    """receiver(statuses=[500, 500], default=200, delay=0) -> a running ``Receiver``."""
    servers = []

    def _receiver(statuses=(), default=200, delay=0.0) -> Receiver:
        state = Receiver(list(statuses), default, delay)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if state.delay:
                    threading.Event().wait(state.delay)  # widens race windows; never a backoff
                status = state.answer(self.path, self.headers, body)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
        return state

    yield _receiver
    for server in servers:
        server.shutdown()
        server.server_close()


# --- API -----------------------------------------------------------------------------------

@pytest.fixture
def app(engine, tmp_path):
    return create_app(Settings(data_dir=tmp_path / "data"), engine=engine)


@pytest.fixture
def tokens(engine, people) -> dict[str, str]:
    return {username: engine.issue_token(username) for username in people}


@pytest.fixture
def call(app, tokens):
    """call(user, method, path, json=...) -> response, with the user's bearer token."""
    client = app.test_client()

    def _call(user, method, path, **kwargs):
        headers = {"Authorization": f"Bearer {tokens[user]}"} if user else {}
        return client.open(path, method=method, headers=headers, **kwargs)

    return _call
