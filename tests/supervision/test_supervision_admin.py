"""The admin is one more door to the same records."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from campuses.models import ExpansionApplication
from supervision.models import Experience, Rectification, SupervisionVisit

from .factories import RectificationFactory, SupervisionVisitFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("model", [SupervisionVisit, Rectification, ExpansionApplication, Experience])
def test_admin_changelists_load(client_as, campuses, supervisor, vp_taojiang, model):
    visit = SupervisionVisitFactory(campus=campuses["taojiang"], created_by=supervisor)
    RectificationFactory(visit=visit, owner=vp_taojiang)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client_as("admin").get(url).status_code == 200


def test_vp_with_staff_status_reaches_only_own_campus_rectifications_in_admin(
    client_as, campuses, supervisor, vp_hongqi, vp_taojiang
):
    vp_hongqi.is_staff = True
    vp_hongqi.save()
    vp_hongqi.user_permissions.set(Permission.objects.filter(content_type__app_label="supervision"))
    visit = SupervisionVisitFactory(campus=campuses["taojiang"], created_by=supervisor)
    other = RectificationFactory(visit=visit, owner=vp_taojiang)
    client = client_as("vp-hongqi")
    response = client.get(reverse("admin:supervision_rectification_changelist"))
    assert response.status_code == 200 and list(response.context["cl"].result_list) == []
    assert client.get(reverse("admin:supervision_rectification_change", args=[other.pk])).status_code == 302
    assert client.get(reverse("admin:supervision_rectification_history", args=[other.pk])).status_code == 404
    assert (
        client.get(reverse("admin:supervision_supervisionvisit_change", args=[visit.pk])).status_code == 302
    )
