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
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from .figures import figures_changed

#: All generated dates are relative to this day (the autumn term of the 2026–2027 school year),
#: so that the same seed gives the same data whatever day it is run.
REFERENCE_DATE = datetime.date(2026, 10, 1)
Y = REFERENCE_DATE.year  # the reference school year, used in every generated date
#: The latest two terms: (school year, semester) — autumn 2026 and spring 2026.
TERMS = ((Y, 1), (Y - 1, 2))
QUOTA_YEARS = (Y - 1, Y)
BATCH_SIZE = 500
CHANGE_REASON = "demo data"
PLAN_PEER_CATEGORY = ("urban-primary", "城区公办小学", "primary")
#: Extra peer categories; their codes do not depend on the seed (shared by every seed).
EXTRA_PEER_CATEGORIES = (
    ("demo-town-primary", "乡镇中心小学", "primary"),
    ("demo-urban-junior", "城区公办初中", "junior"),
    ("demo-nine-year", "九年一贯制学校", "nine_year"),
)
GRADES = {"primary": range(1, 7), "junior": range(7, 10), "nine_year": range(1, 10)}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严赖覃洪武"
)
GIVEN_FEMALE = "芳娟敏静丽艳娜秀英华玲桂兰霞燕萍红梅琳雪慧莉倩婷颖洁欣怡佳琴晶菲蓉露瑶雯悦"
GIVEN_MALE = "伟强磊军勇杰涛明超辉刚平鹏华飞斌波宇浩俊峰建文志国庆东海林亮成祥龙"
GIVEN_ANY = "晓小春秋子思雨宏嘉永新立德安清"
SCHOOL_PLACES_1 = "清桃龙凤金东西南北新兴文明和平华阳长安德育青白石杏梅松柏枫湖江溪泉林翠云霞虹章赣蓉"
SCHOOL_PLACES_2 = "源山湖江岭园溪桥塘坪田洲湾峰阳城苑庄洞岗井"
SCHOOL_PATTERNS = {
    "primary": ("{p}小学", "{p}实验小学", "{p}路小学", "{p}中心小学", "{p}第二小学"),
    "junior": ("{p}中学", "{p}实验中学", "{p}第一中学"),
    "nine_year": ("{p}学校", "{p}实验学校"),
}
#: Campus names come from a street or area, like 红旗校区 and 龙翔校区 (not 本部/东校区, which would
#: read the same for every school in lists and charts).
CAMPUS_PLACES = "红星建设人民解放朝阳胜利文化育才滨江新华光明幸福和平五一中山迎宾春晖书院学府"
DISTRICTS = ("城东区", "城西区", "城南区", "城北区", "高新区", "江北新区", "桃源县")
BANKS = ("中国农业银行", "中国工商银行", "中国建设银行", "中国银行", "农村商业银行")
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"

