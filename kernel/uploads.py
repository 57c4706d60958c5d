"""What may be uploaded to the portal, and how an uploaded file is sent back.

Django caps no file size by itself and trusts a file's name. Every file field of the portal's
forms (kernel.forms: `ScopedModelForm`, `PortalForm`, the admin's `PortalAdminForm` and
the import form `PortalImportForm`) runs an `UploadValidator` of one of three policies:

=============  ====================================  ==========================================
policy         used for                              types (content checked, not only the name)
=============  ====================================  ==========================================
attachment     evidence, reports, receipts,          pdf; jpg, jpeg, png, gif, webp; doc, docx,
               appeals, planning documents           xls, xlsx, ppt, pptx, wps, et, dps, odt,
               (UPLOAD_MAX_BYTES, 20 MB)             ods, odp; txt, csv
resource       shared teaching resources, where      the attachment types, plus mp4, m4a, mp3
               lesson recordings go                  (recordings are uploaded as such: archives
               (RESOURCE_MAX_BYTES, 200 MB)          cannot be checked inside, zip is refused)
import         bulk imports in the admin             xlsx, csv
               (IMPORT_MAX_BYTES, 5 MB)
=============  ====================================  ==========================================

Content sniffing: the first bytes must match the extension (a PDF starts with "%PDF", an
image with its signature, an Office 97 file with the OLE header, a docx/xlsx/pptx/odt is a zip
holding the parts of that format, text has no NUL byte). SVG and HTML are never accepted: they
could run scripts when opened.

Zip-based documents (docx, xlsx, pptx, odt...) are opened with `zipfile` only to read their
table of contents, before anything parses them: a file whose parts declare more than
UPLOAD_MAX_UNPACKED_BYTES (100 MB) in all, or more than UPLOAD_MAX_ZIP_RATIO (100) times the
file's own size, or more than UPLOAD_MAX_ZIP_MEMBERS parts, is refused. Python's zipfile never
inflates a part beyond its declared size (it stops there and fails the CRC check), so the
declared sizes are a bound on what openpyxl can be made to read.

Files are stored under MEDIA_ROOT, which must lie outside STATIC_ROOT and STATICFILES_DIRS (a
system check, below) and which no URL serves: each app sends a file from a view that first
finds its record in the user's scope (`file_response`).
"""

from __future__ import annotations

import mimetypes
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePath

from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

#: How many bytes are read to recognise a type.
HEAD_BYTES = 8192

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")


def _is_pdf(head: bytes) -> bool:
    # Some producers write a few bytes before the header; readers accept it within 1 KB.
    return b"%PDF" in head[:1024]


def _is_text(head: bytes) -> bool:
    return b"\x00" not in head


def _is_zip(head: bytes) -> bool:
    return head.startswith(ZIP_SIGNATURES)


def _is_mp3(head: bytes) -> bool:
    return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


