"""In a real browser: sign in through the login form, and see only what the role allows."""

import pytest
from django.urls import reverse

from groupschool.demo_accounts import DEMO_PASSWORD
from staff.models import StaffMember

pytestmark = pytest.mark.e2e


def _log_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + reverse("home"))
    # Anonymous visitors land on the login page, in Chinese by default.
    assert reverse("login") in page.url
    assert page.get_by_role("button", name="登录").is_visible()
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base_url + reverse("home"))


def test_vp_longxiang_sees_only_longxiang(portal, page, screenshot):
    _log_in(page, portal, "vp-longxiang")
    main = page.locator("main")
    assert "龙翔校区" in main.inner_text()
    assert "桃江校区" not in main.inner_text()
    assert "红旗校区" not in main.inner_text()
    screenshot(page, "vp-longxiang-dashboard")

    page.goto(portal + reverse("staff:member_list"))
    rows = page.locator("table tbody tr")
    assert rows.count() > 0
    for text in rows.all_inner_texts():
        assert "龙翔校区" in text
    assert "桃江校区" not in page.locator("main").inner_text()
    screenshot(page, "vp-longxiang-staff-list")

    taojiang_member = StaffMember.objects.filter(home_campus__code="taojiang").first()
    response = page.goto(portal + reverse("staff:member_detail", args=[taojiang_member.pk]))
    assert response.status == 404
    assert taojiang_member.name not in page.content()
    screenshot(page, "vp-longxiang-taojiang-member-404")


def test_bureau_sees_all_three_campuses(portal, page, screenshot):
    _log_in(page, portal, "bureau")
    text = page.locator("main").inner_text()
    for campus in ("红旗校区", "龙翔校区", "桃江校区"):
        assert campus in text
    screenshot(page, "bureau-dashboard")

    for url_name, name in (
        ("staff:member_list", "bureau-staff-list"),
        ("staff:rotation_list", "bureau-rotation-list"),
        ("campuses:campus_list", "bureau-campus-list"),
    ):
        page.goto(portal + reverse(url_name))
        assert page.locator("table tbody tr").count() > 0
        screenshot(page, name)
