"""Admin imports that go wrong answer with a sentence (kernel/admin_imports.py), and the
admin exports work with their default form."""

import re

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from staff.models import StaffMember
from tests.kernel.test_imports import GOOD_ROWS, _sheet


def _upload(client, content: bytes, name="staff.csv"):
    return client.post(
        reverse("admin:staff_staffmember_import"),
        {"resource": "0", "format": "1", "import_file": SimpleUploadedFile(name, content)},
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.parametrize("debug", [True, False])
def test_wrong_headers_list_the_expected_columns_without_a_traceback(plan, client_as, settings, debug):
    settings.DEBUG = debug
    response = _upload(client_as("admin"), b"foo,bar\n1,2\n")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Traceback" not in page and ".py" not in page and "import_id_fields" not in page
    (message,) = response.context["form"].errors["import_file"]
    assert "The columns of the file are not the expected ones" in message
    assert "staff_number" in message and "home_campus" in message
    assert response.context["result"] is None and "confirm_form" not in response.context


def test_a_confirmation_sent_twice_is_answered_not_crashed(plan, client_as):
    client = client_as("admin")
    response = client.post(
        reverse("admin:staff_staffmember_import"),
        {
            "resource": "0",
            "format": "1",
            "import_file": SimpleUploadedFile("s.csv", _sheet(GOOD_ROWS).export("csv").encode()),
        },
    )
    confirm = response.context["confirm_form"].initial
    first = client.post(reverse("admin:staff_staffmember_process_import"), confirm)
    assert first.status_code == 302
    count = StaffMember.objects.count()
    second = client.post(
        reverse("admin:staff_staffmember_process_import"), confirm, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert second.status_code == 200
    assert second.redirect_chain[-1][0] == reverse("admin:staff_staffmember_import")
    shown = [str(m) for m in second.context["messages"]]
    assert any("already processed or has expired" in m for m in shown), shown
    assert StaffMember.objects.count() == count


def _export_admins():
    from import_export.admin import ExportMixin

    return sorted(
        (
            model._meta.label
            for model, model_admin in admin.site._registry.items()
            if isinstance(model_admin, ExportMixin)
        ),
    )


@pytest.mark.parametrize("label", _export_admins())
def test_every_admin_export_works_with_its_default_form(plan, client_as, label):
    """The export page's form as the browser sends it untouched (every field ticked)."""
    app_label, model_name = label.lower().split(".")
    url = reverse(f"admin:{app_label}_{model_name}_export")
    client = client_as("admin")
    page = client.get(url).content.decode()
    data = {"format": "1", "resource": "0"}
    for name in re.findall(r'<input type="checkbox" name="([^"]+)"[^>]*checked', page):
        data[name] = "on"
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Disposition"].startswith("attachment")
