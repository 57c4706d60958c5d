"""A worker killed mid-computation (kill -9) loses nothing (issue 6).

Needs PostgreSQL, Redis and real worker processes: runs with RUN_CELERY_WORKER_TESTS=1 (as
`.ci/run` sets where they answer), skips elsewhere. A first worker pauses midway through the run
(tests/faults/slow_worker.py); the test kills it with SIGKILL, then a second worker finishes the
run, either because Redis hands it the unacknowledged message again (visibility timeout), or
because `requeue_jobs` sees that no session holds the run's lock and sends it again. Either way
the results equal a clean computation, once.
"""

import datetime
import os

import pytest
from django.db import connection

from evaluation.models import ComputationRun, Evaluatee, Indicator, Result, Scheme
from evaluation.selectors import run_cells
from evaluation.services import results_compute_now, results_compute_request
from evaluation.tasks import compute_results_task
from kernel import jobs
from tests.faults.conftest import wait_for

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        os.environ.get("RUN_CELERY_WORKER_TESTS") != "1",
        reason="needs PostgreSQL, Redis and worker processes: run by .ci/run where they answer",
    ),
]


@pytest.fixture
def workload(transactional_db):
    """40 schools × 8 indicators × 3 evaluators, ties and missing cells included."""
    from groupschool.demo_data import assessment_workload_generate

    assessment_workload_generate(schools=40, indicators=8, evaluators=3, seed=7)
    return Scheme.objects.get(name__contains="40校")


def _results(run) -> list[tuple]:
    return list(
        Result.objects.filter(run=run)
        .order_by("evaluatee_id")
        .values_list("evaluatee_id", "total", "rank", "position", "peer_size", "percentile", "band")
    )


def _cells(run) -> list[tuple]:
    return [cell[:4] for cell in run_cells(run)]


def _lock_held(run) -> bool:
    return bool(jobs.job_is_running(compute_results_task.name, (run.pk,)))


@pytest.mark.parametrize("recovery", ["redelivery", "requeue"])
def test_run_of_a_killed_worker_completes_once_with_the_same_results(workload, workers, recovery):
    assert connection.vendor == "postgresql"
    scheme = workload
    first = workers.start(slow=True)
    run = results_compute_request(user=None, scheme=scheme)
    assert run.job.state == jobs.QUEUED

    # Mid-computation: the run started, the worker paused with the run's lock held.
    assert wait_for(lambda: 5 < ComputationRun.objects.get(pk=run.pk).progress < 95, timeout=60)
    assert _lock_held(run)
    workers.kill(first)
    assert wait_for(lambda: not _lock_held(run), timeout=10), "PostgreSQL kept the dead worker's lock"
    assert ComputationRun.objects.get(pk=run.pk).status == ComputationRun.Status.RUNNING

    if recovery == "redelivery":
        # A worker that takes back messages unacknowledged for more than 1 s.
        workers.start(visibility_timeout=1)
    else:
        # Redelivery would take an hour (the default visibility timeout): the sweep is sooner.
        workers.start()
        counts = jobs.requeue_jobs(older_than=datetime.timedelta(0))
        assert counts == {"found": 1, "queued": 1, "unavailable": 0, "given_up": 0}
    assert wait_for(
        lambda: ComputationRun.objects.get(pk=run.pk).status == ComputationRun.Status.SUCCEEDED, timeout=60
    ), ComputationRun.objects.get(pk=run.pk).error

    run.refresh_from_db()
    scheme.refresh_from_db()
    evaluatees = Evaluatee.objects.filter(scheme=scheme).count()
    leaves = Indicator.objects.filter(scheme=scheme, children__isnull=True).count()
    assert scheme.current_run_id == run.pk and run.evaluatees == evaluatees == 40
    # Exactly one set of results: one row per evaluatee, one cell per evaluatee and leaf.
    assert Result.objects.filter(run=run).count() == evaluatees
    assert len(run_cells(run)) == evaluatees * leaves
    clean = results_compute_now(scheme=scheme)
    assert _results(run) == _results(clean) and _cells(run) == _cells(clean)
    assert ComputationRun.objects.filter(scheme=scheme).count() == 2
    assert jobs.requeue_jobs(older_than=datetime.timedelta(0))["found"] == 0
