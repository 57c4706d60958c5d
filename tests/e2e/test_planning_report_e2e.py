"""In a real browser: vp-taojiang files a progress report on a 桃江 sub-task; bureau then sees the
progress on the timeline (chart drawn with the vendored ECharts, no script errors)."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse

from groupschool.demo_accounts import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).parent / "screenshots"


def log_in(page, base_url, username):
    page.goto(base_url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()


def test_vp_taojiang_reports_and_bureau_sees_it_on_the_timeline(portal, page):
    from campuses.models import Campus
    from planning.models import Measure, SubTask

    task = SubTask.objects.create(
        measure=Measure.objects.get(code="三(一)1"),
        campus=Campus.objects.get(code="taojiang"),
        title="桃江校区明确执行副校长",
        due_on=datetime.date(2030, 9, 1),
    )
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    log_in(page, portal, "vp-taojiang")
    page.goto(portal + reverse("planning:my_work"))
    # Links and buttons found by address, whatever the interface language.
    page.locator(f"a[href^='{reverse('planning:subtask_report', args=[task.pk])}']").click()
    page.fill("#id_percent", "60")
    page.fill("#id_text", "已明确桃江校区执行副校长人选")
    page.locator("main form button[type=submit]").click()
    # Back to 我的工作, where the next sub-task waits; the report is on the measure's page.
    page.wait_for_url(f"**{reverse('planning:my_work')}")
    page.goto(portal + reverse("planning:measure_detail", args=[task.measure_id]))
    assert "已明确桃江校区执行副校长人选" in page.locator("main").inner_text()

    page.context.clear_cookies()
    log_in(page, portal, "bureau")
    page.goto(portal + reverse("planning:timeline"))
    page.wait_for_selector("#planning-timeline canvas")
    data = page.evaluate("JSON.parse(document.getElementById('timeline-data').textContent)")
    row = next(r for r in data["rows"] if r["label"].strip().endswith(task.title))
    assert row["progress"] == 60 and row["status"] == "in_progress"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "planning-timeline-bureau.png"), full_page=True)
    assert errors == []
