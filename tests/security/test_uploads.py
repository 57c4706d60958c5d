"""Uploads: size and type limited, content checked, zip bombs refused before openpyxl parses them,
files never served from MEDIA_URL (kernel/uploads.py, kernel/forms.py)."""

import functools
import io
import struct
import zlib
from unittest import mock

import pytest
import tablib
from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from kernel import uploads
from kernel.forms import PortalForm, UploadChecksMixin

MB = 1024 * 1024
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class EvidenceUpload(PortalForm):
    file = forms.FileField(label="evidence file")


def _submit(form_class, name, content, **kwargs):
    form = form_class(data={}, files={"file": SimpleUploadedFile(name, content)}, **kwargs)
    form.is_valid()
    return form


def _errors(form) -> dict[str, list[str]]:
    """The form's messages, with the no-break spaces of sizes ("20.0\xa0MB") as plain spaces."""
    return {name: [m.replace("\xa0", " ") for m in messages] for name, messages in form.errors.items()}


def _xlsx(rows=(("staff_number", "name"), ("T1", "张一"))) -> bytes:
    return tablib.Dataset(*rows[1:], headers=rows[0]).export("xlsx")


def _zip(members: list[tuple[str, bytes, bytes, int, int]]) -> bytes:
    """A zip written by hand from (name, compressed data, method 8 or 0, crc, size) members, so
    that a huge member costs only its compressed bytes to build."""
    out = io.BytesIO()
    central = []
    for name, data, method, crc, size in members:
        offset = out.tell()
        encoded = name.encode()
        out.write(
            struct.pack(
                "<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0, crc, len(data), size, len(encoded), 0
            )
        )
        out.write(encoded + data)
        central.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                method,
                0,
                0,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(
        struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start, start, 0)
    )
    return out.getvalue()


def _stored(name: str, content: bytes):
    return (name, content, 0, zlib.crc32(content), len(content))


@functools.cache
def zip_bomb_xlsx(unpacked_mb: int = 128) -> bytes:
    """A real xlsx-shaped zip bomb: its sheet is `unpacked_mb` MB of zeros, deflated to ~1/1000.

    One megabyte of zeros is compressed once and ends on a full flush, so the same bytes can be
    repeated: the result is a valid deflate stream that inflates to every zero."""
    zeros = b"\0" * MB
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    crc = 0
    for _ in range(unpacked_mb):
        crc = zlib.crc32(zeros, crc)
    sheet = ("xl/worksheets/sheet1.xml", block * unpacked_mb + final, 8, crc, unpacked_mb * MB)
    return _zip(
        [
            _stored("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
            _stored("xl/workbook.xml", b'<?xml version="1.0"?><workbook/>'),
            sheet,
        ]
    )


# --------------------------------------------------------------------------------------------
# Size, type, content


def test_an_oversized_file_is_refused_naming_the_field_and_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    form = _submit(EvidenceUpload, "report.pdf", PDF + b" " * 2000)
    assert _errors(form)["file"] == ["evidence file: “report.pdf” is 2.0 KB, larger than the 1.0 KB allowed."]


def test_the_default_limit_of_attachments_is_20_mb(settings):
    assert settings.UPLOAD_MAX_BYTES == 20 * MB and settings.IMPORT_MAX_BYTES == 5 * MB
    upload = SimpleUploadedFile("big.pdf", PDF)
    upload.size = 20 * MB + 1  # what Django reports for a file streamed to disk
    form = EvidenceUpload(data={}, files={"file": upload})
    assert not form.is_valid()
    # One byte over: the sizes are written in bytes, so that they differ on the page.
    assert "is 20971521 bytes, larger than the 20971520 bytes allowed" in _errors(form)["file"][0]


@pytest.mark.parametrize(
    ("size", "limit", "expected"),
    [
        (200 * MB + 1, 200 * MB, ("209715201 bytes", "209715200 bytes")),
        (200 * MB + 2000, 200 * MB, ("200.002 MB", "200.000 MB")),
        (201 * MB, 200 * MB, ("201.0 MB", "200.0 MB")),
        (2000, 1024, ("2.0 KB", "1.0 KB")),
        (900, 500, ("900 bytes", "500 bytes")),
    ],
)
def test_a_size_and_its_limit_are_written_so_that_they_differ(size, limit, expected):
    written = tuple(s.replace("\xa0", " ") for s in uploads.sizes_apart(size, limit))
    assert written == expected


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("tool.exe", b"MZ\x90\x00"),
        ("page.html", b"<script>alert(1)</script>"),
        ("logo.svg", b"<svg onload='alert(1)'/>"),
        ("archive.zip", b"PK\x05\x06" + b"\0" * 18),
        ("no-extension", PDF),
    ],
)
def test_a_type_that_is_not_allowed_is_refused(name, content):
    form = _submit(EvidenceUpload, name, content)
    message = _errors(form)["file"][0]
    assert message.startswith("evidence file: files of type")
    assert "Allowed: pdf, jpg" in message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"MZ\x90\x00 not a pdf"),
        ("photo.png", b"\xff\xd8\xff\xe0 a jpeg named png"),
        ("minutes.docx", PDF),
        ("notes.txt", b"text\x00with NUL"),
        ("sheet.xlsx", _zip([_stored("word/document.xml", b"<w/>")])),  # a docx named xlsx
    ],
)
def test_content_that_does_not_match_the_extension_is_refused(name, content):
    form = _submit(EvidenceUpload, name, content)
    assert _errors(form)["file"][0].startswith(f"evidence file: the content of “{name}” is not a")


