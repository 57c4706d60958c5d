"""Celery tasks of the assessment app: thin, idempotent, safe to retry."""

from celery import shared_task

from .compute import run_compute
from .models import ComputationRun, Scheme
from .provisional import provisional_rebuild


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


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=1800, soft_time_limit=1700)
def provisional_rebuild_task(scheme_id: int) -> dict:
    """Build a scheme's provisional results again after a change of its structure discarded
    them, or after a save found none (queued by `evaluation.services`, once that transaction
    commits). Idempotent: rows that exist when it gets the scheme's lock are left as they are
    (an earlier job built them, the saves since kept them current)."""
    if not Scheme.objects.filter(pk=scheme_id).exists():
        return {"scheme": scheme_id, "status": "missing"}
    evaluatees = provisional_rebuild(scheme=scheme_id, only_if_missing=True)
    status = "present" if evaluatees is None else "rebuilt"
    return {"scheme": scheme_id, "status": status, "evaluatees": evaluatees}
