import datetime

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kernel.jobs import requeue_jobs


class Command(BaseCommand):
    help = (
        "Send again the background jobs no worker has: computation runs still queued (the job "
        "queue was unavailable) or running with no worker holding them (the worker died). Safe to "
        "run at any time: a job sent twice runs once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            metavar="SECONDS",
            help="only jobs requested or started at least this long ago (default: JOBS_REQUEUE_AFTER)",
        )

    def handle(self, *args, **options):
        seconds = options["older_than"]
        counts = requeue_jobs(
            older_than=None if seconds is None else datetime.timedelta(seconds=max(0, seconds))
        )
        self.stdout.write(
            _(
                "Jobs found: %(found)d; sent again: %(queued)d; not sent, the job queue is "
                "unavailable: %(unavailable)d; given up: %(given_up)d."
            )
            % counts
        )
