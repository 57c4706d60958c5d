"""The API walked with each role's token, across campuses and groups: the same door as the
pages. 红旗's records are read by its vice-principal and the group's leadership, never by 桃江's
vice-principal nor by the leadership of another group (404 on detail, absent from lists)."""

import pytest
from django.contrib.auth import get_user_model

from kernel.roles import Role
from kernel.services import group_grant_access, user_set_roles
from tests.campuses import factories as campuses_factories
from tests.staff import factories as staff_factories


def _rotation(campus):
    """A rotation from `campus` to a new campus of the same school (outside 桃江)."""
    return staff_factories.RotationFactory(
        staff=staff_factories.StaffMemberFactory(home_campus=campus),
        from_campus=campus,
        to_campus=campuses_factories.CampusFactory(school=campus.school),
    )


def _report(campus):
    from tests.planning.factories import ProgressReportFactory, SubTaskFactory

    subtask = SubTaskFactory(campus=campus)
    return ProgressReportFactory(measure=subtask.measure, subtask=subtask)


def _measure(campus):
    from planning.models import Measure
    from tests.planning.factories import MeasureFactory

    measure = MeasureFactory(group=campus.school.group)
    assert isinstance(measure, Measure)
    return measure


#: (list URL, factory of a 红旗 record).
CAMPUS_RECORDS = {
    "staff": lambda c: staff_factories.StaffMemberFactory(home_campus=c),
    "mentorships": lambda c: staff_factories.MentorshipFactory(campus=c),
    "studios": lambda c: staff_factories.StudioFactory(campus=c),
    "quotas": lambda c: staff_factories.StaffingQuotaFactory(campus=c),
    "enrollment": lambda c: campuses_factories.EnrollmentSnapshotFactory(campus=c),
    "rotations": lambda c: _rotation(c),
    "campuses": lambda c: c,
}


@pytest.fixture
def other_leader(plan):
    group = campuses_factories.EducationGroupFactory(code="other-group", name="另一教育集团")
    school = campuses_factories.SchoolFactory(group=group, name="另一集团学校")
    campuses_factories.CampusFactory(school=school, code="other-campus", name="另一集团校区")
    leader = get_user_model().objects.create_user("other-leader", password="x")
    user_set_roles(user=leader, roles=[Role.GROUP_LEADERSHIP])
    group_grant_access(user=leader, group=group)
    return leader


def _ids(client, url):
    response = client.get(url + ("&" if "?" in url else "?") + "per_page=100")
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("endpoint", sorted(CAMPUS_RECORDS))
def test_a_hongqi_record_is_read_only_inside_its_scope(endpoint, plan, other_leader, api_as):
    record = CAMPUS_RECORDS[endpoint](plan["hongqi"])
    url = f"/api/v1/{endpoint}/"
    detail = f"{url}{record.pk}/"
    for persona in ("bureau", "supervisor", "personnel", "principal", "vp-hongqi", "admin"):
        client = api_as(persona)
        assert record.pk in _ids(client, url), persona
        assert client.get(detail).status_code == 200, persona
    for persona in ("vp-taojiang", "other-leader"):
        client = api_as(persona)
        assert record.pk not in _ids(client, url), persona
        assert client.get(detail).status_code == 404, persona


def test_group_wide_plan_is_read_by_the_groups_vice_principals_not_by_another_group(
    plan, other_leader, api_as
):
    from planning.models import Measure

    measure = Measure.objects.filter(group__code__isnull=False).order_by("pk").first()
    assert measure is not None
    assert api_as("vp-taojiang").get(f"/api/v1/measures/{measure.pk}/").status_code == 200
    assert api_as("other-leader").get(f"/api/v1/measures/{measure.pk}/").status_code == 404
    assert measure.pk not in _ids(api_as("other-leader"), "/api/v1/measures/")


@pytest.mark.parametrize("endpoint", ["runs", "results", "scores"])
def test_unpublished_runs_results_and_scores_are_for_bureau_roles_only(endpoint, plan, api_as):
    assert api_as("bureau").get(f"/api/v1/{endpoint}/").status_code == 200
    assert api_as("supervisor").get(f"/api/v1/{endpoint}/").status_code == 200
    for persona in ("principal", "vp-hongqi"):
        response = api_as(persona, "en").get(f"/api/v1/{endpoint}/")
        assert response.status_code == 403, persona
        assert "bureau" in response.json()["detail"]


def test_every_list_endpoint_answers_for_the_bureau(plan, api_as):
    client = api_as("bureau")
    root = client.get("/api/v1/")
    assert root.status_code == 200
    for name, url in root.json().items():
        assert client.get(url).status_code == 200, name


def test_filters_and_ordering_follow_the_pages_filtersets(plan, api_as):
    hongqi, taojiang = plan["hongqi"], plan["taojiang"]
    a = staff_factories.StaffMemberFactory(home_campus=hongqi, name="甲老师")
    b = staff_factories.StaffMemberFactory(home_campus=taojiang, name="乙老师")
    client = api_as("bureau")
    assert _ids(client, f"/api/v1/staff/?home_campus={hongqi.pk}") >= {a.pk}
    assert b.pk not in _ids(client, f"/api/v1/staff/?home_campus={hongqi.pk}")
    assert _ids(client, "/api/v1/staff/?q=乙老师") == {b.pk}
    # A vice-principal's filter offers their campus only: another campus is refused, not revealed.
    response = api_as("vp-hongqi", "en").get(f"/api/v1/staff/?home_campus={taojiang.pk}")
    assert response.status_code == 400
    assert "home_campus" in response.json()
    names = [row["name"] for row in client.get("/api/v1/staff/?sort=-name&per_page=100").json()["results"]]
    assert names == sorted(names, reverse=True)


@pytest.mark.parametrize("endpoint", ["staff", "rotations", "reports", "scores", "results"])
def test_big_lists_page_with_a_cursor(endpoint, plan, api_as):
    body = api_as("bureau").get(f"/api/v1/{endpoint}/").json()
    assert set(body) == {"next", "previous", "results"}


def test_staff_pages_keep_their_queries_constant(plan, api_as, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as("vp-hongqi")
    for _ in range(3):
        staff_factories.DistinctionFactory(staff=staff_factories.StaffMemberFactory(home_campus=plan["hongqi"]))
    client.get("/api/v1/staff/")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/v1/staff/?per_page=100").status_code == 200
    for _ in range(30):
        staff_factories.DistinctionFactory(staff=staff_factories.StaffMemberFactory(home_campus=plan["hongqi"]))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/api/v1/staff/?per_page=100")
    assert len(response.json()["results"]) >= 33


@pytest.mark.parametrize(
    ("endpoint", "make"),
    [
        ("rotations", lambda c: _rotation(c)),
        ("activities", lambda c: staff_factories.CrossCampusActivityFactory(host_campus=c)),
        ("studios", lambda c: staff_factories.StudioFactory(campus=c)),
        ("reports", lambda c: _report(c)),
        ("measures", lambda c: _measure(c)),
    ],
)
def test_lists_keep_their_queries_constant(endpoint, make, plan, api_as, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as("principal")
    for _ in range(2):
        make(plan["hongqi"])
    client.get(f"/api/v1/{endpoint}/")
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"/api/v1/{endpoint}/?per_page=100").status_code == 200
    for _ in range(20):
        make(plan["hongqi"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(f"/api/v1/{endpoint}/?per_page=100").status_code == 200
