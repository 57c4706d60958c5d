"""Enrollment list: filters, big-class counts from the rules in force, exports, scope."""

from django.urls import reverse

from kernel.models import PolicySetting
from tests.campuses.factories import CampusFactory, EnrollmentSnapshotFactory

LIST = reverse("campuses:enrollment_list")


def campuses_listed(response):
    return [row.campus.code for row in response.context["table"].data]


def test_anonymous_is_sent_to_login(client, plan):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_bureau_sees_every_snapshot_with_big_class_counts(enrollment, client_as):
    response = client_as("bureau").get(LIST)
    assert response.status_code == 200
    assert sorted(campuses_listed(response)) == ["hongqi", "hongqi", "longxiang", "taojiang"]
    row = next(r for r in response.context["table"].rows if r.record == enrollment["hongqi"])
    assert row.get_cell("big_classes") == 2
    assert row.get_cell("super_big_classes") == 1
    assert row.get_cell("average") == "59.0"


def test_big_class_counts_follow_the_policy(enrollment, client_as):
    PolicySetting.objects.create(key="big_class_from", value=50)
    response = client_as("bureau").get(LIST, {"campus": enrollment["hongqi"].campus_id, "school_year": 2025})
    [row] = response.context["table"].rows
    assert row.get_cell("big_classes") == 3


def test_vp_sees_own_campus_only(enrollment, client_as):
    assert campuses_listed(client_as("vp-longxiang").get(LIST)) == ["longxiang"]


def test_vp_cannot_filter_by_another_campus(enrollment, campuses, client_as):
    response = client_as("vp-longxiang").get(LIST, {"campus": campuses["taojiang"].pk})
    assert "campus" in response.context["filter"].errors
    assert "taojiang" not in campuses_listed(response)


def test_outsider_sees_nothing(enrollment, outsider, client):
    client.force_login(outsider)
    assert campuses_listed(client.get(LIST)) == []


def test_filters_by_year_term_and_grade(enrollment, campuses, client_as):
    EnrollmentSnapshotFactory(campus=campuses["longxiang"], grade=2, semester=2)
    client = client_as("bureau")
    assert campuses_listed(client.get(LIST, {"school_year": 2024})) == ["hongqi"]
    assert campuses_listed(client.get(LIST, {"semester": 2})) == ["longxiang"]
    assert campuses_listed(client.get(LIST, {"grade": 2})) == ["longxiang"]


def test_bad_filter_input_names_the_field(enrollment, client_as):
    response = client_as("bureau").get(LIST, {"school_year": "abc", "grade": "12"})
    errors = response.context["filter"].errors
    assert "school_year" in errors
    assert "grade" in errors


def test_exports_csv_and_xlsx(enrollment, client_as):
    client = client_as("bureau")
    response = client.get(
        LIST, {"_export": "csv", "campus": enrollment["hongqi"].campus_id, "school_year": 2025}
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2
    assert "52, 58, 67" in lines[1]
    assert "59.0" in lines[1]
    response = client.get(LIST, {"_export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_vp_export_has_own_campus_only(enrollment, client_as):
    content = client_as("vp-longxiang").get(LIST, {"_export": "csv"}).content.decode("utf-8-sig")
    assert "龙翔校区" in content
    assert "红旗校区" not in content


def test_queries_do_not_grow_with_rows(plan, client_as, django_assert_max_num_queries):
    client = client_as("bureau")
    for n in (3, 30):
        while len(plan) < n + 3:
            campus = CampusFactory()
            plan[campus.code] = campus
            EnrollmentSnapshotFactory(campus=campus, grade=1)
        client.get(LIST)
        with django_assert_max_num_queries(9):
            response = client.get(LIST)
        assert response.context["table"].paginator.count == n
