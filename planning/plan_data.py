"""Load the plan's sections 三 and 四 (fixtures/plan_measures.json) idempotently.

Appended to `groupschool.plan_data.SECTION_LOADERS`, so `manage.py load_plan_data` (and `make run`)
loads it after the campuses, units and people it refers to. Records are found by natural key
(phase and document codes, measure codes, milestone names) and created only when missing: a second
load neither fails nor duplicates, and never overwrites what the bureau changed since (a measure
loaded before the fixture named its phase gets it, if nobody has set one).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.conf import settings

MEASURES_FILE = Path(settings.BASE_DIR) / "fixtures" / "plan_measures.json"


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _fill_plan_fields(measure, row: dict, phases: dict, counts: dict) -> None:
    """A measure loaded before the fixture named its phase (or its order) gets them now; a
    phase or order someone has set is kept (only empty fields are filled)."""
    changed = []
    phase = phases.get(row.get("phase"))
    if measure.phase_id is None and phase is not None:
        measure.phase = phase
        changed.append("phase")
    if measure.order == 0 and row.get("order"):
        measure.order = row["order"]
        changed.append("order")
    if changed:
        measure.save(update_fields=changed)  # through save(): the change keeps its history
        counts["measures completed from the plan"] += 1


def plan_measures_read(path: Path = MEASURES_FILE) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def plan_measures_load(data: dict, counts: dict, *, path: Path = MEASURES_FILE) -> None:
    """Section loader (see groupschool.plan_data): phases, milestones, measures with their
    responsible leaders and units, and the documents 建章立制 requires."""
    from campuses.models import Campus, EducationGroup
    from staff.models import PostType, StaffMember, Unit

    from .models import Document, Measure, MeasureLeader, MeasureUnit, Milestone, Phase

    plan = plan_measures_read(path)
    # The plan is the plan of its group: the first group of the plan's data (龙师附小教育集团).
    group = EducationGroup.objects.get(code=data["groups"][0]["code"])
    phases = {}
    for row in plan["phases"]:
        phase, created = Phase.objects.get_or_create(
            group=group,
            code=row["code"],
            defaults={
                "order": row["order"],
                "name": row["name"],
                "plan_period": row["plan_period"],
                "description": row["description"],
                "start_on": _date(row["start_on"]),
                "end_on": _date(row["end_on"]),
            },
        )
        phases[row["code"]] = phase
        counts["phases"] += created
    for row in plan["milestones"]:
        _, created = Milestone.objects.get_or_create(
            name=row["name"],
            defaults={
                "date": _date(row["date"]),
                "campus": Campus.objects.filter(code=row.get("campus")).first(),
                "phase": phases.get(row.get("phase")),
                "plan_wording": row.get("plan_wording", ""),
            },
        )
        counts["milestones"] += created
    measures = {}
    for row in plan["measures"]:
        measure, created = Measure.objects.get_or_create(
            group=group,
            code=row["code"],
            defaults={
                "order": row["order"],
                "section": row["section"],
                "title": row["title"],
                "text": row["text"],
                "phase": phases.get(row.get("phase")),
            },
        )
        measures[row["code"]] = measure
        counts["measures"] += created
        if not created:
            _fill_plan_fields(measure, row, phases, counts)
            continue
        for order, name in enumerate(row["leaders"], start=1):
            person = StaffMember.objects.filter(name=name, home_campus__isnull=True, staff_number="").first()
            if person is None:
                person = StaffMember.objects.create(name=name, post_type=PostType.MANAGEMENT)
                counts["people"] += 1
            MeasureLeader.objects.create(measure=measure, person=person, order=order)
        for order, name in enumerate(row["units"], start=1):
            MeasureUnit.objects.create(measure=measure, unit=Unit.objects.get(name=name), order=order)
    for row in plan["documents"]:
        phase = phases.get(row.get("phase"))
        _, created = Document.objects.get_or_create(
            code=row["code"],
            defaults={
                "group": group,
                "kind": row["kind"],
                "title": row["title"],
                "phase": phase,
                "measure": measures.get(row.get("measure")),
                "required": row.get("required", False),
                "due_on": _date(row.get("due_on")) or (phase.end_on if phase else None),
            },
        )
        counts["documents"] += created
