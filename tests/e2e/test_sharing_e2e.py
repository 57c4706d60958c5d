"""In a real browser: 红旗's vice-principal shares a lesson plan; 桃江's downloads it and the use is
counted for 桃江 (优质资源共享)."""

import pytest
from django.urls import reverse

from campuses.models import Campus
from groupschool.demo_accounts import DEMO_PASSWORD
from sharing.models import ResourceUse, TeachingResource

pytestmark = pytest.mark.e2e


def _log_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base_url + reverse("home"))


def test_lesson_plan_shared_by_hongqi_is_counted_when_taojiang_downloads_it(
    portal, browser, page, screenshot, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    hongqi = Campus.objects.get(code="hongqi")
    lesson = tmp_path / "qiutian.txt"
    lesson.write_text("《秋天》第一课时教学设计", encoding="utf-8")

    _log_in(page, portal, "vp-hongqi")
    page.goto(portal + reverse("sharing:resource_create"))
    page.fill("#id_title", "《秋天》教学设计")
    page.select_option("#id_kind", "lesson_plan")
    page.select_option("#id_subject", "chinese")
    page.fill("#id_grade", "3")
    page.select_option("#id_author", index=1)
    page.select_option("#id_campus", str(hongqi.pk))
    page.set_input_files("#id_file", str(lesson))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/sharing/resources/*/")
    resource = TeachingResource.objects.get(title="《秋天》教学设计")
    assert resource.campus == hongqi
    screenshot(page, "sharing-vp-hongqi-uploaded")

    context = browser.new_context(locale="zh-CN", accept_downloads=True)
    other = context.new_page()
    other.set_default_timeout(10_000)
    try:
        _log_in(other, portal, "vp-taojiang")
        other.goto(portal + reverse("sharing:resource_list"))
        other.get_by_role("link", name="《秋天》教学设计").click()
        with other.expect_download() as download_info:
            other.click("#resource-download")
        download = download_info.value
        assert download.suggested_filename.endswith(".txt")
        assert open(download.path(), encoding="utf-8").read() == "《秋天》第一课时教学设计"
        use = ResourceUse.objects.get(resource=resource)
        assert (use.campus.code, use.kind, use.user.username) == ("taojiang", "download", "vp-taojiang")
        other.reload()
        assert (
            other.locator('#uses-by-campus td[data-campus="桃江校区"][data-kind="download"]').inner_text()
            == "1"
        )
        screenshot(other, "sharing-vp-taojiang-downloaded")
    finally:
        context.close()

    page.goto(portal + reverse("sharing:resource_sharing"))
    row = page.locator('#sharing-matrix tr[data-campus="hongqi"]')
    assert row.locator('[data-field="share"]').inner_text().startswith("100")
    screenshot(page, "sharing-matrix")
