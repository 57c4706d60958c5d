"""The computation through a real Celery worker on Redis (CI on PostgreSQL only; skipped
elsewhere, like tests/test_celery_worker.py whose worker fixture it reuses)."""

import os
import time
from decimal import Decimal

import pytest

from evaluation.models import ComputationRun, Evaluatee, Indicator, Result, Score
from tests.evaluation.factories import IndicatorFactory, SchemeFactory
from tests.test_celery_worker import worker  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        os.environ.get("RUN_CELERY_WORKER_TESTS") != "1",
        reason="needs PostgreSQL, Redis and a worker: run by .ci/run where they answer",
    ),
]


def test_worker_computes_a_run_and_switches_the_current_results(plan, worker, supervisor):  # noqa: F811
    from campuses.models import School
    from evaluation.services import evaluatees_sync
    from evaluation.tasks import compute_results_task

    scheme = SchemeFactory()
    indicator = IndicatorFactory(scheme=scheme, code="Q1", max_points=Decimal("10"))
    evaluatees_sync(scheme=scheme)
    evaluatee = Evaluatee.objects.get(scheme=scheme, school=School.objects.get())
    Score.objects.create(indicator=indicator, evaluatee=evaluatee, evaluator=supervisor, points=Decimal("7"))
    run = ComputationRun.objects.create(scheme=scheme)
    compute_results_task.delay(run.pk)
    deadline = time.monotonic() + 60
    while ComputationRun.objects.get(pk=run.pk).status != "succeeded" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert ComputationRun.objects.get(pk=run.pk).status == "succeeded"
    scheme.refresh_from_db()
    assert scheme.current_run_id == run.pk
    assert Result.objects.get(run=run, evaluatee=evaluatee).total == 7
    assert Indicator.objects.filter(scheme=scheme).count() == 1