#: extension → (test on the first bytes, prefix a part of the zip must have, or None).
SIGNATURES: dict[str, tuple] = {
    "pdf": (_is_pdf, None),
    "jpg": (lambda h: h.startswith(b"\xff\xd8\xff"), None),
    "jpeg": (lambda h: h.startswith(b"\xff\xd8\xff"), None),
    "png": (lambda h: h.startswith(b"\x89PNG\r\n\x1a\n"), None),
    "gif": (lambda h: h.startswith((b"GIF87a", b"GIF89a")), None),
    "webp": (lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP", None),
    "doc": (lambda h: h.startswith(OLE), None),
    "xls": (lambda h: h.startswith(OLE), None),
    "ppt": (lambda h: h.startswith(OLE), None),
    # WPS Office: Office 97 containers, or zip-based in recent versions.
    "wps": (lambda h: h.startswith(OLE) or _is_zip(h), ""),
    "et": (lambda h: h.startswith(OLE) or _is_zip(h), ""),
    "dps": (lambda h: h.startswith(OLE) or _is_zip(h), ""),
    "docx": (_is_zip, "word/"),
    "xlsx": (_is_zip, "xl/"),
    "pptx": (_is_zip, "ppt/"),
    "odt": (_is_zip, "mimetype"),
    "ods": (_is_zip, "mimetype"),
    "odp": (_is_zip, "mimetype"),
    "txt": (_is_text, None),
    "csv": (_is_text, None),
    "mp4": (lambda h: h[4:8] == b"ftyp", None),
    "m4a": (lambda h: h[4:8] == b"ftyp", None),
    "mp3": (_is_mp3, None),
}

DOCUMENT_EXTENSIONS = (
    "pdf", "jpg", "jpeg", "png", "gif", "webp",
    "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "et", "dps", "odt", "ods", "odp",
    "txt", "csv",
)  # fmt: skip


@dataclass(frozen=True)
class UploadPolicy:
    """Which files a field takes: its extensions and the setting that holds its size limit."""

    name: str
    max_bytes_setting: str
    extensions: tuple[str, ...]

    @property
    def max_bytes(self) -> int:
        return getattr(settings, self.max_bytes_setting)

    @property
    def accept(self) -> str:
        """For the file input's `accept` attribute: the browser offers these types first."""
        return ",".join(f".{extension}" for extension in self.extensions)

    def describe(self) -> str:
        return gettext("Up to %(limit)s: %(types)s.") % {
            "limit": filesizeformat(self.max_bytes),
            "types": ", ".join(self.extensions),
        }


ATTACHMENT = UploadPolicy("attachment", "UPLOAD_MAX_BYTES", DOCUMENT_EXTENSIONS)
RESOURCE = UploadPolicy("resource", "RESOURCE_MAX_BYTES", DOCUMENT_EXTENSIONS + ("mp4", "m4a", "mp3"))
IMPORT = UploadPolicy("import", "IMPORT_MAX_BYTES", ("xlsx", "csv"))

#: Model fields that take something else than attachments ("app_label.model.field").
MODEL_FIELD_POLICIES: dict[str, UploadPolicy] = {
    "sharing.teachingresource.file": RESOURCE,
}


def policy_for_model_field(model, name: str) -> UploadPolicy:
    if model is None:
        return ATTACHMENT
    return MODEL_FIELD_POLICIES.get(f"{model._meta.label_lower}.{name}", ATTACHMENT)


def sizes_apart(size: int, limit: int) -> tuple[str, str]:
    """Two sizes written so that they differ when they do, in the limit's unit with one to
    three decimals ("200.001 MB" against "200.000 MB"), else in bytes: never "200.0 MB, larger
    than the 200.0 MB allowed"."""
    from django.utils.formats import number_format
    from django.utils.html import avoid_wrapping
    from django.utils.translation import ngettext

    units = ((1024**3, gettext("%s GB")), (1024**2, gettext("%s MB")), (1024, gettext("%s KB")))
    unit, template = next(((u, t) for u, t in units if limit >= u), (1, None))
    if template is not None:
        for decimals in (1, 2, 3):
            written = [number_format(round(value / unit, decimals), decimals) for value in (size, limit)]
            if size == limit or written[0] != written[1]:
                return avoid_wrapping(template % written[0]), avoid_wrapping(template % written[1])
    in_bytes = [ngettext("%(size)d byte", "%(size)d bytes", n) % {"size": n} for n in (size, limit)]
    return avoid_wrapping(in_bytes[0]), avoid_wrapping(in_bytes[1])


class UploadValidator:
    """Refuses a file too big, of a type the policy does not take, whose content does not
    match its extension, or that is a zip bomb. Messages name the field and the limit."""

    def __init__(self, policy: UploadPolicy, label):
        self.policy = policy
        self.label = label

    def __eq__(self, other):
        return isinstance(other, UploadValidator) and (self.policy, str(self.label)) == (
            other.policy,
            str(other.label),
        )

    def __call__(self, upload) -> None:
        if not hasattr(upload, "size") or not hasattr(upload, "read"):
            return  # a file already stored (an unchanged ModelForm field), checked when uploaded
        field = str(self.label)
        name = PurePath(upload.name or "").name
        limit = self.policy.max_bytes
        if upload.size > limit:
            raise ValidationError(
                _("%(field)s: “%(name)s” is %(size)s, larger than the %(limit)s allowed."),
                code="file_too_large",
                params={
                    "field": field,
                    "name": name,
                    **dict(zip(("size", "limit"), sizes_apart(upload.size, limit), strict=True)),
                },
            )
        extension = PurePath(name).suffix.lower().lstrip(".")
        if extension not in self.policy.extensions:
            raise ValidationError(
                _("%(field)s: files of type “%(extension)s” cannot be uploaded here. Allowed: %(allowed)s."),
                code="file_type",
                params={
                    "field": field,
                    "extension": extension or "—",
                    "allowed": ", ".join(self.policy.extensions),
                },
            )
        head = _head(upload)
        looks_right, zip_part = SIGNATURES[extension]
        if not looks_right(head):
            raise ValidationError(
                _("%(field)s: the content of “%(name)s” is not a %(extension)s file."),
                code="file_content",
                params={"field": field, "name": name, "extension": extension},
            )
        if zip_part is not None and _is_zip(head):
            check_zip(upload, field=field, name=name, extension=extension, required_part=zip_part)


def _head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head


def check_zip(upload, *, field: str, name: str, extension: str, required_part: str = "") -> None:
    """Reads the zip's table of contents only: refuses too many parts, too much unpacked data,
    an absurd compression ratio, or a document without the parts of its format."""
    params = {"field": field, "name": name, "extension": extension}
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload.file if hasattr(upload, "file") else upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ValidationError(
            _("%(field)s: “%(name)s” is not a readable %(extension)s file."),
            code="file_content",
            params=params,
        ) from None
    finally:
        upload.seek(0)
    if len(members) > settings.UPLOAD_MAX_ZIP_MEMBERS:
        raise ValidationError(
            _("%(field)s: “%(name)s” holds %(count)d parts, more than the %(limit)d allowed."),
            code="zip_members",
            params={**params, "count": len(members), "limit": settings.UPLOAD_MAX_ZIP_MEMBERS},
        )
    unpacked = sum(member.file_size for member in members)
    cap = settings.UPLOAD_MAX_UNPACKED_BYTES
    ratio = unpacked / max(upload.size, 1)
    if unpacked > cap or ratio > settings.UPLOAD_MAX_ZIP_RATIO:
        raise ValidationError(
            _(
                "%(field)s: “%(name)s” unpacks to %(unpacked)s (%(ratio)d times its size); at most "
                "%(limit)s and %(max_ratio)d times are allowed."
            ),
            code="zip_bomb",
            params={
                **params,
                "unpacked": filesizeformat(unpacked),
                "ratio": int(ratio),
                "limit": filesizeformat(cap),
                "max_ratio": settings.UPLOAD_MAX_ZIP_RATIO,
            },
        )
    if required_part and not any(member.filename.startswith(required_part) for member in members):
        raise ValidationError(
            _("%(field)s: the content of “%(name)s” is not a %(extension)s file."),
            code="file_content",
            params=params,
        )


# --------------------------------------------------------------------------------------------
# Sending a stored file back


def file_response(field_file, *, download_name: str | None = None) -> FileResponse:
    """A stored file as an attachment, never rendered inline by the browser, never cached by a
    proxy. Call it only after finding the file's record in the user's scope
    (`Model.objects.for_user(user)`): MEDIA_URL is not served."""
    if not field_file:
        raise Http404(gettext("No file is attached."))
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404(gettext("The file is missing from storage.")) from None
    name = download_name or PurePath(field_file.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------------------------
# System check


def _inside(path: Path, root: Path) -> bool:
    path, root = Path(path).resolve(), Path(root).resolve()
    return path == root or root in path.parents or path in root.parents


@checks.register(checks.Tags.security, deploy=False)
def media_root_outside_static(app_configs=None, **kwargs):
    """Uploaded files must not be reachable as static files (WhiteNoise serves STATIC_ROOT and,
    in development, STATICFILES_DIRS to anyone, signed in or not)."""
    errors = []
    media_root = settings.MEDIA_ROOT
    if not media_root:
        return [checks.Error("MEDIA_ROOT is not set.", id="groupschool.E001")]
    static_dirs = [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]
    for static_dir in static_dirs:
        if not static_dir:
            continue
        static_dir = static_dir[1] if isinstance(static_dir, tuple | list) else static_dir
        if _inside(media_root, static_dir):
            errors.append(
                checks.Error(
                    f"MEDIA_ROOT ({media_root}) overlaps a static directory ({static_dir}): "
                    "uploaded files would be served to anyone.",
                    id="groupschool.E002",
                )
            )
    return errors
