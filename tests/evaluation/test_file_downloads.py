"""Evaluation files (self-assessment evidence, score evidence, appeal evidence) are served only
through views that find their record in the user's scope; MEDIA_URL is not served."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluation.models import Appeal, Evidence, Indicator, Score
from tests.evaluation.factories import EvaluateeFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(name="自评.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence")


def body(response):
    return b"".join(response.streaming_content)


def test_self_assessment_evidence_reaches_its_school_and_the_managers_only(scheme, longshi, vp_longxiang, client_as):
    item = Evidence.objects.create(evaluatee=longshi, file=pdf(), uploaded_by=vp_longxiang)
    other = EvaluateeFactory(scheme=scheme)
    elsewhere = Evidence.objects.create(evaluatee=other, file=pdf("其他.pdf"), uploaded_by=vp_longxiang)
    url = reverse("evaluation:evidence_download", args=[item.pk])
    own = client_as("vp-taojiang").get(url)
    assert own.status_code == 200 and body(own) == b"%PDF-1.4 evidence"
    assert own["Content-Disposition"].startswith("attachment")
    assert client_as("supervisor").get(url).status_code == 200
    assert client_as("vp-taojiang").get(reverse("evaluation:evidence_download", args=[elsewhere.pk])).status_code == 404


def test_anonymous_goes_to_login(scheme, longshi, vp_longxiang, client):
    item = Evidence.objects.create(evaluatee=longshi, file=pdf(), uploaded_by=vp_longxiang)
    response = client.get(reverse("evaluation:evidence_download", args=[item.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_score_evidence_is_for_managers_only(scheme, longshi, supervisor, client_as):
    indicator = Indicator.objects.get(scheme=scheme, code="A1.1")
    score = Score.objects.create(
        indicator=indicator, evaluatee=longshi, evaluator=supervisor, points=Decimal("5"), evidence=pdf("佐证.pdf")
    )
    url = reverse("evaluation:score_evidence", args=[score.pk])
    assert client_as("supervisor").get(url).status_code == 200
    assert client_as("bureau").get(url).status_code == 200
    assert client_as("vp-hongqi").get(url).status_code == 403
    assert client_as("principal").get(url).status_code == 403


def test_appeal_evidence_reaches_its_school_and_the_bureau(scheme, longshi, vp_hongqi, bureau, client_as):
    from evaluation.models import PublishedSnapshot

    snapshot = PublishedSnapshot.objects.create(scheme=scheme, version=1, data={}, published_by=bureau)
    appeal = Appeal.objects.create(
        snapshot=snapshot,
        evaluatee=longshi,
        indicator=Indicator.objects.get(scheme=scheme, code="A1.1"),
        reasons="复核",
        evidence=pdf("复核.pdf"),
        filed_by=vp_hongqi,
    )
    url = reverse("evaluation:appeal_evidence", args=[appeal.pk])
    assert client_as("vp-hongqi").get(url).status_code == 200
    assert client_as("bureau").get(url).status_code == 200
    other = EvaluateeFactory(scheme=scheme)
    appeal.evaluatee = other
    appeal.save()
    assert client_as("vp-hongqi").get(url).status_code == 404


def test_media_url_is_not_served(scheme, longshi, vp_longxiang, client_as):
    item = Evidence.objects.create(evaluatee=longshi, file=pdf(), uploaded_by=vp_longxiang)
    assert client_as("bureau").get(f"/media/{item.file.name}").status_code == 404
