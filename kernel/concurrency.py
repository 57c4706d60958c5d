"""Optimistic concurrency: a stale save is refused and shown, never a silent overwrite.

Every editable domain record carries a `version` (django-concurrency's AutoIncVersionField,
through the abstract `Versioned` below): each save through the ORM raises it by one, and an
UPDATE made from an older version matches no row and raises `RecordModifiedError`.

An edit form carries the version it was drawn from in a signed hidden field (`version`). On
POST, `check_version` reads the row's version under a lock: if it moved on, the form gets a
`Conflict`, which says who changed the record, when, and which fields (what the person saw, what
is there now, what they typed), and the hidden field is moved to the current version, so that
submitting the same form again applies their change on top of the newer record: "reapply".

Used by the pages (kernel.generic.ScopedFormMixin, for UpdateViews and for form views that
edit one record), by the admin's change pages and inlines (kernel.forms.PortalAdminForm),
and by the score grid's own version (evaluation.services.score_save, which predates this).

Why the library: django-concurrency does the one thing that must not be written twice, the
`UPDATE ... WHERE version = n` on every save, including saves made by services and the admin,
and its signed version field refuses a tampered value. The history (django-simple-history)
copies `version` into each historical row, which is how a conflict finds the state the person
saw and who changed it since.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from concurrency.exceptions import RecordModifiedError
from concurrency.fields import AutoIncVersionField
from concurrency.forms import VersionField as SignedVersionField
from concurrency.forms import VersionFieldSigner
from django import forms
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import models
from django.db.models.signals import class_prepared
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .history import display_value

__all__ = [
    "Conflict",
    "RecordModifiedError",
    "VERSION_FIELD",
    "Versioned",
    "add_version_field",
    "check_version",
    "is_versioned",
]

#: The name of the hidden field an edit form carries, and of the model field.
VERSION_FIELD = "revision"


class VersionField(AutoIncVersionField):
    """The record's version: raised by one at each save; not a form field of its own (an edit
    form gets the signed hidden `version` from `add_version_field`), not shown in the history."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("verbose_name", _("revision"))
        kwargs.setdefault(
            "help_text", _("Raised by one at each change; a save from an older version is refused.")
        )
        super().__init__(*args, **kwargs)
        self.editable = False

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        kwargs.pop("default", None)
        kwargs.pop("editable", None)
        return name, "kernel.concurrency.VersionField", args, kwargs


class Versioned(models.Model):
    """An abstract base for every record people edit: the revision that makes a stale save fail.

    Named `revision`, not `version`: documents have a version of their own (“0.1”), and the
    score grid's `Score.version` is the same idea written before this module."""

    revision = VersionField()

    class Meta:
        abstract = True


def _historical_copy_is_plain(sender, **kwargs) -> None:
    """A historical row (django-simple-history) copies `version` as a record of the version it
    was; it is written once and never checked nor raised."""
    meta = getattr(sender, "_concurrencymeta", None)
    if meta is not None and hasattr(sender, "instance_type"):
        meta.enabled = False
        meta.increment = False


class_prepared.connect(_historical_copy_is_plain, dispatch_uid="groupschool_historical_version_plain")


def is_versioned(record) -> bool:
    return record is not None and record.pk is not None and isinstance(record, Versioned)


# Forms ------------------------------------------------------------------------------------------


class _Signer(VersionFieldSigner):
    salt = "kernel.concurrency"


