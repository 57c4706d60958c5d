"""Redis down or hung (issue 6): pages work, a job request answers at once with "unavailable",
nothing is lost, and `requeue_jobs` runs the job once the queue is back.

These run everywhere (SQLite or PostgreSQL): the broker is a closed loopback port or a socket
that never answers, and "back" means in-process, as a worker taking the job at once.
"""

import io
import socket
import time

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from evaluation.models import ComputationRun, Result
from evaluation.tasks import compute_results_task
from kernel import jobs


def _waiting_messages() -> set[str]:
    with translation.override("zh-hans"):
        chinese = jobs.unavailable_message()
    return {jobs.unavailable_message(), chinese}


def test_compute_with_the_queue_down_answers_at_once_and_runs_when_it_is_back(
    scored_scheme, broker, client_as, django_capture_on_commit_callbacks
):
    client = client_as("bureau")
    broker.down()
    start = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation:scheme_compute", args=[scored_scheme.pk]))
    assert time.monotonic() - start < 3
    run = ComputationRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:run_detail", args=[run.pk])
    # Nothing lost: the request is a QUEUED row, and its page says why it waits.
    assert run.status == ComputationRun.Status.QUEUED and run.error in _waiting_messages()
    page = client.get(reverse("evaluation:run_detail", args=[run.pk]))
    assert page.status_code == 200 and escape(run.error) in page.content.decode()
    status = client.get(reverse("evaluation:run_status", args=[run.pk])).json()
    assert status["status"] == "queued" and not status["finished"]
    # Not sent yet while the queue is still down.
    out = io.StringIO()
    call_command("requeue_jobs", "--older-than", "0", stdout=out)
    assert ComputationRun.objects.get().status == ComputationRun.Status.QUEUED
    assert "1" in out.getvalue()

    broker.back()
    out = io.StringIO()
    call_command("requeue_jobs", "--older-than", "0", stdout=out)
    run.refresh_from_db()
    assert run.status == ComputationRun.Status.SUCCEEDED and run.error == ""
    scored_scheme.refresh_from_db()
    assert scored_scheme.current_run == run
    assert Result.objects.get(run=run).total == 7
    assert ComputationRun.objects.count() == 1
    assert jobs.requeue_jobs(older_than=jobs.datetime.timedelta(0))["found"] == 0


def test_pages_work_with_the_queue_down(scored_scheme, broker, client_as, settings):
    from evaluation.services import results_compute_now

    results_compute_now(scheme=scored_scheme)
    settings.CELERY_BROKER_URL = broker.down()
    client = client_as("bureau")
    for url in (
        reverse("home"),
        reverse("staff:member_list"),
        reverse("evaluation:scheme_list"),
        reverse("evaluation:scheme_detail", args=[scored_scheme.pk]),
        reverse("evaluation:results", args=[scored_scheme.pk]),
    ):
        start = time.monotonic()
        assert client.get(url).status_code == 200, url
        assert time.monotonic() - start < 2, url
    # The health check says what is wrong, quickly, instead of hanging.
    start = time.monotonic()
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json()["broker"].startswith("error")
    assert time.monotonic() - start < 5


def test_a_hung_queue_does_not_hold_the_request(scored_scheme, broker, settings):
    settings.JOBS_PUBLISH_SOCKET_TIMEOUT = 0.3
    run = ComputationRun.objects.create(scheme=scored_scheme)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)  # the kernel accepts; nobody ever answers
        broker.hung(listener)
        start = time.monotonic()
        ticket = jobs.enqueue(compute_results_task, run.pk)
        elapsed = time.monotonic() - start
    assert ticket.unavailable and ticket.message == jobs.unavailable_message()
    assert elapsed < 2


def test_a_job_is_sent_only_when_its_transaction_commits(
    scored_scheme, broker, django_capture_on_commit_callbacks
):
    from evaluation.services import results_compute_request

    broker.down()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = results_compute_request(user=None, scheme=scored_scheme)
    assert run.job.state == jobs.PENDING and len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            results_compute_request(user=None, scheme=scored_scheme)
            raise RuntimeError("the request failed after asking")
    assert callbacks == []  # rolled back: nothing queued
    with django_capture_on_commit_callbacks(execute=True):
        run = results_compute_request(user=None, scheme=scored_scheme)
    assert run.job.state == jobs.UNAVAILABLE
    assert ComputationRun.objects.get(pk=run.pk).error in _waiting_messages()