#: Subjects by stage, with weights (Chinese and maths teach most lessons in primary school).
SUBJECT_WEIGHTS = {
    "primary": {
        "chinese": 30, "maths": 24, "english": 9, "science": 6, "morality": 5, "music": 5, "pe": 7,
        "art": 5, "it": 3, "practice": 3, "psychology": 2,
    },
    "junior": {
        "chinese": 15, "maths": 15, "english": 14, "morality": 6, "history": 6, "geography": 5,
        "physics": 8, "chemistry": 6, "biology": 6, "pe": 7, "music": 3, "art": 3, "it": 3,
        "psychology": 2,
    },
}  # fmt: skip
SUBJECT_WEIGHTS["nine_year"] = SUBJECT_WEIGHTS["primary"] | SUBJECT_WEIGHTS["junior"]
SUBJECT_ZH = {
    "chinese": "语文", "maths": "数学", "english": "英语", "science": "科学", "morality": "道德与法治",
    "music": "音乐", "pe": "体育", "art": "美术", "it": "信息科技", "practice": "综合实践",
    "psychology": "心理健康", "history": "历史", "geography": "地理", "physics": "物理",
    "chemistry": "化学", "biology": "生物", "none": "",
}  # fmt: skip
MANAGEMENT_POSITIONS = ("教务主任", "德育主任", "总务主任", "办公室主任", "教科室主任", "大队辅导员")
SUPPORT_POSITIONS = ("实验员", "图书管理员", "校医", "信息管理员")
SERVICE_POSITIONS = ("安保员", "食堂管理员", "保育员")
TITLE_BY_YEARS = (  # (minimum years of service, title weights)
    (0, {"unrated": 6, "third": 3, "second": 1}),
    (3, {"second": 7, "first": 2, "unrated": 1}),
    (10, {"first": 6, "second": 3, "senior": 1}),
    (18, {"first": 5, "senior": 4, "second": 1}),
    (26, {"senior": 6, "first": 3, "senior_professor": 1}),
)
BACKBONE_KIND_WEIGHTS = {"backbone": 65, "subject_leader": 22, "famous_teacher": 13}
LEVEL_WEIGHTS = {"county": 50, "municipal": 30, "provincial": 12, "school": 6, "national": 2}
ROTATION_STATUS_WEIGHTS = {
    "proposed": 15, "approved": 12, "active": 40, "completed": 15, "rejected": 10, "withdrawn": 8,
}  # fmt: skip
ROTATION_REASONS = (
    "支援新校区学科建设",
    "均衡校区间师资配置",
    "骨干教师示范引领",
    "交流锻炼，积累多校区教学经验",
    "补充紧缺学科教师",
)
MENTORSHIP_GOALS = (
    "一年内独立承担一门学科教学，完成一节校级公开课",
    "掌握班级管理方法，胜任班主任工作",
    "提升课堂教学设计能力，参加县级优质课评比",
    "完成一篇教学案例或论文",
)
PROJECT_TOPICS = (
    "大单元教学设计",
    "作业设计与减负提质",
    "跨学科主题学习",
    "课堂提问有效性",
    "集团校区同步教研",
    "大班额条件下的分层教学",
)
ACTIVITY_TITLES = {
    "joint_research": "{subject}学科集团联合教研",
    "teaching_visit": "名师送教到{campus}",
    "lesson_observation": "{subject}青年教师听评课",
    "lecture": "{subject}新课标专题讲座",
}


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _date_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange(max(1, (end - start).days)))


def _person_name(rng: random.Random, gender: str) -> str:
    given = GIVEN_FEMALE if gender == "F" else GIVEN_MALE
    if rng.random() < 0.55:
        return rng.choice(SURNAMES) + rng.choice(GIVEN_ANY + given) + rng.choice(given)
    return rng.choice(SURNAMES) + rng.choice(given)


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


