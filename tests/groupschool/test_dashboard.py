"""The home dashboard: campus cards, charts data and policy rules, within the user's scope."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from staff.models import Distinction, Rotation
from tests.campuses.factories import CampusFactory, EnrollmentSnapshotFactory
from tests.staff.factories import DistinctionFactory, MentorshipFactory, RotationFactory, StaffMemberFactory

HOME = reverse("home")
#: Figures computed: session, user, roles, figures version, campuses, policy rules, enrollment,
#: staff, exchanges (fewer when cached: tests/test_dashboard_cache.py); then the answers with
#: nothing published: schemes, the plan, rectifications, funds (campuses, pupils, budgets).
QUERIES = 15
#: With the answers (groupschool/dashboard.py), cached figures: session, user, roles, version,
#: campuses; schemes, band counts, ranking rows (two when summarised), last year's; the plan;
#: rectifications; funds (campuses, pupils, budgets). Group leadership: its scope and sub-tasks.
ANSWER_QUERIES = 22


def chart_data(response):
    content = response.content.decode()
    start = content.index('<script id="dashboard-data" type="application/json">')
    start = content.index(">", start) + 1
    return json.loads(content[start : content.index("</script>", start)])


@pytest.fixture
def figures(campuses):
    """Enrollment of the plan's three campuses; staff and one exchange from 红旗 to 桃江."""
    for campus, sizes in (
        (campuses["hongqi"], [52, 58, 67]),
        (campuses["longxiang"], [44, 46]),
        (campuses["taojiang"], [40]),
    ):
        EnrollmentSnapshotFactory(
            campus=campus, grade=1, classes=len(sizes), pupils=sum(sizes), class_sizes=sizes
        )
    teachers = [StaffMemberFactory(home_campus=campuses["hongqi"]) for _ in range(10)]
    DistinctionFactory(staff=teachers[0], kind=Distinction.Kind.BACKBONE)
    MentorshipFactory(mentor=teachers[0], mentee=teachers[1], campus=campuses["hongqi"])
    RotationFactory(
        staff=teachers[0],
        to_campus=campuses["taojiang"],
        status=Rotation.Status.ACTIVE,
        start_on=datetime.date(2025, 9, 1),
    )
    StaffMemberFactory(home_campus=campuses["longxiang"])
    return campuses


def test_anonymous_is_sent_to_login(client, plan):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_bureau_sees_all_three_campuses_of_the_plan(figures, client_as):
    response = client_as("bureau").get(HOME, {"year": 2025})
    assert response.status_code == 200
    content = response.content.decode()
    for name in ("红旗校区", "龙翔校区", "桃江校区", "龙师附小教育集团", "龙师附小"):
        assert name in content
    data = chart_data(response)
    assert data["campuses"] == ["红旗校区", "龙翔校区", "桃江校区"]
    assert data["average"] == [59.0, 45.0, 40.0]
    assert data["standard"] == [45, 45, 45]
    assert data["big_share"] == [66.7, 0.0, 0.0]
    assert data["super_big_share"] == [33.3, 0.0, 0.0]
    assert data["ratio"] == [10.0, 0.0, None]  # 龙翔: one eligible, none exchanged
    assert data["ratio_target"] == 10.0
    assert data["backbone_share"] == [100.0, None, None]


def test_cards_show_the_figures_of_each_campus(figures, client_as):
    response = client_as("bureau").get(HOME, {"year": 2025})
    hongqi = next(card for card in response.context["cards"] if card["campus"].code == "hongqi")
    assert hongqi["enrollment"].pupils == 177
    assert hongqi["staff"].staff == 10
    assert hongqi["staff"].backbone == 1
    assert hongqi["staff"].mentorships == 1
    assert (hongqi["rotation"].exchanged, hongqi["rotation"].eligible) == (1, 10)
    assert response.context["rotations"].totals.exchanged == 1
    content = response.content.decode()
    assert "66.7 %" in content
    assert "33.3 %" in content


