"""Education group pages: list and detail, scoped to the user."""

import pytest
from django.urls import reverse

from campuses.models import EducationGroup
from tests.campuses.factories import CampusFactory, EducationGroupFactory, SchoolFactory

LIST = reverse("campuses:group_list")


@pytest.fixture
def longshi(plan):
    return EducationGroup.objects.get(code="longshi")


@pytest.fixture
def other_group(plan):
    group = EducationGroupFactory(name="第九教育集团")
    CampusFactory(school=SchoolFactory(group=group, name="第九小学"), name="第九校区")
    return group


def test_anonymous_is_sent_to_login(client, longshi):
    for url in (LIST, reverse("campuses:group_detail", args=[longshi.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_bureau_lists_every_group_with_counts(longshi, other_group, client_as):
    response = client_as("bureau").get(LIST)
    assert response.status_code == 200
    rows = {g.name: (g.n_schools, g.n_campuses) for g in response.context["table"].data}
    assert rows == {"龙师附小教育集团": (1, 3), "第九教育集团": (1, 1)}


def test_vp_lists_own_group_counting_own_campus_only(longshi, other_group, client_as):
    response = client_as("vp-longxiang").get(LIST)
    rows = {g.name: (g.n_schools, g.n_campuses) for g in response.context["table"].data}
    assert rows == {"龙师附小教育集团": (1, 1)}


def test_outsider_lists_nothing(longshi, outsider, client):
    client.force_login(outsider)
    response = client.get(LIST)
    assert response.status_code == 200
    assert list(response.context["table"].data) == []
    assert client.get(reverse("campuses:group_detail", args=[longshi.pk])).status_code == 404


def test_group_list_filters_by_governance(longshi, other_group, client_as):
    other_group.governance_mode = EducationGroup.Governance.FEDERATED
    other_group.save()
    response = client_as("bureau").get(LIST, {"governance_mode": "federated"})
    assert [g.name for g in response.context["table"].data] == ["第九教育集团"]


def test_group_list_exports(longshi, client_as):
    client = client_as("bureau")
    response = client.get(LIST, {"_export": "csv"})
    assert response.status_code == 200
    assert "龙师附小教育集团" in response.content.decode("utf-8-sig")
    response = client.get(LIST, {"_export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_group_detail_shows_governance_schools_and_campuses(longshi, enrollment, client_as):
    school = longshi.schools.get()
    school.legal_representative = "郭建龙"
    school.credit_code = "12360100MB1234567X"
    school.bank_account = "3606 0000 1111"
    school.save()
    response = client_as("bureau").get(reverse("campuses:group_detail", args=[longshi.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    for text in ("郭建龙", "12360100MB1234567X", "3606 0000 1111", "红旗校区", "龙翔校区", "桃江校区"):
        assert text in content
    assert [row["campus"].code for row in response.context["figure_rows"]] == [
        "hongqi",
        "longxiang",
        "taojiang",
    ]
    assert response.context["enrollment_total"].pupils == 177 + 90 + 40


def test_vp_group_detail_shows_only_own_campus(longshi, enrollment, campuses, client_as):
    response = client_as("vp-longxiang").get(reverse("campuses:group_detail", args=[longshi.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert reverse("campuses:campus_detail", args=[campuses["longxiang"].pk]) in content
    assert reverse("campuses:campus_detail", args=[campuses["hongqi"].pk]) not in content
    assert reverse("campuses:campus_detail", args=[campuses["taojiang"].pk]) not in content
    assert [row["campus"].code for row in response.context["figure_rows"]] == ["longxiang"]
    assert response.context["enrollment_total"].pupils == 90


def test_vp_cannot_open_another_group(other_group, client_as):
    response = client_as("vp-longxiang").get(reverse("campuses:group_detail", args=[other_group.pk]))
    assert response.status_code == 404


def test_group_list_queries_do_not_grow(plan, client_as, django_assert_max_num_queries):
    client = client_as("bureau")
    for n in (3, 27):
        while EducationGroup.objects.count() < n:
            group = EducationGroupFactory()
            CampusFactory(school=SchoolFactory(group=group))
        client.get(LIST)
        with django_assert_max_num_queries(8):
            response = client.get(LIST)
        assert response.context["table"].paginator.count == n


def test_group_detail_queries_do_not_grow(longshi, client_as, django_assert_max_num_queries):
    client = client_as("bureau")
    url = reverse("campuses:group_detail", args=[longshi.pk])
    school = longshi.schools.get()
    for n in (3, 12):
        while school.campuses.count() < n:
            CampusFactory(school=school)
        client.get(url)
        with django_assert_max_num_queries(14):
            response = client.get(url)
        assert len(response.context["figure_rows"]) == n
