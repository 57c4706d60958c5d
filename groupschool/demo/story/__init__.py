"""The plan's story on the plan's own group (`generate_demo`, after `demo_data_generate`).

So that every page a demo role opens has content, on the plan's group 龙师附小教育集团 and its
campuses 红旗, 龙翔 and 桃江 (and the demo peer schools where an assessment ranks them):

- `leadership`: the group's leadership team (书记, 校长, 专职副书记, the three campus executive
  vice-principals as 副校长), linked to the demo accounts (principal → 校长, vp-hongqi → 红旗's
  执行副校长...), the first-responsibility matrix, and rotations in every state, among them a
  proposal of 龙翔's vice-principal for the personnel office to decide;
- `assessment`: the schools' assessment of the current and the previous year, scored by three
  evaluators (one divergent cell, reconciled by the lead evaluator), computed and published; the
  group's internal assessment of its three campuses, scored and computed, with one divergent
  cell still awaiting the lead evaluator;
- `plan`: sub-tasks of every measure for every campus with progress reports (most earlier ones
  done, some overdue), meetings with decisions, the plan's documents in every state, supervision
  visits with open and closed rectifications;
- `funds`: the school's budgets of the year, their allocations to the campuses, spending, a
  reallocation request, assets and transfers.

Writes go through the apps' services (as the demo accounts whose role makes them), so every
record has its history; where no service exists (leadership posts, a campus's executive
vice-principal, meetings) the row is saved with `save()`, which records history too.

Determinism: names and figures come from fixed tables or from `random.Random` seeded with the
seed, dates are fixed (the school year of `REFERENCE_DATE`). Idempotency: each part looks for
its marker record (a scheme's name and year, a meeting's title...) and adds nothing when found.
The story needs the plan's data, the demo accounts and the seed's staff on the plan's campuses:
without them it adds nothing.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from groupschool.demo_accounts import DEMO_PASSWORD
from groupschool.figures import figures_changed
from kernel.roles import Role
from kernel.services import user_set_roles

PLAN_GROUP = "longshi"
PLAN_SCHOOL = "longshi-fuxiao"
PLAN_CAMPUSES = ("hongqi", "longxiang", "taojiang")
#: The demo accounts the story acts as (groupschool.demo_accounts).
ACCOUNTS = (
    "admin",
    "bureau",
    "supervisor",
    "personnel",
    "principal",
    "vp-hongqi",
    "vp-longxiang",
    "vp-taojiang",
)
VP_ACCOUNTS = {"hongqi": "vp-hongqi", "longxiang": "vp-longxiang", "taojiang": "vp-taojiang"}
TZ = datetime.timezone(datetime.timedelta(hours=8))


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """A moment of a day, Beijing time (reports, spending and decisions of the story)."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


@dataclass
class Story:
    seed: int
    users: dict
    group: object
    school: object
    campuses: dict
    evp: dict = field(default_factory=dict)
    leaders: dict = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)

    def rng(self, *parts) -> random.Random:
        return random.Random(":".join(str(p) for p in (self.seed, "story", *parts)))

    def vp(self, campus_code: str):
        return self.users[VP_ACCOUNTS[campus_code]]


def _story(seed: int) -> Story | None:
    from campuses.models import Campus, EducationGroup, School
    from staff.models import StaffMember

    users = {u.username: u for u in get_user_model().objects.filter(username__in=ACCOUNTS)}
    group = EducationGroup.objects.filter(code=PLAN_GROUP).first()
    school = School.objects.filter(code=PLAN_SCHOOL).first()
    campuses = {c.code: c for c in Campus.objects.filter(code__in=PLAN_CAMPUSES)}
    if len(users) < len(ACCOUNTS) or group is None or school is None or len(campuses) < len(PLAN_CAMPUSES):
        return None
    evp = {}
    for code in PLAN_CAMPUSES:
        member = StaffMember.objects.filter(staff_number=f"D{seed}-{code}-001").first()
        if member is None:
            return None
        evp[code] = member
    return Story(seed=seed, users=users, group=group, school=school, campuses=campuses, evp=evp)


def evaluator_accounts(story: Story) -> list:
    """The supervision office's three evaluators: the `supervisor` demo account and two more
    (created here, with the demo password where demo accounts are allowed)."""

    User = get_user_model()
    evaluators = [story.users["supervisor"]]
    for username, name in (("duda-liu", "刘振华"), ("duda-chen", "陈静怡")):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=name)
            if settings.DEMO_ACCOUNTS_ALLOWED:
                user.set_password(DEMO_PASSWORD)
            else:
                user.set_unusable_password()
            user.save()
            user_set_roles(user=user, roles=[Role.EVALUATOR])
            story.counts["evaluators"] += 1
        evaluators.append(user)
    return evaluators


@transaction.atomic
def demo_story_generate(*, seed: int = 1) -> dict[str, int]:
    """Add what is missing of the story; return how many records of each kind were new
    (nothing when the plan's data, the demo accounts or the seed's staff are missing)."""
    from . import assessment, funds, leadership, notices, plan

    story = _story(seed)
    if story is None:
        return {}
    notices.generate(story)
    leadership.generate(story)
    assessment.generate(story)
    plan.generate(story)
    funds.generate(story)
    figures_changed()
    return {label: n for label, n in story.counts.items() if n}
