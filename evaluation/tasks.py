"""Celery tasks of the assessment app: thin, idempotent, safe to retry."""

from celery import shared_task

from .compute import run_compute
from .models import ComputationRun


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=1800, soft_time_limit=1700)
def compute_results_task(run_id: int) -> dict:
    """Compute one run of a scheme's results (queued by `results_compute_request`).

    Idempotent: a run that already succeeded is left as it is; a redelivered run starts again
    and its results replace nothing until they are complete."""
    run = ComputationRun.objects.filter(pk=run_id).first()
    if run is None:
        return {"run": run_id, "status": "missing"}
    run = run_compute(run)
    return {"run": run.pk, "status": run.status, "evaluatees": run.evaluatees}
