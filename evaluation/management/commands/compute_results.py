"""`manage.py compute_results SCHEME_ID`: compute a scheme's results in this process."""

from django.core.management.base import BaseCommand, CommandError

from evaluation.models import Scheme
from evaluation.services import results_compute_now


class Command(BaseCommand):
    help = "Compute a scheme's results (per-indicator points, totals, ranks, bands) now."

    def add_arguments(self, parser):
        parser.add_argument("scheme_id", type=int)

    def handle(self, *args, scheme_id, **options):
        scheme = Scheme.objects.filter(pk=scheme_id).first()
        if scheme is None:
            raise CommandError(f"No scheme with id {scheme_id}.")
        run = results_compute_now(scheme=scheme)
        seconds = (run.finished_at - run.started_at).total_seconds()
        self.stdout.write(f"Run {run.pk}: {run.status}, {run.evaluatees} evaluatees in {seconds:.2f} s.")
