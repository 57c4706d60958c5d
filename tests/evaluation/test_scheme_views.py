"""Scheme list, detail, create/edit and status actions: permission matrix and queries."""

import pytest
from django.urls import reverse

from evaluation.models import Scheme
from tests.evaluation.factories import SchemeFactory


def test_anonymous_is_sent_to_login(scheme, client):
    for url in (reverse("evaluation:scheme_list"), reverse("evaluation:scheme_detail", args=[scheme.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_user_without_role_is_refused(scheme, client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("evaluation:scheme_list")).status_code == 403
    assert client.get(reverse("evaluation:scheme_detail", args=[scheme.pk])).status_code == 403


@pytest.mark.parametrize("username", ["bureau", "supervisor", "principal", "vp-longxiang"])
def test_every_role_sees_schemes(scheme, client_as, username):
    client = client_as(username)
    response = client.get(reverse("evaluation:scheme_list"))
    assert response.status_code == 200 and scheme.name in response.content.decode()
    assert client.get(reverse("evaluation:scheme_detail", args=[scheme.pk])).status_code == 200


def test_the_plan_default_scheme_is_listed_with_its_six_areas(plan, client_as):
    client = client_as("bureau")
    default = Scheme.objects.get(name="集团化办学考核（默认方案）")
    page = client.get(reverse("evaluation:scheme_detail", args=[default.pk])).content.decode()
    for area in (
        "党的建设",
        "内部治理和运行",
        "优质资源共享",
        "教师队伍建设",
        "教学质量提升",
        "素质教育发展",
    ):
        assert area in page


def test_scheme_list_exports(scheme, client_as):
    response = client_as("bureau").get(reverse("evaluation:scheme_list") + "?_export=csv")
    assert response.status_code == 200 and scheme.name in response.content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_scheme_list_queries_stay_constant(plan, client_as, django_assert_max_num_queries, size):
    for _ in range(size):
        SchemeFactory()
    client = client_as("bureau")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("evaluation:scheme_list")).status_code == 200


@pytest.mark.parametrize("username", ["supervisor", "principal", "vp-hongqi"])
def test_scheme_creation_is_for_the_bureau_and_supervision_office(plan, client_as, username):
    status = client_as(username).get(reverse("evaluation:scheme_create")).status_code
    assert status == (200 if username == "supervisor" else 403)


def test_bureau_creates_a_scheme_and_a_bad_share_names_the_field(plan, client_as):
    client = client_as("bureau")
    data = {
        "name": "2026年考核",
        "year": 2026,
        "target_kind": "schools",
        "aggregation": "mean",
        "band_method": "rank_share",
        "excellent_share": "80",
        "good_share": "30",
        "pass_floor": "60",
        "excellent_from": "90",
        "good_from": "75",
        "reconcile_tolerance": "30",
        "appeal_days": "10",
    }
    response = client.post(reverse("evaluation:scheme_create"), data)
    assert response.status_code == 200
    assert "good_share" in response.context["form"].errors
    data["excellent_share"] = "20"
    response = client.post(reverse("evaluation:scheme_create"), data)
    created = Scheme.objects.get(name="2026年考核")
    assert response.status_code == 302 and created.history.count() == 1


def test_internal_assessment_names_its_group(plan, client_as):
    response = client_as("bureau").post(
        reverse("evaluation:scheme_create"),
        {
            "name": "校区考核",
            "year": 2026,
            "target_kind": "campuses",
            "aggregation": "mean",
            "band_method": "thresholds",
            "excellent_share": "20",
            "good_share": "30",
            "pass_floor": "60",
            "excellent_from": "90",
            "good_from": "75",
            "reconcile_tolerance": "30",
            "appeal_days": "10",
        },
    )
    assert "group" in response.context["form"].errors


def test_status_change_by_bureau_and_refused_for_vp(scheme, client_as):
    url = reverse("evaluation:scheme_transition", args=[scheme.pk])
    assert client_as("vp-hongqi").post(url, {"to": "closed"}).status_code == 403
    assert client_as("bureau").post(url, {"to": "closed"}).status_code == 302
    scheme.refresh_from_db()
    assert scheme.status == Scheme.Status.CLOSED


def test_opening_a_school_scheme_creates_its_evaluatees(plan, client_as):
    default = Scheme.objects.get(name="集团化办学考核（默认方案）")
    client_as("bureau").post(reverse("evaluation:scheme_transition", args=[default.pk]), {"to": "open"})
    default.refresh_from_db()
    assert default.status == Scheme.Status.OPEN
    assert list(default.evaluatees.values_list("name", flat=True)) == ["龙师附小"]