def test_vp_sees_only_own_campus(figures, client_as):
    response = client_as("vp-longxiang").get(HOME, {"year": 2025})
    assert response.status_code == 200
    content = response.content.decode()
    assert "龙翔校区" in content
    assert "红旗校区" not in content
    assert "桃江校区" not in content
    assert chart_data(response)["campuses"] == ["龙翔校区"]
    assert response.context["enrollment_total"].pupils == 90
    assert response.context["rotations"].totals.exchanged == 0


def test_group_leadership_sees_the_group(figures, client_as):
    response = client_as("principal").get(HOME)
    assert [c["campus"].code for c in response.context["cards"]] == ["hongqi", "longxiang", "taojiang"]


def test_outsider_sees_nothing(figures, outsider, client):
    client.force_login(outsider)
    response = client.get(HOME)
    assert response.status_code == 200
    content = response.content.decode()
    assert response.context["cards"] == []
    assert "红旗校区" not in content
    assert 'id="dashboard-data"' not in content
    assert response.context["quick_links"] == []


def test_policy_rules_are_shown_with_their_sources(figures, client_as):
    response = client_as("bureau").get(HOME)
    content = response.content.decode()
    keys = [rule.key for rule in response.context["policy_rules"]]
    assert {"big_class_from", "super_big_class_from", "rotation_share_target"} <= set(keys)
    assert "国发〔2016〕40号" in content


def test_quick_links_point_only_to_existing_pages(figures, client_as):
    links = client_as("bureau").get(HOME).context["quick_links"]
    urls = [link["url"] for link in links]
    assert reverse("campuses:campus_list") in urls
    assert reverse("campuses:policy") in urls


def test_charts_use_vendored_echarts_and_no_inline_script(figures, client_as):
    content = client_as("bureau").get(HOME).content.decode()
    assert "vendor/echarts/echarts.min.js" in content
    assert "js/dashboard.js" in content
    assert "<script>" not in content


def test_bad_year_falls_back_to_this_year(figures, client_as):
    response = client_as("bureau").get(HOME, {"year": "abc"})
    assert response.status_code == 200
    assert response.context["year"] == datetime.date.today().year


def test_queries_do_not_grow_with_campuses(bureau, client_as, django_assert_max_num_queries):
    client = client_as("bureau")

    def add_campuses(n):
        for _ in range(n):
            campus = CampusFactory()
            for grade in (1, 2):
                EnrollmentSnapshotFactory(campus=campus, grade=grade)
            person = StaffMemberFactory(home_campus=campus)
            DistinctionFactory(staff=person)
            RotationFactory(staff=person, to_campus=CampusFactory(), status=Rotation.Status.ACTIVE)

    add_campuses(3)
    client.get(HOME)
    with django_assert_max_num_queries(QUERIES):
        assert client.get(HOME).status_code == 200
    add_campuses(9)
    with django_assert_max_num_queries(QUERIES):
        response = client.get(HOME)
    assert len(response.context["cards"]) >= 12


def test_city_dashboard_pages_campus_cards_but_totals_count_every_campus(bureau, client_as, monkeypatch):
    from campuses.models import Campus
    from groupschool import views
    from tests.campuses.factories import CampusFactory

    monkeypatch.setattr(views, "DASHBOARD_CARDS_PER_PAGE", 2)
    CampusFactory.create_batch(3)
    total = Campus.objects.count()
    client = client_as("bureau")
    first = client.get("/")
    assert first.context["campus_count"] == total
    assert len(first.context["cards"]) == 2 and len(first.context["chart"]["campuses"]) == 2
    last = client.get(f"/?page={first.context['page_obj'].paginator.num_pages}")
    shown = {card["campus"].pk for card in last.context["cards"]}
    assert shown and not shown & {card["campus"].pk for card in first.context["cards"]}
    assert "?year=" in first.content.decode() and "page=2" in first.content.decode()


# --- The answers to the bureau's questions (groupschool/dashboard.py) ---------------------------

YEAR = 2026