@pytest.mark.parametrize(
    ("name", "content"),
    [("report.pdf", PDF), ("photo.PNG", PNG), ("sheet.xlsx", _xlsx()), ("notes.txt", "会议纪要".encode())],
)
def test_allowed_files_are_accepted(name, content):
    form = _submit(EvidenceUpload, name, content)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["file"].name == name


def test_file_inputs_say_what_they_accept():
    field = EvidenceUpload().fields["file"]
    assert field.widget.attrs["accept"].startswith(".pdf,.jpg")
    assert (
        field.help_text.replace("\xa0", " ")
        == "Up to 20.0 MB: " + ", ".join(uploads.ATTACHMENT.extensions) + "."
    )


# --------------------------------------------------------------------------------------------
# Zip bombs


def test_the_crafted_bomb_is_small_and_really_unpacks_to_zeros():
    import zipfile

    bomb = zip_bomb_xlsx()
    assert len(bomb) < 400 * 1024
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        member = archive.getinfo("xl/worksheets/sheet1.xml")
        assert member.file_size == 128 * MB
        with archive.open(member) as sheet:
            assert sheet.read(2 * MB) == b"\0" * (2 * MB)


def test_a_zip_bomb_attachment_is_refused():
    form = _submit(EvidenceUpload, "scores.xlsx", zip_bomb_xlsx())
    ratio = 128 * MB // len(zip_bomb_xlsx())
    assert ratio > 500
    assert _errors(form)["file"] == [
        f"evidence file: “scores.xlsx” unpacks to 128.0 MB ({ratio} times its size); at most 100.0 MB and "
        "100 times are allowed."
    ]


def test_an_absurd_compression_ratio_is_refused_below_the_size_cap():
    bomb = zip_bomb_xlsx(unpacked_mb=20)  # 20 MB, under the 100 MB cap, ~1000 times its size
    form = _submit(EvidenceUpload, "scores.xlsx", bomb)
    assert "unpacks to 20.0 MB" in _errors(form)["file"][0]


def test_too_many_parts_are_refused(settings):
    settings.UPLOAD_MAX_ZIP_MEMBERS = 3
    parts = [_stored("[Content_Types].xml", b"<Types/>")] + [
        _stored(f"xl/p{i}.xml", b"<p/>") for i in range(3)
    ]
    form = _submit(EvidenceUpload, "many.xlsx", _zip(parts))
    assert _errors(form)["file"] == ["evidence file: “many.xlsx” holds 4 parts, more than the 3 allowed."]


@pytest.fixture
def no_openpyxl():
    """openpyxl must never be reached: any call fails the test."""
    with mock.patch("tablib.formats._xlsx.load_workbook", side_effect=AssertionError("parsed")) as load:
        yield load


