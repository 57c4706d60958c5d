"""The demo/benchmark data generator (`manage.py generate_demo`, groupschool.demo_data)."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import translation

from campuses.models import Campus, EducationGroup, EnrollmentSnapshot, School
from groupschool.demo_data import TERMS, demo_data_generate
from groupschool.plan_data import plan_data_load
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

ALL_MODELS = (
    School,
    Campus,
    EducationGroup,
    EnrollmentSnapshot,
    StaffMember,
    Distinction,
    Rotation,
    Mentorship,
    StaffingQuota,
    Studio,
    StudioMembership,
    ResearchProject,
    CrossCampusActivity,
)


def _digest() -> str:
    """A fingerprint of the generated content (not of primary keys or creation times)."""
    rows = [
        *School.objects.values_list("code", "name", "stage", "peer_category__code", "group__code"),
        *Campus.objects.values_list("code", "name", "opened_on", "is_core", "executive_vice_principal__name"),
        *StaffMember.objects.values_list(
            "staff_number", "name", "gender", "subject", "professional_title", "post_type", "position",
            "on_campus_since", "is_active", "home_campus__code",
        ),
        *Distinction.objects.values_list("staff__staff_number", "kind", "level", "awarded_on"),
        *EnrollmentSnapshot.objects.values_list("campus__code", "school_year", "semester", "class_sizes"),
        *Rotation.objects.values_list(
            "staff__staff_number", "from_campus__code", "to_campus__code", "status", "category", "start_on",
            "planned_end_on",
        ),
        *Mentorship.objects.values_list("mentor__staff_number", "mentee__staff_number", "start_on", "status"),
        *StaffingQuota.objects.values_list("campus__code", "year", "posts_authorised", "posts_filled"),
        *Studio.objects.values_list("name", "leader__staff_number"),
        *CrossCampusActivity.objects.values_list("title", "host_campus__code", "held_on", "hours"),
    ]  # fmt: skip
    return hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()


@pytest.fixture
def plan(db):
    """The plan's campuses only: the generator needs no login accounts (and hashing the demo
    accounts' passwords would cost seconds per test)."""
    plan_data_load()
    return {c.code: c for c in Campus.objects.all()}


def _counts() -> dict:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


def test_same_seed_gives_the_same_data(plan):
    savepoint = transaction.savepoint()
    demo_data_generate(schools=3, staff_per_campus=8, seed=7)
    first = _digest()
    transaction.savepoint_rollback(savepoint)
    assert not StaffMember.objects.filter(staff_number__startswith="D7-").exists()

    demo_data_generate(schools=3, staff_per_campus=8, seed=7)
    assert _digest() == first


def test_another_seed_gives_other_data(plan):
    savepoint = transaction.savepoint()
    demo_data_generate(schools=3, staff_per_campus=8, seed=1)
    first = _digest()
    transaction.savepoint_rollback(savepoint)

    demo_data_generate(schools=3, staff_per_campus=8, seed=2)
    assert _digest() != first


def test_second_run_adds_nothing(plan):
    created = demo_data_generate(schools=4, staff_per_campus=10, seed=1)
    assert created["staff members"] > 0
    before = _counts()

    assert demo_data_generate(schools=4, staff_per_campus=10, seed=1) == {}
    assert _counts() == before


def test_two_seeds_live_side_by_side(plan):
    demo_data_generate(schools=2, staff_per_campus=5, seed=1)
    created = demo_data_generate(schools=2, staff_per_campus=5, seed=2)

    assert created["schools"] == 2
    assert StaffMember.objects.filter(staff_number__startswith="D2-longxiang-").count() == 5
    # Seed 2 gives staff to the plan's campuses and its own, not to seed 1's demo campuses.
    assert not StaffMember.objects.filter(
        staff_number__startswith="D2-", home_campus__code__startswith="demo-1-"
    )


def test_counts_scale_with_the_options(plan):
    demo_data_generate(schools=2, staff_per_campus=4, seed=1)
    small_campuses = Campus.objects.count()
    assert School.objects.filter(code__startswith="demo-1-").count() == 2
    assert StaffMember.objects.filter(staff_number__startswith="D1-").count() == small_campuses * 4

    created = demo_data_generate(schools=6, staff_per_campus=9, seed=1)

    assert created["schools"] == 4
    assert School.objects.filter(code__startswith="demo-1-").count() == 6
    assert StaffMember.objects.filter(staff_number__startswith="D1-").count() == Campus.objects.count() * 9
    assert Campus.objects.filter(school__code__startswith="demo-1-").count() >= 6


