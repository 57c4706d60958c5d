"""Synthetic demo and benchmark data, deterministic from a seed (`manage.py generate_demo`).

What it adds, on top of the plan's data:
- N synthetic peer schools (codes `demo-<seed>-<n>`) in the plan's peer category and three
  more, each with 1 to 3 campuses (`demo-<seed>-<n>-<k>`); the first few schools form a second,
  federated education group (`demo-<seed>-group`);
- for every campus (the plan's 红旗, 龙翔, 桃江 too) M staff members (staff numbers
  `D<seed>-<campus>-<i>`) with distinctions (about 20 % backbone), enrollment for the latest two
  terms (grades of the school's stage: 1–6 primary, 7–9 junior, 1–9 nine-year; some classes of
  56 pupils or more, a few of 66 or more), staffing quotas, mentoring pairs, and a studio with a
  research project on larger campuses;
- rotations between campuses of the same school or group and cross-campus activities.

Determinism: every random draw comes from `random.Random` seeded with the seed and the name of
what is being drawn (a school number, a campus code), never from the global generator, and every
date is relative to `REFERENCE_DATE`, never to today. The same seed and options give the same
records on any database (one exception: a school name already taken by another school in the
database, e.g. one of another seed's, is drawn again).

Idempotency: records are found by their marker (code, staff number, name, unique key) and only
the missing ones are created; records that hang off a person (distinctions, rotations, mentoring
pairs) or a campus (studios, activities) are created only together with that person or campus's
demo staff. A second run with the same seed adds nothing.

History: rows are written with `bulk_create` for speed; the main models get their creation
history row through `simple_history.utils.bulk_create_with_history` (change reason "demo data").
Many-to-many links (studio project members, activity campuses and participants) have no history.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from groupschool.figures import figures_changed

from .common import BATCH_SIZE, CHANGE_REASON, REFERENCE_DATE, SUBJECT_ZH, bulk_create_with_history
from .draws import DrawsMixin
from .schools import SchoolsMixin


class _Generator(SchoolsMixin, DrawsMixin):
    def __init__(self, *, schools: int, staff_per_campus: int, seed: int):
        self.n_schools = schools
        self.per_campus = staff_per_campus
        self.seed = seed
        self.counts: Counter = Counter()
        self.prefix = f"demo-{seed}-"
        self.staff_prefix = f"D{seed}-"

    def rng(self, *parts) -> random.Random:
        """A generator of its own for each thing drawn, so that draws do not depend on order."""
        return random.Random(":".join(str(p) for p in (self.seed, *parts)))

    # --- schools, campuses, the synthetic group -------------------------------------------------

    def create_people(self) -> None:
        from campuses.models import Campus, EnrollmentSnapshot
        from staff.models import (
            CrossCampusActivity,
            Distinction,
            Mentorship,
            ResearchProject,
            Rotation,
            StaffingQuota,
            StaffMember,
            Studio,
            StudioMembership,
        )

        # Every campus but other seeds' demo campuses.
        campuses = list(
            Campus.objects.filter(~Q(code__startswith="demo-") | Q(code__startswith=self.prefix))
            .select_related("school")
            .order_by("code")
        )
        if not campuses or not self.per_campus:
            return
        by_code = {c.code: c for c in campuses}
        plans = {c.code: self.campus_plan(c, c.school.stage) for c in campuses}

        pools: dict[str, list] = defaultdict(list)
        for c in campuses:
            key = f"group-{c.school.group_id}" if c.school.group_id else f"school-{c.school.code}"
            pools[key].append(c)
        pool_names = {}
        for key, pool in pools.items():
            pool_names[key] = pool[0].code  # a stable name for the pool's random draws
        rotation_rows = [r for key in sorted(pools) for r in self.rotations(pools[key], plans)]
        activity_rows = [
            a for key in sorted(pools) for a in self.activities(pool_names[key], pools[key], plans)
        ]

        # Staff: create the missing ones, then map staff numbers to primary keys.
        existing = set(
            StaffMember.objects.filter(staff_number__startswith=self.staff_prefix).values_list(
                "staff_number", flat=True
            )
        )
        new_specs = [s for p in plans.values() for s in p.staff if s.number not in existing]
        new_numbers = {s.number for s in new_specs}
        self._bulk(
            StaffMember,
            [
                StaffMember(
                    name=s.name,
                    gender=s.gender,
                    staff_number=s.number,
                    subject=s.subject,
                    professional_title=s.title,
                    post_type=s.post_type,
                    position=s.position,
                    home_campus=by_code[s.campus_code],
                    on_campus_since=s.since,
                    is_active=s.is_active,
                )
                for s in new_specs
            ],
            "staff members",
        )
        pk_of = dict(
            StaffMember.objects.filter(staff_number__startswith=self.staff_prefix).values_list(
                "staff_number", "pk"
            )
        )
        new_campus_codes = {p.code for p in plans.values() if p.staff and p.staff[0].number in new_numbers}

        self._bulk(
            Distinction,
            [
                Distinction(staff_id=pk_of[s.number], kind=kind, level=level, awarded_on=on)
                for s in new_specs
                for kind, level, on in s.distinctions
            ],
            "distinctions",
        )

        # Enrollment and quotas: one row per unique key, skipped when present.
        have_enrollment = set(
            EnrollmentSnapshot.objects.filter(campus__in=campuses).values_list(
                "campus_id", "school_year", "semester", "grade"
            )
        )
        self._bulk(
            EnrollmentSnapshot,
            [
                EnrollmentSnapshot(
                    campus=by_code[p.code],
                    school_year=sy,
                    semester=sem,
                    grade=grade,
                    classes=len(sizes),
                    pupils=sum(sizes),
                    class_sizes=sizes,
                )
                for p in plans.values()
                for sy, sem, grade, sizes in p.enrollment
                if (by_code[p.code].pk, sy, sem, grade) not in have_enrollment
            ],
            "enrollment snapshots",
        )
        have_quota = set(StaffingQuota.objects.filter(campus__in=campuses).values_list("campus_id", "year"))
        self._bulk(
            StaffingQuota,
            [
                StaffingQuota(
                    campus=by_code[p.code],
                    year=year,
                    establishment_authorised=auth,
                    establishment_filled=filled,
                    posts_authorised=posts,
                    posts_filled=posts_filled,
                )
                for p in plans.values()
                for year, auth, filled, posts, posts_filled in p.quotas
                if (by_code[p.code].pk, year) not in have_quota
            ],
            "staffing quotas",
        )

        # Rotations and mentoring pairs hang off a person created in this run.
        approver = get_user_model().objects.filter(username="personnel").first()
        decided_statuses = ("approved", "active", "completed", "rejected")
        self._bulk(
            Rotation,
            [
                Rotation(
                    staff_id=pk_of[number],
                    from_campus=by_code[src],
                    to_campus=by_code[dst],
                    category=category,
                    start_on=start,
                    planned_end_on=end,
                    ended_on=end if status == "completed" else None,
                    status=status,
                    reason=reason,
                    decided_by=approver if status in decided_statuses else None,
                    decided_at=(
                        datetime.datetime.combine(
                            min(
                                start - datetime.timedelta(days=60),
                                REFERENCE_DATE - datetime.timedelta(days=14),
                            ),
                            datetime.time(10),
                            tzinfo=datetime.UTC,
                        )
                        if status in decided_statuses
                        else None
                    ),
                    decision_note="不符合本年度交流计划" if status == "rejected" else "",
                )
                for number, src, dst, category, start, end, status, reason in rotation_rows
                if number in new_numbers
            ],
            "rotations",
        )
        self._bulk(
            Mentorship,
            [
                Mentorship(
                    mentor_id=pk_of[mentor],
                    mentee_id=pk_of[mentee],
                    campus=by_code[p.code],
                    start_on=start,
                    end_on=end,
                    status=status,
                    goals=goals,
                    outcome="完成结对目标" if status == "completed" else "",
                )
                for p in plans.values()
                for mentor, mentee, start, end, status, goals in p.mentorships
                if mentee in new_numbers
            ],
            "mentoring pairs",
        )

        # Studios and their research projects (larger campuses).
        studio_rows = []
        for p in plans.values():
            if p.studio is None or p.code not in new_campus_codes:
                continue
            campus = by_code[p.code]
            leader = next(s for s in p.staff if s.number == p.studio["leader"])
            name = f"{campus.school.name}{campus.name}{leader.name}{SUBJECT_ZH[leader.subject]}名师工作室"
            studio_rows.append((p, campus, leader, name[:100]))
        have_studios = set(
            Studio.objects.filter(name__in=[r[3] for r in studio_rows]).values_list("name", flat=True)
        )
        studio_rows = [r for r in studio_rows if r[3] not in have_studios]
        studios = self._bulk(
            Studio,
            [
                Studio(
                    name=name,
                    leader_id=pk_of[leader.number],
                    campus=campus,
                    subject=leader.subject,
                    level=p.studio["level"],
                    founded_on=p.studio["founded_on"],
                    description=f"以{leader.name}为领衔人，带动{campus.name}{SUBJECT_ZH[leader.subject]}学科青年教师成长。",
                )
                for p, campus, leader, name in studio_rows
            ],
            "studios",
        )
        self._bulk(
            StudioMembership,
            [
                StudioMembership(studio=studio, member_id=pk_of[number], joined_on=p.studio["founded_on"])
                for studio, (p, _c, _l, _n) in zip(studios, studio_rows, strict=True)
                for number in p.studio["members"]
            ],
            "studio memberships",
        )
        projects = self._bulk(
            ResearchProject,
            [
                ResearchProject(
                    title=f"{SUBJECT_ZH[leader.subject]}{p.studio['topic']}的实践研究",
                    code=f"KT{p.studio['founded_on'].year + 1}-{p.tag}",
                    studio=studio,
                    leader_id=pk_of[leader.number],
                    campus=campus,
                    level=p.studio["level"],
                    start_on=datetime.date(p.studio["founded_on"].year + 1, 3, 1),
                    end_on=datetime.date(p.studio["founded_on"].year + 3, 7, 1),
                    status=p.studio["project_status"],
                )
                for studio, (p, campus, leader, _n) in zip(studios, studio_rows, strict=True)
            ],
            "research projects",
        )
        ProjectMember = ResearchProject.members.through
        ProjectMember.objects.bulk_create(
            [
                ProjectMember(researchproject_id=project.pk, staffmember_id=pk_of[number])
                for project, (p, _c, _l, _n) in zip(projects, studio_rows, strict=True)
                for number in p.studio["members"][:3]
            ],
            batch_size=BATCH_SIZE,
        )

        # Cross-campus activities: created with their host campus's demo staff.
        activity_rows = [a for a in activity_rows if a["host"] in new_campus_codes]
        activities = self._bulk(
            CrossCampusActivity,
            [
                CrossCampusActivity(
                    title=a["title"],
                    kind=a["kind"],
                    held_on=a["held_on"],
                    host_campus=by_code[a["host"]],
                    hours=a["hours"],
                    summary=f"{len(a['participants'])}名教师参加，{len(a['campuses'])}个校区联动。",
                )
                for a in activity_rows
            ],
            "cross-campus activities",
        )
        ActivityCampus = CrossCampusActivity.campuses.through
        ActivityCampus.objects.bulk_create(
            [
                ActivityCampus(crosscampusactivity_id=activity.pk, campus_id=by_code[code].pk)
                for activity, a in zip(activities, activity_rows, strict=True)
                for code in a["campuses"]
            ],
            batch_size=BATCH_SIZE,
        )
        Participant = CrossCampusActivity.participants.through
        Participant.objects.bulk_create(
            [
                Participant(crosscampusactivity_id=activity.pk, staffmember_id=pk_of[number])
                for activity, a in zip(activities, activity_rows, strict=True)
                for number in a["participants"]
            ],
            batch_size=BATCH_SIZE,
        )

        # The executive vice-principal of each new demo campus is its staff member no. 1.
        led = []
        for code in sorted(new_campus_codes):
            campus = by_code[code]
            if code.startswith(self.prefix) and campus.executive_vice_principal_id is None:
                campus.executive_vice_principal_id = pk_of[plans[code].staff[0].number]
                led.append(campus)
        Campus.objects.bulk_update(led, ["executive_vice_principal"], batch_size=BATCH_SIZE)

    def _bulk(self, model, objs: list, label: str) -> list:
        if not objs:
            return []
        created = bulk_create_with_history(
            objs, model, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON
        )
        self.counts[label] += len(objs)
        return created


@transaction.atomic
def demo_data_generate(*, schools: int = 5, staff_per_campus: int = 30, seed: int = 1) -> dict[str, int]:
    """Add the demo data for `seed` that is missing; return how many records of each kind were new.

    Deterministic from the seed and the options; a second run with the same seed adds nothing.
    Run it after `load_plan_data` so that the plan's campuses get staff and enrollment too.
    """
    if schools < 0 or staff_per_campus < 0 or seed < 0:
        raise ValueError("schools, staff_per_campus and seed must be zero or more")
    generator = _Generator(schools=schools, staff_per_campus=staff_per_campus, seed=seed)
    generator.create_schools()
    generator.create_people()
    # Rows written in bulk send no signal: the dashboard's cached figures are told here.
    figures_changed()
    return {label: n for label, n in generator.counts.items() if n}
