"""The production processes, started on this machine: gunicorn, a Celery worker and celery beat
with the database scheduler, with the commands of docker-compose.yml, against the test database
on PostgreSQL and Redis (no Docker engine runs on CI). Over plain HTTP, as a browser would: the
health check, signing in (with the CSRF token), the dashboard, and a computation of the plan's
assessment scheme that the worker process runs. Then the containers' health checks
(docker/healthcheck.py) against the same processes.

Runs where `.ci/run` sets RUN_CELERY_WORKER_TESTS=1 with PostgreSQL and Redis; skips elsewhere.
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from decimal import Decimal
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import yaml
from django.conf import settings as django_settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent
PASSWORD = "demo-2026"

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        os.environ.get("RUN_CELERY_WORKER_TESTS") != "1",
        reason="needs PostgreSQL, Redis and real processes: run by .ci/run where they answer",
    ),
]


def _own_broker_url(url: str) -> str:
    """A Redis database of the smoke test's own (the suite's number with bit 3 flipped, 15 → 7),
    so that the worker of another worker test running at the same time in another xdist process
    (its own test database) never takes these jobs, nor this worker theirs."""
    parts = urllib.parse.urlsplit(url)
    number = int(parts.path.strip("/") or 0)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{number ^ 8}"))


def _redis_problem(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2).ping()
    except redis.RedisError as exc:
        return f"{exc.__class__.__name__}: {exc}"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def broker() -> str:
    """The smoke test's Redis database, once PostgreSQL and Redis are known to be there."""
    if connection.vendor != "postgresql":
        pytest.skip("needs the test database on PostgreSQL (DATABASE_URL=postgres://...)")
    if not django_settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs CELERY_BROKER_URL on Redis")
    url = _own_broker_url(django_settings.CELERY_BROKER_URL)
    problem = _redis_problem(url)
    if problem:
        pytest.skip(f"Redis does not answer at {url}: {problem}")
    return url


@pytest.fixture(scope="module")
def static_root(broker, tmp_path_factory):
    """Static files collected with the Dockerfile's command (DEBUG off: hashed and compressed)."""
    root = tmp_path_factory.mktemp("static")
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    command = re.search(r"RUN (SECRET_KEY=\S+ DEBUG=0 python manage.py collectstatic --noinput)", dockerfile)
    env_part, _, args = command.group(1).partition(" python ")
    env = dict(os.environ, STATIC_ROOT=str(root), **dict(item.split("=", 1) for item in env_part.split()))
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, *args.split()], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (root / "staticfiles.json").exists()
    return root


