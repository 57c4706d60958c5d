"""Computation runs: the Celery task, its progress page, and the shell commands."""

import csv
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from evaluation.models import ComputationRun, Indicator, Score
from evaluation.tasks import compute_results_task


@pytest.fixture
def scored(scheme, longshi, supervisor):
    Score.objects.create(
        indicator=Indicator.objects.get(scheme=scheme, code="A2.1"),
        evaluatee=longshi,
        evaluator=supervisor,
        points=Decimal("6"),
    )
    return scheme


def test_compute_button_queues_the_task_on_commit(scored, client_as, django_capture_on_commit_callbacks):
    client = client_as("bureau")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation:scheme_compute", args=[scored.pk]))
    run = ComputationRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "evaluation:run_detail", args=[run.pk]
    )
    assert run.status == ComputationRun.Status.SUCCEEDED and run.progress == 100
    scored.refresh_from_db()
    assert scored.current_run == run and not scored.results_stale
    status = client.get(reverse("evaluation:run_status", args=[run.pk])).json()
    assert status["finished"] and status["progress"] == 100
    page = client.get(reverse("evaluation:run_detail", args=[run.pk])).content.decode()
    assert "evaluation_run.js" in page


def test_vp_cannot_compute_or_watch_runs(scored, client_as):
    client = client_as("vp-hongqi")
    assert client.post(reverse("evaluation:scheme_compute", args=[scored.pk])).status_code == 403
    run = ComputationRun.objects.create(scheme=scored)
    assert client.get(reverse("evaluation:run_status", args=[run.pk])).status_code == 403


def test_task_is_idempotent(scored):
    run = ComputationRun.objects.create(scheme=scored)
    first = compute_results_task(run.pk)
    second = compute_results_task(run.pk)
    assert first == second == {"run": run.pk, "status": "succeeded", "evaluatees": 1}
    assert compute_results_task(10**6)["status"] == "missing"


def test_compute_and_export_commands(scored, tmp_path, capsys):
    call_command("compute_results", str(scored.pk))
    assert "succeeded" in capsys.readouterr().out
    path = tmp_path / "results.csv"
    call_command("export_results", str(scored.pk), str(path))
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0] == [
        "code",
        "name",
        "peer_category",
        "total",
        "rank",
        "percentile",
        "band",
        "A1.1",
        "A1.2",
        "A2.1",
    ]
    assert rows[1][1] == "龙师附小" and rows[1][3] == "6.0000" and rows[1][9] == "6.0000" and rows[1][7] == ""
