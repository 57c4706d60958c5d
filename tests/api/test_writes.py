"""Writes through the API go through the apps' services: many scores at once (all or none, the
bad row named, a stale version 409 with the current value), progress reports, rotation proposals
and their steps, spending records; PermissionDenied is 403, ValidationError 400 naming the field."""

import datetime
from decimal import Decimal

import pytest

from evaluation.models import Evaluatee, Indicator, Score
from tests.evaluation.conftest import scheme  # noqa: F401  (the open scheme fixture)
from tests.staff import factories as staff_factories

SCORES = "/api/v1/scores/"


@pytest.fixture
def cells(scheme):  # noqa: F811
    leaves = list(Indicator.objects.filter(scheme=scheme, children__isnull=True).order_by("code"))
    evaluatee = Evaluatee.objects.filter(scheme=scheme).order_by("pk").first()
    return leaves, evaluatee


def test_many_scores_are_written_in_one_request(api_as, cells, supervisor):
    leaves, evaluatee = cells
    body = {"scores": [{"indicator": i.pk, "evaluatee": evaluatee.pk, "points": "8.5"} for i in leaves]}
    response = api_as("supervisor").post(SCORES, body, format="json")
    assert response.status_code == 200, response.content
    assert [row["version"] for row in response.json()["scores"]] == [1, 1, 1]
    assert Score.objects.filter(evaluator=supervisor, evaluatee=evaluatee).count() == 3


