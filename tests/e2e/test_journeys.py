"""Every role's day, end to end in Chromium (issue 12): each journey signs in, starts from the
dashboard and goes on only by following links and buttons as a user does (found by their address,
or by the form they submit), counting the clicks. On every page it reaches it checks that no
script error was raised and runs axe-core: 0 critical and 0 serious violations.

Screenshots of every page go to tests/e2e/screenshots/journey-<role>-<step>-<page>.png, and the
click counts and axe findings of the last run to tests/e2e/screenshots/journeys.json, for a person
to look at.
"""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from groupschool.demo_accounts import DEMO_PASSWORD
from tests.e2e.axe import describe, run_axe, serious

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).parent / "screenshots"
SUMMARY = SCREENSHOTS / "journeys.json"
VIEWPORT = {"width": 1366, "height": 768}
CJK = re.compile(r"[\u4e00-\u9fff]")


class Journey:
    """One role's way through the portal: clicks counted from the dashboard, a screenshot and an
    axe-core run on every page reached, script errors collected."""

    def __init__(self, page, base_url: str, role: str):
        self.page = page
        self.base_url = base_url
        self.role = role
        self.clicks = 0
        self.steps: list[dict] = []
        self.script_errors: list[str] = []
        self.blocking: dict[str, list[dict]] = {}
        page.on("pageerror", lambda error: self.script_errors.append(f"{page.url}: {error}"))

    # Pages ----------------------------------------------------------------------------------

    def start(self) -> None:
        """Sign in (the only address typed) and land on the dashboard."""
        page = self.page
        page.goto(self.base_url + reverse("login"))
        self.check("login")
        page.fill("#id_username", self.role)
        page.fill("#id_password", DEMO_PASSWORD)
        with page.expect_navigation() as navigation:
            page.locator("main form button[type=submit], form button[type=submit]").first.click()
        assert navigation.value.ok, f"{self.role}: the dashboard answers {navigation.value.status}"
        assert page.url == self.base_url + reverse("home"), f"{self.role} lands on {page.url}"
        self.check("dashboard")

    def check(self, name: str) -> None:
        """Screenshot the page as it stands and run axe-core on it."""
        page = self.page
        page.wait_for_load_state("load")
        step = f"{len(self.steps):02d}-{name}"
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"journey-{self.role}-{step}.png"), full_page=True)
        violations = run_axe(page)
        blocking = serious(violations)
        if blocking:
            self.blocking[f"{name} {page.url}"] = blocking
        self.steps.append(
            {
                "step": step,
                "url": page.url.removeprefix(self.base_url),
                "clicks": self.clicks,
                "axe": {v["id"]: v.get("impact") for v in violations},
            }
        )

    # Moving on ------------------------------------------------------------------------------

    def click(self, locator, name: str | None = None) -> None:
        """Click a link or button; with `name`, it opens a page, which is then checked."""
        assert locator.count() >= 1, f"{self.role}: nothing to click on {self.page.url}: {locator}"
        target = locator.first
        target.scroll_into_view_if_needed()
        if name is None:
            target.click()
            self.clicks += 1
            return
        with self.page.expect_navigation() as navigation:
            target.click()
        self.clicks += 1
        response = navigation.value
        assert response is None or response.ok, (
            f"{self.role}: {name} answers {response.status} ({self.page.url})"
        )
        self.check(name)

    def link(self, href: str, name: str, *, exact: bool = True) -> None:
        """Follow a link to `href` shown in the page's content, else through the menu."""
        selector = f"a[href='{href}']" if exact else f"a[href^='{href}']"
        in_page = self.page.locator(f"main {selector}").filter(visible=True)
        if in_page.count():
            self.click(in_page, name)
        else:
            self.menu(href, name)

    def menu(self, href: str, name: str) -> None:
        """Open the menu that holds `href` and follow it (two clicks)."""
        item = self.page.locator(f"nav a[href='{href}']")
        assert item.count() >= 1, f"{self.role}: no menu item leads to {href} (on {self.page.url})"
        section = self.page.locator("nav li.dropdown", has=self.page.locator(f"a[href='{href}']"))
        if section.count() and not item.first.is_visible():
            self.click(section.first.get_by_role("button").first)
        self.click(item, name)

    def submit(self, action: str, name: str, *, within=None) -> None:
        """Press the submit button of the form posting to `action`."""
        scope = within or self.page
        self.click(scope.locator(f"form[action='{action}'] [type=submit]"), name)

    # End ------------------------------------------------------------------------------------

    def finish(self) -> None:
        """Record the journey, then: no script error, no critical or serious axe violation."""
        summary = json.loads(SUMMARY.read_text(encoding="utf-8")) if SUMMARY.exists() else {}
        summary[self.role] = {
            "clicks": self.clicks,
            "steps": self.steps,
            "script_errors": self.script_errors,
            "blocking": {page: [v["id"] for v in found] for page, found in self.blocking.items()},
        }
        SCREENSHOTS.mkdir(exist_ok=True)
        SUMMARY.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
        assert self.script_errors == []
        assert self.blocking == {}, "\n".join(
            f"{page}:\n{describe(found)}" for page, found in self.blocking.items()
        )