class HiddenVersionField(SignedVersionField):
    """The signed revision a form was drawn from. A form posted without it (a script, a form
    kept from before) or with an altered one is refused with a clear message, not saved."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "error_messages",
            {"required": _("The form has no revision mark: open the record again and redo your change.")},
        )
        super().__init__(signer=_Signer(), **kwargs)
        self.label = _("revision")

    def to_python(self, value):
        if value in self.empty_values or value == "None":
            return None
        try:
            return super().to_python(value)
        except (SuspiciousOperation, ValueError) as exc:
            raise ValidationError(
                _("The form's revision mark was altered: open the record again and redo your change."),
                code="revision",
            ) from exc


def add_version_field(form: forms.BaseForm, record, version: int | None = None) -> None:
    """Give `form` the hidden revision of `record` (the one the person is editing; `version`
    when the record in hand is not the current one, as in the admin's history revert)."""
    if not is_versioned(record) or VERSION_FIELD in form.fields:
        return
    form.fields[VERSION_FIELD] = HiddenVersionField()
    form.initial[VERSION_FIELD] = getattr(record, VERSION_FIELD) if version is None else version
    form.versioned_record = record


@dataclass
class Change:
    name: str
    label: str
    was: str  # when the person opened the form
    now: str  # in the database
    yours: str | None  # what the person typed, if they changed this field


@dataclass
class Conflict:
    """A stale save: what the person saw, what is there now, who changed it and when."""

    record: models.Model
    submitted: int
    current: int | None  # None: the record was deleted
    editors: list[tuple[str, object]] = field(default_factory=list)  # (who, when), oldest first
    changes: list[Change] = field(default_factory=list)

    @property
    def deleted(self) -> bool:
        return self.current is None

    def message(self) -> str:
        if self.deleted:
            return gettext("This record was deleted after you opened it: your change was not saved.")
        who = "、".join(dict.fromkeys(name for name, _when in self.editors)) or gettext("someone")
        when = self.editors[-1][1] if self.editors else None
        fields = "、".join(change.label for change in self.changes)
        text = gettext("Not saved: %(who)s changed this record after you opened it") % {"who": who}
        if when is not None:
            text += gettext(" (last at %(when)s)") % {
                "when": date_format(timezone.localtime(when), "Y-m-d H:i")
            }
        if fields:
            text += gettext("; changed fields: %(fields)s") % {"fields": fields}
        return text + gettext(
            ". Check the figures below: saving again applies your change to the newer record."
        )


def _field_label(model, name: str, form) -> str:
    form_field = form.fields.get(name)
    if form_field is not None and form_field.label:
        return str(form_field.label)
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - a form field that is no model field
        return name


def _build_conflict(form, record, submitted: int, current: int | None) -> Conflict:
    conflict = Conflict(record=record, submitted=submitted, current=current)
    if current is None:
        return conflict
    model = type(record)
    history = getattr(model, "history", None)
    fresh = model._base_manager.get(pk=record.pk)
    seen = None
    if history is not None:
        entries = history.filter(id=record.pk)
        seen = (
            entries.filter(**{f"{VERSION_FIELD}__lte": submitted})
            .order_by("-history_date", "-history_id")
            .first()
        )
        for entry in (
            entries.filter(**{f"{VERSION_FIELD}__gt": submitted})
            .select_related("history_user")
            .order_by("history_date")
        ):
            user = entry.history_user
            name = (user.get_full_name() or user.get_username()) if user else gettext("the system")
            conflict.editors.append((name, entry.history_date))
    typed = set(form.changed_data) - {VERSION_FIELD}
    related: dict = {}
    tracked = [f for f in model._meta.concrete_fields if f.editable and not f.primary_key]
    if seen is not None:
        for f in tracked:
            if f.is_relation:
                ids = {getattr(seen, f.attname), getattr(fresh, f.attname)} - {None}
                related.setdefault(f.related_model, set()).update(ids)
        related = {m: m._base_manager.in_bulk(ids) for m, ids in related.items()}
    for f in tracked:
        now_value = getattr(fresh, f.attname)
        was_value = getattr(seen, f.attname) if seen is not None else now_value
        moved = seen is not None and was_value != now_value
        if not moved and f.name not in typed:
            continue
        yours = _typed(f, form.cleaned_data.get(f.name)) if f.name in typed else None
        conflict.changes.append(
            Change(
                name=f.name,
                label=_field_label(model, f.name, form),
                was=str(display_value(f, was_value, related)),
                now=str(display_value(f, now_value, related)),
                yours=yours,
            )
        )
    # The fields that moved under the person first: those are the ones to look at.
    conflict.changes.sort(key=lambda change: change.was == change.now)
    return conflict


def _typed(model_field, value) -> str:
    """What the person typed in a field, as the page shows values."""
    if isinstance(value, models.Model):
        return str(value)
    return str(display_value(model_field, value, {}))


def current_version(record, *, lock: bool = False) -> int | None:
    """The row's version in the database (None if it was deleted); `lock` holds the row until
    the end of the transaction, so that nothing saves between the check and the save."""
    # No ordering: a model ordered by a nullable relation would join it, and PostgreSQL refuses
    # FOR UPDATE on the nullable side of an outer join.
    queryset = type(record)._base_manager.filter(pk=record.pk).order_by()
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.values_list(VERSION_FIELD, flat=True).first()


def check_version(form, record=None, *, lock: bool = False) -> Conflict | None:
    """After `form.is_valid()`: None if the record is still at the version the form was drawn
    from; else the Conflict, also put on the form (a non-field error) with the hidden version
    moved to the current one, so that the next submit reapplies the person's change."""
    record = record if record is not None else getattr(form, "versioned_record", None)
    if not is_versioned(record) or VERSION_FIELD not in form.fields:
        return None
    submitted = form.cleaned_data.get(VERSION_FIELD) if hasattr(form, "cleaned_data") else None
    if submitted is None:
        return None  # the field's own error (missing or altered mark) is on the form
    current = current_version(record, lock=lock)
    if current == submitted:
        setattr(record, VERSION_FIELD, current)
        return None
    conflict = _build_conflict(form, record, submitted, current)
    form.conflict = conflict
    form.add_error(None, ValidationError(conflict.message(), code="stale"))
    if current is not None:
        data = form.data.copy()
        data[form.add_prefix(VERSION_FIELD)] = form.fields[VERSION_FIELD]._signer.sign(current)
        form.data = data
        setattr(record, VERSION_FIELD, current)
    return conflict


def revision_data(record, prefix: str = "") -> dict[str, str]:
    """The hidden field an edit form of `record` carries, as a form would post it: for clients
    that post without drawing the form first (tests, scripts)."""
    name = f"{prefix}-{VERSION_FIELD}" if prefix else VERSION_FIELD
    return {
        name: _Signer().sign(
            type(record)._base_manager.filter(pk=record.pk).values_list(VERSION_FIELD, flat=True).get()
        )
    }
