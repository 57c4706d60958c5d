"""The home dashboard: campus cards, charts data and policy rules, within the user's scope."""

import datetime
import json

import pytest
from django.urls import reverse

from staff.models import Distinction, Rotation
from tests.factories import (
    CampusFactory,
    DistinctionFactory,
    EnrollmentSnapshotFactory,
    MentorshipFactory,
    RotationFactory,
    StaffMemberFactory,
)

HOME = reverse("home")
#: Figures computed: session, user, roles, figures version, campuses, policy rules, enrollment,
#: staff, exchanges (fewer when cached: tests/test_dashboard_cache.py)
QUERIES = 9


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
    from tests.factories import CampusFactory

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
