"""The Celery app. With no CELERY_BROKER_URL, tasks run in-process (settings).

Every task is a `kernel.jobs.JobTask`: `delay_on_commit()` as Django's task class, and one
run at a time per task and arguments (a PostgreSQL advisory lock), so a redelivered or requeued
copy of a job still running is skipped."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupschool.settings")

app = Celery("groupschool", task_cls="kernel.jobs:JobTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