def _import(client, name, content, file_format="0"):
    return client.post(
        reverse("admin:staff_staffmember_import"),
        {"resource": "0", "format": file_format, "import_file": SimpleUploadedFile(name, content)},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_zip_bomb_import_is_refused_before_openpyxl_parses_it(plan, client_as, no_openpyxl):
    response = _import(client_as("admin"), "staff.xlsx", zip_bomb_xlsx())
    assert response.status_code == 200
    errors = _errors(response.context["form"])
    assert "File to import: “staff.xlsx” unpacks to 128.0 MB" in errors["import_file"][0]
    assert "result" not in response.context
    no_openpyxl.assert_not_called()


def test_a_normal_xlsx_import_is_read(plan, client_as):
    rows = (("staff_number", "name", "gender", "subject", "home_campus", "on_campus_since"),)
    rows += (("T1001", "张一", "F", "chinese", "hongqi", "2015-09-01"),)
    response = _import(client_as("admin"), "staff.xlsx", _xlsx(rows))
    assert response.status_code == 200
    assert not _errors(response.context["form"])
    assert "confirm_form" in response.context


def test_an_import_file_above_its_limit_is_refused(plan, client_as, settings, no_openpyxl):
    settings.IMPORT_MAX_BYTES = 1024
    response = _import(client_as("admin"), "staff.xlsx", _xlsx())
    message = _errors(response.context["form"])["import_file"][0]
    assert (
        message.startswith("File to import: “staff.xlsx” is") and "larger than the 1.0 KB allowed" in message
    )


def test_an_import_takes_only_xlsx_and_csv_in_the_format_chosen(plan, client_as, no_openpyxl):
    client = client_as("admin")
    response = _import(client, "staff.pdf", PDF)
    assert (
        "files of type “pdf” cannot be uploaded here. Allowed: xlsx, csv."
        in _errors(response.context["form"])["import_file"][0]
    )
    response = _import(client, "staff.csv", b"staff_number,name\nT1,x\n", file_format="0")  # 0: xlsx
    assert _errors(response.context["form"])["format"] == [
        "“staff.csv” is not a xlsx file: choose the format of the file."
    ]


# --------------------------------------------------------------------------------------------
# Wiring: every file field of the portal goes through the checks


def _portal_form_classes():
    import importlib

    classes = []
    for app in ("campuses", "staff", "sharing", "evaluation", "planning", "supervision"):
        try:
            module = importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
            ):
                classes.append(value)
    return classes


def test_every_portal_form_with_a_file_field_runs_the_upload_checks():
    with_files = [
        form_class
        for form_class in _portal_form_classes()
        if any(isinstance(field, forms.FileField) for field in form_class.base_fields.values())
    ]
    assert with_files, "the portal has upload forms"
    assert [f.__name__ for f in with_files if not issubclass(f, UploadChecksMixin)] == []


def test_every_admin_form_with_a_file_field_runs_the_upload_checks(admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    unchecked = []
    for model_admin in admin.site._registry.values():
        admins = [model_admin, *model_admin.get_inline_instances(request)]
        for each in admins:
            if any(isinstance(f, models.FileField) for f in each.model._meta.get_fields()):
                if not issubclass(each.form, UploadChecksMixin):
                    unchecked.append(f"{type(each).__name__}")
    assert unchecked == []


def test_teaching_resources_take_recordings_up_to_their_own_limit(plan, principal):
    from sharing.forms import SpendingForm, TeachingResourceForm

    mp4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32
    resource = TeachingResourceForm(
        data={}, files={"file": SimpleUploadedFile("lesson.mp4", mp4)}, user=principal
    )
    resource.is_valid()
    assert "file" not in _errors(resource)
    assert uploads.policy_for_model_field(resource._meta.model, "file") is uploads.RESOURCE
    spending = SpendingForm(
        data={}, files={"attachment": SimpleUploadedFile("lesson.mp4", mp4)}, user=principal
    )
    spending.is_valid()
    assert "files of type “mp4” cannot be uploaded here" in _errors(spending)["attachment"][0]


# --------------------------------------------------------------------------------------------
# Where files live, and how big a request may be


def test_media_is_never_served_by_url(plan, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "evaluation").mkdir()
    (tmp_path / "evaluation" / "secret.pdf").write_bytes(PDF)
    client = client_as("bureau")
    assert client.get("/media/evaluation/secret.pdf").status_code == 404
    assert client.get(settings.MEDIA_URL + "evaluation/secret.pdf").status_code == 404


def test_media_root_is_outside_the_static_directories(settings, tmp_path):
    from pathlib import Path

    media = Path(settings.MEDIA_ROOT).resolve()
    for static in [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]:
        static = Path(static).resolve()
        assert static not in media.parents and media != static
    assert uploads.media_root_outside_static() == []
    settings.MEDIA_ROOT = Path(settings.STATIC_ROOT) / "uploads"
    assert [error.id for error in uploads.media_root_outside_static()] == ["groupschool.E002"]


def test_a_request_above_the_ceiling_is_refused_before_it_is_read(plan, client_as, settings):
    settings.REQUEST_MAX_BYTES = 1000
    client = client_as("bureau")
    upload = SimpleUploadedFile("report.pdf", PDF + b" " * 2000)
    with mock.patch("django.http.request.HttpRequest._load_post_and_files") as parse:
        response = client.post(reverse("home"), {"file": upload})
    assert response.status_code == 413
    parse.assert_not_called()
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2621440
