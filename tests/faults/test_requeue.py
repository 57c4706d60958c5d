"""`requeue_jobs` and one-job-at-a-time (kernel/jobs.py): what is sent again, what is not."""

import datetime
import io

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from evaluation.models import ComputationRun, Result
from evaluation.tasks import compute_results_task
from kernel import jobs
from tests.faults.conftest import wait_for

POSTGRESQL = "postgresql" in django_settings.DATABASES["default"]["ENGINE"]
on_postgresql = pytest.mark.skipif(not POSTGRESQL, reason="advisory locks: PostgreSQL only")
on_sqlite = pytest.mark.skipif(POSTGRESQL, reason="the fallback where there are no advisory locks")


def _run(scheme, status, *, minutes_ago: int) -> ComputationRun:
    run = ComputationRun.objects.create(scheme=scheme)
    moment = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    started = moment if status != ComputationRun.Status.QUEUED else None
    ComputationRun.objects.filter(pk=run.pk).update(status=status, created_at=moment, started_at=started)
    return run


def _status(run) -> str:
    return ComputationRun.objects.get(pk=run.pk).status


@pytest.fixture
def other_session():
    """A second PostgreSQL session (another worker, as the database sees it)."""
    raw = connection.get_new_connection(connection.get_connection_params())
    raw.autocommit = True
    yield raw
    raw.close()


def _hold(session, run) -> None:
    with session.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [jobs.lock_key(compute_results_task.name, (run.pk,))])


def _release(session, run) -> None:
    with session.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [jobs.lock_key(compute_results_task.name, (run.pk,))])


def test_requeue_sends_old_queued_runs_only(scored_scheme):
    waiting = _run(scored_scheme, ComputationRun.Status.QUEUED, minutes_ago=10)
    fresh = _run(scored_scheme, ComputationRun.Status.QUEUED, minutes_ago=0)
    done = _run(scored_scheme, ComputationRun.Status.SUCCEEDED, minutes_ago=10)
    failed = _run(scored_scheme, ComputationRun.Status.FAILED, minutes_ago=10)
    out = io.StringIO()
    call_command("requeue_jobs", stdout=out)  # in-process here: "sent" means run
    assert [_status(r) for r in (waiting, fresh, done, failed)] == [
        "succeeded",
        "queued",
        "succeeded",
        "failed",
    ]
    assert Result.objects.filter(run=waiting).count() == 1
    assert "1" in out.getvalue()
    # Sent twice, computed once: the second sweep finds nothing.
    assert jobs.requeue_jobs(older_than=datetime.timedelta(minutes=5))["found"] == 0


@on_postgresql
def test_running_run_is_sent_again_only_when_no_session_holds_it(scored_scheme, other_session):
    run = _run(scored_scheme, ComputationRun.Status.RUNNING, minutes_ago=10)
    _hold(other_session, run)
    assert jobs.job_is_running(compute_results_task.name, (run.pk,)) is True
    assert jobs.requeue_jobs()["found"] == 0
    assert _status(run) == "running"
    other_session.close()  # the worker's session ends: PostgreSQL drops its locks (soon after)
    assert wait_for(lambda: jobs.job_is_running(compute_results_task.name, (run.pk,)) is False, timeout=5)
    assert jobs.requeue_jobs() == {"found": 1, "queued": 1, "unavailable": 0, "given_up": 0}
    assert _status(run) == "succeeded"


@on_postgresql
def test_a_second_copy_of_a_running_job_does_nothing(scored_scheme, other_session):
    run = ComputationRun.objects.create(scheme=scored_scheme)
    _hold(other_session, run)
    assert compute_results_task(run.pk) == {"status": "already running"}
    assert _status(run) == "queued" and not Result.objects.filter(run=run).exists()
    _release(other_session, run)
    assert compute_results_task(run.pk)["status"] == "succeeded"
    # The lock is released after the job: the next copy runs (and finds the run done).
    assert jobs.job_is_running(compute_results_task.name, (run.pk,)) is False
    assert compute_results_task(run.pk)["status"] == "succeeded"


@on_sqlite
def test_without_advisory_locks_a_running_run_waits_for_the_time_limit(scored_scheme):
    recent = _run(scored_scheme, ComputationRun.Status.RUNNING, minutes_ago=10)
    lost = _run(scored_scheme, ComputationRun.Status.RUNNING, minutes_ago=120)
    assert jobs.job_is_running(compute_results_task.name, (recent.pk,)) is None
    assert jobs.requeue_jobs()["found"] == 1
    assert (_status(recent), _status(lost)) == ("running", "succeeded")


def test_a_run_whose_worker_keeps_dying_is_given_up(scored_scheme):
    lost = _run(scored_scheme, ComputationRun.Status.RUNNING, minutes_ago=7 * 60)
    waiting = _run(scored_scheme, ComputationRun.Status.QUEUED, minutes_ago=7 * 60)
    counts = jobs.requeue_jobs()
    assert counts == {"found": 1, "queued": 1, "unavailable": 0, "given_up": 1}
    lost.refresh_from_db()
    assert lost.status == "failed" and "start it again" in lost.error and lost.finished_at
    assert _status(waiting) == "succeeded"  # a queued run is never given up


def test_lock_keys_differ_by_task_and_arguments():
    keys = {
        jobs.lock_key("evaluation.tasks.compute_results_task", (1,)),
        jobs.lock_key("evaluation.tasks.compute_results_task", (2,)),
        jobs.lock_key("staff.tasks.rotations_advance_task", ()),
    }
    assert len(keys) == 3 and all(-(2**63) <= key < 2**63 for key in keys)


def test_beat_sends_the_requeue_sweep_every_minute(settings):
    from kernel.tasks import requeue_jobs_task

    entry = settings.CELERY_BEAT_SCHEDULE["jobs-requeue"]
    assert entry["task"] == requeue_jobs_task.name
    assert entry["schedule"] == settings.JOBS_REQUEUE_EVERY == 60
    # A sweep left in the queue while no worker ran is dropped: the next one does the same work.
    assert entry["options"]["expires"] <= entry["schedule"]
