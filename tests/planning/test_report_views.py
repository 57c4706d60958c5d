"""Filing progress reports through the pages: the permission matrix by role, and a
vice-principal's attempt on another campus's sub-task by URL."""

import pytest
from django.urls import reverse

from planning.models import ProgressReport


def subtask_url(task):
    return reverse("planning:subtask_report", args=[task.pk])


def measure_url(measure):
    return reverse("planning:measure_report", args=[measure.pk])


def test_anonymous_is_sent_to_login(client, subtasks):
    response = client.get(subtask_url(subtasks["hongqi"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_user_without_role_is_refused(client, outsider, subtasks):
    client.force_login(outsider)
    assert client.get(subtask_url(subtasks["hongqi"])).status_code == 403


def test_vp_files_a_report_on_own_campus_subtask(client_as, subtasks):
    client = client_as("vp-taojiang")
    assert client.get(subtask_url(subtasks["taojiang"])).status_code == 200
    response = client.post(
        subtask_url(subtasks["taojiang"]), {"percent": 40, "text": "桃江校区已明确执行副校长"}
    )
    assert response.status_code == 302
    subtasks["taojiang"].refresh_from_db()
    assert subtasks["taojiang"].progress == 40


@pytest.mark.parametrize("other", ["hongqi", "longxiang", "unit"])
def test_vp_cannot_report_on_another_campus_subtask_by_url(client_as, subtasks, other):
    client = client_as("vp-taojiang")
    assert client.get(subtask_url(subtasks[other])).status_code == 404
    assert client.post(subtask_url(subtasks[other]), {"percent": 90, "text": "越权"}).status_code == 404
    assert not ProgressReport.objects.exists()


def test_vp_reporting_on_a_whole_measure_is_offered_their_campus_part(client_as, measure):
    """Not a 403 dead end: without a sub-task of their campus, the page offers to add one; no
    report on the whole measure is filed, whatever is posted."""
    client = client_as("vp-longxiang")
    response = client.get(measure_url(measure))
    assert response.status_code == 200
    assert response.templates[0].name == "planning/report_choose.html"
    assert f"{reverse('planning:subtask_create')}?measure={measure.pk}" in response.content.decode()
    client.post(measure_url(measure), {"percent": 50, "text": "越权"})
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("username", ["bureau", "supervisor", "personnel", "admin", "principal"])
def test_bureau_roles_and_group_leadership_report_on_measures(client_as, measure, username):
    response = client_as(username).post(measure_url(measure), {"percent": 25, "text": "推进中"})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.progress == 25


def test_principal_reports_on_every_campus_of_the_group(client_as, subtasks):
    client = client_as("principal")
    for code in ("hongqi", "longxiang", "taojiang", "unit"):
        assert client.get(subtask_url(subtasks[code])).status_code == 200


def test_bad_percent_names_the_field_and_writes_nothing(client_as, subtasks):
    response = client_as("vp-hongqi").post(subtask_url(subtasks["hongqi"]), {"percent": 150, "text": "x"})
    assert response.status_code == 200
    assert "percent" in response.context["form"].errors
    assert not ProgressReport.objects.exists()


def test_empty_text_is_refused(client_as, subtasks):
    response = client_as("vp-hongqi").post(subtask_url(subtasks["hongqi"]), {"percent": 10, "text": "   "})
    assert "text" in response.context["form"].errors


def test_report_with_attachment(client_as, subtasks, settings, tmp_path):
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:  # what a Word file holds (uploads are checked)
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document>minutes</document>")
    upload = SimpleUploadedFile("会议纪要.docx", docx.getvalue())
    client_as("vp-hongqi").post(
        subtask_url(subtasks["hongqi"]), {"percent": 10, "text": "附纪要", "attachment": upload}
    )
    assert ProgressReport.objects.get().attachments.get().name == "会议纪要.docx"
