"""The Celery app. With no CELERY_BROKER_URL, tasks run in-process (settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupschool.settings")

app = Celery("groupschool")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
