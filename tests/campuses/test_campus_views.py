"""Campus pages: list (with figures) and detail (enrollment by grade, staff, exchanges)."""

import datetime

import pytest
from django.urls import reverse

from kernel.models import PolicySetting
from staff.models import Rotation
from tests.campuses.factories import CampusFactory, EnrollmentSnapshotFactory
from tests.staff.factories import (
    DistinctionFactory,
    RotationFactory,
    StaffingQuotaFactory,
    StaffMemberFactory,
)

LIST = reverse("campuses:campus_list")


def detail(campus):
    return reverse("campuses:campus_detail", args=[campus.pk])


def test_anonymous_is_sent_to_login(client, campuses):
    for url in (LIST, detail(campuses["hongqi"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_bureau_lists_the_three_campuses_with_figures(enrollment, campuses, client_as):
    StaffMemberFactory(home_campus=campuses["hongqi"])
    response = client_as("bureau").get(LIST)
    assert response.status_code == 200
    table = response.context["table"]
    assert [c.code for c in table.data] == ["hongqi", "longxiang", "taojiang"]
    first = table.rows[0]
    assert first.get_cell("pupils") == 177
    assert str(first.get_cell("big_share")) == "66.7"
    assert first.get_cell("staff") == 1


def test_vp_lists_own_campus_only(enrollment, client_as):
    response = client_as("vp-longxiang").get(LIST)
    assert [c.code for c in response.context["table"].data] == ["longxiang"]


def test_outsider_lists_nothing(enrollment, outsider, client, campuses):
    client.force_login(outsider)
    assert list(client.get(LIST).context["table"].data) == []
    assert client.get(detail(campuses["hongqi"])).status_code == 404


def test_campus_list_filters(enrollment, campuses, client_as):
    client = client_as("bureau")
    assert [c.code for c in client.get(LIST, {"is_core": "true"}).context["table"].data] == ["hongqi"]
    assert [c.code for c in client.get(LIST, {"q": "龙翔"}).context["table"].data] == ["longxiang"]


def test_vp_cannot_filter_by_another_school(campuses, client_as):
    other = CampusFactory()
    response = client_as("vp-longxiang").get(LIST, {"school": other.school.pk})
    assert "school" in response.context["filter"].errors


def test_campus_list_exports_figures(enrollment, client_as):
    response = client_as("bureau").get(LIST, {"_export": "csv"})
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 4
    assert "177" in lines[1] and "66.7" in lines[1]


def test_vp_export_has_own_campus_only(enrollment, client_as):
    response = client_as("vp-longxiang").get(LIST, {"_export": "csv"})
    content = response.content.decode("utf-8-sig")
    assert "龙翔校区" in content
    assert "红旗校区" not in content
    assert "桃江校区" not in content


def test_campus_list_queries_do_not_grow(plan, client_as, django_assert_max_num_queries):
    client = client_as("bureau")
    for n in (3, 30):
        while len(plan) < n:
            campus = CampusFactory()
            plan[campus.code] = campus
            EnrollmentSnapshotFactory(campus=campus, grade=1)
            StaffMemberFactory(home_campus=campus)
        client.get(LIST)
        with django_assert_max_num_queries(11):
            response = client.get(LIST)
        assert response.context["table"].paginator.count == n


def test_campus_detail_shows_grades_with_big_class_flags(enrollment, campuses, client_as):
    response = client_as("bureau").get(detail(campuses["hongqi"]))
    assert response.status_code == 200
    enrollment_figures = response.context["enrollment"]
    assert enrollment_figures.term_label == "2025–2026-1"
    assert enrollment_figures.grades[0].sizes_flagged == [
        (52, "over_standard"),
        (58, "big"),
        (67, "super_big"),
    ]
    content = response.content.decode()
    assert 'class="class-size super_big"' in content
    assert "66.7 %" in content


def test_campus_detail_shows_an_earlier_term(enrollment, campuses, client_as):
    response = client_as("bureau").get(detail(campuses["hongqi"]), {"term": "2024-1"})
    assert response.context["enrollment"].pupils == 100


def test_campus_detail_rejects_an_unknown_term(enrollment, campuses, client_as):
    response = client_as("bureau").get(detail(campuses["hongqi"]), {"term": "1999-9"})
    assert response.status_code == 200
    assert "term" in response.context["term_form"].errors
    assert response.context["enrollment"].pupils == 177


def test_campus_detail_follows_changed_thresholds(enrollment, campuses, client_as):
    PolicySetting.objects.create(key="big_class_from", value=50)
    response = client_as("bureau").get(detail(campuses["hongqi"]))
    assert response.context["enrollment"].big_classes == 3


def test_campus_detail_shows_staff_and_exchange_figures(enrollment, campuses, client_as):
    campus = campuses["longxiang"]
    people = [
        StaffMemberFactory(home_campus=campus, on_campus_since=datetime.date(2010, 9, 1)) for _ in range(4)
    ]
    DistinctionFactory(staff=people[0])
    RotationFactory(
        staff=people[0],
        to_campus=campuses["taojiang"],
        status=Rotation.Status.APPROVED,
        start_on=datetime.date(2025, 9, 1),
    )
    StaffingQuotaFactory(campus=campus, year=2025)
    response = client_as("vp-longxiang").get(detail(campus), {"year": 2025})
    assert response.status_code == 200
    assert (response.context["staff"].staff, response.context["staff"].backbone) == (4, 1)
    rotation = response.context["rotation"]
    assert (rotation.eligible, rotation.exchanged, str(rotation.ratio.value)) == (4, 1, "25.0")
    content = response.content.decode()
    assert "25.0 %" in content
    assert "95" in content  # establishment filled


def test_vp_gets_404_on_another_campus(campuses, client_as):
    client = client_as("vp-longxiang")
    assert client.get(detail(campuses["longxiang"])).status_code == 200
    assert client.get(detail(campuses["taojiang"])).status_code == 404
    assert client.get(detail(campuses["hongqi"])).status_code == 404


def test_campus_detail_without_enrollment(campuses, client_as):
    response = client_as("bureau").get(detail(campuses["taojiang"]))
    assert response.status_code == 200
    assert response.context["enrollment"] is None


def test_campus_detail_queries_do_not_grow_with_grades(campuses, client_as, django_assert_max_num_queries):
    campus = campuses["hongqi"]
    client = client_as("bureau")
    for grades in (range(1, 3), range(3, 10)):
        for grade in grades:
            EnrollmentSnapshotFactory(campus=campus, grade=grade)
            StaffMemberFactory(home_campus=campus)
        client.get(detail(campus))
        with django_assert_max_num_queries(12):
            client.get(detail(campus))


@pytest.mark.parametrize("username", ["bureau", "principal", "vp-hongqi"])
def test_school_detail_for_roles_in_scope(enrollment, campuses, client_as, username):
    response = client_as(username).get(reverse("campuses:school_detail", args=[campuses["hongqi"].school_id]))
    assert response.status_code == 200
    codes = [row["campus"].code for row in response.context["figure_rows"]]
    assert codes == (["hongqi"] if username == "vp-hongqi" else ["hongqi", "longxiang", "taojiang"])


def test_school_detail_of_another_school_is_404_for_a_vp(campuses, client_as):
    other = CampusFactory()
    url = reverse("campuses:school_detail", args=[other.school_id])
    assert client_as("vp-longxiang").get(url).status_code == 404
    assert client_as("bureau").get(url).status_code == 200