def test_plan_campuses_get_staff_enrollment_and_quotas(plan):
    demo_data_generate(schools=0, staff_per_campus=6, seed=1)

    for code in ("hongqi", "longxiang", "taojiang"):
        campus = plan[code]
        assert (
            StaffMember.objects.filter(home_campus=campus, staff_number__startswith=f"D1-{code}-").count()
            == 6
        )
        for school_year, semester in TERMS:
            grades = EnrollmentSnapshot.objects.filter(
                campus=campus, school_year=school_year, semester=semester
            )
            assert sorted(grades.values_list("grade", flat=True)) == [1, 2, 3, 4, 5, 6]
        assert StaffingQuota.objects.filter(campus=campus).count() == 2
    # The plan's campuses keep their own vice-principal (none is invented for them).
    assert not Campus.objects.filter(code__in=plan, executive_vice_principal__isnull=False).exists()


def test_every_generated_row_passes_model_validation(plan):
    demo_data_generate(schools=6, staff_per_campus=16, seed=3)

    checked = 0
    for model in (
        Rotation,
        Mentorship,
        EnrollmentSnapshot,
        Distinction,
        StaffingQuota,
        Studio,
        StudioMembership,
    ):
        for row in model.objects.all():
            row.full_clean()
            checked += 1
    for model in (School, Campus, StaffMember, ResearchProject, CrossCampusActivity, EducationGroup):
        for row in model.objects.all()[:60]:
            row.full_clean()
            checked += 1
    assert checked > 300
    assert Rotation.objects.exists() and Mentorship.objects.exists()


def test_rotations_stay_inside_a_school_or_group_and_spread_over_the_workflow(plan):
    demo_data_generate(schools=20, staff_per_campus=25, seed=1)

    rotations = Rotation.objects.select_related("from_campus__school", "to_campus__school", "staff")
    assert {r.status for r in rotations} == set(Rotation.Status.values)
    for rotation in rotations:
        source, target = rotation.from_campus.school, rotation.to_campus.school
        assert rotation.from_campus_id != rotation.to_campus_id
        assert source == target or (source.group_id and source.group_id == target.group_id)
        assert rotation.staff.home_campus_id == rotation.from_campus_id
    live = Rotation.objects.live().values_list("staff_id", flat=True)
    assert len(live) == len(set(live))


def test_mentors_and_mentees_share_a_campus(plan):
    demo_data_generate(schools=3, staff_per_campus=20, seed=1)

    pairs = Mentorship.objects.select_related("mentor", "mentee")
    assert pairs
    for pair in pairs:
        assert pair.mentor_id != pair.mentee_id
        assert pair.mentor.home_campus_id == pair.mentee.home_campus_id == pair.campus_id


def test_enrollment_has_big_and_very_big_classes_consistent_with_totals(plan):
    demo_data_generate(schools=20, staff_per_campus=2, seed=1)

    sizes = []
    for row in EnrollmentSnapshot.objects.all():
        assert len(row.class_sizes) == row.classes and sum(row.class_sizes) == row.pupils
        sizes.extend(row.class_sizes)
    big = sum(n >= 56 for n in sizes)
    very_big = sum(n >= 66 for n in sizes)
    assert 0 < very_big < big < len(sizes) / 2


def test_about_one_teacher_in_five_is_backbone(plan):
    demo_data_generate(schools=10, staff_per_campus=30, seed=1)

    teachers = StaffMember.objects.filter(post_type="teacher").with_backbone_flag()
    share = teachers.filter(is_backbone=True).count() / teachers.count()
    assert 0.15 < share < 0.27


def test_synthetic_group_is_federated_with_a_core_member(plan):
    demo_data_generate(schools=10, staff_per_campus=2, seed=1)

    group = EducationGroup.objects.get(code="demo-1-group")
    assert group.governance_mode == EducationGroup.Governance.FEDERATED
    assert group.core_school.group_id == group.pk
    assert group.schools.count() >= 2


@translation.override("en")
def test_command_prints_what_it_created_then_nothing_new(plan):
    out = StringIO()
    call_command("generate_demo", "--schools", "2", "--staff-per-campus", "3", "--seed", "5", stdout=out)
    assert "seed 5" in out.getvalue() and "staff members" in out.getvalue()

    out = StringIO()
    call_command("generate_demo", "--schools", "2", "--staff-per-campus", "3", "--seed", "5", stdout=out)
    assert "nothing new" in out.getvalue()


def test_command_refuses_negative_sizes(db):
    with pytest.raises(CommandError):
        call_command("generate_demo", "--schools", "-1")
