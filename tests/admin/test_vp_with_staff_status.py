"""A campus executive vice-principal who was (wrongly) given staff status and model
permissions still reaches only their own campus through the admin."""

import csv
import io

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from campuses.models import Campus
from kernel.admin_base import ScopedAdmin
from kernel.models import PolicySetting
from kernel.scoping import rule_for
from staff.models import ResponsibilityAssignment, StaffMember, StudioMembership
from tests.campuses import factories as campuses_factories
from tests.campuses.factories import ExpansionApplicationFactory
from tests.staff import factories as staff_factories

PORTAL_APPS = ("groupschool", "campuses", "staff")
#: Records of the whole group (the plan has one group): every campus of it reaches them.
GROUP_LEVEL = {"educationgroup", "school", "leadinggroup", "leadinggroupmembership", "leadershippost"}


def _url(model, action="changelist", *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.fixture
def vp_staff(vp_hongqi):
    """vp-hongqi with staff status and every view/change/add permission of the portal's models."""
    vp_hongqi.is_staff = True
    vp_hongqi.save()
    vp_hongqi.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=PORTAL_APPS).exclude(
            codename__startswith="delete_"
        )
    )
    return vp_hongqi


@pytest.fixture
def rows_on_every_campus(campuses):
    """One record of each campus-owned kind on each campus."""
    codes = list(campuses)
    for index, code in enumerate(codes):
        campus = campuses[code]
        other = campuses[codes[(index + 1) % len(codes)]]
        staff = staff_factories.StaffMemberFactory(home_campus=campus, name=f"{campus.name}教师")
        staff_factories.DistinctionFactory(staff=staff)
        staff_factories.MentorshipFactory(mentor=staff, mentee__home_campus=campus, campus=campus)
        campuses_factories.EnrollmentSnapshotFactory(campus=campus)
        staff_factories.StaffingQuotaFactory(campus=campus)
        studio = staff_factories.StudioFactory(leader=staff, campus=campus)
        StudioMembership.objects.create(studio=studio, member=staff)
        staff_factories.ResearchProjectFactory(leader=staff, campus=campus)
        staff_factories.CrossCampusActivityFactory(host_campus=campus)
        staff_factories.RotationFactory(staff=staff, from_campus=campus, to_campus=other)
        ResponsibilityAssignment.objects.create(
            group=campus.school.group, area="safety", campus=campus, person=staff
        )
    # An application to admit a school into the group: its leadership's, no campus's.
    group = campuses["hongqi"].school.group
    ExpansionApplicationFactory(target_group=group, school=campuses_factories.SchoolFactory())
    return campuses


PORTAL_ADMINS = sorted(
    (
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PORTAL_APPS and isinstance(model_admin, ScopedAdmin)
    ),
    key=lambda pair: pair[0]._meta.label,
)


@pytest.mark.parametrize(
    "model, model_admin", PORTAL_ADMINS, ids=[model._meta.label for model, _ in PORTAL_ADMINS]
)
def test_vp_changelist_shows_only_rows_of_their_campus(
    rows_on_every_campus, vp_staff, client_as, model, model_admin
):
    response = client_as("vp-hongqi").get(_url(model))
    assert response.status_code == 200
    shown = {obj.pk for obj in response.context["cl"].result_list}
    rule = rule_for(model)
    if rule.everyone or rule.bureau_only:
        return  # reference data (peer categories, units, policy settings): read-only, below
    hongqi = rows_on_every_campus["hongqi"]
    # What reaches 红旗: its own records, and the group-wide records of its group.
    condition = Q(pk__in=[])
    for lookup in rule.campus:
        condition |= Q(**{f"{lookup}__in": [hongqi.pk]})
    for lookup in rule.group:
        if rule.members_read:  # else the group's records are its leadership's, not its campuses'
            condition |= rule.shared_condition() & Q(**{lookup: hongqi.school.group_id})
    for lookup in rule.school:
        condition |= rule.shared_condition() & Q(**{lookup: hongqi.school_id})
    reaching_hongqi = set(model._base_manager.filter(condition).values_list("pk", flat=True))
    assert shown <= reaching_hongqi
    assert bool(shown) == bool(reaching_hongqi)
    if model._meta.model_name not in GROUP_LEVEL:
        # There are rows of other campuses, and they are not shown.
        assert model._base_manager.exclude(pk__in=reaching_hongqi).exists()


def test_vp_cannot_open_another_campus_record(rows_on_every_campus, vp_staff, client_as):
    client = client_as("vp-hongqi")
    own = StaffMember.objects.get(name="红旗校区教师")
    other = StaffMember.objects.get(name="桃江校区教师")
    assert client.get(_url(StaffMember, "change", own.pk)).status_code == 200
    response = client.get(_url(StaffMember, "change", other.pk))
    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert response.url == reverse("admin:index")
    assert client.get(_url(StaffMember, "history", other.pk)).status_code == 404
    history_id = other.history.first().history_id
    assert client.get(_url(StaffMember, "simple_history", other.pk, history_id)).status_code == 404
    taojiang = rows_on_every_campus["taojiang"]
    assert client.get(_url(Campus, "change", taojiang.pk)).status_code == 302


def test_vp_cannot_move_a_teacher_to_another_campus(rows_on_every_campus, vp_staff, client_as):
    client = client_as("vp-hongqi")
    own = StaffMember.objects.get(name="红旗校区教师")
    response = client.get(_url(StaffMember, "change", own.pk))
    choices = response.context["adminform"].form.fields["home_campus"].queryset
    assert list(choices) == [rows_on_every_campus["hongqi"]]


def test_vp_export_of_staff_has_no_taojiang_row(rows_on_every_campus, vp_staff, client_as):
    from staff.resources import StaffMemberResource

    data = {"format": "1", "resource": "0"}
    data |= {f"staffmemberresource_{name}": "on" for name in StaffMemberResource().get_export_order()}
    response = client_as("vp-hongqi").post(_url(StaffMember, "export"), data)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows
    with translation.override("zh-hans"):  # the page's language: the columns are headed in it
        resource = StaffMemberResource()
        campus_column = resource.column_header(resource.fields["home_campus"])
    assert {row[campus_column] for row in rows} == {"hongqi"}
    assert "桃江" not in response.content.decode("utf-8-sig")


def test_vp_may_not_import(rows_on_every_campus, vp_staff, client_as):
    assert client_as("vp-hongqi").get(_url(StaffMember, "import")).status_code == 403


def test_vp_cannot_change_reference_data(plan, vp_staff, client_as):
    setting = PolicySetting.objects.create(key="big_class_from", value=56)
    client = client_as("vp-hongqi")
    response = client.post(_url(PolicySetting, "change", setting.pk), {"key": "big_class_from", "value": "1"})
    assert response.status_code == 403
    setting.refresh_from_db()
    assert setting.value == 56


def test_vp_without_staff_status_is_sent_to_the_admin_login(plan, client_as):
    response = client_as("vp-hongqi").get(_url(StaffMember))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url