class _Generator:
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

    def create_schools(self) -> None:
        from campuses.models import Campus, EducationGroup, PeerCategory, School

        categories = {}
        for code, name, stage in (PLAN_PEER_CATEGORY, *EXTRA_PEER_CATEGORIES):
            category, created = PeerCategory.objects.get_or_create(
                code=code, defaults={"name": name, "stage": stage, "description": "演示数据"}
            )
            categories[code] = category
            self.counts["peer categories"] += created
        if not self.n_schools:
            return
        existing_codes = set(
            School.objects.filter(code__startswith=self.prefix).values_list("code", flat=True)
        )
        taken_names = set(School.objects.exclude(code__startswith=self.prefix).values_list("name", flat=True))
        taken_credit = set(School.objects.exclude(credit_code="").values_list("credit_code", flat=True))
        names_rng = self.rng("school-names")
        category_weights = {
            PLAN_PEER_CATEGORY[0]: 60,
            "demo-town-primary": 20,
            "demo-urban-junior": 12,
            "demo-nine-year": 8,
        }
        group_size = min(12, max(2, self.n_schools // 10)) if self.n_schools >= 2 else 0
        group = None
        if group_size:
            group, created = EducationGroup.objects.get_or_create(
                code=f"{self.prefix}group",
                defaults={
                    "name": f"演示教育集团（种子{self.seed}）",
                    "governance_mode": EducationGroup.Governance.FEDERATED,
                    "charter_status": EducationGroup.CharterStatus.APPROVED,
                    "founded_on": datetime.date(2022, 9, 1),
                    "description": "演示数据：成员校保留各自法人的紧密型教育集团。",
                },
            )
            self.counts["education groups"] += created
        new_schools, new_campuses = [], []
        for n in range(1, self.n_schools + 1):
            rng = self.rng("school", n)
            category = categories[_weighted(rng, category_weights)]
            stage = category.stage
            while True:
                place = names_rng.choice(SCHOOL_PLACES_1) + names_rng.choice(SCHOOL_PLACES_2)
                name = names_rng.choice(SCHOOL_PATTERNS[stage]).format(p=place)
                if name not in taken_names:
                    taken_names.add(name)
                    break
            code = f"{self.prefix}{n}"
            credit = (
                "12"
                + f"{rng.randrange(360000, 369999):06d}"
                + "".join(rng.choice(CREDIT_CODE_CHARS) for _ in range(10))
            )
            n_campuses = rng.choices((1, 2, 3), weights=(40, 40, 20))[0]
            places = [CAMPUS_PLACES[i : i + 2] for i in range(0, len(CAMPUS_PLACES) - 1, 2)]
            campus_names = [f"{p}校区" for p in rng.sample(places, n_campuses)]
            opened = [_date_between(rng, datetime.date(1950, 9, 1), datetime.date(2005, 9, 1))] + sorted(
                datetime.date(rng.randrange(2012, Y + 1), 9, 1) for _ in range(n_campuses - 1)
            )
            district = rng.choice(DISTRICTS)
            representative = _person_name(rng, rng.choice("FM"))
            bank = rng.choice(BANKS)
            account = "".join(str(rng.randrange(10)) for _ in range(19))
            if code in existing_codes:
                continue
            school = School(
                code=code,
                name=name,
                group=group if n <= group_size else None,
                legal_representative=representative,
                credit_code=credit if credit not in taken_credit else "",
                bank_name=bank,
                bank_account=account,
                stage=stage,
                peer_category=category,
                district=district,
            )
            new_schools.append(school)
            for k, (campus_name, opened_on) in enumerate(zip(campus_names, opened, strict=True), start=1):
                new_campuses.append(
                    Campus(
                        code=f"{code}-{k}",
                        name=campus_name,
                        school=school,
                        address=f"{district}{place}路{rng.randrange(1, 300)}号",
                        opened_on=opened_on,
                        is_core=k == 1,
                    )
                )
        self._bulk(School, new_schools, "schools")
        for campus in new_campuses:
            campus.school_id = campus.school.pk
        self._bulk(Campus, new_campuses, "campuses")
        if group is not None and group.core_school_id is None:
            core = School.objects.filter(code=f"{self.prefix}1").first()
            if core is not None:
                EducationGroup.objects.filter(pk=group.pk).update(core_school=core)

    # --- people and everything per campus ------------------------------------------------------

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
            name = _person_name(rng, gender)
            years = rng.choices(range(0, 36), weights=[3] * 6 + [4] * 14 + [3] * 10 + [1] * 6)[0]
            service_start = datetime.date(REFERENCE_DATE.year - years, 9, 1)
            since = max(opened, service_start + datetime.timedelta(days=rng.randrange(0, 219 * years + 1)))
            title = _weighted(rng, next(w for y, w in reversed(TITLE_BY_YEARS) if years >= y))
            subject = _weighted(rng, SUBJECT_WEIGHTS[stage])
            if i <= n_management:
                post_type = "management"
                if i == 1 and campus.code.startswith(self.prefix):
                    position = "执行副校长"
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
                is_active=rng.random() > 0.03,
            )
            if post_type in ("teacher", "management"):
                # About one teacher in five holds a backbone distinction (the exchange target's base).
                if rng.random() < 0.2:
                    spec.distinctions.append(
                        (
                            _weighted(rng, BACKBONE_KIND_WEIGHTS),
                            _weighted(rng, LEVEL_WEIGHTS),
                            _date_between(rng, datetime.date(2015, 1, 1), datetime.date(Y, 9, 1)),
                        )
                    )
                if rng.random() < 0.05:
                    spec.distinctions.append(
                        (
                            "famous_head_teacher",
                            rng.choice(("county", "municipal")),
                            _date_between(rng, datetime.date(2015, 1, 1), datetime.date(Y, 9, 1)),
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
                kind = _weighted(rng, {"active": 70, "completed": 25, "ended": 5})
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
                if s.post_type in ("teacher", "management") and s.is_active
            ]
            # Campuses exchange more or less than the target share, so that the figures differ.
            # Only teachers eligible by their years at the campus move: a campus opened lately
            # (龙翔 2023, 桃江 2024) receives teachers but sends none.
            wanted = max(1, round(len(movers) * rng.choice((0.05, 0.09, 0.13, 0.18))))
            eligible_since = datetime.date(Y - 6, 9, 1)
            eligible = [s for s in movers if s.since <= eligible_since]
            for spec in rng.sample(eligible, min(wanted, len(eligible))):
                status = _weighted(rng, ROTATION_STATUS_WEIGHTS)
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
                    "held_on": _date_between(rng, datetime.date(Y, 3, 1), datetime.date(Y, 9, 30)),
                    "hours": Decimal(rng.randrange(15, 61)) / 10,
                }
            )
        return out

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
                    summary="演示数据",
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


