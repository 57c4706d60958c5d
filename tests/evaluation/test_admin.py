"""The admin is one more door: unpublished scores stay closed to vice-principals there too."""

from decimal import Decimal

from django.contrib.auth.models import Permission
from django.urls import reverse

from evaluation.models import Indicator, Score


def test_vp_with_staff_status_sees_no_scores_in_the_admin(scheme, longshi, supervisor, vp_hongqi, client):
    Score.objects.create(
        indicator=Indicator.objects.get(scheme=scheme, code="A1.1"),
        evaluatee=longshi,
        evaluator=supervisor,
        points=Decimal("4.25"),
    )
    vp_hongqi.is_staff = True
    vp_hongqi.save()
    vp_hongqi.user_permissions.set(
        Permission.objects.filter(content_type__app_label="evaluation", codename__startswith="view_")
    )
    client.force_login(vp_hongqi)
    url = reverse("admin:evaluation_score_changelist")
    response = client.get(url)
    assert response.status_code == 200 and "4.25" not in response.content.decode()
    export = client.post(reverse("admin:evaluation_score_export"), {"format": "0"})
    assert "4.25" not in export.content.decode()


def test_administrator_sees_scores_read_only(scheme, longshi, supervisor, client_as):
    score = Score.objects.create(
        indicator=Indicator.objects.get(scheme=scheme, code="A1.1"),
        evaluatee=longshi,
        evaluator=supervisor,
        points=Decimal("4.25"),
    )
    client = client_as("admin")
    assert "4.25" in client.get(reverse("admin:evaluation_score_changelist")).content.decode()
    change = client.post(reverse("admin:evaluation_score_change", args=[score.pk]), {"points": "9"})
    assert change.status_code in (302, 403) and Score.objects.get().points == Decimal("4.25")
