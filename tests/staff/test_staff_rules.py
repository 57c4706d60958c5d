"""Rules of the staff domain, enforced in the model layer and the services."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from staff import services
from staff.models import Mentorship, Rotation
from tests.staff.factories import MentorshipFactory, RotationFactory, StaffMemberFactory

D = datetime.date


@pytest.fixture
def teacher(campuses):
    return StaffMemberFactory(home_campus=campuses["longxiang"])


START, END = D(2026, 9, 1), D(2029, 7, 31)


def propose(user, teacher, to_campus, start=START, end=END):
    return services.rotation_propose(
        user=user, staff=teacher, to_campus=to_campus, category="backbone", start_on=start, planned_end_on=end
    )


def test_rotation_campuses_must_differ(campuses, teacher, personnel):
    with pytest.raises(ValidationError) as exc:
        propose(personnel, teacher, campuses["longxiang"])
    assert "to_campus" in exc.value.error_dict


def test_rotation_campuses_differ_in_the_database_too(campuses, teacher):
    with pytest.raises(IntegrityError), transaction.atomic():
        RotationFactory(staff=teacher, to_campus=campuses["longxiang"])


def test_rotation_end_must_follow_start(campuses, teacher, personnel):
    with pytest.raises(ValidationError) as exc:
        propose(personnel, teacher, campuses["taojiang"], start=D(2026, 9, 1), end=D(2026, 9, 1))
    assert "planned_end_on" in exc.value.error_dict


def test_workflow_proposed_approved_active_completed(campuses, teacher, vp_longxiang, personnel):
    rotation = propose(vp_longxiang, teacher, campuses["taojiang"])
    assert rotation.status == Rotation.Status.PROPOSED and rotation.proposed_by == vp_longxiang
    rotation = services.rotation_approve(user=personnel, rotation=rotation, note="同意")
    assert rotation.status == Rotation.Status.APPROVED and rotation.decided_by == personnel
    rotation = services.rotation_start(user=personnel, rotation=rotation)
    assert rotation.status == Rotation.Status.ACTIVE
    rotation = services.rotation_complete(user=personnel, rotation=rotation, ended_on=D(2026, 11, 30))
    assert rotation.status == Rotation.Status.COMPLETED and rotation.ended_on == D(2026, 11, 30)
    assert [h.status for h in rotation.history.order_by("history_date")] == [
        "proposed",
        "approved",
        "active",
        "completed",
    ]


@pytest.mark.parametrize("role", ["vp_longxiang", "bureau", "principal", "supervisor", "admin_user"])
def test_only_personnel_office_approves(request, campuses, teacher, personnel, role):
    rotation = propose(personnel, teacher, campuses["taojiang"])
    with pytest.raises(PermissionDenied):
        services.rotation_approve(user=request.getfixturevalue(role), rotation=rotation)
    rotation.refresh_from_db()
    assert rotation.status == Rotation.Status.PROPOSED


def test_no_two_overlapping_live_rotations_for_one_person(campuses, teacher, personnel):
    first = propose(personnel, teacher, campuses["taojiang"])
    services.rotation_approve(user=personnel, rotation=first)
    with pytest.raises(ValidationError) as exc:
        propose(personnel, teacher, campuses["hongqi"], start=D(2027, 9, 1), end=D(2030, 7, 31))
    assert "start_on" in exc.value.error_dict
    # After the first one ends, a later one is fine.
    later = propose(personnel, teacher, campuses["hongqi"], start=D(2029, 9, 1), end=D(2032, 7, 31))
    assert later.pk


def test_approving_the_second_of_two_overlapping_proposals_is_refused(campuses, teacher, personnel):
    one = propose(personnel, teacher, campuses["taojiang"])
    two = propose(personnel, teacher, campuses["hongqi"])
    services.rotation_approve(user=personnel, rotation=one)
    with pytest.raises(ValidationError):
        services.rotation_approve(user=personnel, rotation=two)
    two.refresh_from_db()
    assert two.status == Rotation.Status.PROPOSED


def test_rejection_needs_a_reason(campuses, teacher, personnel):
    rotation = propose(personnel, teacher, campuses["taojiang"])
    with pytest.raises(ValidationError) as exc:
        services.rotation_reject(user=personnel, rotation=rotation, note="  ")
    assert "note" in exc.value.error_dict


def test_completed_rotation_cannot_be_approved_again(campuses, teacher, personnel):
    rotation = propose(personnel, teacher, campuses["taojiang"])
    services.rotation_reject(user=personnel, rotation=rotation, note="编制不足")
    with pytest.raises(ValidationError):
        services.rotation_approve(user=personnel, rotation=rotation)


def test_vp_cannot_propose_between_two_other_campuses(campuses, personnel, vp_longxiang):
    hongqi_teacher = StaffMemberFactory(home_campus=campuses["hongqi"])
    with pytest.raises(PermissionDenied):
        propose(vp_longxiang, hongqi_teacher, campuses["taojiang"])
    # Towards their own campus is allowed: exchange is multi-directional.
    assert propose(vp_longxiang, hongqi_teacher, campuses["longxiang"]).pk


def test_withdraw_by_proposer_only(campuses, teacher, vp_longxiang, vp_taojiang):
    rotation = propose(vp_longxiang, teacher, campuses["taojiang"])
    with pytest.raises(PermissionDenied):
        services.rotation_withdraw(user=vp_taojiang, rotation=rotation)
    assert (
        services.rotation_withdraw(user=vp_longxiang, rotation=rotation).status == Rotation.Status.WITHDRAWN
    )


def test_mentor_is_not_own_mentee(campuses, teacher, vp_longxiang):
    with pytest.raises(ValidationError) as exc:
        services.mentorship_create(
            user=vp_longxiang,
            mentor=teacher,
            mentee=teacher,
            campus=campuses["longxiang"],
            start_on=D(2026, 9, 1),
            end_on=D(2027, 7, 1),
        )
    assert "mentee" in exc.value.error_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorshipFactory(mentor=teacher, mentee=teacher, campus=campuses["longxiang"])


def test_mentorship_end_after_start(campuses, teacher, vp_longxiang):
    mentee = StaffMemberFactory(home_campus=campuses["longxiang"])
    with pytest.raises(ValidationError) as exc:
        services.mentorship_create(
            user=vp_longxiang,
            mentor=teacher,
            mentee=mentee,
            campus=campuses["longxiang"],
            start_on=D(2026, 9, 1),
            end_on=D(2026, 1, 1),
        )
    assert "end_on" in exc.value.error_dict
    assert not Mentorship.objects.exists()


def test_vp_cannot_record_mentoring_on_another_campus(campuses, vp_longxiang):
    a, b = StaffMemberFactory.create_batch(2, home_campus=campuses["taojiang"])
    with pytest.raises(PermissionDenied):
        services.mentorship_create(
            user=vp_longxiang,
            mentor=a,
            mentee=b,
            campus=campuses["taojiang"],
            start_on=D(2026, 9, 1),
            end_on=D(2027, 7, 1),
        )


def test_vp_cannot_move_staff_to_another_campus(campuses, teacher, vp_longxiang):
    teacher.home_campus = campuses["taojiang"]
    with pytest.raises(PermissionDenied):
        services.staff_member_save(user=vp_longxiang, member=teacher)


def test_bureau_official_cannot_edit_staff(teacher, bureau):
    teacher.name = "改名"
    with pytest.raises(PermissionDenied):
        services.staff_member_save(user=bureau, member=teacher)


def test_staff_number_is_unique_but_may_be_blank(campuses):
    StaffMemberFactory(staff_number="")
    StaffMemberFactory(staff_number="")
    StaffMemberFactory(staff_number="X1")
    with pytest.raises(ValidationError) as exc:
        StaffMemberFactory.build(staff_number="X1", home_campus=campuses["hongqi"]).full_clean()
    assert "Another staff member has this staff number." in str(exc.value)


def test_every_change_is_kept_with_who_made_it(campuses, teacher, vp_longxiang):
    from simple_history.utils import update_change_reason  # noqa: F401

    teacher.name = "新名字"
    teacher._history_user = vp_longxiang
    services.staff_member_save(user=vp_longxiang, member=teacher)
    latest = teacher.history.latest()
    assert latest.history_type == "~" and latest.history_user == vp_longxiang
    assert latest.diff_against(latest.prev_record).changed_fields == ["name"]