@pytest.fixture
def journey(portal, browser):
    """journey(role): a signed-in Chinese-speaking user of `role` on the dashboard, at 1366 × 768."""
    contexts = []

    def begin(role: str) -> Journey:
        context = browser.new_context(locale="zh-CN", viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        trip = Journey(page, portal, role)
        trip.start()
        return trip

    yield begin
    for context in contexts:
        context.close()


def _choose(page, selector: str, text: str) -> None:
    """Choose the option of a select whose label contains `text`, as a user reading them does."""
    options = page.locator(f"{selector} option")
    labels = options.all_inner_texts()
    matches = [i for i, label in enumerate(labels) if text in label]
    assert matches, f"{selector} offers no “{text}”: {labels}"
    page.select_option(selector, index=matches[0])


def _main_text(page) -> str:
    return page.locator("main").inner_text()


def _in_sight(locator) -> bool:
    """Whether the element is drawn where a user sees it: on top at its own centre, not hidden,
    clipped or covered."""
    if not locator.count():
        return False
    locator.scroll_into_view_if_needed()
    return locator.evaluate(
        """e => {
            const r = e.getBoundingClientRect();
            if (!r.width || !r.height) return false;
            const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return top !== null && (e === top || e.contains(top));
        }"""
    )


def _fits_the_width(page) -> list[str]:
    """Tables of the page whose cells go past the window or are cut by a scrolling box."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const problems = [];
            for (const table of document.querySelectorAll('main table')) {
                const box = table.parentElement;
                if (box.scrollWidth > box.clientWidth + 1) {
                    problems.push('scrolls: ' + table.rows[0].innerText);
                }
                for (const cell of table.querySelectorAll('th, td')) {
                    const r = cell.getBoundingClientRect();
                    if (r.width && r.right > width + 1) {
                        problems.push('past the window: ' + cell.innerText);
                        break;
                    }
                }
            }
            return problems;
        }"""
    )


# Bureau ---------------------------------------------------------------------------------------


def test_bureau_finds_the_groups_rank_and_the_schools_breakdown(journey):
    from evaluation.models import Evaluatee, Scheme
    from groupschool.demo.common import Y
    from groupschool.demo.story import PLAN_SCHOOL

    scheme = Scheme.objects.get(year=Y, target_kind="schools", status=Scheme.Status.PUBLISHED)
    school = Evaluatee.objects.get(scheme=scheme, code=PLAN_SCHOOL)
    trip = journey("bureau")

    # The dashboard answers at a glance: this year's rank of the plan's group, and last year's.
    dashboard = _main_text(trip.page)
    assert school.name in dashboard and str(Y) in dashboard and str(Y - 1) in dashboard

    trip.link(reverse("evaluation:results", args=[scheme.pk]), "ranking", exact=False)
    assert "published=1" in trip.page.url
    row = trip.page.locator(
        "main table tbody tr",
        has=trip.page.locator(f"a[href^='{reverse('evaluation:evaluatee_detail', args=[school.pk])}']"),
    )
    assert row.count() == 1, "the published ranking lists the plan's school"
    assert school.name in row.inner_text()

    trip.click(row.locator("a[href^='/evaluation/evaluatees/']"), "breakdown")
    text = _main_text(trip.page)
    assert school.name in text
    leaves = scheme.indicators.filter(children__isnull=True, kind="scored").order_by("order", "code")
    for indicator in leaves[:5]:
        assert indicator.code in text
    assert _fits_the_width(trip.page) == [], "every number of the breakdown shows at 1366 px"
    assert trip.clicks == 2
    trip.finish()


