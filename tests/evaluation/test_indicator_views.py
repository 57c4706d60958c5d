"""Editing a scheme's indicators in the portal: who may, and the rules that protect scores."""

from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation.models import Indicator, Scheme, Score
from kernel.concurrency import revision_data


def form(**overrides):
    data = {
        "code": "A2.2",
        "name": "学业质量",
        "order": 2,
        "max_points": "5",
        "weight": "1",
        "kind": "scored",
        "computation": "",
        "guidance": "",
        "evidence_requirement": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("username", "status"),
    [("bureau", 200), ("supervisor", 200), ("principal", 403), ("vp-hongqi", 403), ("personnel", 403)],
)
def test_only_managers_edit_indicators(scheme, client_as, username, status):
    indicator = Indicator.objects.get(scheme=scheme, code="A1.1")
    client = client_as(username)
    assert client.get(reverse("evaluation:indicator_create", args=[scheme.pk])).status_code == status
    assert client.get(reverse("evaluation:indicator_update", args=[indicator.pk])).status_code == status
    if status == 403:
        assert client.post(reverse("evaluation:indicator_delete", args=[indicator.pk])).status_code == 403
        assert Indicator.objects.filter(pk=indicator.pk).exists()


def test_anonymous_goes_to_login(scheme, client):
    response = client.get(reverse("evaluation:indicator_create", args=[scheme.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_bureau_adds_a_second_level_indicator(scheme, client_as):
    parent = Indicator.objects.get(scheme=scheme, code="A2")
    response = client_as("bureau").post(
        reverse("evaluation:indicator_create", args=[scheme.pk]), form(parent=parent.pk)
    )
    assert response.status_code == 302
    added = Indicator.objects.get(scheme=scheme, code="A2.2")
    assert added.parent == parent and added.max_points == Decimal("5")
    assert Scheme.objects.get(pk=scheme.pk).results_stale
    assert added.history.first().history_user.username == "bureau"


def test_duplicate_code_is_refused_with_a_message(scheme, client_as):
    response = client_as("bureau").post(reverse("evaluation:indicator_create", args=[scheme.pk]), form(code="A1.1"))
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert Indicator.objects.filter(scheme=scheme, code="A1.1").count() == 1


def test_maximum_cannot_fall_below_entered_points(scheme, longshi, client_as, supervisor):
    indicator = Indicator.objects.get(scheme=scheme, code="A1.2")
    Score.objects.create(indicator=indicator, evaluatee=longshi, evaluator=supervisor, points=Decimal("15"))
    response = client_as("bureau").post(
        reverse("evaluation:indicator_update", args=[indicator.pk]),
        {
            **form(code="A1.2", name=indicator.name, parent=indicator.parent_id, max_points="12"),
            **revision_data(indicator),
        },
    )
    assert response.status_code == 200
    assert "15" in " ".join(response.context["form"].errors["max_points"])
    assert Indicator.objects.get(pk=indicator.pk).max_points == Decimal("20")


def test_scored_indicator_cannot_be_removed_but_an_unscored_one_can(scheme, longshi, client_as, supervisor):
    scored = Indicator.objects.get(scheme=scheme, code="A1.1")
    Score.objects.create(indicator=scored, evaluatee=longshi, evaluator=supervisor, points=Decimal("5"))
    client = client_as("bureau")
    client.post(reverse("evaluation:indicator_delete", args=[scored.pk]))
    assert Indicator.objects.filter(pk=scored.pk).exists()
    unscored = Indicator.objects.get(scheme=scheme, code="A2.1")
    client.post(reverse("evaluation:indicator_delete", args=[unscored.pk]))
    assert not Indicator.objects.filter(pk=unscored.pk).exists()


def test_closed_or_published_scheme_indicators_are_not_editable(scheme, client_as):
    Scheme.objects.filter(pk=scheme.pk).update(status=Scheme.Status.CLOSED)
    indicator = Indicator.objects.get(scheme=scheme, code="A1.1")
    client = client_as("bureau")
    assert client.get(reverse("evaluation:indicator_update", args=[indicator.pk])).status_code == 404
    assert client.get(reverse("evaluation:indicator_create", args=[scheme.pk])).status_code == 404
    client.post(reverse("evaluation:indicator_delete", args=[indicator.pk]))
    assert Indicator.objects.filter(pk=indicator.pk).exists()
    page = client.get(reverse("evaluation:scheme_detail", args=[scheme.pk])).content.decode()
    assert reverse("evaluation:indicator_update", args=[indicator.pk]) not in page


def test_scheme_page_offers_editing_to_managers_only(scheme, client_as):
    indicator = Indicator.objects.get(scheme=scheme, code="A1.1")
    edit = reverse("evaluation:indicator_update", args=[indicator.pk])
    assert edit in client_as("bureau").get(reverse("evaluation:scheme_detail", args=[scheme.pk])).content.decode()
    assert edit not in client_as("principal").get(reverse("evaluation:scheme_detail", args=[scheme.pk])).content.decode()


def test_new_schools_join_an_open_scheme_on_request(scheme, client_as):
    from campuses.models import School
    from evaluation.models import Evaluatee
    from tests.campuses.factories import SchoolFactory

    peer = School.objects.exclude(peer_category=None).first().peer_category
    before = Evaluatee.objects.filter(scheme=scheme).count()
    SchoolFactory(peer_category=peer)
    url = reverse("evaluation:scheme_evaluatees_sync", args=[scheme.pk])
    assert client_as("vp-hongqi").post(url).status_code == 403
    assert client_as("bureau").post(url).status_code == 302
    assert Evaluatee.objects.filter(scheme=scheme).count() == before + 1
    assert Scheme.objects.get(pk=scheme.pk).results_stale