def _publish(year, points, bureau, supervisor):
    """A published scheme of `year` ranking every school with a peer category: one indicator,
    `points` per school code (others: 30)."""
    from evaluation.models import Scheme, Score
    from evaluation.services import evaluatees_sync, results_compute_now, scheme_publish
    from tests.evaluation.factories import IndicatorFactory, SchemeFactory

    scheme = SchemeFactory(name=f"{year}年度集团考核", year=year, status=Scheme.Status.DRAFT)
    indicator = IndicatorFactory(scheme=scheme, code="A1", max_points=100)
    evaluatees_sync(scheme=scheme)
    Score.objects.bulk_create(
        Score(
            indicator=indicator,
            evaluatee=evaluatee,
            evaluator=supervisor,
            points=points.get(evaluatee.code, 30),
        )
        for evaluatee in scheme.evaluatees.all()
    )
    results_compute_now(scheme=scheme)
    Scheme.objects.filter(pk=scheme.pk).update(status=Scheme.Status.CLOSED)
    scheme_publish(user=bureau, scheme=Scheme.objects.get(pk=scheme.pk))
    return scheme


@pytest.fixture
def ranked(campuses, bureau, supervisor):
    """龙师附小 and 东湖小学 (another group's school) and 西山小学 (in no group), peers of one
    category: 2026 ranks 龙师附小 first (优秀), 2025 ranked it last."""
    from campuses.models import School
    from tests.campuses.factories import EducationGroupFactory, SchoolFactory

    longshi = School.objects.get(campuses__code="hongqi")
    other = SchoolFactory(
        code="donghu",
        name="东湖小学",
        peer_category=longshi.peer_category,
        group=EducationGroupFactory(name="东湖教育集团"),
    )
    CampusFactory(school=other, name="东湖校区")
    SchoolFactory(code="xishan", name="西山小学", peer_category=longshi.peer_category)
    previous = _publish(YEAR - 1, {longshi.code: 50, "donghu": 90, "xishan": 70}, bureau, supervisor)
    current = _publish(YEAR, {longshi.code: 95, "donghu": 40, "xishan": 70}, bureau, supervisor)
    return {"longshi": longshi, "donghu": other, "current": current, "previous": previous}


def _answers(response):
    content = response.content.decode()
    start = content.index('id="dashboard-answers"')
    return content[start : content.index('id="dashboard-totals"', start)]


def test_bureau_sees_rank_and_band_of_every_group_school_both_years(ranked, client_as):
    from evaluation.models import Evaluatee

    response = client_as("bureau").get(HOME, {"year": YEAR})
    ranking = response.context["answers"].ranking
    assert ranking.scheme == ranked["current"] and ranking.previous_scheme == ranked["previous"]
    rows = {row.evaluatee.code: row for row in ranking.rows}
    assert set(rows) == {ranked["longshi"].code, "donghu"}  # 西山小学 belongs to no group
    longshi = rows[ranked["longshi"].code]
    assert (longshi.result.rank, longshi.result.peer_size, longshi.result.band) == (1, 3, "excellent")
    assert (longshi.previous.rank, longshi.previous.band) == (3, "fail")
    assert (rows["donghu"].result.rank, rows["donghu"].previous.rank) == (3, 1)
    html = _answers(response)
    assert "1 of 3" in html or "第 1" in html
    for year in (YEAR, YEAR - 1):
        evaluatee = Evaluatee.objects.get(scheme__year=year, code=ranked["longshi"].code)
        assert reverse("evaluation:evaluatee_detail", args=[evaluatee.pk]) + "?published=1" in html
    assert reverse("evaluation:results", args=[ranked["current"].pk]) + "?published=1" in html


def test_vp_sees_the_rank_of_their_own_school_only(ranked, client_as):
    response = client_as("vp-longxiang").get(HOME, {"year": YEAR})
    ranking = response.context["answers"].ranking
    assert [row.evaluatee.code for row in ranking.rows] == [ranked["longshi"].code]
    assert "东湖小学" not in _answers(response)


def test_city_size_ranking_summarises_with_band_counts_and_a_link(ranked, client_as, monkeypatch):
    from groupschool import dashboard

    monkeypatch.setattr(dashboard, "FULL_ROWS", 1)
    monkeypatch.setattr(dashboard, "ENDS", 1)
    response = client_as("bureau").get(HOME, {"year": YEAR})
    ranking = response.context["answers"].ranking
    assert ranking.summarised and not ranking.rows
    assert [row.evaluatee.code for row in ranking.top] == [ranked["longshi"].code]
    assert [row.evaluatee.code for row in ranking.bottom] == ["donghu"]
    assert dict((band, n) for band, _label, n in ranking.bands)["excellent"] == 1
    assert ranking.total == 2
    html = _answers(response)
    assert (
        reverse("evaluation:results", args=[ranked["current"].pk]) + "?published=1&amp;band=excellent" in html
    )


