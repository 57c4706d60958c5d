"""Changes made through the admin are kept in history with the user who made them: records,
roles (Django groups) and campus access (guardian object permissions)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from guardian.models import UserObjectPermission

from campuses.models import Campus
from kernel.concurrency import revision_data
from kernel.models import PolicySetting
from kernel.roles import CAMPUS_PERMISSION, Role
from staff.models import StaffMember
from tests.staff import factories as staff_factories

from .forms import change_form_data, inline_prefix

HistoricalPermission = UserObjectPermission.history.model


def _change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=(obj.pk,))


def test_admin_change_of_a_staff_member_records_who_changed_it(campuses, admin_user, client_as):
    member = staff_factories.StaffMemberFactory(home_campus=campuses["hongqi"], name="周七")
    client = client_as("admin")
    data = change_form_data(client.get(_change_url(member)))
    data["name"] = "周七七"
    response = client.post(_change_url(member), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = member.history.latest()
    assert latest.name == "周七七"
    assert latest.history_user == admin_user
    assert latest.history_type == "~"


def test_admin_change_of_a_policy_setting_records_who_changed_it(plan, admin_user, client_as):
    setting = PolicySetting.objects.create(key="big_class_from", value=56)
    client = client_as("admin")
    data = {"key": "big_class_from", "value": "55", "note": "省定", **revision_data(setting)}
    response = client.post(_change_url(setting), data)
    assert response.status_code == 302
    assert setting.history.latest().history_user == admin_user
    assert [row.value for row in setting.history.order_by("history_date")] == [56, 55]


def test_changing_a_users_roles_leaves_a_history_row(plan, vp_longxiang, admin_user, client_as):
    client = client_as("admin")
    url = _change_url(vp_longxiang)
    data = change_form_data(client.get(url))
    personnel = Group.objects.get(name=Role.PERSONNEL)
    data["groups"] = [str(personnel.pk)]
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = vp_longxiang.history.latest()
    assert latest.history_user == admin_user
    assert [row.group.name for row in latest.groups.all()] == [Role.PERSONNEL]


def test_granting_and_withdrawing_campus_access_in_the_campus_admin_leaves_history(
    campuses, outsider, admin_user, client_as
):
    taojiang = campuses["taojiang"]
    client = client_as("admin")
    response = client.get(_change_url(taojiang))
    prefix = inline_prefix(response, UserObjectPermission)
    data = change_form_data(response)
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    data[f"{prefix}-{total}-user"] = str(outsider.pk)
    response = client.post(_change_url(taojiang), data)
    assert response.status_code == 302, response.context["errors"]

    assert outsider.has_perm(CAMPUS_PERMISSION, taojiang)
    assert outsider.groups.filter(name=Role.CAMPUS_VP).exists()  # the service gives the role too
    granted = HistoricalPermission.objects.get(user_id=outsider.pk, history_type="+")
    assert granted.history_user == admin_user
    assert granted.object_pk == str(taojiang.pk)

    response = client.get(_change_url(taojiang))
    data = change_form_data(response)
    row = next(
        index
        for index, form in enumerate(inline_formset(response, prefix).forms)
        if form.instance.user_id == outsider.pk
    )
    data[f"{prefix}-{row}-DELETE"] = "on"
    response = client.post(_change_url(taojiang), data)
    assert response.status_code == 302
    assert not UserObjectPermission.objects.filter(user=outsider).exists()
    withdrawn = HistoricalPermission.objects.get(user_id=outsider.pk, history_type="-")
    assert withdrawn.history_user == admin_user


def inline_formset(response, prefix):
    return next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.prefix == prefix)


def test_user_page_shows_roles_campus_access_and_its_history(plan, vp_taojiang, client_as):
    response = client_as("admin").get(_change_url(vp_taojiang))
    assert response.status_code == 200
    page = response.content.decode()
    assert "桃江校区" in page  # the campus this account manages, and the grant in its history
    assert page.count("桃江校区") >= 2
    assert reverse("admin:groupschool_historicaluserobjectpermission_changelist") in page


def test_user_list_shows_roles(plan, client_as):
    client = client_as("admin")
    response = client.get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 200
    rows = {user.username: user for user in response.context["cl"].result_list}
    model_admin = response.context["cl"].model_admin
    assert str(Role.CAMPUS_VP.label) in model_admin.roles(rows["vp-hongqi"])


def test_access_history_list_filters_by_user(plan, vp_hongqi, vp_taojiang, client_as):
    url = reverse("admin:groupschool_historicaluserobjectpermission_changelist")
    response = client_as("admin").get(url, {"user": vp_hongqi.pk})
    assert response.status_code == 200
    users = {row.user_id for row in response.context["cl"].result_list}
    assert users == {vp_hongqi.pk}


def test_access_history_is_read_only(plan, client_as):
    row = HistoricalPermission.objects.first()
    response = client_as("admin").post(_change_url_history(row), {})
    assert response.status_code == 403


def _change_url_history(row):
    return reverse("admin:groupschool_historicaluserobjectpermission_change", args=(row.pk,))


@pytest.mark.parametrize("model", [StaffMember, Campus])
def test_history_page_of_a_record_loads_for_the_admin(campuses, client_as, model):
    obj = (
        staff_factories.StaffMemberFactory(home_campus=campuses["hongqi"])
        if model is StaffMember
        else campuses["hongqi"]
    )
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=(obj.pk,))
    assert client_as("admin").get(url).status_code == 200