# Supervision office ---------------------------------------------------------------------------


def test_supervisor_scores_reconciles_computes_and_publishes(journey):
    from evaluation.models import Evaluatee, Indicator, Scheme, Score
    from groupschool.demo.common import Y

    scheme = Scheme.objects.get(year=Y, target_kind="campuses", status=Scheme.Status.OPEN)
    detail = reverse("evaluation:scheme_detail", args=[scheme.pk])
    trip = journey("supervisor")

    trip.link(reverse("evaluation:scheme_list"), "schemes")
    trip.click(trip.page.locator(f"main a[href='{detail}']"), "scheme")
    trip.click(
        trip.page.locator(f"main a[href='{reverse('evaluation:score_grid', args=[scheme.pk])}']"), "grid"
    )

    # A value typed on the grid's last row and saved with Enter is there after a reload.
    page = trip.page
    last_row = page.locator("main table tbody tr").last
    cell = last_row.locator("input[data-indicator]").first
    cell.scroll_into_view_if_needed()
    evaluatee = Evaluatee.objects.get(scheme=scheme, pk=cell.get_attribute("data-evaluatee"))
    indicator = Indicator.objects.get(scheme=scheme, pk=cell.get_attribute("data-indicator"))
    assert evaluatee.name in last_row.inner_text()
    value = min(Decimal("9.50"), indicator.max_points)
    cell.click()
    trip.clicks += 1
    cell.fill(f"{value.normalize()}")
    with page.expect_response(lambda r: r.request.method == "POST" and "/scores/save/" in r.url) as saved:
        cell.press("Enter")
    assert saved.value.ok
    mark = cell.locator("xpath=ancestor::td[1]").get_by_text("\u2713")
    mark.wait_for()
    box, tick = cell.bounding_box(), mark.bounding_box()
    assert tick["x"] >= box["x"] + box["width"] - 1 or tick["y"] >= box["y"] + box["height"] - 1, (
        "the saved mark sits beside the number, not over it"
    )
    page.reload()
    trip.check("grid-reloaded")
    cell = page.locator(f"main input[data-indicator='{indicator.pk}'][data-evaluatee='{evaluatee.pk}']")
    assert cell.input_value() == f"{value:.2f}"
    assert cell.evaluate("e => e.scrollWidth <= e.clientWidth"), "the value shows whole"
    assert (
        Score.objects.get(evaluatee=evaluatee, indicator=indicator, evaluator__username="supervisor").points
        == value
    )

    # The cell the evaluators disagree on (龙翔 2.1) is confirmed by the lead evaluator.
    trip.click(page.locator(f"main a[href='{detail}']"), "scheme-stale")
    trip.click(
        page.locator(f"main a[href='{reverse('evaluation:reconcile', args=[scheme.pk])}']"), "reconcile"
    )
    confirm = reverse("evaluation:cell_confirm", args=[scheme.pk])
    cell_card = page.locator("main section", has=page.locator(f"form[action='{confirm}']")).first
    assert "龙翔" in cell_card.inner_text() and "2.1" in cell_card.inner_text()
    form = cell_card.locator(f"form[action='{confirm}']")
    form.locator("[name$='points']").fill("12")
    form.locator("[name$='reason']").fill("复核：第三名评估员漏看龙翔校区师徒结对台账，按台账认定12分。")
    trip.click(form.locator("[type=submit]"), "reconciled")

    trip.click(page.locator(f"main a[href='{detail}']"), "scheme-to-compute")
    trip.submit(reverse("evaluation:scheme_compute", args=[scheme.pk]), "computed")
    if not page.url.endswith(detail):  # the run's page, while it runs
        page.wait_for_selector(f"main a[href='{detail}']")
        trip.click(page.locator(f"main a[href='{detail}']"), "scheme-computed")
    scheme.refresh_from_db()
    assert scheme.current_run is not None and not scheme.results_stale

    # Closing and publishing: one step from an open scheme.
    trip.submit(reverse("evaluation:scheme_publish", args=[scheme.pk]), "published")
    scheme.refresh_from_db()
    assert scheme.status == Scheme.Status.PUBLISHED
    assert page.locator("main [data-state='published']").count() == 1
    trip.finish()


