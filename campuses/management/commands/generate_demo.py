from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groupschool.demo_data import demo_data_generate

#: How each kind of record is named in the summary.
LABELS = {
    "peer categories": gettext_lazy("peer categories"),
    "education groups": gettext_lazy("education groups"),
    "schools": gettext_lazy("schools"),
    "campuses": gettext_lazy("campuses"),
    "staff members": gettext_lazy("staff members"),
    "distinctions": gettext_lazy("distinctions"),
    "enrollment snapshots": gettext_lazy("enrollment snapshots"),
    "staffing quotas": gettext_lazy("staffing quotas"),
    "rotations": gettext_lazy("rotations"),
    "mentoring pairs": gettext_lazy("mentoring pairs"),
    "studios": gettext_lazy("studios"),
    "studio memberships": gettext_lazy("studio memberships"),
    "research projects": gettext_lazy("research projects"),
    "cross-campus activities": gettext_lazy("cross-campus activities"),
}


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Add synthetic demo data (peer schools, staff, enrollment, rotations...), deterministic from "
        "a seed. Safe to run twice: a second run with the same seed adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schools", type=_non_negative, default=5, help="number of synthetic peer schools"
        )
        parser.add_argument(
            "--staff-per-campus",
            type=_non_negative,
            default=30,
            help="staff members generated for every campus",
        )
        parser.add_argument("--seed", type=_non_negative, default=1, help="seed of the random draws")

    def handle(self, *args, **options):
        if options["schools"] > 5000 or options["staff_per_campus"] > 500:
            raise CommandError(_("Use at most 5000 schools and 500 staff members per campus."))
        counts = demo_data_generate(
            schools=options["schools"], staff_per_campus=options["staff_per_campus"], seed=options["seed"]
        )
        if not counts:
            self.stdout.write(_("Demo data for seed %(seed)d already present: nothing new.") % options)
            return
        created = ", ".join(f"{n} {LABELS.get(kind, kind)}" for kind, n in counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo data for seed %(seed)d created: %(created)s.")
                % {"seed": options["seed"], "created": created}
            )
        )
