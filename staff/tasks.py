"""Celery tasks of the staff app: thin, idempotent, safe to retry."""

from celery import shared_task
from django.utils import timezone

from .services import rotations_advance


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=300, soft_time_limit=240)
def rotations_advance_task() -> dict[str, int]:
    """Start and complete rotations whose dates have come (scheduled daily by celery beat)."""
    return rotations_advance(today=timezone.localdate())
