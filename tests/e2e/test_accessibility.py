"""axe-core on the main pages, as the role that uses each: no critical or serious violation.

Also the chrome every page shares: the navbar on one line at 1366 px, the phone menu at 390 px,
and the admin pages that depend on JavaScript under the Content-Security-Policy.
"""

from decimal import Decimal

import pytest

from tests.e2e.axe import describe, run_axe, serious

PASSWORD = "demo-2026"


def _log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _assert_accessible(page, name, screenshot):
    screenshot(page, f"a11y-{name}")
    violations = serious(run_axe(page))
    assert violations == [], f"{name}:\n{describe(violations)}"


@pytest.fixture
def assessment(portal):
    """The plan's scheme, open, with the supervisor's points on one leaf for every school,
    computed: a score grid and a school's breakdown to look at."""
    from django.contrib.auth import get_user_model

    from evaluation.models import Indicator, Scheme, Score
    from evaluation.services import evaluatees_sync, results_compute_now, score_save

    supervisor = get_user_model().objects.get(username="supervisor")
    scheme = Scheme.objects.order_by("-year", "-pk").first()
    assert scheme is not None, "the plan's data has an assessment scheme"
    evaluatees_sync(scheme=scheme)
    if scheme.status != Scheme.Status.OPEN:
        Scheme.objects.filter(pk=scheme.pk).update(status=Scheme.Status.OPEN)
        scheme.refresh_from_db()
    leaf = (
        Indicator.objects.filter(scheme=scheme, kind=Indicator.Kind.SCORED, children__isnull=True)
        .order_by("order", "pk")
        .first()
    )
    # The demo may have scored the cell already: save over its current version.
    versions = dict(
        Score.objects.filter(indicator=leaf, evaluator=supervisor).values_list("evaluatee_id", "version")
    )
    for evaluatee in scheme.evaluatees.all():
        score_save(
            user=supervisor,
            indicator=leaf,
            evaluatee=evaluatee,
            points=min(leaf.max_points, Decimal("3.50")),
            version=versions.get(evaluatee.pk),
        )
    results_compute_now(scheme=scheme, user=supervisor)
    return scheme


def test_login_page_is_accessible(portal, page, screenshot):
    page.goto(f"{portal}/accounts/login/")
    _assert_accessible(page, "login", screenshot)


@pytest.mark.parametrize(
    ("username", "path", "name"),
    [
        ("bureau", "/", "dashboard-bureau"),
        ("vp-longxiang", "/", "dashboard-vp"),
        ("personnel", "/staff/", "staff-list"),
        ("personnel", "/staff/rotations/", "rotation-list"),
        ("principal", "/planning/", "timeline"),
        ("principal", "/sharing/funds/", "funds"),
        ("vp-longxiang", "/sharing/spending/", "spending"),
        ("principal", "/sharing/budgets/", "budgets"),
    ],
)
def test_main_pages_are_accessible(portal, page, screenshot, username, path, name):
    _log_in(page, portal, username)
    page.goto(f"{portal}{path}")
    _assert_accessible(page, name, screenshot)


def test_score_grid_and_breakdown_are_accessible(portal, assessment, page, screenshot):
    from django.urls import reverse

    _log_in(page, portal, "supervisor")
    page.goto(portal + reverse("evaluation:score_grid", args=(assessment.pk,)))
    _assert_accessible(page, "score-grid", screenshot)
    page.goto(portal + reverse("evaluation:results", args=(assessment.pk,)))
    _assert_accessible(page, "results", screenshot)
    evaluatee = assessment.evaluatees.order_by("pk").first()
    page.goto(portal + reverse("evaluation:evaluatee_detail", args=(evaluatee.pk,)))
    _assert_accessible(page, "breakdown", screenshot)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_navbar_holds_on_one_line_at_1366_px(portal, browser, language):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        # The longest name among the demo accounts, with the most menu sections (the admin).
        _log_in(page, portal, "admin")
        if language == "en":
            page.click(".portal-user")
            page.click("button[name=language][value=en]")
            page.wait_for_load_state()
            assert page.locator("html").get_attribute("lang") == "en"
        height = page.evaluate("() => document.querySelector('nav.navbar').getBoundingClientRect().height")
        assert height < 70, f"the navbar wraps: {height} px high"
        # The active menu item: exactly one, the dashboard.
        dashboard = page.locator("nav a.nav-link").first.inner_text()
        assert page.locator("nav a.active").all_inner_texts() == [dashboard]
    finally:
        context.close()


def test_the_vice_principal_uses_the_menu_on_a_phone(portal, browser, screenshot):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        _log_in(page, portal, "vp-longxiang")
        page.click(".navbar-toggler")
        page.get_by_role("button", name="工作计划").click()
        link = page.locator('#nav a[href="/planning/my-work/"]')
        link.wait_for(state="visible")
        screenshot(page, "phone-menu-vp")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"the page is wider than the phone: {width} px"
        link.click()
        page.wait_for_url(f"{portal}/planning/my-work/")
        assert page.locator("nav a.dropdown-item.active").all_inner_texts() == ["我的工作"]
        assert page.locator("nav a.dropdown-toggle.active").count() == 1  # and its section
    finally:
        context.close()


def test_admin_export_select_all_works_under_the_csp(portal, page, screenshot):
    blocked = []
    page.on("console", lambda msg: blocked.append(msg.text) if "Content Security" in msg.text else None)
    _log_in(page, portal, "admin")
    page.goto(f"{portal}/admin/staff/staffmember/export/")
    columns = page.locator('.selectable-field-export-row input[type="checkbox"]')
    assert columns.count() > 5
    page.click("#select-all-toggle")
    assert all(not box.is_checked() for box in columns.all())
    page.click("#select-all-toggle")
    assert all(box.is_checked() for box in columns.all())
    columns.nth(2).click()
    assert not page.locator("#select-all-toggle").is_checked()
    screenshot(page, "admin-export")
    assert blocked == []


def test_admin_import_shows_each_error_beside_its_row_and_column(portal, page, screenshot, tmp_path):
    sheet = tmp_path / "staff.csv"
    sheet.write_text(
        '工号,名称,"性别（F=女, M=男）",所在校区\nT9001,张一,F,hongqi\nT9002,李二,X,nowhere\n',
        encoding="utf-8",
    )
    _log_in(page, portal, "admin")
    page.goto(f"{portal}/admin/staff/staffmember/import/")
    page.set_input_files("input[type=file]", str(sheet))
    page.select_option("select[name=format]", label="csv")
    page.click("input[type=submit]")
    page.wait_for_selector(".portal-import-errors")
    screenshot(page, "admin-import-errors")
    headers = page.locator(".portal-import-errors thead th").all_inner_texts()
    assert "所在校区" in headers and "性别" in headers
    row = page.locator(".portal-import-errors tbody tr")
    assert row.count() == 1
    assert row.locator("th").inner_text().strip() == "2"
    flagged = row.locator("td.portal-cell-error .portal-cell-value").all_inner_texts()
    assert sorted(flagged) == ["X", "nowhere"]
    text = row.inner_text()
    assert "没有编码为“nowhere”的校区。" in text  # in Chinese, beside the row and in the cell
    assert "不是有效选项" in text
    assert "某些行验数据证失败" not in page.content()
    assert "部分行未通过校验" in page.content()
