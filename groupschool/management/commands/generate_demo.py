from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groupschool.demo.story import demo_story_generate
from groupschool.demo_data import assessment_workload_generate, demo_data_generate

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
    "evaluators": gettext_lazy("evaluators"),
    "assessment schemes": gettext_lazy("assessment schemes"),
    "indicators": gettext_lazy("indicators"),
    "evaluatees": gettext_lazy("evaluatees"),
    "scores": gettext_lazy("scores"),
    "cell reviews": gettext_lazy("cell reviews"),
    "accounts linked to staff": gettext_lazy("accounts linked to staff records"),
    "leadership posts": gettext_lazy("leadership posts"),
    "campus executive vice-principals": gettext_lazy("campus executive vice-principals"),
    "first responsibilities": gettext_lazy("first responsibilities"),
    "published results": gettext_lazy("published results"),
    "sub-tasks": gettext_lazy("sub-tasks"),
    "progress reports": gettext_lazy("progress reports"),
    "meetings": gettext_lazy("meetings"),
    "decisions": gettext_lazy("decisions"),
    "documents moved on": gettext_lazy("documents submitted or approved"),
    "supervision visits": gettext_lazy("supervision visits"),
    "rectifications": gettext_lazy("rectifications"),
    "budgets": gettext_lazy("budgets"),
    "allocations": gettext_lazy("allocations"),
    "spending": gettext_lazy("spending records"),
    "reallocations": gettext_lazy("reallocation requests"),
    "assets": gettext_lazy("assets"),
    "asset transfers": gettext_lazy("asset transfers"),
    "notice channels": gettext_lazy("notice channels"),
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
        parser.add_argument(
            "--no-story",
            action="store_true",
            help="without the plan's story (assessments, funds, sub-tasks, meetings... of the plan's group; "
            "it needs the demo accounts and staff on the plan's campuses)",
        )
        workload = parser.add_argument_group(
            "assessment workload (make bench)",
            "With --assessment-schools N: also an open assessment scheme of N lightweight schools "
            "(no campuses or staff) with its evaluators and every score, written set-based. "
            "Add --schools 0 --staff-per-campus 0 for the workload alone.",
        )
        workload.add_argument(
            "--assessment-schools", type=_non_negative, default=0, help="schools assessed (0: no workload)"
        )
        workload.add_argument("--peer-categories", type=_non_negative, default=3)
        workload.add_argument("--indicators", type=_non_negative, default=30, help="scored leaf indicators")
        workload.add_argument("--evaluators", type=_non_negative, default=5)

    def handle(self, *args, **options):
        if options["schools"] > 5000 or options["staff_per_campus"] > 500:
            raise CommandError(_("Use at most 5000 schools and 500 staff members per campus."))
        workload = options["assessment_schools"]
        if workload and (
            workload > 50000
            or not 1 <= options["peer_categories"] <= 50
            or not 1 <= options["indicators"] <= 200
            or not 1 <= options["evaluators"] <= 20
        ):
            raise CommandError(
                _(
                    "Use at most 50000 assessment schools, 1 to 50 peer categories, 1 to 200 indicators "
                    "and 1 to 20 evaluators."
                )
            )
        counts = demo_data_generate(
            schools=options["schools"], staff_per_campus=options["staff_per_campus"], seed=options["seed"]
        )
        if options["staff_per_campus"] and not options["no_story"]:
            for kind, n in demo_story_generate(seed=options["seed"]).items():
                counts[kind] = counts.get(kind, 0) + n
        if workload:
            for kind, n in assessment_workload_generate(
                schools=workload,
                peer_categories=options["peer_categories"],
                indicators=options["indicators"],
                evaluators=options["evaluators"],
                seed=options["seed"],
            ).items():
                counts[kind] = counts.get(kind, 0) + n
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
