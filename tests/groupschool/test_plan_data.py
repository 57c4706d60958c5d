import pytest

from campuses.models import Campus, EducationGroup, School
from groupschool.plan_data import plan_data_load
from staff.models import LeadingGroup, LeadingGroupMembership, StaffMember, Unit

pytestmark = pytest.mark.django_db


def test_plan_data_loads_the_group_school_and_three_campuses():
    plan_data_load()
    group = EducationGroup.objects.get()
    assert group.name == "龙师附小教育集团"
    assert group.governance_mode == EducationGroup.Governance.UNIFIED
    school = School.objects.get()
    assert group.core_school == school and school.name == "龙师附小"
    campuses = {c.name: c for c in Campus.objects.all()}
    assert set(campuses) == {"红旗校区", "龙翔校区", "桃江校区"}
    assert campuses["红旗校区"].is_core
    assert campuses["龙翔校区"].opened_on.year == 2023
    assert campuses["桃江校区"].opened_on.year == 2024


def test_leading_group_is_exactly_as_the_plan_names_it():
    plan_data_load()
    leading_group = LeadingGroup.objects.get()
    roles = {
        role: [m.person.name for m in leading_group.memberships.filter(role=role).order_by("order")]
        for role in ("leader", "deputy", "member")
    }
    assert roles == {
        "leader": ["郭建龙"],
        "deputy": ["郭兰英", "曹荣华", "赖祥飞", "陈乐文", "廖显平"],
        "member": ["熊俊彦", "李拥青", "叶娟", "胡勇", "彭小华", "廖志强", "叶智福"],
    }
    assert leading_group.office_director.name == "叶智福"
    assert leading_group.office_location == "龙师附小"


def test_bureau_units_of_the_plan():
    plan_data_load()
    offices = set(Unit.objects.filter(kind=Unit.Kind.BUREAU_OFFICE).values_list("name", flat=True))
    assert offices == {"党政办", "人事股", "财会股", "教育股", "督导室", "教研室"}


def test_loading_twice_creates_nothing_new():
    first = plan_data_load()
    counts = [m.objects.count() for m in (Campus, School, StaffMember, LeadingGroupMembership, Unit)]
    second = plan_data_load()
    assert sum(first.values()) > 0
    assert sum(second.values()) == 0
    assert counts == [m.objects.count() for m in (Campus, School, StaffMember, LeadingGroupMembership, Unit)]


def test_loading_keeps_an_administrators_change():
    plan_data_load()
    Campus.objects.filter(code="longxiang").update(address="龙翔大道1号")
    plan_data_load()
    assert Campus.objects.get(code="longxiang").address == "龙翔大道1号"