def test_no_published_results_says_what_to_do(campuses, client_as):
    from tests.evaluation.factories import SchemeFactory

    scheme = SchemeFactory(year=YEAR, name="本年度考核")
    bureau = _answers(client_as("bureau").get(HOME, {"year": YEAR}))
    assert 'id="dash-ranking-empty"' in bureau
    assert reverse("evaluation:scheme_detail", args=[scheme.pk]) in bureau
    vp = _answers(client_as("vp-longxiang").get(HOME, {"year": YEAR}))
    assert 'id="dash-ranking-empty"' in vp
    assert reverse("evaluation:scheme_detail", args=[scheme.pk]) not in vp
    scheme.delete()
    assert reverse("evaluation:scheme_create") in _answers(client_as("supervisor").get(HOME, {"year": YEAR}))


def test_exchange_gap_per_campus_against_the_target(figures, client_as):
    response = client_as("bureau").get(HOME, {"year": 2025})
    panel = response.context["exchange"]
    gaps = {row.campus.code: row.gap for row in panel.rows}
    # 红旗: 1 of 10 eligible exchanged (10 %, met); 龙翔: 0 of 1 (one more needed); 桃江: nobody.
    assert gaps == {"hongqi": 0, "longxiang": 1, "taojiang": 0}
    assert (panel.met, panel.below, panel.nobody_eligible, panel.gap) == (1, 1, 1, 1)
    html = _answers(response)
    longxiang = figures["longxiang"]
    assert f"{reverse('staff:rotation_list')}?from_campus={longxiang.pk}&amp;year=2025" in html
    assert "还需 1 人" in html


@pytest.fixture
def funds(campuses):
    from sharing.models import Allocation, Budget, BudgetLine, Spending

    line = BudgetLine.objects.order_by("order").first() or BudgetLine.objects.create(
        code="public", name="公用经费"
    )
    budget = Budget.objects.create(school=campuses["hongqi"].school, year=YEAR, line=line, amount="3600000")
    Allocation.objects.create(budget=budget, campus=campuses["hongqi"], amount="1500000")
    Allocation.objects.create(budget=budget, campus=campuses["longxiang"], amount="1234567.5")
    Spending.objects.create(
        line=line,
        campus=campuses["longxiang"],
        spent_on=datetime.date(YEAR, 3, 1),
        amount="1000000",
        purpose="设备",
    )
    return campuses


def test_funds_per_campus_with_thousands_separators(funds, client_as):
    html = _answers(client_as("bureau").get(HOME, {"year": YEAR}))
    assert "1,500,000.00" in html and "1,234,567.50" in html and "1,000,000.00" in html
    assert "2,734,567.50" in html  # allocated in total
    assert f"{reverse('sharing:funds')}?year={YEAR}" in html


def test_vp_sees_only_their_campus_funds(funds, client_as):
    response = client_as("vp-hongqi").get(HOME, {"year": YEAR})
    panel = response.context["answers"].funds
    assert [row.campus.code for row in panel.rows] == ["hongqi"]
    assert "1,234,567.50" not in _answers(response)


def test_nothing_allocated_says_who_allocates(campuses, client_as):
    principal = _answers(client_as("principal").get(HOME, {"year": YEAR}))
    assert 'id="dash-funds-empty"' in principal and reverse("sharing:budget_list") in principal
    bureau = _answers(client_as("bureau").get(HOME, {"year": YEAR}))
    assert 'id="dash-funds-empty"' in bureau and reverse("sharing:budget_list") not in bureau