# --- The assessment workload (`generate_demo --assessment-schools`, `make bench`) ---------------

#: The six first-level areas of the plan (三（二）1), the parents of the workload's indicators.
WORKLOAD_AREAS = (
    "党的建设",
    "内部治理和运行",
    "优质资源共享",
    "教师队伍建设",
    "教学质量提升",
    "素质教育发展",
)
WORKLOAD_MAX_POINTS = (2, 3, 4, 5, 6, 8)
WORKLOAD_WEIGHTS = (Decimal("0.5"), Decimal("1"), Decimal("1"), Decimal("1"), Decimal("1.5"), Decimal("2"))
#: Every tenth school copies the scores (and reviews) of the school before it, in the same peer
#: category but where a category starts: exact ties of totals, which must share a rank and a band.
WORKLOAD_TWIN_EVERY = 10
#: Out of 1,000 cells: nobody scored 5 (a missing cell), one evaluator 15, two evaluators 20 (the
#: trimmed mean needs three: these get the plain mean); the rest every evaluator. One cell in
#: 1,000 has a lead evaluator's review (half corrected points, half a confirmation only).
WORKLOAD_MISSING, WORKLOAD_ONE, WORKLOAD_TWO = 5, 20, 40
_MOD = 2147483647  # 2³¹ − 1: every product below stays within 64-bit integers on both databases


