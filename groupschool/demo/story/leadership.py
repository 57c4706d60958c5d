"""The group's leadership team, the demo accounts' staff records, first responsibilities, and
rotations of the plan's campuses in every state (see groupschool.demo.story)."""

from __future__ import annotations

import datetime

from ..common import person_name
from . import PLAN_CAMPUSES, Story

#: The group-wide posts besides the campus executive vice-principals: (number, post, position).
LEADERS = (
    ("L1", "secretary", "集团党组织书记"),
    ("L2", "principal", "集团校长"),
    ("L3", "deputy_secretary", "集团专职副书记"),
)
#: 第一责任人 group-wide (方案三（一）1: 书记、校长和各校区执行副校长分别是…第一责任人).
GROUP_WIDE = {
    "integrity": "secretary",
    "ideology": "secretary",
    "ethics": "deputy_secretary",
    "safety": "principal",
    "finance": "principal",
    "teaching": "principal",
    "workforce": "principal",
}
ROTATION_MARKER = "龙翔校区申请：数学学科骨干教师不足，请红旗校区骨干教师交流任教两年。"


def generate(story: Story) -> None:
    _leaders(story)
    _executive_vice_principals(story)
    _responsibilities(story)
    _rotations(story)


def _link(member, user, story: Story) -> None:
    """Link a staff record to its login account (one each)."""
    from staff.models import StaffMember

    if member.user_id is None and not StaffMember.objects.filter(user=user).exists():
        member.user = user
        member.save()
        story.counts["accounts linked to staff"] += 1


def _leaders(story: Story) -> None:
    from staff.models import LeadershipPost, StaffMember
    from staff.services import staff_member_save

    hongqi = story.campuses["hongqi"]
    for number, post, position in LEADERS:
        staff_number = f"D{story.seed}-{story.group.code}-{number}"
        member = StaffMember.objects.filter(staff_number=staff_number).first()
        if member is None:
            rng = story.rng("leader", number)
            gender = rng.choice("FMM")
            member = staff_member_save(
                user=story.users["admin"],
                member=StaffMember(
                    name=person_name(rng, gender),
                    gender=gender,
                    staff_number=staff_number,
                    subject=rng.choice(("chinese", "maths", "morality")),
                    professional_title=rng.choice(("senior", "senior", "first")),
                    post_type="management",
                    position=position,
                    home_campus=hongqi,
                    on_campus_since=datetime.date(rng.randrange(2008, 2019), 9, 1),
                ),
            )
            story.counts["staff members"] += 1
        story.leaders[post] = member
        if not LeadershipPost.objects.filter(group=story.group, post=post).exists():
            LeadershipPost(
                group=story.group, post=post, person=member, since=datetime.date(2023, 3, 1)
            ).save()
            story.counts["leadership posts"] += 1
    _link(story.leaders["principal"], story.users["principal"], story)


def _executive_vice_principals(story: Story) -> None:
    """Each campus's staff member no. 1 is its executive vice-principal (副校长 of the group),
    and the staff record of the campus's vp-* account."""
    from staff.models import LeadershipPost

    for code in PLAN_CAMPUSES:
        campus, member = story.campuses[code], story.evp[code]
        if campus.executive_vice_principal_id is None:
            campus.executive_vice_principal = member
            campus.save()
            story.counts["campus executive vice-principals"] += 1
        if not LeadershipPost.objects.filter(
            group=story.group, post="vice_principal", person=member
        ).exists():
            since = max(datetime.date(2023, 3, 1), campus.opened_on or datetime.date(2023, 3, 1))
            LeadershipPost(group=story.group, post="vice_principal", person=member, since=since).save()
            story.counts["leadership posts"] += 1
        _link(member, story.vp(code), story)


def _responsibilities(story: Story) -> None:
    from staff.models import ResponsibilityArea, ResponsibilityAssignment
    from staff.services import responsibility_assign

    have = set(ResponsibilityAssignment.objects.filter(group=story.group).values_list("area", "campus_id"))
    for area in ResponsibilityArea.values:
        if (area, None) not in have:
            responsibility_assign(
                user=story.users["principal"],
                group=story.group,
                area=area,
                person=story.leaders[GROUP_WIDE[area]],
            )
            story.counts["first responsibilities"] += 1
        for code in PLAN_CAMPUSES:
            campus = story.campuses[code]
            if (area, campus.pk) not in have:
                responsibility_assign(
                    user=story.users["principal"],
                    group=story.group,
                    area=area,
                    campus=campus,
                    person=story.evp[code],
                )
                story.counts["first responsibilities"] += 1


