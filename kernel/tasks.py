"""Celery tasks of the portal itself: thin, idempotent, safe to retry."""

from celery import shared_task

from .jobs import requeue_jobs


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=120, soft_time_limit=100)
def requeue_jobs_task() -> dict[str, int]:
    """Send again the jobs no worker has (scheduled every minute by celery beat; see
    kernel/jobs.py)."""
    return requeue_jobs()
