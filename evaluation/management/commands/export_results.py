"""`manage.py export_results SCHEME_ID FILE.csv`: write a scheme's current results as CSV."""

import csv

from django.core.management.base import BaseCommand, CommandError

from evaluation.exports import results_csv_rows
from evaluation.models import Scheme


class Command(BaseCommand):
    help = (
        "Write the scheme's current results: evaluatee code and name, peer category, total, rank, "
        "percentile, band, then one column per indicator."
    )

    def add_arguments(self, parser):
        parser.add_argument("scheme_id", type=int)
        parser.add_argument("path")

    def handle(self, *args, scheme_id, path, **options):
        scheme = Scheme.objects.filter(pk=scheme_id).first()
        if scheme is None:
            raise CommandError(f"No scheme with id {scheme_id}.")
        if scheme.current_run_id is None:
            raise CommandError("This scheme has no results yet: run compute_results first.")
        count = 0
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            for row in results_csv_rows(scheme.current_run):
                writer.writerow(row)
                count += 1
        self.stdout.write(f"Wrote {count - 1} results to {path}.")