def _workload_cells_sql(*, seed: int, evaluators: int) -> str:
    """CTEs over the workload scheme's evaluatees × leaf indicators: the cell's pseudo-random
    number `cx`, the school's quality (52–91 % of the maximum) and the cell's half-point maximum
    `hp`; then `v`, the scheme's evaluators numbered 1…E. The draws are quadratic maps modulo
    2³¹ − 1 of the school's and indicator's ordinal numbers (not of primary keys), so the same
    seed gives the same points on SQLite and PostgreSQL. Parameters: scheme id (twice), the
    evaluators' user ids."""
    s1, s2 = (seed * 1000003 + 12345) % _MOD, (seed * 7368787 + 54321) % _MOD
    twin = WORKLOAD_TWIN_EVERY
    return f"""
WITH e1 AS (
    SELECT id, ROW_NUMBER() OVER (ORDER BY code) AS n FROM evaluation_evaluatee WHERE scheme_id = %s
), e2 AS (
    SELECT id, CASE WHEN n %% {twin} = 0 THEN n - 1 ELSE n END AS src FROM e1
), e3 AS (
    SELECT id, src, ({s1} + src * 7919) %% {_MOD} AS z FROM e2
), e AS (
    SELECT id, src, 52 + ((z * z + 11) %% {_MOD}) %% 40 AS quality FROM e3
), i AS (
    SELECT id, CAST(max_points AS INTEGER) * 2 AS hp, ROW_NUMBER() OVER (ORDER BY id) AS j
    FROM evaluation_indicator WHERE scheme_id = %s AND parent_id IS NOT NULL
), c1 AS (
    SELECT e.id AS evaluatee_id, i.id AS indicator_id, i.hp, e.quality,
           ({s2} + e.src * 104729 + i.j * 1299709) %% {_MOD} AS x
    FROM e CROSS JOIN i
), c AS (
    SELECT evaluatee_id, indicator_id, hp, quality, (x * x + 17) %% {_MOD} AS cx,
           CASE WHEN (x * x + 17) %% {_MOD} %% 1000 < {WORKLOAD_MISSING} THEN 0
                WHEN (x * x + 17) %% {_MOD} %% 1000 < {WORKLOAD_ONE} THEN 1
                WHEN (x * x + 17) %% {_MOD} %% 1000 < {WORKLOAD_TWO} THEN 2
                ELSE {evaluators} END AS how_many
    FROM c1
), v AS (
    SELECT id, ROW_NUMBER() OVER (ORDER BY username) AS k FROM auth_user WHERE id IN ({{user_ids}})
)"""


def assessment_workload_scheme_name(*, schools: int, indicators: int, evaluators: int, seed: int) -> str:
    """The name of the workload's scheme (its marker: year `Y` and this name)."""
    return f"评估基准：{schools}校×{indicators}项指标×{evaluators}名评估员（种子{seed}）"


