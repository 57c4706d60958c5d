"""The assessment's sweeper of lost jobs, registered with the job kernel (kernel/jobs.py) in
evaluation/apps.py: computation runs that no worker has are sent again."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.jobs import enqueue, job_is_running

from .models import ComputationRun
from .tasks import compute_results_task

logger = logging.getLogger(__name__)


def computation_runs_requeue(*, older_than: datetime.timedelta) -> dict[str, int]:
    """Send again the computation runs that no worker has: still QUEUED after `older_than`
    (the broker was down, or its message was lost), or RUNNING for longer than that with
    nobody holding their lock (the worker died). Idempotent: a run sent twice computes once.

    Where advisory locks do not exist (SQLite), a RUNNING run counts as lost only after the
    task's time limit. A lost run requested more than JOBS_GIVE_UP_AFTER ago (its workers keep
    dying: out of memory, say) is marked FAILED instead of being sent round again; a QUEUED run
    waits for the broker however long that takes. Returns how many runs were found, sent,
    not sent because the broker is unavailable, and given up."""
    now = timezone.now()
    candidates = list(
        ComputationRun.objects.filter(
            status=ComputationRun.Status.QUEUED, created_at__lte=now - older_than
        ).values_list("pk", flat=True)
    )
    time_limit = datetime.timedelta(
        seconds=compute_results_task.time_limit or settings.CELERY_TASK_TIME_LIMIT
    )
    give_up = now - datetime.timedelta(seconds=settings.JOBS_GIVE_UP_AFTER)
    given_up = 0
    for pk, created_at, started_at in ComputationRun.objects.filter(
        status=ComputationRun.Status.RUNNING, started_at__lte=now - older_than
    ).values_list("pk", "created_at", "started_at"):
        running = job_is_running(compute_results_task.name, (pk,))
        if not (running is False or (running is None and started_at <= now - time_limit)):
            continue
        if created_at <= give_up:
            given_up += ComputationRun.objects.filter(pk=pk, status=ComputationRun.Status.RUNNING).update(
                status=ComputationRun.Status.FAILED,
                finished_at=now,
                error=_("The computation stopped without finishing on every try: start it again."),
            )
            logger.error("Computation run %s lost its worker again and again: marked failed", pk)
        else:
            candidates.append(pk)
    counts = {"found": len(candidates), "queued": 0, "unavailable": 0, "given_up": given_up}
    for pk in sorted(candidates):
        if enqueue(compute_results_task, pk).unavailable:
            # The broker is down: the next sweep tries again.
            counts["unavailable"] = len(candidates) - counts["queued"]
            break
        counts["queued"] += 1
    return counts
