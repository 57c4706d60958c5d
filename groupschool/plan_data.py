"""Load the plan's reference data (fixtures/longshi_plan.json) idempotently.

Each record is found by its natural key (code, or name for people) and created only when it is
missing: a second load neither fails nor duplicates, and never overwrites what an administrator
changed since. Apps that add sections to the plan data add a loader to `SECTION_LOADERS`.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction

PLAN_FILE = Path(settings.BASE_DIR) / "fixtures" / "longshi_plan.json"


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _load_campuses(data: dict, counts: dict) -> None:
    from campuses.models import Campus, EducationGroup, PeerCategory, School

    for row in data.get("peer_categories", []):
        _, created = PeerCategory.objects.get_or_create(
            code=row["code"], defaults={k: row[k] for k in ("name", "stage", "description")}
        )
        counts["peer categories"] += created
    for row in data.get("groups", []):
        _, created = EducationGroup.objects.get_or_create(
            code=row["code"],
            defaults={k: row[k] for k in ("name", "governance_mode", "charter_status", "description")},
        )
        counts["groups"] += created
    for row in data.get("schools", []):
        _, created = School.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "stage": row["stage"],
                "group": EducationGroup.objects.get(code=row["group"]) if row.get("group") else None,
                "peer_category": PeerCategory.objects.get(code=row["peer_category"]),
            },
        )
        counts["schools"] += created
    for row in data.get("groups", []):
        if row.get("core_school"):
            EducationGroup.objects.filter(code=row["code"], core_school__isnull=True).update(
                core_school=School.objects.get(code=row["core_school"])
            )
    for row in data.get("campuses", []):
        _, created = Campus.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "school": School.objects.get(code=row["school"]),
                "is_core": row["is_core"],
                "opened_on": _date(row.get("opened_on")),
            },
        )
        counts["campuses"] += created


def _load_staff(data: dict, counts: dict) -> None:
    from campuses.models import EducationGroup, School
    from staff.models import LeadingGroup, LeadingGroupMembership, PostType, StaffMember, Unit

    for row in data.get("units", []):
        _, created = Unit.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "kind": row["kind"],
                "school": School.objects.get(code=row["school"]) if row.get("school") else None,
            },
        )
        counts["units"] += created
    people = {}
    for name in data.get("people", []):
        person = StaffMember.objects.filter(name=name, home_campus__isnull=True, staff_number="").first()
        if person is None:
            person = StaffMember.objects.create(name=name, post_type=PostType.MANAGEMENT)
            counts["people"] += 1
        people[name] = person
    for row in data.get("leading_groups", []):
        leading_group, created = LeadingGroup.objects.get_or_create(
            name=row["name"],
            defaults={
                "group": EducationGroup.objects.get(code=row["group"]),
                "office_location": row["office_location"],
                "office_director": people[row["office_director"]],
                "office_duties": row["office_duties"],
            },
        )
        counts["leading groups"] += created
        for order, (role, name) in enumerate(row["members"], start=1):
            _, created = LeadingGroupMembership.objects.get_or_create(
                leading_group=leading_group,
                person=people[name],
                defaults={"role": role, "order": order},
            )
            counts["leading group roles"] += created


SECTION_LOADERS: list[Callable[[dict, dict], None]] = [_load_campuses, _load_staff]


@transaction.atomic
def plan_data_load(path: Path = PLAN_FILE) -> dict[str, int]:
    """Create what is missing of the plan's data; return how many records of each kind were new."""
    from collections import Counter

    data = json.loads(Path(path).read_text(encoding="utf-8"))
    counts: Counter = Counter()
    for loader in SECTION_LOADERS:
        loader(data, counts)
    return dict(counts)


# --- planning (issue 5): phases, milestones, measures and required documents of sections 三 and 四 ---
def _load_planning(data: dict, counts: dict) -> None:
    from planning.plan_data import plan_measures_load

    plan_measures_load(data, counts)


SECTION_LOADERS.append(_load_planning)


# --- evaluation (issue 4): the plan's default assessment scheme, its six areas and indicators ---
def _load_evaluation(data: dict, counts: dict) -> None:
    from evaluation.plan_data import evaluation_scheme_load

    evaluation_scheme_load(counts)


SECTION_LOADERS.append(_load_evaluation)