class _Workload:
    def __init__(self, *, schools: int, peer_categories: int, indicators: int, evaluators: int, seed: int):
        self.n_schools, self.n_peers, self.n_indicators, self.n_evaluators = (
            schools,
            peer_categories,
            indicators,
            evaluators,
        )
        self.seed = seed
        self.prefix = f"wl-{seed}-"
        self.counts: Counter = Counter()

    def rng(self, *parts) -> random.Random:
        return random.Random(":".join(str(p) for p in (self.seed, "workload", *parts)))

    def _bulk(self, model, objs: list, label: str) -> list:
        if not objs:
            return []
        created = bulk_create_with_history(
            objs, model, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON
        )
        self.counts[label] += len(objs)
        return created

    def peer_categories(self) -> list:
        from campuses.models import PeerCategory

        wanted = {
            f"{self.prefix}peer-{k}": f"评估基准同类学校{k}（种子{self.seed}）"
            for k in range(1, self.n_peers + 1)
        }
        have = {p.code: p for p in PeerCategory.objects.filter(code__in=wanted)}
        self._bulk(
            PeerCategory,
            [
                PeerCategory(code=code, name=name, stage="primary", description="演示数据：评估计算基准")
                for code, name in wanted.items()
                if code not in have
            ],
            "peer categories",
        )
        return list(PeerCategory.objects.filter(code__in=wanted).order_by("code"))

    def schools(self, categories: list) -> list[tuple[int, str, str, int]]:
        """The workload's schools (no campuses, no staff: the computation needs neither), as
        (id, code, name, peer category id), in code order."""
        from campuses.models import School

        by_code = {c.code: c for c in categories}
        codes = [f"{self.prefix}{n:05d}" for n in range(1, self.n_schools + 1)]
        have = set(School.objects.filter(code__startswith=self.prefix).values_list("code", flat=True))
        new = []
        for n, code in enumerate(codes, start=1):
            if code in have:
                continue
            # Peer categories in contiguous blocks of codes: a twin lands with its original.
            peer = by_code[f"{self.prefix}peer-{(n - 1) * self.n_peers // self.n_schools + 1}"]
            new.append(
                School(
                    code=code,
                    name=f"评估基准学校{n:05d}（种子{self.seed}）",
                    stage="primary",
                    peer_category=peer,
                    district=DISTRICTS[n % len(DISTRICTS)],
                )
            )
        self._bulk(School, new, "schools")
        return list(
            School.objects.filter(code__in=codes)
            .order_by("code")
            .values_list("pk", "code", "name", "peer_category_id")
        )

    def evaluators(self) -> list:
        from groupschool.roles import Role
        from groupschool.services import user_set_roles

        User = get_user_model()
        users = []
        for k in range(1, self.n_evaluators + 1):
            username = f"{self.prefix}evaluator-{k:02d}"
            user = User.objects.filter(username=username).first()
            if user is None:
                # No password: benchmark accounts never sign in (and hashing costs time).
                user = User.objects.create_user(username, password=None, first_name=f"评估员{k}")
                user_set_roles(user=user, roles=[Role.EVALUATOR])
                self.counts["evaluators"] += 1
            users.append(user)
        return users

    def scheme(self):
        from evaluation.models import Indicator, Scheme, TargetKind

        name = assessment_workload_scheme_name(
            schools=self.n_schools, indicators=self.n_indicators, evaluators=self.n_evaluators, seed=self.seed
        )
        scheme = Scheme.objects.filter(year=Y, name=name).first()
        if scheme is not None:
            return scheme
        rng = self.rng("indicators")
        leaves = [
            (j, (j - 1) % len(WORKLOAD_AREAS), rng.choice(WORKLOAD_MAX_POINTS), rng.choice(WORKLOAD_WEIGHTS))
            for j in range(1, self.n_indicators + 1)
        ]
        best = sum(points * weight for _j, _a, points, weight in leaves)
        scheme = Scheme(
            name=name,
            year=Y,
            target_kind=TargetKind.SCHOOLS,
            status=Scheme.Status.OPEN,
            aggregation=Scheme.Aggregation.TRIMMED_MEAN,
            band_method=Scheme.BandMethod.RANK_SHARE,
            # 60 % of the best possible total: about one school in three fails.
            pass_floor=(best * Decimal("0.6")).quantize(Decimal("0.01")),
            description="演示数据：评估计算基准（make bench），分数由 generate_demo 生成。",
        )
        scheme.full_clean()
        scheme.save()
        self.counts["assessment schemes"] += 1
        areas = self._bulk(
            Indicator,
            [
                Indicator(
                    scheme=scheme,
                    code=str(a + 1),
                    name=area,
                    order=a + 1,
                    max_points=sum((p for _j, pa, p, _w in leaves if pa == a), Decimal(0)) or Decimal(1),
                )
                for a, area in enumerate(WORKLOAD_AREAS)
            ],
            "indicators",
        )
        per_area: Counter = Counter()
        children = []
        for _j, a, points, weight in leaves:
            per_area[a] += 1
            children.append(
                Indicator(
                    scheme=scheme,
                    parent=areas[a],
                    code=f"{a + 1}.{per_area[a]}",
                    name=f"{WORKLOAD_AREAS[a]}指标{per_area[a]}",
                    order=per_area[a],
                    max_points=Decimal(points),
                    weight=weight,
                )
            )
        self._bulk(Indicator, children, "indicators")
        return scheme

    def evaluatees(self, scheme, schools: list[tuple[int, str, str, int]]) -> None:
        from evaluation.models import Evaluatee

        have = set(Evaluatee.objects.filter(scheme=scheme).values_list("code", flat=True))
        self._bulk(
            Evaluatee,
            [
                Evaluatee(scheme=scheme, code=code, name=name, school_id=pk, peer_category_id=peer)
                for pk, code, name, peer in schools
                if code not in have
            ],
            "evaluatees",
        )

    def scores(self, scheme, users: list) -> None:
        """Every score in one INSERT … SELECT (set-based: seconds for millions of rows), then a
        few lead-evaluator reviews. These rows get no history rows (a benchmark's data)."""
        from django.db import connection

        from evaluation.models import CellReview, Score

        if Score.objects.filter(indicator__scheme=scheme).exists():
            return
        cte = _workload_cells_sql(seed=self.seed, evaluators=self.n_evaluators).replace(
            "{user_ids}", ", ".join(["%s"] * len(users))
        )
        params = [scheme.pk, scheme.pk, *[u.pk for u in users]]
        now = connection.ops.adapt_datetimefield_value(datetime.datetime.now(datetime.UTC))
        # Points: the school's quality ± 8 % per evaluator, in half points, never above the maximum.
        noise = f"((s.y * s.y + 23) %% {_MOD}) %% 17 - 8"
        with connection.cursor() as cursor:
            cursor.execute(
                f"""{cte}, s AS (
    SELECT c.evaluatee_id, c.indicator_id, c.hp, c.quality, v.id AS evaluator_id,
           (c.cx + v.k * 15485863) %% {_MOD} AS y
    FROM c JOIN v ON v.k <= c.how_many
)
INSERT INTO evaluation_score
    (indicator_id, evaluatee_id, evaluator_id, points, comment, evidence, version, updated_at)
SELECT s.indicator_id, s.evaluatee_id, s.evaluator_id, (s.hp * (s.quality + {noise}) / 100) * 0.5,
       '', '', 1, %s
FROM s""",
                [*params, now],
            )
            cursor.execute(
                f"""{cte}
INSERT INTO evaluation_cellreview (indicator_id, evaluatee_id, points, reason, reviewed_by_id, reviewed_at)
SELECT c.indicator_id, c.evaluatee_id,
       CASE WHEN c.cx %% 2000 < 1000 THEN c.hp * 0.25 ELSE NULL END,
       %s, (SELECT MIN(v.id) FROM v), %s
FROM c WHERE c.cx %% 1000 = {WORKLOAD_TWO}""",
                [*params, "演示数据：组长核定", now],
            )
        # Counted afterwards: SQLite reports no row count for a statement that starts with WITH.
        self.counts["scores"] += Score.objects.filter(indicator__scheme=scheme).count()
        self.counts["cell reviews"] += CellReview.objects.filter(indicator__scheme=scheme).count()
        if connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum would gather after such a load: the planner's estimates.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE evaluation_score")


