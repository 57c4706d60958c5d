"""Files are sent by views that first find their record in scope (MEDIA_URL is not served), and
the admin is one more door to the same records."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planning import services
from planning.models import Document, ExpansionApplication, Experience, Rectification, SupervisionVisit

from .factories import MeasureFactory, RectificationFactory, SupervisionVisitFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_report_attachments_and_documents_download_for_plan_readers(
    client, client_as, outsider, bureau, plan
):
    report = services.progress_report_file(
        user=bureau,
        measure=MeasureFactory(),
        text="进展",
        percent=10,
        files=[SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")],
    )
    attachment = report.attachments.get()
    document = Document.objects.first()
    document.file = SimpleUploadedFile("章程.pdf", b"%PDF-1.4 charter")
    document.save()
    for url, content in (
        (reverse("planning:report_attachment", args=[attachment.pk]), b"%PDF-1.4 minutes"),
        (reverse("planning:document_file", args=[document.pk]), b"%PDF-1.4 charter"),
    ):
        response = client_as("vp-hongqi").get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == content
        assert response["Content-Disposition"].startswith("attachment")
        assert client.get(url).status_code == 302
        client.force_login(outsider)
        assert client.get(url).status_code == 403
        client.logout()
    page = client_as("bureau").get(reverse("planning:measure_detail", args=[report.measure_id]))
    assert reverse("planning:report_attachment", args=[attachment.pk]) in page.content.decode()


@pytest.mark.parametrize("model", [SupervisionVisit, Rectification, ExpansionApplication, Experience])
def test_admin_changelists_load(client_as, campuses, supervisor, vp_taojiang, model):
    visit = SupervisionVisitFactory(campus=campuses["taojiang"], created_by=supervisor)
    RectificationFactory(visit=visit, owner=vp_taojiang)
    url = reverse(f"admin:planning_{model._meta.model_name}_changelist")
    assert client_as("admin").get(url).status_code == 200


def test_vp_with_staff_status_reaches_only_own_campus_rectifications_in_admin(
    client_as, campuses, supervisor, vp_hongqi, vp_taojiang
):
    vp_hongqi.is_staff = True
    vp_hongqi.save()
    vp_hongqi.user_permissions.set(Permission.objects.filter(content_type__app_label="planning"))
    visit = SupervisionVisitFactory(campus=campuses["taojiang"], created_by=supervisor)
    other = RectificationFactory(visit=visit, owner=vp_taojiang)
    client = client_as("vp-hongqi")
    response = client.get(reverse("admin:planning_rectification_changelist"))
    assert response.status_code == 200 and list(response.context["cl"].result_list) == []
    assert client.get(reverse("admin:planning_rectification_change", args=[other.pk])).status_code == 302
    assert client.get(reverse("admin:planning_rectification_history", args=[other.pk])).status_code == 404
    assert client.get(reverse("admin:planning_supervisionvisit_change", args=[visit.pk])).status_code == 302
