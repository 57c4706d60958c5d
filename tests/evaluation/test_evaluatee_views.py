"""An evaluatee's page: scope (404 outside), breakdown, evidence and appeals."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluation.models import Evidence, Indicator, Result, Scheme, Score
from evaluation.services import results_compute_now, scheme_publish
from tests.evaluation.factories import EvaluateeFactory


@pytest.fixture
def scored(scheme, longshi, supervisor):
    Score.objects.create(
        indicator=Indicator.objects.get(scheme=scheme, code="A1.2"),
        evaluatee=longshi,
        evaluator=supervisor,
        points=Decimal("13.5"),
    )
    results_compute_now(scheme=scheme)
    return longshi


def test_vp_of_another_school_gets_404(scheme, client_as):
    other = EvaluateeFactory(scheme=scheme)
    assert (
        client_as("vp-hongqi").get(reverse("evaluation:evaluatee_detail", args=[other.pk])).status_code == 404
    )


def test_outsider_is_refused(scored, client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("evaluation:evaluatee_detail", args=[scored.pk])).status_code == 403


def test_vp_sees_own_school_but_no_scores_before_publication(scored, client_as):
    page = (
        client_as("vp-hongqi").get(reverse("evaluation:evaluatee_detail", args=[scored.pk])).content.decode()
    )
    assert "龙师附小" in page and "13.5" not in page


def test_evaluator_sees_breakdown_with_peer_average_and_chart_data(scored, client_as):
    response = client_as("supervisor").get(reverse("evaluation:evaluatee_detail", args=[scored.pk]))
    page = response.content.decode()
    assert "13.50" in page and 'id="evaluatee-chart-data"' in page and "echarts.min.js" in page
    assert response.context["chart_data"]["mine"][1] == 13.5


def test_vp_sees_published_breakdown(scored, scheme, bureau, client_as):
    Scheme.objects.filter(pk=scheme.pk).update(status=Scheme.Status.CLOSED)
    scheme_publish(user=bureau, scheme=Scheme.objects.get(pk=scheme.pk))
    page = (
        client_as("vp-taojiang")
        .get(reverse("evaluation:evaluatee_detail", args=[scored.pk]))
        .content.decode()
    )
    assert "13.50" in page


def test_vp_uploads_evidence_for_own_school_only(scheme, longshi, client_as):
    other = EvaluateeFactory(scheme=scheme)
    client = client_as("vp-longxiang")
    ok = client.post(
        reverse("evaluation:evidence_upload", args=[longshi.pk]),
        {"file": SimpleUploadedFile("自评.pdf", b"%PDF"), "note": "自评报告"},
    )
    assert ok.status_code == 302 and Evidence.objects.filter(evaluatee=longshi).count() == 1
    refused = client.post(
        reverse("evaluation:evidence_upload", args=[other.pk]), {"file": SimpleUploadedFile("x.pdf", b"%PDF")}
    )
    assert refused.status_code == 404
    assert (
        client_as("supervisor")
        .post(
            reverse("evaluation:evidence_upload", args=[longshi.pk]),
            {"file": SimpleUploadedFile("x.pdf", b"%PDF")},
        )
        .status_code
        == 403
    )


def test_published_evaluatee_page_reads_the_frozen_snapshot(scored, scheme, bureau, client_as):
    """After publication the evaluatee's page shows what was published, whatever changes live:
    the run's own rows, a new computation, the indicator's code."""
    Scheme.objects.filter(pk=scheme.pk).update(status=Scheme.Status.CLOSED)
    snapshot = scheme_publish(user=bureau, scheme=Scheme.objects.get(pk=scheme.pk))
    Result.objects.filter(run=snapshot.run).update(total=Decimal("77.7"), band="excellent")
    Indicator.objects.filter(scheme=scheme, code="A1.2").update(code="Z9.9")
    Scheme.objects.filter(pk=scheme.pk).update(status=Scheme.Status.OPEN)
    Score.objects.update(points=Decimal("2"))
    results_compute_now(scheme=scheme)
    url = reverse("evaluation:evaluatee_detail", args=[scored.pk])
    for username, query in (("vp-hongqi", ""), ("bureau", "?published=1")):
        response = client_as(username).get(url + query)
        page = response.content.decode()
        assert response.context["result"].total == Decimal("13.5"), username
        codes = [r.indicator.code for r in response.context["breakdown"]]
        assert "A1.2" in codes and "Z9.9" not in codes and "77.7" not in page, username
        row = next(r for r in response.context["breakdown"] if r.indicator.code == "A1.2")
        assert row.points == Decimal("13.5") and row.peer_average == Decimal("13.50")
    # The bureau's current view follows the new computation.
    current = client_as("bureau").get(url).context
    assert current["result"].total == Decimal("2")