@transaction.atomic
def assessment_workload_generate(
    *, schools: int, peer_categories: int = 3, indicators: int = 30, evaluators: int = 5, seed: int = 1
) -> dict[str, int]:
    """The assessment benchmark's workload for `seed` (what is missing of it): peer categories,
    schools, one open scheme of target kind schools (trimmed mean, bands by rank share) with
    `indicators` scored leaf indicators under the plan's six first-level areas, its evaluatees,
    `evaluators` evaluator accounts and their scores — ties (every tenth school copies the one
    before it), missing cells, cells of one or two evaluators, and a few lead-evaluator reviews.

    Deterministic from the seed and the options, on either database; a second run adds nothing.
    Returns how many records of each kind were new.
    """
    if min(schools, peer_categories, indicators, evaluators) < 1 or seed < 0:
        raise ValueError("schools, peer_categories, indicators and evaluators must be at least 1")
    if schools > 99999:
        raise ValueError("at most 99,999 schools (five-digit codes)")
    workload = _Workload(
        schools=schools,
        peer_categories=min(peer_categories, schools),
        indicators=indicators,
        evaluators=evaluators,
        seed=seed,
    )
    categories = workload.peer_categories()
    school_rows = workload.schools(categories)
    users = workload.evaluators()
    scheme = workload.scheme()
    workload.evaluatees(scheme, school_rows)
    workload.scores(scheme, users)
    figures_changed()  # schools written in bulk (see demo_data_generate)
    return {label: n for label, n in workload.counts.items() if n}
