"""The plan's files are sent by views that first find their record in scope (MEDIA_URL is not
served)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planning import services
from planning.models import Document

from .factories import MeasureFactory


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
