"""The admin speaks the portal's name and language: header, roles, permissions, django-axes,
the access history of an account, import headers and errors."""

import pytest
import tablib
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from groupschool.admin import permission_label, permission_name
from kernel.roles import Role
from staff.models import StaffMember
from staff.resources import StaffMemberResource

from .forms import change_form_data

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_the_admin_carries_the_portals_name(plan, client_as):
    page = client_as("admin").get(reverse("admin:index"), **ZH).content.decode()
    assert "集团化办学管理平台" in page
    assert "Django" not in page
    # django-axes ships no Chinese: its section and models are named in ours.
    assert "登录限制" in page and "登录尝试" in page and "Access attempts" not in page


def test_default_permissions_are_named_in_the_interface_language(plan):
    add_staff = Permission.objects.get(codename="add_staffmember")
    manage_campus = Permission.objects.get(codename="manage_campus")
    with translation.override("zh-hans"):
        assert permission_name(add_staff) == "可以添加教职工"
        assert permission_name(manage_campus) == "管理校区：查看并填报该校区数据"
        assert permission_label(add_staff) == "教职工 | 可以添加教职工"
    with translation.override("en"):
        assert permission_name(add_staff) == "Can add staff member"


def test_the_user_page_offers_roles_and_permissions_by_their_labels(plan, client_as, vp_longxiang):
    response = client_as("admin").get(reverse("admin:auth_user_change", args=(vp_longxiang.pk,)), **ZH)
    form = response.context["adminform"].form
    roles = dict((str(value), label) for value, label in form.fields["groups"].choices)
    bureau = Group.objects.get(name=Role.BUREAU)
    assert roles[str(bureau.pk)] == "教育局领导"
    labels = [label for _value, label in form.fields["user_permissions"].choices]
    assert "教职工 | 可以添加教职工" in labels
    assert not any("Can add" in label for label in labels)


def test_the_role_filter_and_the_group_list_show_role_labels(plan, client_as):
    client = client_as("admin")
    users = client.get(reverse("admin:auth_user_changelist"), **ZH).content.decode()
    role_filter = users[users.index('id="changelist-filter"') :]
    assert "?role=" in role_filter and "校区执行副校长" in role_filter
    assert "campus_vp" not in role_filter and "group_leadership" not in role_filter
    groups = client.get(reverse("admin:auth_group_changelist"), **ZH).content.decode()
    assert "教育局领导" in groups and "评估员" in groups


def test_the_role_and_access_history_of_an_account_is_shown(plan, client_as, vp_longxiang):
    """The history used to be "-": the method raised AttributeError on its prefetch."""
    client = client_as("admin")
    url = reverse("admin:auth_user_change", args=(vp_longxiang.pk,))
    data = change_form_data(client.get(url))
    data["groups"] = [str(Group.objects.get(name=Role.PERSONNEL).pk)]
    assert client.post(url, data).status_code == 302
    # A save that leaves the roles as they were (a new name) adds no line.
    data = change_form_data(client.get(url))
    data["first_name"] = "改名"
    assert client.post(url, data).status_code == 302

    page = client.get(url, **ZH).content.decode()
    history = page[page.index("角色与权限变更记录") :]
    assert "角色：人事股" in history
    assert "角色：校区执行副校长" in history
    assert history.count("角色：人事股") == 1
    assert "管理校区：查看并填报该校区数据" in history  # the campus access, in Chinese
    assert "Manage the campus" not in page


def test_the_admins_javascript_strings_are_completed_in_chinese(plan, client_as):
    script = client_as("admin").get(reverse("admin:jsi18n"), **ZH).content.decode()
    assert "\\u9009\\u62e9\\u5168\\u90e8" in script or "选择全部" in script  # "Choose all %s"


def test_the_export_page_has_no_inline_handler(plan, client_as):
    page = client_as("admin").get(reverse("admin:staff_staffmember_export"), **ZH).content.decode()
    assert "onchange=" not in page and "onclick=" not in page
    assert "js/admin-export.js" in page
    assert 'id="select-all-toggle"' in page
    assert ">工号</label>" in page  # the columns by their names, not "Staff Number"


def test_export_headers_name_the_columns_and_explain_their_codes(plan):
    with translation.override("zh-hans"):
        headers = StaffMemberResource().get_export_headers()
    assert headers[0] == "工号"
    assert "性别（F=女, M=男）" in headers
    assert "所在校区（填校区的编码）" in headers
    assert "在岗（1=是，0=否）" in headers


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_exported_sheet_imports_again_in_either_language(plan, campuses, language):
    from tests.staff.factories import StaffMemberFactory

    StaffMemberFactory(staff_number="R1", name="往返", home_campus=campuses["hongqi"])
    with translation.override(language):
        sheet = StaffMemberResource().export(StaffMember.objects.filter(staff_number="R1"))
    sheet = tablib.Dataset(*[tuple(row) for row in sheet], headers=sheet.headers)
    StaffMember.objects.filter(staff_number="R1").update(name="改过")
    with translation.override("zh-hans" if language == "en" else "en"):
        result = StaffMemberResource().import_data(sheet)
    assert not result.has_errors() and not result.has_validation_errors(), [
        row.error_dict for row in result.invalid_rows
    ]
    assert StaffMember.objects.get(staff_number="R1").name == "往返"


def test_import_errors_are_in_chinese_beside_their_row_and_cell(plan, client_as):
    content = "工号,名称,所在校区\nT9001,张一,hongqi\nT9002,李二,nowhere\n".encode()
    response = client_as("admin").post(
        reverse("admin:staff_staffmember_import"),
        {"resource": "0", "format": "1", "import_file": SimpleUploadedFile("staff.csv", content)},
        **ZH,
    )
    page = response.content.decode()
    assert "部分行未通过校验" in page
    assert "某些行验数据证失败" not in page  # django-import-export's own misspelt heading
    errors = page[page.index("portal-import-errors") :]
    assert "<strong>所在校区</strong>: 没有编码为“nowhere”的校区。" in errors
    assert '<td class="portal-cell-error"' in errors
    assert '<span class="portal-cell-value">nowhere</span>' in errors
