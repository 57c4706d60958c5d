"""Fixtures of the fault drills: a broker that is down, and Celery workers a test may kill."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def celery_app():
    from groupschool.celery import app

    return app


@pytest.fixture
def scored_scheme(plan, supervisor):
    """An open scheme of the plan's school with one scored cell (7 of 10 points)."""
    from campuses.models import School
    from evaluation.models import Evaluatee, Score
    from evaluation.services import evaluatees_sync
    from tests.evaluation.factories import IndicatorFactory, SchemeFactory

    scheme = SchemeFactory()
    indicator = IndicatorFactory(scheme=scheme, code="Q1", max_points=Decimal("10"))
    evaluatees_sync(scheme=scheme)
    evaluatee = Evaluatee.objects.get(scheme=scheme, school=School.objects.get())
    Score.objects.create(indicator=indicator, evaluatee=evaluatee, evaluator=supervisor, points=Decimal("7"))
    return scheme


class ConfPatch:
    """Changes to the Celery app's configuration, undone at the end of the test (pytest's
    monkeypatch cannot read Celery's lazy settings back)."""

    def __init__(self, app):
        self.app = app
        self.saved: dict[str, object] = {}

    def set(self, **values) -> None:
        for key, value in values.items():
            self.saved.setdefault(key, self.app.conf[key])
            self.app.conf[key] = value

    def undo(self) -> None:
        for key, value in self.saved.items():
            self.app.conf[key] = value
        self.saved.clear()


class Broker:
    """The job queue as a test sees it: `down()` sends jobs to a Redis that is not there (a
    closed port); `back()` runs them in-process again, as a worker that takes them at once."""

    def __init__(self, app, patch: pytest.MonkeyPatch):
        self.patch, self.conf = patch, ConfPatch(app)

    def _point_at(self, url: str) -> str:
        # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
        self.patch.setenv("CELERY_BROKER_URL", url)
        self.conf.set(broker_url=url, task_always_eager=False)
        return url

    def down(self) -> str:
        return self._point_at(f"redis://127.0.0.1:{closed_port()}/11")

    def hung(self, listener: socket.socket) -> str:
        """A broker that accepts connections and never answers."""
        return self._point_at(f"redis://127.0.0.1:{listener.getsockname()[1]}/11")

    def back(self) -> None:
        self.patch.undo()
        self.conf.undo()
        self.conf.set(task_always_eager=True)


@pytest.fixture
def broker(celery_app):
    with pytest.MonkeyPatch.context() as patch:
        broker = Broker(celery_app, patch)
        yield broker
        broker.conf.undo()


class Workers:
    """Celery worker processes against the test database and the configured Redis, on a queue
    of their own (other tests' workers may share the Redis database)."""

    def __init__(self, app, queue: str):
        self.app = app
        self.queue = queue
        self.processes: list[subprocess.Popen] = []
        settings_dict = connection.settings_dict
        self.database_url = (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
            f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
        )

    def start(self, *, slow: bool = False, visibility_timeout: int = 3600) -> subprocess.Popen:
        """A worker; `slow`: its computations pause midway (tests/faults/slow_worker.py).
        `visibility_timeout`: after how long it takes back messages of a dead worker."""
        env = dict(
            os.environ,
            DATABASE_URL=self.database_url,
            CELERY_TASK_ALWAYS_EAGER="0",
            CELERY_VISIBILITY_TIMEOUT=str(visibility_timeout),
            DB_CONN_MAX_AGE="0",
            SECRET_KEY="celery-worker-test-key",
            DEBUG="0",
            FAULTS_PAUSE="60",
        )
        module = "tests.faults.slow_worker" if slow else "celery"
        prefix = [] if slow else ["-A", "groupschool"]
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                module,
                *prefix,
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--queues={self.queue}",
                f"--hostname={self.queue}-{len(self.processes)}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.processes.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """kill -9: no clean shutdown, no acknowledgement, its database session cut."""
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for n, process in enumerate(self.processes):
            try:
                output, _ = process.communicate(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                output, _ = process.communicate()
            print(f"worker {n} output:\n{output}")

    def forget_messages(self) -> None:
        """Drop this queue's messages, waiting or unacknowledged (a killed worker's), and its
        bindings."""
        with self.app.connection_for_write() as conn:
            channel = conn.default_channel
            channel.queue_purge(self.queue)
            client = channel.client
            for tag, payload in client.hgetall("unacked").items():
                _message, _exchange, routing_key = json.loads(payload)
                if routing_key == self.queue:
                    client.hdel("unacked", tag)
                    client.zrem("unacked_index", tag)
            # The queue's own bindings (one set of keys per test's queue).
            client.delete(f"_kombu.binding.{self.queue}", f"_kombu.binding_permanent.{self.queue}")


@pytest.fixture
def workers(transactional_db, celery_app):
    """Start workers with `workers.start()`; every one is stopped after the test."""
    queue = f"faults-{uuid.uuid4().hex[:12]}"
    conf = ConfPatch(celery_app)
    conf.set(task_always_eager=False, task_default_queue=queue)
    pool = Workers(celery_app, queue)
    yield pool
    pool.stop_all()
    pool.forget_messages()
    conf.undo()


def wait_for(predicate, timeout: float, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
