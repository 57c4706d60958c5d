"""docker/healthcheck.py web: what the container's health check asks /healthz and how it judges
the answer (the worker and beat checks run against real processes in
tests/e2e/test_processes_smoke.py)."""

import importlib.util
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent.parent / "docker" / "healthcheck.py"
spec = importlib.util.spec_from_file_location("deploy_healthcheck", SCRIPT)
healthcheck = importlib.util.module_from_spec(spec)
spec.loader.exec_module(healthcheck)


@pytest.fixture
def healthz():
    """A stand-in for /healthz answering `answer` = (status code, JSON body); records Host headers."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            server.hosts.append(self.headers["Host"])
            code, body = server.answer
            payload = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.hosts, server.answer = [], (200, {"status": "ok", "database": "ok", "broker": "ok"})
    server.url = f"http://127.0.0.1:{server.server_address[1]}/healthz"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("allowed", "host"),
    [
        ("portal.example.edu.cn,other.example", "portal.example.edu.cn"),
        (" .example.org", "example.org"),  # a subdomain pattern: its own domain matches it
        ("*", "127.0.0.1"),
        ("", "127.0.0.1"),
    ],
)
def test_asks_with_a_host_name_django_accepts(healthz, monkeypatch, allowed, host):
    monkeypatch.setenv("ALLOWED_HOSTS", allowed)
    assert healthcheck.check_web(healthz.url) is None
    assert healthz.hosts == [host]


def test_unhealthy_when_a_dependency_is_down(healthz):
    healthz.answer = (503, {"status": "error", "database": "ok", "broker": "error: OperationalError"})
    problem = healthcheck.check_web(healthz.url)
    assert "503" in problem and "OperationalError" in problem


def test_unhealthy_when_nothing_listens(healthz):
    url = healthz.url
    healthz.shutdown()
    healthz.server_close()
    assert "unreachable" in healthcheck.check_web(url)


def test_exit_status_is_what_docker_reads(healthz):
    ok = subprocess.run([sys.executable, str(SCRIPT), "web", healthz.url], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.strip() == "healthy"
    healthz.answer = (200, {"status": "error"})
    bad = subprocess.run([sys.executable, str(SCRIPT), "web", healthz.url], capture_output=True, text=True)
    assert bad.returncode == 1 and bad.stderr.startswith("unhealthy:")
    usage = subprocess.run([sys.executable, str(SCRIPT), "nonsense"], capture_output=True, text=True)
    assert usage.returncode == 2
