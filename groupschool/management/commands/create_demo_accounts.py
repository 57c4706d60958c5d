from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from groupschool.demo_accounts import DEMO_PASSWORD, demo_accounts_create


class Command(BaseCommand):
    help = "Create the demo accounts (admin, bureau, principal, vp-*...). Development only."

    def handle(self, *args, **options):
        try:
            created = demo_accounts_create()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo accounts created: {', '.join(created)} (password: {DEMO_PASSWORD})."
                )
            )
        else:
            self.stdout.write("Demo accounts already present.")