def _movers(story: Story, campus_code: str, *, eligible: bool) -> list:
    """Active teachers of a campus free of any rotation, longest at the campus first (eligible:
    six years or more there, the plan's condition for an exchange)."""
    from staff.models import Rotation, StaffMember

    members = (
        StaffMember.objects.filter(
            home_campus=story.campuses[campus_code],
            staff_number__startswith=f"D{story.seed}-{campus_code}-",
            post_type="teacher",
            is_active=True,
        )
        .exclude(pk__in=Rotation.objects.values("staff_id"))
        .with_backbone_flag()
        .order_by("-is_backbone", "on_campus_since", "staff_number")
    )
    if eligible:
        members = members.filter(on_campus_since__lte=datetime.date(2020, 9, 1))
    return list(members)


def _category(member) -> str:
    kinds = set(member.distinctions.values_list("kind", flat=True))
    for kind in ("famous_teacher", "subject_leader", "backbone"):
        if kind in kinds:
            return kind
    return "teacher"


def _rotations(story: Story) -> None:
    """One rotation in each state between the plan's campuses, through the rotation services:
    proposed (by 龙翔's vice-principal, for the personnel office), approved, active, completed,
    rejected and withdrawn."""
    from staff.models import Rotation
    from staff.services import (
        rotation_approve,
        rotation_complete,
        rotation_propose,
        rotation_reject,
        rotation_start,
        rotation_withdraw,
    )

    if Rotation.objects.filter(reason=ROTATION_MARKER).exists():
        return
    people = _movers(story, "hongqi", eligible=True)
    if len(people) < 6:
        people += [m for m in _movers(story, "hongqi", eligible=False) if m not in people]
    if len(people) < 6:
        return
    users, campuses = story.users, story.campuses
    personnel = users["personnel"]
    spring, autumn = datetime.date(2027, 2, 20), datetime.date(2026, 9, 1)
    plans = (
        # (proposer, destination, start, planned end, reason, steps)
        ("vp-longxiang", "longxiang", spring, datetime.date(2029, 7, 15), ROTATION_MARKER, ()),
        (
            "vp-taojiang",
            "taojiang",
            spring,
            datetime.date(2028, 7, 15),
            "桃江校区新开班级，补充语文学科骨干。",
            ("approve",),
        ),
        (
            "principal",
            "longxiang",
            autumn,
            datetime.date(2027, 7, 15),
            "骨干教师示范引领，带动龙翔校区青年教师成长。",
            ("approve", "start"),
        ),
        (
            "principal",
            "taojiang",
            datetime.date(2024, 9, 1),
            datetime.date(2026, 7, 15),
            "支援桃江校区开办，建设英语学科教研组。",
            ("approve", "start", "complete"),
        ),
        ("vp-taojiang", "taojiang", spring, datetime.date(2028, 7, 15), "补充紧缺学科教师。", ("reject",)),
        (
            "vp-longxiang",
            "longxiang",
            spring,
            datetime.date(2028, 7, 15),
            "交流锻炼，积累多校区教学经验。",
            ("withdraw",),
        ),
    )
    for member, (proposer, to, start, end, reason, steps) in zip(people, plans, strict=False):
        rotation = rotation_propose(
            user=users[proposer],
            staff=member,
            to_campus=campuses[to],
            category=_category(member),
            start_on=start,
            planned_end_on=end,
            reason=reason,
        )
        for step in steps:
            if step == "approve":
                rotation = rotation_approve(user=personnel, rotation=rotation, note="符合交流条件，同意。")
            elif step == "start":
                rotation = rotation_start(user=personnel, rotation=rotation)
            elif step == "complete":
                rotation = rotation_complete(user=personnel, rotation=rotation, ended_on=end)
            elif step == "reject":
                rotation = rotation_reject(
                    user=personnel, rotation=rotation, note="该教师本学年承担毕业班教学，暂缓交流。"
                )
            elif step == "withdraw":
                rotation = rotation_withdraw(user=users[proposer], rotation=rotation)
        story.counts["rotations"] += 1
