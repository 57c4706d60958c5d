"""A robot receiver on the loopback address (real HTTP, http.server in a thread), as WeCom and
DingTalk answer: errcode 0 when accepted; for DingTalk, the signature checked the way DingTalk
checks it (timestamp within an hour, HMAC-SHA256 of "timestamp\\nsecret" with the secret)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from notices.models import Channel
from tests.evaluation.conftest import longshi, scheme  # noqa: F401 - the assessment's fixtures


class Receiver:
    def __init__(self, *, secret: str | None = None, statuses=()):
        self.secret = secret
        self.statuses = list(statuses)  # answered first, in order; then 200 for ever
        self.always: int | None = None  # an HTTP status answered for ever
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                status, answer = receiver.answer(query)
                with receiver.lock:
                    receiver.requests.append(
                        {"path": self.path, "query": query, "body": body, "status": status, "answer": answer}
                    )
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/robot/send?access_token=test-token"

    def signature_ok(self, query) -> bool:
        """DingTalk's check: the timestamp is no more than an hour from now, and the sign is
        base64(HMAC-SHA256(key=secret, msg=timestamp + "\\n" + secret))."""
        try:
            timestamp = int(query["timestamp"][0])
            sign = query["sign"][0]
        except (KeyError, ValueError, IndexError):
            return False
        if abs(time.time() * 1000 - timestamp) > 3600 * 1000:
            return False
        expected = base64.b64encode(
            hmac.new(self.secret.encode(), f"{timestamp}\n{self.secret}".encode(), hashlib.sha256).digest()
        ).decode()
        return hmac.compare_digest(expected, sign)

    def answer(self, query) -> tuple[int, dict]:
        if self.secret is not None and not self.signature_ok(query):
            return 200, {"errcode": 310000, "errmsg": "sign not match"}
        with self.lock:
            status = self.statuses.pop(0) if self.statuses else (self.always or 200)
        if status != 200:
            return status, {"errcode": -1, "errmsg": "system busy"}
        return 200, {"errcode": 0, "errmsg": "ok"}

    @property
    def delivered(self) -> list[dict]:
        return [r for r in self.requests if r["status"] == 200 and r["answer"]["errcode"] == 0]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def notices_settings(settings):
    settings.NOTICES_WEBHOOK_HOSTS = ["127.0.0.1"]
    settings.NOTICES_EMAIL_PEOPLE = False  # e-mail to people has its own tests
    settings.PORTAL_BASE_URL = "https://portal.example.cn"
    return settings


@pytest.fixture
def receiver(notices_settings):
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def make_receiver(notices_settings):
    servers = []

    def make(**kwargs):
        server = Receiver(**kwargs)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


@pytest.fixture
def refused_url(notices_settings):
    """An address on the loopback where nobody listens: the connection is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/cgi-bin/webhook/send?key=nobody"


def wecom_channel(url, *, name="集团企业微信群", **place):
    return Channel.objects.create(name=name, kind=Channel.Kind.WECOM, webhook_url=url, **place)


def dingtalk_channel(url, secret, *, name="集团钉钉群", **place):
    return Channel.objects.create(
        name=name, kind=Channel.Kind.DINGTALK, webhook_url=url, secret=secret, **place
    )
