"""`manage.py provisional_rebuild [SCHEME_ID …]`: build the provisional results of the given
schemes (all open ones without ids) again from their scores (evaluation.provisional)."""

import time

from django.core.management.base import BaseCommand

from evaluation.models import Scheme
from evaluation.provisional import provisional_rebuild


class Command(BaseCommand):
    help = "Build the provisional results of schemes again from their scores."

    def add_arguments(self, parser):
        parser.add_argument("schemes", nargs="*", type=int, help="scheme ids (default: every open scheme)")

    def handle(self, *args, schemes, **options):
        queryset = (
            Scheme.objects.filter(pk__in=schemes)
            if schemes
            else Scheme.objects.filter(status=Scheme.Status.OPEN)
        )
        for scheme in queryset.order_by("pk"):
            start = time.perf_counter()
            evaluatees = provisional_rebuild(scheme=scheme)
            self.stdout.write(
                f"{scheme.pk} {scheme}: {evaluatees} evaluatees in {time.perf_counter() - start:.2f} s"
            )
