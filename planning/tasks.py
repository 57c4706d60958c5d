"""Celery tasks of the planning app: thin, idempotent, safe to retry."""

from celery import shared_task

from .services import local_today, reminders_run


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=600, soft_time_limit=540)
def planning_reminders_task() -> dict[str, int]:
    """Mark overdue items and notify the people responsible (scheduled daily by celery beat; the
    schedule is kept in the database by django-celery-beat). Re-running on the same day adds no
    notification twice."""
    return reminders_run(today=local_today())