class Http:
    """A browser's worth of HTTP: cookies kept, redirects not followed, CSRF token from the cookie."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        if data is not None:
            data = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf(), **data}).encode()
        request = urllib.request.Request(self.base + path, data=data, headers={"Accept-Language": "zh-CN"})
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as exc:  # 3xx (not followed), 4xx, 5xx
            return exc.code, dict(exc.headers), exc.read().decode(errors="replace")

    def csrf(self) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")


def _wait(predicate, timeout: float, what: str, logs):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{logs()}")


@pytest.fixture
def stack(broker, static_root, transactional_db, settings, tmp_path):
    import redis

    redis.Redis.from_url(broker).delete("celery")  # messages left by an interrupted run

    from django.contrib.auth import get_user_model

    from groupschool.demo_accounts import demo_accounts_create
    from groupschool.plan_data import plan_data_load

    plan_data_load()
    demo_accounts_create()
    # The suite's MD5 hashes are unknown to a production process: one hasher it knows (and fast).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.ScryptPasswordHasher"]
    bureau = get_user_model().objects.get(username="bureau")
    bureau.set_password(PASSWORD)
    bureau.save()

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTEST_CURRENT_TEST", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}
    }
    env.update(
        DATABASE_URL=(
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        CELERY_BROKER_URL=broker,
        CELERY_RESULT_BACKEND=broker,
        CELERY_TASK_ALWAYS_EAGER="0",
        SECRET_KEY="smoke-test-" + uuid.uuid4().hex * 2,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on the loopback stands in for the TLS proxy.
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(tmp_path / "media"),
        DB_CONN_MAX_AGE="0",
        WEB_CONCURRENCY="1",
        LOG_LEVEL="WARNING",
    )
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
    port = _free_port()
    node = f"smoke-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    web = [arg.replace("0.0.0.0:8000", f"127.0.0.1:{port}") for arg in services["web"]["command"]]
    worker = [
        "--concurrency=1" if arg.startswith("--concurrency=") else arg
        for arg in services["worker"]["command"]
    ] + ["--hostname", node, "--without-gossip", "--without-mingle"]
    beat = services["beat"]["command"]
    assert web[0] == "gunicorn" and worker[0] == beat[0] == "celery"

    processes, logs = {}, {}
    for name, command in (("web", web), ("worker", worker), ("beat", beat)):
        logs[name] = tmp_path / f"{name}.log"
        processes[name] = subprocess.Popen(
            [sys.executable, "-m", *command],
            cwd=ROOT,
            env=env,
            stdout=logs[name].open("w"),
            stderr=subprocess.STDOUT,
        )

    def read_logs() -> str:
        return "\n".join(
            f"--- {name}:\n{path.read_text(errors='replace')[-3000:]}" for name, path in logs.items()
        )

    try:
        yield {
            "base": f"http://127.0.0.1:{port}",
            "env": env,
            "node": node,
            "processes": processes,
            "logs": read_logs,
        }
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        print(read_logs())


def _healthz(http):
    try:
        status, _, body = http.request("/healthz")
    except OSError:  # gunicorn not listening yet
        return None
    return json.loads(body) if status in (200, 503) else None


def test_gunicorn_worker_and_beat_serve_the_portal(stack):
    from django.contrib.auth import get_user_model
    from django_celery_beat.models import PeriodicTask

    from evaluation.models import ComputationRun, Evaluatee, Indicator, Scheme, Score

    http, logs = Http(stack["base"]), stack["logs"]
    for name, process in stack["processes"].items():
        assert process.poll() is None, f"{name} exited at once\n{logs()}"

    _wait(lambda: (_healthz(http) or {}).get("status") == "ok", 60, "/healthz to report ok", logs)
    assert _healthz(http) == {"status": "ok", "database": "ok", "broker": "ok"}

    # Sign in as a browser does: the form's CSRF cookie, then the post.
    status, _, page = http.request("/accounts/login/")
    assert status == 200 and 'name="csrfmiddlewaretoken"' in page
    status, headers, _ = http.request("/accounts/login/", {"username": "bureau", "password": PASSWORD})
    assert status == 302 and headers["Location"] == "/", logs()
    status, _, page = http.request("/")
    assert status == 200 and "教育局领导（演示）" in page
    assert "/static/" in page  # pages link the collected, hashed static files...
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
    assert http.request(stylesheet)[0] == 200  # ...which WhiteNoise serves

    # A computation of the plan's scheme, requested over HTTP, run by the worker process.
    scheme = Scheme.objects.get()
    status, _, _ = http.request(f"/evaluation/{scheme.pk}/status/", {"to": "open"})
    assert status == 302
    scheme.refresh_from_db()
    assert scheme.status == Scheme.Status.OPEN
    indicator = Indicator.objects.filter(scheme=scheme, children__isnull=True).order_by("pk").first()
    Score.objects.create(
        indicator=indicator,
        evaluatee=Evaluatee.objects.filter(scheme=scheme).first(),
        evaluator=get_user_model().objects.get(username="supervisor"),
        points=min(indicator.max_points, Decimal("3")),
    )
    status, headers, _ = http.request(f"/evaluation/{scheme.pk}/compute/", {})
    assert status == 302, logs()
    run = ComputationRun.objects.get(scheme=scheme)
    assert headers["Location"] == f"/evaluation/runs/{run.pk}/"

    def finished():
        status, _, body = http.request(f"/evaluation/runs/{run.pk}/status/")
        return status == 200 and json.loads(body)["finished"] and json.loads(body)

    result = _wait(finished, 45, "the worker to finish the computation", logs)
    assert result["status"] == "succeeded", result
    run.refresh_from_db()
    assert run.status == ComputationRun.Status.SUCCEEDED and run.evaluatees >= 1

    # beat has started and written its schedule to the database.
    _wait(
        lambda: (
            set(django_settings.CELERY_BEAT_SCHEDULE)
            <= set(PeriodicTask.objects.values_list("name", flat=True))
        ),
        30,
        "beat to write its schedule",
        logs,
    )

    # The containers' health checks (run side by side: each starts Django) report all three healthy.
    arguments = {"web": [f"{stack['base']}/healthz"], "worker": [stack["node"]], "beat": []}
    checks = {
        name: subprocess.Popen(
            [sys.executable, "docker/healthcheck.py", name, *argument],
            cwd=ROOT,
            env=stack["env"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name, argument in arguments.items()
    }
    for name, check in checks.items():
        output, _ = check.communicate(timeout=60)
        assert check.returncode == 0, f"healthcheck.py {name}: {output}\n{logs()}"
    assert all(process.poll() is None for process in stack["processes"].values()), logs()
