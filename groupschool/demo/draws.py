"""What is drawn for one campus and between campuses: staff, enrollment, quotas, mentoring,
studios, rotations and activities, kept in memory until written (see groupschool.demo.people)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from .common import (
    ACTIVITY_TITLES,
    BACKBONE_KIND_WEIGHTS,
    EXECUTIVE_VICE_PRINCIPAL,
    GRADES,
    LEVEL_WEIGHTS,
    MANAGEMENT_POSITIONS,
    MENTORSHIP_GOALS,
    PROJECT_TOPICS,
    QUOTA_YEARS,
    REFERENCE_DATE,
    ROTATION_REASONS,
    ROTATION_STATUS_WEIGHTS,
    SERVICE_POSITIONS,
    SUBJECT_WEIGHTS,
    SUBJECT_ZH,
    SUPPORT_POSITIONS,
    TERMS,
    TITLE_BY_YEARS,
    Y,
    date_between,
    person_name,
    weighted,
)


@dataclass
class _StaffSpec:
    number: str
    campus_code: str
    name: str
    gender: str
    subject: str
    title: str
    post_type: str
    position: str
    since: datetime.date
    is_active: bool
    distinctions: list[tuple[str, str, datetime.date]] = field(default_factory=list)

    @property
    def backbone_kind(self) -> str | None:
        kinds = {kind for kind, _level, _on in self.distinctions}
        for kind in ("famous_teacher", "subject_leader", "backbone"):
            if kind in kinds:
                return kind
        return None


@dataclass
class _CampusPlan:
    """Everything generated for one campus (kept in memory until written)."""

    code: str
    tag: str
    stage: str
    staff: list[_StaffSpec] = field(default_factory=list)
    enrollment: list[tuple[int, int, int, list[int]]] = field(default_factory=list)
    quotas: list[tuple[int, int, int, int, int]] = field(default_factory=list)
    mentorships: list[tuple[str, str, datetime.date, datetime.date, str, str]] = field(default_factory=list)
    studio: dict | None = None


class DrawsMixin:
    def campus_plan(self, campus, stage: str) -> _CampusPlan:
        """Draw everything of one campus: its staff, enrollment, quotas, mentoring, studio."""
        if campus.code.startswith(self.prefix):
            tag = campus.code[len(self.prefix) :]
        else:
            tag = campus.code
        plan = _CampusPlan(code=campus.code, tag=tag, stage=stage)
        rng = self.rng("campus", campus.code)
        opened = campus.opened_on or datetime.date(1980, 9, 1)
        n_management = max(1, self.per_campus // 10)
        n_support = self.per_campus // 20
        n_service = self.per_campus // 25
        for i in range(1, self.per_campus + 1):
            gender = "F" if rng.random() < 0.72 else "M"
            name = person_name(rng, gender)
            years = rng.choices(range(0, 36), weights=[3] * 6 + [4] * 14 + [3] * 10 + [1] * 6)[0]
            service_start = datetime.date(REFERENCE_DATE.year - years, 9, 1)
            since = max(opened, service_start + datetime.timedelta(days=rng.randrange(0, 219 * years + 1)))
            title = weighted(rng, next(w for y, w in reversed(TITLE_BY_YEARS) if years >= y))
            subject = weighted(rng, SUBJECT_WEIGHTS[stage])
            if i <= n_management:
                post_type = "management"
                if i == 1:  # every campus's staff member no. 1 leads it (the story links the plan's)
                    position = EXECUTIVE_VICE_PRINCIPAL
                else:
                    position = MANAGEMENT_POSITIONS[(i - 1) % len(MANAGEMENT_POSITIONS)]
            elif i <= n_management + n_support:
                post_type, subject, position = "support", "none", rng.choice(SUPPORT_POSITIONS)
            elif i <= n_management + n_support + n_service:
                post_type, subject, position = "service", "none", rng.choice(SERVICE_POSITIONS)
                title = "unrated"
            else:
                post_type = "teacher"
                position = "班主任" if rng.random() < 0.4 else ""
            spec = _StaffSpec(
                number=f"{self.staff_prefix}{tag}-{i:03d}",
                campus_code=campus.code,
                name=name,
                gender=gender,
                subject=subject,
                title=title,
                post_type=post_type,
                position=position,
                since=since,
                is_active=rng.random() > 0.03 or i == 1,
            )
            if post_type in ("teacher", "management"):
                # About one teacher in five holds a backbone distinction (the exchange target's base).
                if rng.random() < 0.2:
                    spec.distinctions.append(
                        (
                            weighted(rng, BACKBONE_KIND_WEIGHTS),
                            weighted(rng, LEVEL_WEIGHTS),
                            date_between(rng, datetime.date(2015, 1, 1), datetime.date(Y, 9, 1)),
                        )
                    )
                if rng.random() < 0.05:
                    spec.distinctions.append(
                        (
                            "famous_head_teacher",
                            rng.choice(("county", "municipal")),
                            date_between(rng, datetime.date(2015, 1, 1), datetime.date(Y, 9, 1)),
                        )
                    )
            plan.staff.append(spec)

        # Enrollment: class sizes around a campus mean; crowded campuses have classes of 56+ and
        # a few of 66+ (大班额 / 超大班额), which the plan sets out to relieve.
        crowd = rng.choices((42, 47, 52, 58), weights=(30, 35, 25, 10))[0]
        base_classes = rng.choices((2, 3, 4, 5, 6, 8, 10), weights=(15, 20, 20, 15, 15, 10, 5))[0]
        for school_year, semester in TERMS:
            for grade in GRADES[stage]:
                classes = max(1, base_classes + rng.choice((-1, 0, 0, 0, 1)))
                sizes = [max(25, min(75, round(rng.gauss(crowd, 5)))) for _ in range(classes)]
                plan.enrollment.append((school_year, semester, grade, sizes))
        for year in QUOTA_YEARS:
            authorised = max(1, round(self.per_campus * rng.uniform(0.95, 1.15)))
            filled = min(authorised, max(0, self.per_campus - rng.randrange(0, 4)))
            posts = authorised + rng.randrange(0, 4)
            plan.quotas.append((year, authorised, filled, posts, min(posts, filled + rng.randrange(0, 3))))

        teachers = [s for s in plan.staff if s.post_type == "teacher" and s.is_active]
        mentees = [s for s in teachers if s.title in ("unrated", "third", "second") and not s.distinctions]
        mentors = [
            s for s in teachers if s.backbone_kind or s.title in ("senior", "first", "senior_professor")
        ]
        if mentees and mentors:
            for mentee in rng.sample(mentees, min(len(mentees), max(1, self.per_campus // 8))):
                mentor = rng.choice(mentors)
                kind = weighted(rng, {"active": 70, "completed": 25, "ended": 5})
                if kind == "active":
                    start, end = datetime.date(Y, 9, 1), datetime.date(Y + 1, 7, 10)
                else:
                    start, end = datetime.date(Y - 1, 9, 1), datetime.date(Y, 7, 10)
                plan.mentorships.append(
                    (mentor.number, mentee.number, start, end, kind, rng.choice(MENTORSHIP_GOALS))
                )

        classes_now = sum(len(sizes) for sy, sem, _g, sizes in plan.enrollment if (sy, sem) == TERMS[0])
        leaders = [s for s in teachers if s.backbone_kind and s.subject != "none"]
        if classes_now >= 18 and leaders and len(teachers) >= 6:
            leader = rng.choice(leaders)
            if leader.backbone_kind != "famous_teacher":
                leader.distinctions.append(("famous_teacher", "county", datetime.date(Y - 2, 9, 10)))
            others = [s for s in teachers if s is not leader]
            plan.studio = {
                "leader": leader.number,
                "subject": leader.subject,
                "level": rng.choice(("county", "municipal")),
                "members": [s.number for s in rng.sample(others, min(len(others), rng.randrange(3, 7)))],
                "founded_on": datetime.date(rng.randrange(Y - 6, Y), 9, 1),
                "topic": rng.choice(PROJECT_TOPICS),
                "project_status": rng.choice(("planned", "ongoing", "ongoing", "concluded")),
            }
        return plan

    def rotations(self, pool: list, plans: dict[str, _CampusPlan]) -> list[tuple]:
        """Exchanges inside one pool of campuses (a school's, or a group's), one per person at most,
        so that nobody has two overlapping live rotations."""
        if len(pool) < 2:
            return []
        out = []
        for campus in pool:
            rng = self.rng("rotations", campus.code)
            others = [c for c in pool if c.code != campus.code]
            movers = [
                s
                for s in plans[campus.code].staff
                if s.post_type in ("teacher", "management")
                and s.is_active
                and s.position != EXECUTIVE_VICE_PRINCIPAL
            ]
            # Campuses exchange more or less than the target share, so that the figures differ.
            # Only teachers eligible by their years at the campus move: a campus opened lately
            # (龙翔 2023, 桃江 2024) receives teachers but sends none.
            wanted = max(1, round(len(movers) * rng.choice((0.05, 0.09, 0.13, 0.18))))
            eligible_since = datetime.date(Y - 6, 9, 1)
            eligible = [s for s in movers if s.since <= eligible_since]
            for spec in rng.sample(eligible, min(wanted, len(eligible))):
                status = weighted(rng, ROTATION_STATUS_WEIGHTS)
                if status in ("proposed", "approved", "rejected", "withdrawn"):
                    start = datetime.date(Y + 1, 2, 20)
                elif status == "active":
                    start = datetime.date(Y if rng.random() < 0.7 else Y - 1, 9, 1)
                else:
                    start = rng.choice((datetime.date(Y - 5, 9, 1), datetime.date(Y - 4, 9, 1)))
                end = datetime.date(start.year + rng.choice((1, 2, 3, 3, 3)), 7, 15)
                if status == "active":
                    end = max(end, datetime.date(REFERENCE_DATE.year + 1, 7, 15))
                if spec.post_type == "management":
                    category = "management"
                else:
                    category = spec.backbone_kind or "teacher"
                out.append(
                    (
                        spec.number,
                        campus.code,
                        rng.choice(others).code,
                        category,
                        start,
                        end,
                        status,
                        rng.choice(ROTATION_REASONS),
                    )
                )
        return out

    def activities(self, pool_key: str, pool: list, plans: dict[str, _CampusPlan]) -> list[dict]:
        if len(pool) < 2:
            return []
        rng = self.rng("activities", pool_key)
        out = []
        for _ in range(rng.randrange(1, 4)):
            joined = rng.sample(pool, rng.randrange(2, min(len(pool), 3) + 1))
            host = joined[0]
            kind = rng.choice(list(ACTIVITY_TITLES))
            people = [s for c in joined for s in plans[c.code].staff if s.post_type == "teacher"]
            participants = rng.sample(people, min(len(people), rng.randrange(3, 9)))
            subject = participants[0].subject if participants else "chinese"
            out.append(
                {
                    "host": host.code,
                    "campuses": [c.code for c in joined],
                    "participants": [s.number for s in participants],
                    "kind": kind,
                    "title": ACTIVITY_TITLES[kind].format(
                        subject=SUBJECT_ZH.get(subject) or "语文", campus=joined[-1].name
                    ),
                    "held_on": date_between(rng, datetime.date(Y, 3, 1), datetime.date(Y, 9, 30)),
                    "hours": Decimal(rng.randrange(15, 61)) / 10,
                }
            )
        return out
