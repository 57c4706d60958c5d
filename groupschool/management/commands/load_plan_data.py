from django.core.management.base import BaseCommand

from groupschool.plan_data import PLAN_FILE, plan_data_load


class Command(BaseCommand):
    help = "Load the plan's reference data (group, campuses, units, leading group...). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(PLAN_FILE), help="plan data file (JSON)")

    def handle(self, *args, **options):
        counts = plan_data_load(options["file"])
        created = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n) or "nothing new"
        self.stdout.write(self.style.SUCCESS(f"Plan data loaded: {created}."))
