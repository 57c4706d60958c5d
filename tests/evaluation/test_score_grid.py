"""The score grid and its per-cell save endpoint (JSON)."""

import pytest
from django.urls import reverse

from evaluation.models import Indicator, Scheme, Score
from tests.evaluation.factories import EvaluateeFactory


def cell(scheme, evaluatee, code, points, version=0, **extra):
    indicator = Indicator.objects.get(scheme=scheme, code=code)
    return {
        "indicator": indicator.pk,
        "evaluatee": evaluatee.pk,
        "points": points,
        "version": version,
        **extra,
    }


@pytest.mark.parametrize(
    ("username", "status"), [("supervisor", 200), ("bureau", 403), ("principal", 403), ("vp-hongqi", 403)]
)
def test_only_evaluators_open_the_grid(scheme, client_as, username, status):
    assert client_as(username).get(reverse("evaluation:score_grid", args=[scheme.pk])).status_code == status


def test_grid_shows_own_scores_with_their_versions(scheme, longshi, client_as):
    client = client_as("supervisor")
    client.post(reverse("evaluation:score_save", args=[scheme.pk]), cell(scheme, longshi, "A1.1", "7.5"))
    page = client.get(reverse("evaluation:score_grid", args=[scheme.pk])).content.decode()
    assert 'value="7.50"' in page and 'data-version="1"' in page
    assert "evaluation_grid.js" in page and "<script>" not in page


def test_save_answers_json_with_the_new_version(scheme, longshi, client_as):
    response = client_as("supervisor").post(
        reverse("evaluation:score_save", args=[scheme.pk]), cell(scheme, longshi, "A1.1", "7.5", comment="好")
    )
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "points": "7.50",
        "version": 1,
        "comment": "好",
        "evidence": "",
        # The evaluatee's provisional figures after the save (evaluation.provisional).
        "provisional": {"total": "7.5000", "rank": "第 1 名，共 1 个", "band": "不合格"},
    }


def test_points_over_the_maximum_are_refused_with_a_message_naming_the_field(scheme, longshi, client_as):
    response = client_as("supervisor").post(
        reverse("evaluation:score_save", args=[scheme.pk]), cell(scheme, longshi, "A1.1", "12")
    )
    assert response.status_code == 400
    assert response.json()["field"] == "points" and "10" in response.json()["error"]
    assert not Score.objects.exists()


def test_a_stale_save_is_refused_and_shown_the_newer_value(scheme, longshi, client_as):
    client = client_as("supervisor")
    url = reverse("evaluation:score_save", args=[scheme.pk])
    client.post(url, cell(scheme, longshi, "A1.1", "6"))
    client.post(url, cell(scheme, longshi, "A1.1", "8", version=1))
    response = client.post(url, cell(scheme, longshi, "A1.1", "2", version=1))
    assert response.status_code == 409
    assert response.json()["current"] == {"points": "8.00", "version": 2, "comment": ""}
    assert Score.objects.get().points == 8


def test_a_closed_scheme_refuses_the_save(scheme, longshi, client_as):
    Scheme.objects.filter(pk=scheme.pk).update(status=Scheme.Status.CLOSED)
    response = client_as("supervisor").post(
        reverse("evaluation:score_save", args=[scheme.pk]), cell(scheme, longshi, "A1.1", "5")
    )
    # The answer is in the interface language, Chinese by default.
    assert response.status_code == 400 and "未开放评分" in response.json()["error"]


def test_vp_cannot_post_scores(scheme, longshi, client_as):
    response = client_as("vp-hongqi").post(
        reverse("evaluation:score_save", args=[scheme.pk]), cell(scheme, longshi, "A1.1", "5")
    )
    assert response.status_code == 403 and not Score.objects.exists()


def test_cell_of_another_scheme_is_not_found(scheme, longshi, client_as):
    other = EvaluateeFactory()
    data = cell(scheme, longshi, "A1.1", "5")
    data["evaluatee"] = other.pk
    assert (
        client_as("supervisor").post(reverse("evaluation:score_save", args=[scheme.pk]), data).status_code
        == 404
    )


@pytest.mark.parametrize("size", [3, 20])
def test_grid_queries_stay_constant(scheme, client_as, django_assert_max_num_queries, size):
    for _ in range(size):
        EvaluateeFactory(scheme=scheme)
    client = client_as("supervisor")
    with django_assert_max_num_queries(14):
        assert client.get(reverse("evaluation:score_grid", args=[scheme.pk])).status_code == 200


def test_grid_cells_escape_names_and_comments_and_follow_the_scheme_status(scheme, longshi, client_as):
    """The cells are written in Python (evaluation.views._grid_cells): names and comments are
    escaped, points and maxima printed as numbers, inputs disabled once the scheme is closed."""
    client = client_as("supervisor")
    type(longshi).objects.filter(pk=longshi.pk).update(name='<b>龙师</b>"附小')
    save = reverse("evaluation:score_save", args=[scheme.pk])
    client.post(save, cell(scheme, longshi, "A1.1", "7.5", comment='见"附件"<script>'))
    url = reverse("evaluation:score_grid", args=[scheme.pk])
    page = client.get(url).content.decode()
    assert "<b>龙师</b>" not in page and "&lt;b&gt;龙师&lt;/b&gt;&quot;附小 A1.1" in page
    assert 'data-comment="见&quot;附件&quot;&lt;script&gt;" value="7.50">' in page
    assert 'data-max="10.00"' in page and " disabled>" not in page
    Scheme.objects.filter(pk=scheme.pk).update(status=Scheme.Status.CLOSED)
    assert 'value="7.50" disabled>' in client.get(url).content.decode()