@pytest.fixture
def plan_items(campuses):
    from planning.models import Measure, Phase, Status
    from tests.planning.factories import MeasureFactory, SubTaskFactory, plan_group
    from tests.supervision.factories import RectificationFactory, SupervisionVisitFactory

    past = Phase.objects.create(
        group=plan_group(),
        code="dash-past",
        order=90,
        name="过去的阶段",
        plan_period="2020年",
        start_on=datetime.date(2020, 1, 1),
        end_on=datetime.date(2020, 12, 31),
    )
    Measure.objects.all().delete()
    late = MeasureFactory(phase=past, progress=40)  # no date of its own: its phase has ended
    MeasureFactory(phase=past, progress=100, status=Status.DONE)  # finished: never overdue
    MeasureFactory(phase=past, due_on=datetime.date(2099, 1, 1), progress=20)  # its own date is later
    SubTaskFactory(measure=late, campus=campuses["longxiang"], due_on=None)  # takes the phase's end
    SubTaskFactory(measure=late, campus=campuses["hongqi"], due_on=datetime.date(2099, 1, 1))
    visit = SupervisionVisitFactory(campus=campuses["longxiang"])
    RectificationFactory(visit=visit, due_on=datetime.date(2020, 6, 1))
    RectificationFactory(visit=visit, due_on=datetime.date(2099, 6, 1))
    return campuses


def test_plan_progress_by_phase_with_overdue_counts(plan_items, client_as):
    response = client_as("bureau").get(HOME)
    plan = response.context["answers"].plan
    phase = next(block for block in plan.phases if block.phase and block.phase.code == "dash-past")
    assert (len(phase.measures), phase.overdue, phase.subtasks_overdue, phase.progress) == (3, 1, 1, 53)
    assert (plan.overdue, plan.subtasks_overdue) == (1, 1)
    html = _answers(response)
    assert f"{reverse('planning:measure_list')}?status=overdue" in html
    assert reverse("planning:measure_detail", args=[phase.measures[0].pk]) in html
    assert response.context["answers"].rectifications == {"open": 2, "overdue": 1}


def test_vp_sees_their_campus_sub_tasks_due_and_overdue(plan_items, client_as):
    response = client_as("vp-longxiang").get(HOME)
    answers = response.context["answers"]
    assert answers.plan is None
    assert (answers.subtasks.open, answers.subtasks.overdue) == (1, 1)
    assert [s.campus.code for s in answers.subtasks.next] == ["longxiang"]
    assert answers.rectifications == {"open": 2, "overdue": 1}
    assert client_as("vp-hongqi").get(HOME).context["answers"].rectifications == {"open": 0, "overdue": 0}


HREF = re.compile(r'href="([^"#]+)')


@pytest.mark.parametrize("username", ["bureau", "supervisor", "personnel", "principal", "vp-longxiang"])
def test_every_link_of_the_answers_opens_for_the_role(ranked, funds, plan_items, client_as, username):
    client = client_as(username)
    html = _answers(client.get(HOME, {"year": YEAR}))
    links = {href.replace("&amp;", "&") for href in HREF.findall(html)}
    assert len(links) > 8
    for link in links:
        assert client.get(link).status_code == 200, link


def test_answers_queries_do_not_grow_with_schools_and_campuses(
    ranked, funds, plan_items, client_as, django_assert_max_num_queries, bureau, supervisor
):
    from campuses.models import School
    from evaluation.models import Scheme
    from tests.campuses.factories import EducationGroupFactory, SchoolFactory

    def grow(n):
        peer = School.objects.get(campuses__code="hongqi").peer_category
        for _ in range(n):
            school = SchoolFactory(peer_category=peer, group=EducationGroupFactory())
            campus = CampusFactory(school=school)
            StaffMemberFactory(home_campus=campus)
        Scheme.objects.all().delete()
        _publish(YEAR - 1, {}, bureau, supervisor)
        _publish(YEAR, {}, bureau, supervisor)

    for client in (client_as("bureau"), client_as("principal")):
        client.get(HOME, {"year": YEAR})
        with django_assert_max_num_queries(ANSWER_QUERIES) as small:
            client.get(HOME, {"year": YEAR})
        small = len(small)
        grow(14)  # past the rows drawn in full: the summary's two queries instead of one
        client.get(HOME, {"year": YEAR})  # the figures of the new campuses, cached
        with django_assert_max_num_queries(small + 1):
            response = client.get(HOME, {"year": YEAR})
        assert response.status_code == 200
