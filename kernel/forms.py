"""Form helpers: choices limited to the user's scope, Bootstrap classes on every widget, and
every file field checked against an upload policy (kernel.uploads: size, type, content)."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.forms.utils import pretty_name
from django.utils.translation import gettext_lazy as _
from import_export.forms import ImportForm

from . import uploads
from .concurrency import add_version_field, check_version, current_version, is_versioned
from .generic import scoped_queryset
from .widgets import style_widgets


class BootstrapMixin:
    def _style_widgets(self):
        style_widgets(self)


class UploadChecksMixin:
    """Every file field of the form refuses files too big, of the wrong type or content, and zip
    bombs, with a message naming the field and the limit.

    The policy is `upload_policies[field name]` if the form says, else the model field's
    (uploads.MODEL_FIELD_POLICIES), else attachments. Validators are added when the form is
    validated, so fields added by a subclass after __init__ are covered too."""

    upload_policies: dict[str, uploads.UploadPolicy] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self._file_fields():
            policy = self._upload_policy(name)
            field.widget.attrs.setdefault("accept", policy.accept)
            if not field.help_text:
                field.help_text = policy.describe()

    def _file_fields(self):
        return [(name, field) for name, field in self.fields.items() if isinstance(field, forms.FileField)]

    def _upload_policy(self, name: str) -> uploads.UploadPolicy:
        if name in self.upload_policies:
            return self.upload_policies[name]
        meta = getattr(self, "_meta", None)
        return uploads.policy_for_model_field(getattr(meta, "model", None), name)

    def full_clean(self):
        for name, field in self._file_fields():
            if not any(isinstance(v, uploads.UploadValidator) for v in field.validators):
                label = field.label or pretty_name(name)
                field.validators.append(uploads.UploadValidator(self._upload_policy(name), label))
        super().full_clean()


class ScopedModelForm(UploadChecksMixin, BootstrapMixin, forms.ModelForm):
    """A model form whose foreign-key and many-to-many choices come from the user's scope:
    a vice-principal cannot even pick another campus, nor another campus's teacher."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = scoped_queryset(field.queryset.model, user) & field.queryset
        self._style_widgets()


class PortalForm(UploadChecksMixin, BootstrapMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()


class PortalInlineForm(UploadChecksMixin, forms.ModelForm):
    """The base form of the admin's inlines (kernel.admin_base.ScopedInline)."""


class PortalAdminForm(PortalInlineForm):
    """The base form of the admin's change pages (kernel.admin_base.ScopedAdmin).

    It carries the record's revision (rendered by templates/admin/change_form.html): a save from
    an older one is refused with who changed what since, and saving again reapplies the change
    (kernel.concurrency). The revision offered is read from the database, because the
    history's "revert" page edits an old copy of the record. Inline rows are saved with their
    parent and carry none."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if is_versioned(self.instance):
            current = None if self.is_bound else current_version(self.instance)
            add_version_field(self, self.instance, version=current)

    def clean(self):
        cleaned_data = super().clean()
        check_version(self, self.instance)
        return cleaned_data


class PortalImportForm(UploadChecksMixin, ImportForm):
    """django-import-export's import form with the import policy on the file: a sheet too big,
    not an xlsx or csv, or a zip bomb is refused before anything reads it; and the format
    chosen must be the file's."""

    upload_policies = {"import_file": uploads.IMPORT}

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.import_formats = list(formats)

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("import_file")
        chosen = cleaned_data.get("format")
        if upload and chosen not in (None, ""):
            extension = PurePath(upload.name).suffix.lower().lstrip(".")
            expected = self.import_formats[int(chosen)]().get_extension()
            if extension != expected:
                self.add_error(
                    "format",
                    _("“%(name)s” is not a %(format)s file: choose the format of the file.")
                    % {"name": PurePath(upload.name).name, "format": expected},
                )
        return cleaned_data