# Personnel office ----------------------------------------------------------------------------


def test_personnel_approves_a_rotation_seeing_the_teachers_eligibility(journey):
    from staff.models import Rotation

    rotation = Rotation.objects.get(status=Rotation.Status.PROPOSED, proposed_by__username="vp-longxiang")
    trip = journey("personnel")

    trip.link(reverse("staff:rotation_list"), "rotations")
    trip.click(
        trip.page.locator(f"main a[href='{reverse('staff:rotation_detail', args=[rotation.pk])}']"),
        "rotation",
    )
    page = trip.page
    eligibility = page.locator("#rotation-eligibility [data-eligible]")
    assert eligibility.count() == 1, "the rotation page shows the teacher's eligibility"
    assert eligibility.get_attribute("data-eligible") in ("yes", "no")
    assert re.search(r"\d", eligibility.locator("[data-field=years]").inner_text()), "years at the campus"
    assert eligibility.locator("[data-field=backbone]").inner_text().strip()
    assert page.locator("#rotation-exchange [data-field=gap]").count() == 1, "the campus's gap to the target"

    page.locator("#approve-note").fill("符合交流条件，同意。")
    trip.submit(reverse("staff:rotation_approve", args=[rotation.pk]), "approved")
    rotation.refresh_from_db()
    assert rotation.status == Rotation.Status.APPROVED
    with translation.override("zh-hans"):
        assert rotation.get_status_display() in _main_text(page)
    assert trip.clicks == 3 or trip.clicks == 4  # the list in the page or through the menu
    trip.finish()


# Executive vice-principal of 龙翔 ------------------------------------------------------------


