"""Two browsers edit one staff member: the principal saves first; the vice-principal's save, made
from the page they opened before, is refused with who changed what, keeps what they typed, and
goes through when they save again. The same in the admin for the administrator."""

import pytest
from django.urls import reverse

from groupschool.demo_accounts import DEMO_PASSWORD
from staff.models import StaffMember

pytestmark = pytest.mark.e2e


def _signed_in(browser, base_url: str, username: str):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(base_url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base_url + reverse("home"))
    return context, page


def test_the_second_save_is_refused_shown_and_reapplied(portal, browser, screenshot):
    member = StaffMember.objects.filter(home_campus__code="longxiang", is_active=True).order_by("pk").first()
    url = portal + reverse("staff:member_update", args=[member.pk])
    first_context, first = _signed_in(browser, portal, "principal")
    second_context, second = _signed_in(browser, portal, "vp-longxiang")
    try:
        first.goto(url)
        second.goto(url)

        first.fill("#id_position", "教研组长")
        first.get_by_role("button", name="保存").click()
        first.wait_for_url(portal + reverse("staff:member_detail", args=[member.pk]))

        second.fill("#id_position", "年级组长")
        second.get_by_role("button", name="保存").click()
        alert = second.locator("#conflict")
        alert.wait_for()
        assert "其他人修改了此记录" in alert.inner_text()
        row = alert.locator("tr", has_text="职务")
        assert "教研组长" in row.inner_text() and "年级组长" in row.inner_text()
        assert second.input_value("#id_position") == "年级组长"
        screenshot(second, "concurrent-edit-conflict")
        member.refresh_from_db()
        assert member.position == "教研组长"

        second.get_by_role("button", name="保存").click()
        second.wait_for_url(portal + reverse("staff:member_detail", args=[member.pk]))
        member.refresh_from_db()
        assert member.position == "年级组长"
    finally:
        first_context.close()
        second_context.close()


def test_the_admin_refuses_a_stale_save_too(portal, browser, screenshot):
    member = StaffMember.objects.filter(home_campus__code="taojiang").order_by("pk").first()
    url = portal + reverse("admin:staff_staffmember_change", args=[member.pk])
    first_context, first = _signed_in(browser, portal, "admin")
    second_context, second = _signed_in(browser, portal, "admin")
    try:
        first.goto(url)
        second.goto(url)
        first.fill("#id_position", "教务主任")
        first.locator("input[name=_save]").click()
        first.wait_for_url("**/admin/staff/staffmember/")

        second.fill("#id_position", "德育主任")
        second.locator("input[name=_save]").click()
        second.locator(".errornote, .errorlist").first.wait_for()
        assert "未保存" in second.content()
        screenshot(second, "concurrent-edit-admin")
        member.refresh_from_db()
        assert member.position == "教务主任"

        second.locator("input[name=_save]").click()
        second.wait_for_url("**/admin/staff/staffmember/")
        member.refresh_from_db()
        assert member.position == "德育主任"
    finally:
        first_context.close()
        second_context.close()
