"""A real Celery worker on Redis against the test database (CI on PostgreSQL only).

`.ci/run` sets RUN_CELERY_WORKER_TESTS=1 with DATABASE_URL on PostgreSQL and CELERY_BROKER_URL on
Redis; elsewhere this module skips.
"""

import datetime
import os
import subprocess
import sys
import time

import pytest
from django.db import connection

from staff.models import Rotation
from tests.staff.factories import RotationFactory

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        os.environ.get("RUN_CELERY_WORKER_TESTS") != "1",
        reason="needs PostgreSQL, Redis and a worker: run by .ci/run where they answer",
    ),
]


@pytest.fixture
def worker(transactional_db):
    settings_dict = connection.settings_dict
    url = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )
    env = dict(
        os.environ,
        DATABASE_URL=url,
        CELERY_TASK_ALWAYS_EAGER="0",
        DB_CONN_MAX_AGE="0",
        SECRET_KEY="celery-worker-test-key",
        DEBUG="0",
    )
    from groupschool.celery import app

    # The rest of the suite runs tasks in-process; here they go through the broker.
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.control.purge()  # messages left by an earlier, interrupted run
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "groupschool",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    app.conf.task_always_eager = eager
    print("worker output:\n", output)


def test_worker_process_runs_the_task_against_the_database(campuses, worker):
    from staff.tasks import rotations_advance_task

    rotation = RotationFactory(
        to_campus=campuses["taojiang"],
        status="approved",
        start_on=datetime.date(2020, 9, 1),
        planned_end_on=datetime.date(2099, 7, 31),
    )
    result = rotations_advance_task.delay()
    assert result.get(timeout=60) == {"started": 1, "completed": 0}
    deadline = time.monotonic() + 10
    while Rotation.objects.get(pk=rotation.pk).status != "active" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert Rotation.objects.get(pk=rotation.pk).status == "active"