def test_vp_longxiang_reports_progress_proposes_a_rotation_and_records_spending(journey):
    from planning.models import ProgressReport, SubTask
    from sharing.models import Spending
    from staff.models import Rotation, StaffMember

    trip = journey("vp-longxiang")
    page = trip.page

    # 我的工作 → progress report on one of 龙翔's sub-tasks.
    trip.link(reverse("planning:my_work"), "my-work")
    report_links = page.locator("main a[href^='/planning/subtasks/'][href*='/report/']")
    assert report_links.count() >= 1, "我的工作 lists 龙翔's sub-tasks to report on"
    href = report_links.first.get_attribute("href")
    task = SubTask.objects.get(pk=int(re.search(r"/subtasks/(\d+)/report/", href).group(1)))
    assert task.campus.code == "longxiang"
    trip.click(report_links, "report-form")
    percent = min(100, (task.progress or 0) + 20)
    page.fill("#id_percent", str(percent))
    page.fill("#id_text", "龙翔校区已完成本月工作，台账已上传。")
    trip.click(page.locator("main form [type=submit]"), "reported")
    assert ProgressReport.objects.filter(
        subtask=task, percent=percent, author__username="vp-longxiang"
    ).exists()
    assert "龙翔校区已完成本月工作" in _main_text(page) or task.title in _main_text(page)

    # A rotation proposed, the teacher's eligibility shown as they are chosen.
    trip.link(reverse("staff:rotation_list"), "rotations")
    trip.click(page.locator(f"main a[href='{reverse('staff:rotation_create')}']"), "propose")
    busy = Rotation.objects.filter(status__in=["proposed", "approved", "active"]).values("staff")
    teacher = (
        StaffMember.objects.filter(home_campus__code="longxiang", is_active=True)
        .exclude(pk__in=busy)
        .order_by("on_campus_since", "pk")
        .first()
    )
    page.select_option("#id_staff", str(teacher.pk))
    page.wait_for_selector("#rotation-eligibility [data-eligible]")
    assert re.search(r"\d", page.locator("#rotation-eligibility [data-field=years]").inner_text())
    trip.check("propose-eligibility")
    _choose(page, "#id_to_campus", "桃江校区")
    start = datetime.date.today() + datetime.timedelta(days=60)
    page.fill("#id_start_on", start.isoformat())
    page.fill("#id_planned_end_on", start.replace(year=start.year + 1).isoformat())
    page.fill("#id_reason", "桃江校区数学学科缺少骨干，支援一学年。")
    trip.click(page.locator("main form [type=submit]"), "proposed")
    rotation = Rotation.objects.get(staff=teacher, status=Rotation.Status.PROPOSED)
    assert rotation.from_campus.code == "longxiang" and rotation.to_campus.code == "taojiang"

    # Spending recorded on 龙翔's allocation.
    before = Spending.objects.filter(campus__code="longxiang").count()
    trip.link(reverse("sharing:spending_list"), "spending", exact=False)
    trip.click(page.locator(f"main a[href='{reverse('sharing:spending_create')}']"), "spending-form")
    if page.locator("#id_campus").input_value() == "":
        _choose(page, "#id_campus", "龙翔校区")
    _choose(page, "#id_line", "公用经费")
    page.fill("#id_spent_on", datetime.date.today().isoformat())
    page.fill("#id_amount", "3860.00")
    page.fill("#id_purpose", "龙翔校区联合教研活动资料印制")
    trip.click(page.locator("main form [type=submit]"), "spent")
    assert Spending.objects.filter(campus__code="longxiang").count() == before + 1
    assert Spending.objects.filter(purpose="龙翔校区联合教研活动资料印制", amount=Decimal("3860")).exists()
    assert "3,860" in _main_text(page)
    trip.finish()


# Group's leadership -------------------------------------------------------------------------


def test_principal_plans_a_budget_allocates_it_and_assigns_a_subtask(journey):
    from campuses.models import School
    from groupschool.demo.common import Y
    from groupschool.demo.story import PLAN_SCHOOL
    from planning.models import Measure, SubTask
    from sharing.models import Allocation, Budget

    trip = journey("principal")
    page = trip.page

    # Funds of each campus, then next year's budget, and a campus's share of it.
    trip.link(reverse("sharing:funds"), "funds", exact=False)
    assert "龙翔校区" in _main_text(page)
    trip.click(page.locator(f"main a[href='{reverse('sharing:budget_create')}']"), "budget-form")
    _choose(page, "#id_school", School.objects.get(code=PLAN_SCHOOL).name)
    page.fill("#id_year", str(Y + 1))
    _choose(page, "#id_line", "公用经费")
    page.fill("#id_amount", "1200000")
    trip.click(page.locator("main form [type=submit]"), "budget")
    budget = Budget.objects.get(year=Y + 1)
    trip.click(
        page.locator(f"main a[href='{reverse('sharing:allocation_create', args=[budget.pk])}']"), "allocate"
    )
    _choose(page, "#id_campus", "龙翔校区")
    page.fill("#id_amount", "450000")
    trip.click(page.locator("main form [type=submit]"), "allocated")
    assert Allocation.objects.get(budget=budget, campus__code="longxiang").amount == Decimal("450000")
    assert "450,000" in _main_text(page)
    funds_clicks = trip.clicks

    # A sub-task of a measure assigned to 桃江.
    trip.link(reverse("home"), "dashboard-again")
    measure = Measure.objects.get(code="三(三)1")
    trip.link(reverse("planning:measure_list"), "measures")
    trip.click(
        page.locator(f"main a[href='{reverse('planning:measure_detail', args=[measure.pk])}']"), "measure"
    )
    trip.click(page.locator(f"main a[href^='{reverse('planning:subtask_create')}']"), "subtask-form")
    _choose(page, "#id_campus", "桃江校区")
    page.fill("#id_title", "桃江校区制定2027学年教师交流轮岗名单")
    page.fill("#id_due_on", datetime.date(Y + 1, 3, 31).isoformat())
    trip.click(page.locator("main form [type=submit]"), "subtask")
    task = SubTask.objects.get(title="桃江校区制定2027学年教师交流轮岗名单")
    assert task.campus.code == "taojiang" and task.measure == measure
    assert task.title in _main_text(page)
    assert funds_clicks <= 6 and trip.clicks - funds_clicks <= 5
    trip.finish()


