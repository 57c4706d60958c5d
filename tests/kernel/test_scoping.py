"""The one door: Model.objects.for_user(user) for every role."""

import pytest
from django.contrib.auth.models import AnonymousUser

from campuses.models import Campus, EducationGroup, School
from staff.models import CrossCampusActivity, Rotation, StaffMember
from tests.staff.factories import CrossCampusActivityFactory, RotationFactory, StaffMemberFactory


@pytest.fixture
def teachers(campuses):
    return {code: StaffMemberFactory(home_campus=campus) for code, campus in campuses.items()}


def names(queryset):
    return sorted(str(x) for x in queryset)


def test_vp_sees_only_own_campus_staff(teachers, vp_longxiang):
    assert list(StaffMember.objects.for_user(vp_longxiang)) == [teachers["longxiang"]]


def test_vp_sees_only_own_campus(campuses, vp_longxiang):
    assert list(Campus.objects.for_user(vp_longxiang)) == [campuses["longxiang"]]


def test_bureau_roles_see_everything(teachers, bureau, supervisor, personnel, admin_user):
    other = StaffMemberFactory()  # a campus of another school
    for user in (bureau, supervisor, personnel, admin_user):
        visible = set(StaffMember.objects.for_user(user))
        assert set(teachers.values()) | {other} <= visible


def test_principal_sees_own_group_only(teachers, principal):
    other = StaffMemberFactory()
    visible = set(StaffMember.objects.for_user(principal))
    assert set(teachers.values()) <= visible
    assert other not in visible
    assert list(EducationGroup.objects.for_user(principal)) == [EducationGroup.objects.get(code="longshi")]


def test_anonymous_and_roleless_users_see_nothing(teachers, outsider):
    assert not StaffMember.objects.for_user(AnonymousUser()).exists()
    assert not StaffMember.objects.for_user(outsider).exists()


def test_vp_sees_rotations_from_and_to_own_campus(campuses, teachers, vp_longxiang):
    outgoing = RotationFactory(staff=teachers["longxiang"], to_campus=campuses["taojiang"])
    incoming = RotationFactory(staff=teachers["hongqi"], to_campus=campuses["longxiang"])
    elsewhere = RotationFactory(
        staff=StaffMemberFactory(home_campus=campuses["hongqi"]), to_campus=campuses["taojiang"]
    )
    visible = set(Rotation.objects.for_user(vp_longxiang))
    assert visible == {outgoing, incoming}
    assert elsewhere not in visible


def test_many_valued_scope_does_not_repeat_rows(campuses, vp_longxiang):
    activity = CrossCampusActivityFactory(host_campus=campuses["longxiang"])
    activity.campuses.set([campuses["longxiang"], campuses["hongqi"]])
    assert list(CrossCampusActivity.objects.for_user(vp_longxiang)) == [activity]
    assert list(School.objects.for_user(vp_longxiang)) == [campuses["longxiang"].school]


def test_scope_is_computed_once_per_user_object(teachers, vp_longxiang, django_assert_num_queries):
    StaffMember.objects.for_user(vp_longxiang).count()
    with django_assert_num_queries(1):
        StaffMember.objects.for_user(vp_longxiang).count()


def test_school_with_several_campuses_appears_once(campuses, principal, vp_longxiang):
    from campuses.models import School

    assert School.objects.for_user(principal).count() == 1
    assert School.objects.for_user(vp_longxiang).count() == 1