def test_one_bad_row_writes_nothing_and_is_named(api_as, cells):
    leaves, evaluatee = cells
    rows = [{"indicator": i.pk, "evaluatee": evaluatee.pk, "points": "5"} for i in leaves]
    rows[1]["points"] = "999"  # above the indicator's maximum
    response = api_as("supervisor", "en").post(SCORES, {"scores": rows}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["row"] == 1 and body["field"] == "points"
    assert "between 0 and" in body["errors"]["points"][0]
    assert Score.objects.count() == 0
    # In Chinese by default, the row and the field named the same way.
    chinese = api_as("supervisor").post(SCORES, {"scores": rows}, format="json").json()
    assert chinese["row"] == 1 and chinese["field"] == "points"
    assert "第 1 行" in chinese["detail"]


def test_a_malformed_row_is_named_before_anything_is_tried(api_as, cells):
    leaves, evaluatee = cells
    rows = [{"indicator": leaves[0].pk, "evaluatee": evaluatee.pk, "points": "5"}, {"indicator": "x"}]
    response = api_as("supervisor", "en").post(SCORES, {"scores": rows}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["row"] == 1 and body["field"] in {"indicator", "evaluatee", "points"}
    assert Score.objects.count() == 0


def test_a_stale_version_is_409_with_the_current_value_and_nothing_written(api_as, cells):
    leaves, evaluatee = cells
    client = api_as("supervisor", "en")
    first = {"indicator": leaves[0].pk, "evaluatee": evaluatee.pk, "points": "6"}
    assert client.post(SCORES, {"scores": [first]}, format="json").status_code == 200
    # Saved again from version 1 → version 2.
    assert (
        client.post(SCORES, {"scores": [{**first, "points": "7", "version": 1}]}, format="json").status_code
        == 200
    )
    stale = [
        {"indicator": leaves[1].pk, "evaluatee": evaluatee.pk, "points": "3"},
        {**first, "points": "9", "version": 1},
    ]
    response = client.post(SCORES, {"scores": stale}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["row"] == 1
    assert body["current"] == {
        "indicator": leaves[0].pk,
        "evaluatee": evaluatee.pk,
        "points": "7.00",
        "version": 2,
        "comment": "",
    }
    assert not Score.objects.filter(indicator=leaves[1]).exists()
    assert Score.objects.get(indicator=leaves[0]).points == Decimal("7.00")


def test_only_evaluators_write_scores(api_as, cells):
    leaves, evaluatee = cells
    body = {"scores": [{"indicator": leaves[0].pk, "evaluatee": evaluatee.pk, "points": "5"}]}
    for persona in ("bureau", "principal", "vp-hongqi"):
        assert api_as(persona).post(SCORES, body, format="json").status_code == 403, persona
    assert Score.objects.count() == 0


def test_scores_by_session_need_the_csrf_token(client_as, cells):
    from django.test import Client

    leaves, evaluatee = cells
    client = Client(enforce_csrf_checks=True)
    client.force_login(
        __import__("django.contrib.auth", fromlist=["get_user_model"])
        .get_user_model()
        .objects.get(username="supervisor")
    )
    body = {"scores": [{"indicator": leaves[0].pk, "evaluatee": evaluatee.pk, "points": "5"}]}
    response = client.post(SCORES, body, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_a_progress_report_through_the_service(api_as, plan):
    from tests.planning.factories import SubTaskFactory

    own = SubTaskFactory(campus=plan["hongqi"])
    other = SubTaskFactory(campus=plan["taojiang"])
    client = api_as("vp-hongqi", "en")
    response = client.post(
        "/api/v1/reports/", {"subtask": own.pk, "text": "完成一半", "percent": 50}, format="json"
    )
    assert response.status_code == 201, response.content
    own.refresh_from_db()
    assert own.progress == 50
    # Another campus's sub-task is not within reach (named as the field), nothing written.
    response = client.post(
        "/api/v1/reports/", {"subtask": other.pk, "text": "x", "percent": 10}, format="json"
    )
    assert response.status_code == 400 and "subtask" in response.json()
    response = client.post(
        "/api/v1/reports/", {"subtask": own.pk, "text": "x", "percent": 150}, format="json"
    )
    assert response.status_code == 400 and "percent" in response.json()


def test_a_rotation_proposed_then_approved_through_the_services(api_as, plan):
    teacher = staff_factories.StaffMemberFactory(home_campus=plan["longxiang"])
    start = datetime.date.today() + datetime.timedelta(days=30)
    body = {
        "staff": teacher.pk,
        "to_campus": plan["taojiang"].pk,
        "category": "backbone",
        "start_on": start.isoformat(),
        "planned_end_on": (start + datetime.timedelta(days=3 * 365)).isoformat(),
        "reason": "支教",
    }
    response = api_as("vp-longxiang").post("/api/v1/rotations/", body, format="json")
    assert response.status_code == 201, response.content
    rotation_id = response.json()["id"]
    assert response.json()["status"] == "proposed"
    # The history says who proposed it: the token's user.
    from staff.models import Rotation

    assert Rotation.objects.get(pk=rotation_id).history.earliest().history_user.username == "vp-longxiang"
    # The vice-principal may not approve (403); another campus's may not see it (404).
    assert api_as("vp-longxiang").post(f"/api/v1/rotations/{rotation_id}/approve/").status_code == 403
    assert api_as("vp-hongqi").post(f"/api/v1/rotations/{rotation_id}/approve/").status_code == 404
    response = api_as("personnel").post(
        f"/api/v1/rotations/{rotation_id}/approve/", {"note": "同意"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "approved"
    # A second approval is refused by the workflow, not repeated.
    assert api_as("personnel").post(f"/api/v1/rotations/{rotation_id}/approve/").status_code in (400, 403)
    response = api_as("personnel", "en").post(f"/api/v1/rotations/{rotation_id}/start/", {}, format="json")
    assert response.status_code == 400 and "start_on" in response.json()


def test_a_rotation_outside_scope_is_refused(api_as, plan):
    teacher = staff_factories.StaffMemberFactory(home_campus=plan["hongqi"])
    body = {
        "staff": teacher.pk,
        "to_campus": plan["longxiang"].pk,
        "category": "backbone",
        "start_on": "2027-09-01",
        "planned_end_on": "2030-07-01",
    }
    response = api_as("vp-taojiang").post("/api/v1/rotations/", body, format="json")
    assert response.status_code == 400 and "staff" in response.json()


def test_spending_through_the_service_within_the_allocation(api_as, plan):
    from sharing.models import Allocation, Budget, BudgetLine, Spending

    line = BudgetLine.objects.order_by("pk").first() or BudgetLine.objects.create(code="l", name="办公")
    year = datetime.date.today().year
    budget = Budget.objects.create(school=plan["hongqi"].school, year=year, line=line, amount=Decimal("1000"))
    Allocation.objects.create(budget=budget, campus=plan["hongqi"], amount=Decimal("100"))
    client = api_as("vp-hongqi", "en")
    body = {
        "line": line.pk,
        "campus": plan["hongqi"].pk,
        "spent_on": datetime.date.today().isoformat(),
        "amount": "60.00",
        "purpose": "教具",
    }
    assert client.post("/api/v1/spending/", body, format="json").status_code == 201
    response = client.post("/api/v1/spending/", body, format="json")
    assert response.status_code == 400  # past the allocation
    assert Spending.objects.filter(campus=plan["hongqi"]).count() == 1
    other = {**body, "campus": plan["taojiang"].pk, "amount": "1.00"}
    response = client.post("/api/v1/spending/", other, format="json")
    assert response.status_code == 400 and "campus" in response.json()


def test_throttling_gives_a_clear_429(api_as, plan, monkeypatch):
    from api.throttling import TokenRateThrottle

    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/minute", "anon": "3/minute"})
    client = api_as("bureau", "en")
    other = api_as("principal", "en")
    answers = [client.get("/api/v1/groups/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    response = client.get("/api/v1/groups/")
    assert response.status_code == 429
    assert "throttled" in response.json()["detail"] and int(response["Retry-After"]) > 0
    # Per token: another token is not held back.
    assert other.get("/api/v1/groups/").status_code == 200