# Administrator ------------------------------------------------------------------------------


def _staff_sheet(path: Path) -> tuple[str, str]:
    """A CSV sheet of two new teachers in the import's own columns (as exported), the second with
    a campus code that does not exist; returns both staff numbers."""
    from staff.models import StaffMember
    from staff.resources import StaffMemberResource

    resource = StaffMemberResource()
    with translation.override("zh-hans"):  # the sheet a Chinese-speaking administrator exports
        template = resource.export(StaffMember.objects.filter(home_campus__code="hongqi")[:1])
    headers = list(template.headers)
    good, bad = list(template[0]), list(template[0])
    attributes = [field.attribute for field in resource.get_export_fields()]
    number, campus = attributes.index("staff_number"), attributes.index("home_campus")
    good[number], bad[number] = "E2E001", "E2E002"
    bad[campus] = "nowhere"
    template.wipe()
    template.headers = headers
    template.append(good)
    template.append(bad)
    path.write_text(template.export("csv"), encoding="utf-8")
    return "E2E001", "E2E002"


def test_admin_imports_a_sheet_with_a_bad_row_and_sees_the_error_by_row_and_column(journey, tmp_path):
    from staff.models import StaffMember

    sheet = tmp_path / "staff.csv"
    numbers = _staff_sheet(sheet)
    before = StaffMember.objects.count()
    trip = journey("admin")
    page = trip.page

    trip.link(reverse("admin:index"), "admin")
    trip.click(page.locator(f"a[href='{reverse('admin:staff_staffmember_changelist')}']"), "staff")
    trip.click(page.locator(f"a[href='{reverse('admin:staff_staffmember_import')}']"), "import")
    page.set_input_files("#content input[type=file]", str(sheet))
    _choose(page, "#content select[name=format]", "csv")
    trip.click(page.locator("#content form [type=submit]"), "import-errors")

    assert StaffMember.objects.count() == before
    assert not StaffMember.objects.filter(staff_number__in=numbers).exists()
    # The bad row (row 2 under the header) is shown with its error in sight, in Chinese, naming
    # the campus column; the good row is not imported either.
    row = page.locator("#content tbody tr", has_text=numbers[1])
    assert row.count() == 1, "the bad row is listed"
    assert row.locator("td, th").first.inner_text().strip() == "2"
    error = row.locator("li, td, div, span").filter(has_text="“nowhere”").last
    assert _in_sight(error), "the error is shown next to its row, not hidden behind a badge"
    message = error.inner_text()
    assert CJK.search(message) and not re.search(r"[A-Za-z]{3,}", message.replace("nowhere", "")), message
    # Its column: the message sits in the campus column's cell, or names that column.
    column = error.evaluate("e => (e.closest('td') || {}).cellIndex")
    header = page.locator("#content thead tr").last.locator("th, td").nth(column).inner_text()
    assert "校区" in header or re.search(r"校区[^：:]*[：:]", message), (header, message)
    trip.finish()
