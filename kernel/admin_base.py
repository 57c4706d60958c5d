"""What every admin page and every import/export resource of the portal is built on.

The admin is one more door to the same records: `ScopedAdmin` starts from
`kernel.generic.scoped_queryset` (the same queryset as the UI), limits foreign-key and
many-to-many choices the same way, exports only what the changelist shows, keeps history
(django-simple-history) and lets only administrators import.

`PortalResource` is the base of every resource (django-import-export): rows are matched by
natural keys (codes, staff numbers), every row runs the model's validation (`full_clean`), the
report names the row and the column, a sheet with any bad row writes nothing, and exported
cells cannot run as formulas.
"""

from __future__ import annotations

import copy
import json
import re
from collections import defaultdict

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Field, UniqueConstraint
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.text import capfirst
from django.utils.translation import gettext
from import_export import resources, widgets
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from import_export.forms import SelectableFieldsExportForm
from import_export.instance_loaders import ModelInstanceLoader
from simple_history.admin import SimpleHistoryAdmin

from .admin_imports import ImportSafetyMixin
from .concurrency import RecordModifiedError
from .exports import safe_cell
from .forms import PortalAdminForm, PortalImportForm, PortalInlineForm
from .generic import scoped_queryset
from .roles import Role
from .scoping import CHANGE, in_scope, rule_for, user_scope

# --------------------------------------------------------------------------------------------
# Formats


def _escape_dataset(dataset) -> None:
    """Apply safe_cell to every cell, keeping the cells' types (numbers stay numbers)."""
    rows = [tuple(safe_cell(value) for value in row) for row in dataset]
    headers = dataset.headers
    dataset.wipe()
    dataset.headers = headers
    for row in rows:
        dataset.append(row)


class SafeCSV(base_formats.CSV):
    """CSV whose cells starting with =, +, -, @, tab or CR are written as text.

    import-export's own escaping (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT) only drops a
    leading "=" and turns every cell into a string; this replaces it."""

    def _escape_formulae(self, dataset):
        _escape_dataset(dataset)


class SafeXLSX(base_formats.XLSX):
    def _escape_formulae(self, dataset):
        _escape_dataset(dataset)


IMPORT_FORMATS = [base_formats.XLSX, base_formats.CSV]
EXPORT_FORMATS = [SafeXLSX, SafeCSV]

# --------------------------------------------------------------------------------------------
# Widgets


def _text(value) -> str:
    """A cell as text: spreadsheets turn 10001 into 10001.0; a staff number stays 10001."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return force_str(value).strip()


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return "" if self.allow_blank else None
        return _text(value)


class ChoiceWidget(widgets.CharWidget):
    """A choice column accepts the stored value ("F") or its label in either language
    ("女", "Female"); anything else is left for the model's validation to refuse."""

    def __init__(self, choices=(), **kwargs):
        self.choices = list(choices)
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return "" if self.allow_blank else None
        for stored, _label in self.choices:
            if text == str(stored):
                return stored
        from django.utils import translation

        for language in ("zh-hans", "en"):
            with translation.override(language):
                for stored, label in self.choices:
                    if text == str(label):
                        return stored
        return text


class CodeForeignKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key given by the related record's natural key (its code, staff number...).
    An unknown key is a validation error of this column, not a crash."""

    #: During an import (PortalResource.before_import), the records found so far by key: a
    #: sheet of 10,000 rows naming 200 campuses looks each up once. None outside an import.
    cache: dict | None = None

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        if self.cache is not None and text in self.cache:
            return self.cache[text]
        try:
            found = super().clean(text, row=row, **kwargs)
        except ObjectDoesNotExist:
            raise ValueError(
                gettext("No %(model)s has the %(key)s “%(value)s”.")
                % {
                    "model": self.model._meta.verbose_name,
                    "key": self.model._meta.get_field(self.field).verbose_name,
                    "value": text,
                }
            ) from None
        if self.cache is not None:
            self.cache[text] = found
        return found

    def render(self, value, obj=None, **kwargs):
        rendered = super().render(value, obj=obj, **kwargs)
        return "" if rendered is None else rendered


class PortalInstanceLoader(ModelInstanceLoader):
    """The records a sheet updates, found in a few queries (by chunks of 1,000 keys) rather than
    one per row, when a resource's key is one plain column (a staff number, a code); a key of
    several columns or of a relation is looked up row by row, as import-export does."""

    CHUNK = 1000

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.found: dict | None = None
        resource._keys_read = False
        id_fields = resource.get_import_id_fields()
        if dataset is None or len(id_fields) != 1:
            return
        self.key_field = field = resource.fields[id_fields[0]]
        if isinstance(field.widget, widgets.ForeignKeyWidget) or field.column_name not in (
            dataset.headers or ()
        ):
            return
        keys = set()
        for row in dataset.dict:
            try:
                keys.add(field.clean(row))
            except (ValueError, ValidationError):
                continue
        keys.discard(None)
        keys.discard("")
        ordered = sorted(keys, key=str)
        self.found = {}
        for start in range(0, len(ordered), self.CHUNK):
            chunk = ordered[start : start + self.CHUNK]
            for record in self.get_queryset().filter(**{f"{field.attribute}__in": chunk}):
                self.found[field.get_value(record)] = record
        resource._keys_read = True

    def get_instance(self, row):
        if self.found is None:
            return super().get_instance(row)
        key = self.key_field.clean(row)
        if key in (None, ""):
            return super().get_instance(row)
        return self.found.get(key)


class CodeManyToManyWidget(widgets.ManyToManyWidget):
    """Several natural keys in one cell, separated by commas (, ，、;) or new lines."""

    SEPARATORS = re.compile(r"[,，、;；\n]+")

    def __init__(self, model, field="code", **kwargs):
        super().__init__(model, separator=",", field=field, **kwargs)

    def clean(self, value, row=None, **kwargs):
        keys = [_text(key) for key in self.SEPARATORS.split(_text(value))]
        keys = [key for key in keys if key]
        if not keys:
            return self.model.objects.none()
        found = self.model.objects.filter(**{f"{self.field}__in": keys})
        missing = set(keys) - {str(v) for v in found.values_list(self.field, flat=True)}
        if missing:
            raise ValueError(
                gettext("No %(model)s has the %(key)s “%(value)s”.")
                % {
                    "model": self.model._meta.verbose_name,
                    "key": self.model._meta.get_field(self.field).verbose_name,
                    "value": "、".join(sorted(missing)),
                }
            )
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return ", ".join(str(getattr(item, self.field)) for item in value.all())


class IntListWidget(widgets.Widget):
    """A list of whole numbers: "52, 54, 57", "52 54 57" or "[52, 54, 57]"."""

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return []
        if isinstance(value, int | float):
            value = _text(value)
        text = str(value).strip()
        try:
            if text.startswith("["):
                numbers = json.loads(text)
            else:
                numbers = [int(part) for part in re.split(r"[\s,，、;；]+", text) if part]
        except ValueError:
            raise ValueError(gettext("Write whole numbers separated by commas, e.g. 52, 54, 57.")) from None
        return numbers

    def render(self, value, obj=None, **kwargs):
        return ", ".join(str(n) for n in value or [])


# --------------------------------------------------------------------------------------------
# Resources


def natural_key_field(model, key="code", *, attribute=None, column=None, many=False):
    """A resource field for a relation given by the related record's natural key."""
    from import_export.fields import Field

    widget = CodeManyToManyWidget(model, field=key) if many else CodeForeignKeyWidget(model, field=key)
    return Field(attribute=attribute, column_name=column or attribute, widget=widget)


def _header_key(text) -> str:
    return re.sub(r"\s+", " ", force_str(text)).strip().casefold()


def _without_hint(text) -> str:
    """'性别（M=男, F=女）' → '性别'; 'Gender (M=Male, F=Female)' → 'Gender'."""
    return re.split(r"\s*[（(]", force_str(text), maxsplit=1)[0]


class PortalResource(resources.ModelResource):
    """The base of every resource: natural keys, full validation, all-or-nothing, safe cells.

    Columns are headed in the interface language by the field's name, followed by what the
    cells hold where they hold codes: "性别（M=男, F=女）", "所属校区（校区的代码）". An import
    reads a column by that header in either language, with or without the explanation, or by
    the field's code ("gender"); errors name the column by its header."""

    class Meta:
        instance_loader_class = PortalInstanceLoader
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        import functools

        if getattr(f, "choices", None) and f.get_internal_type() in ("CharField", "SlugField"):
            return functools.partial(ChoiceWidget, choices=f.flatchoices)
        if f.get_internal_type() in ("CharField", "SlugField", "TextField"):
            return TextWidget
        return super().widget_from_django_field(f, default)

    # Column headers -------------------------------------------------------------------------

    def _model_field(self, field):
        name = (field.attribute or field.column_name or "").split("__")[0]
        try:
            return self._meta.model._meta.get_field(name)
        except FieldDoesNotExist:
            return None

    def column_title(self, field) -> str:
        """The column's name in the interface language: its model field's verbose name."""
        model_field = self._model_field(field)
        verbose = getattr(model_field, "verbose_name", None)
        if verbose is None:
            return force_str(field.column_name)
        title = capfirst(force_str(verbose))
        if sum(1 for other in self.get_user_visible_fields() if self._title_of(other) == title) > 1:
            return f"{title} [{field.column_name}]"  # two fields named alike: the code tells them apart
        return title

    def _title_of(self, field) -> str:
        verbose = getattr(self._model_field(field), "verbose_name", None)
        return capfirst(force_str(verbose)) if verbose is not None else force_str(field.column_name)

    def column_hint(self, field) -> str:
        """What a cell of the column holds where it is a code, or its format."""
        widget = field.widget
        choices = getattr(self._model_field(field), "flatchoices", None)
        if isinstance(widget, ChoiceWidget) and widget.choices:
            choices = widget.choices
        if choices and not isinstance(widget, widgets.ForeignKeyWidget):
            return ", ".join(f"{value}={label}" for value, label in choices if value not in ("", None))
        if isinstance(widget, CodeManyToManyWidget | CodeForeignKeyWidget):
            hint = gettext("the %(model)s's %(key)s") % {
                "model": widget.model._meta.verbose_name,
                "key": widget.model._meta.get_field(widget.field).verbose_name,
            }
            if isinstance(widget, CodeManyToManyWidget):
                hint = gettext("%(hint)s, several separated by commas") % {"hint": hint}
            return hint
        if isinstance(widget, widgets.BooleanWidget):
            return gettext("1 = yes, 0 = no")
        if isinstance(widget, widgets.DateWidget | widgets.DateTimeWidget):
            return gettext("YYYY-MM-DD")
        return ""

    def column_header(self, field) -> str:
        title, hint = self.column_title(field), self.column_hint(field)
        if not hint:
            return title
        return gettext("%(title)s (%(hint)s)") % {"title": title, "hint": hint}

    def get_export_headers(self, selected_fields=None):
        return [self.column_header(field) for field in self.get_export_fields(selected_fields) if field]

    def _label_of(self, field) -> str:
        """A column as the file heads it: "所在校区" for a file with the portal's headers;
        "home_campus (所在校区)" for one headed by codes, so that both names are there."""
        title = self.column_title(field)
        in_file = getattr(self, "_file_headers", {}).get(field.column_name)
        if in_file is None:
            return title
        if _header_key(_without_hint(in_file)) == _header_key(_without_hint(title)):
            return _without_hint(in_file).strip()
        verbose = getattr(self._model_field(field), "verbose_name", None)
        if verbose is None or _header_key(verbose) == _header_key(in_file):
            return in_file
        return gettext("%(column)s (%(field)s)") % {"column": in_file, "field": verbose}

    def _header_aliases(self) -> dict[str, str]:
        """Every header a column may be given under, in either language → its column name."""
        from django.utils import translation

        aliases = {}
        for field in self.get_import_fields():
            names = {field.column_name, field.attribute}
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    names.update((self.column_title(field), self.column_header(field)))
            for name in names:
                if name:
                    aliases[_header_key(name)] = field.column_name
                    aliases.setdefault(_header_key(_without_hint(name)), field.column_name)
        return aliases

    def _read_headers(self, dataset) -> None:
        if not dataset.headers:
            return
        aliases = self._header_aliases()
        headers = []
        self._file_headers = {}
        for header in dataset.headers:
            text = force_str(header) if header is not None else ""
            column = aliases.get(_header_key(text)) or aliases.get(_header_key(_without_hint(text))) or text
            headers.append(column)
            self._file_headers.setdefault(column, text)
        dataset.headers = headers

    # Import ---------------------------------------------------------------------------------

    #: A dry run (the admin's preview) first reads and validates every row without writing
    #: anything, and answers with the errors when there are any (a sheet with an invalid row is
    #: refused whole): a refused sheet of 10,000 rows then costs no INSERT and no history row.
    #: Only for resources whose rows never refer to records made by earlier rows of the sheet
    #: (those would be unknown without the writes). A good sheet's preview is a second such
    #: pass, with the rows' diffs (`_validate_rows`).
    validate_first = False
    _validating = False

    def import_data(self, dataset, *args, **kwargs):
        """A sheet with any invalid row writes nothing, whatever the caller asked for."""
        kwargs["rollback_on_validation_errors"] = True
        result = None
        if self.validate_first and not args and kwargs.get("dry_run") and not kwargs.get("raise_errors"):
            result = self._validate_rows(dataset, preview=False, **kwargs)
            if not (result.has_errors() or result.has_validation_errors()):
                # A good sheet: its preview (new, updated, unchanged rows and their values)
                # from a second pass of the same kind, with the diffs, still writing nothing.
                result = self._validate_rows(dataset, preview=True, **kwargs)
            if result.has_errors():
                result = None  # something else went wrong: the usual dry run reports it
        if result is None:
            result = super().import_data(dataset, *args, **kwargs)
        # The preview heads its columns as the file did (_label_of), as the errors name them;
        # the rows' values were collected under the column names, in this same order.
        result.diff_headers = [self._label_of(field) for field in self.get_import_fields()]
        return result

    def _validate_rows(self, dataset, *, preview: bool, **kwargs):
        """validate_first's pass: every row read and validated, nothing saved (save_instance and
        save_m2m do nothing while `_validating`), in one transaction rolled back at the end,
        without the savepoint around each row (a row writes nothing to roll back). Unless
        `preview`, it also skips what only a preview needs: the copy of each record and the diff
        of its values (`skip_diff`).

        A good sheet's preview comes from such a pass with `preview`, not from import-export's
        dry run, which saves every row (its history row, its version) and rolls back: 50-60 s
        for 10,000 rows. The confirmed import is import-export's own, unchanged: it saves each
        row with its history and version, runs every check again (the unique-constraint and
        related-record queries this pass answers from what it read) and writes nothing if any
        row fails."""
        options = ("dry_run", "raise_errors", "use_transactions", "rollback_on_validation_errors")
        for name in options:
            kwargs.pop(name, None)
        collect_failed_rows = kwargs.pop("collect_failed_rows", False)
        database = self.get_db_connection_name()
        self._meta = copy.copy(type(self)._meta)  # this resource's own options, for this pass
        self._meta.skip_diff = not preview
        self._validating = True
        try:
            with transaction.atomic(using=database):
                result = self.import_data_inner(
                    dataset,
                    dry_run=True,
                    raise_errors=False,
                    using_transactions=False,
                    collect_failed_rows=collect_failed_rows,
                    **kwargs,
                )
                transaction.set_rollback(True, using=database)
        finally:
            self._validating = False
            del self._meta
        return result

    def _id_key(self, row) -> tuple:
        return tuple(_text(row.get(self.fields[name].column_name)) for name in self.get_import_id_fields())

    def before_import(self, dataset, **kwargs):
        """Read the headers (in either language); find rows that repeat another row's key:
        they would silently overwrite it."""
        self._read_headers(dataset)
        super().before_import(dataset, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, CodeForeignKeyWidget):
                field.widget.cache = {}
        self._repeated_rows: dict[int, int] = {}
        id_columns = [self.fields[name].column_name for name in self.get_import_id_fields()]
        if not dataset.headers or not all(column in dataset.headers for column in id_columns):
            return
        first_seen: dict[tuple, int] = {}
        for number, values in enumerate(dataset.dict, 1):
            key = self._id_key(values)
            if not any(key):
                continue
            if key in first_seen:
                self._repeated_rows[number] = first_seen[key]
            else:
                first_seen[key] = number

    def _constraints_answered_by_keys(self) -> bool:
        """Whether the model's constraints are only the uniqueness of the sheet's key column:
        the loader read every record of the sheet's keys (a row's record is the one with its key,
        or none has it) and before_import refused rows repeating a key, so the constraint's query
        per row can only agree. The real import (and the database's index) check it again."""
        if not getattr(self, "_keys_read", False):
            return False
        key = tuple(self.fields[name].attribute for name in self.get_import_id_fields())
        return all(
            isinstance(constraint, UniqueConstraint)
            and not constraint.expressions
            and tuple(constraint.fields) == key
            for constraint in self._meta.model._meta.constraints
        )

    def _relations_read(self, instance) -> list:
        """The instance's foreign keys whose record the row's widget has just read from the
        database (a code looked up in this import): their existence query in `full_clean`
        could only agree. Not a key with `limit_choices_to`, nor a unique one or one of a
        `unique_together` (full_clean's exclusion would skip those checks too)."""
        together = {name for names in self._meta.model._meta.unique_together for name in names}
        fields = []
        for field in instance._meta.concrete_fields:
            if (
                not field.many_to_one
                or field.unique
                or field.name in together
                or field.remote_field.parent_link
            ):
                continue
            if field.get_limit_choices_to() or not field.is_cached(instance):
                continue
            related = field.get_cached_value(instance)
            if (
                related is not None
                and not related._state.adding
                and getattr(related, field.target_field.attname) == getattr(instance, field.attname)
            ):
                fields.append(field)
        return fields

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """In validate_first's pass, the checks whose answer the import already holds are not
        asked of the database again: the key's uniqueness (_constraints_answered_by_keys) and
        the existence of related records read by code (_relations_read); their other field
        checks (required, validators) still run."""
        if not (
            self._validating and self._meta.clean_model_instances and self._constraints_answered_by_keys()
        ):
            return super().validate_instance(instance, import_validation_errors, validate_unique)
        errors = dict(import_validation_errors or {})
        read = [field for field in self._relations_read(instance) if field.name not in errors]
        try:
            instance.full_clean(
                exclude={*errors, *(field.name for field in read)},
                validate_unique=validate_unique,
                validate_constraints=False,
            )
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field in read:
            value = getattr(instance, field.attname)
            if field.blank and value in field.empty_values:
                continue
            try:
                Field.validate(field, value, instance)  # not ForeignKey.validate: its query
                field.run_validators(value)
            except ValidationError as exc:
                errors[field.name] = exc.error_list
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        if not self._validating:
            super().save_instance(instance, is_create, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        if not self._validating:
            super().save_m2m(instance, row, **kwargs)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, CodeForeignKeyWidget):
                field.widget.cache = None  # records may change before the next import

    def before_import_row(self, row, row_number=None, **kwargs):
        super().before_import_row(row, row_number=row_number, **kwargs)
        self._row_number = row_number

    def _first_row_with_same_key(self) -> int | None:
        return getattr(self, "_repeated_rows", {}).get(getattr(self, "_row_number", None))

    def get_instance(self, instance_loader, row):
        """A row repeating an earlier row's key is not an update of that row (it is refused
        in import_instance); an unknown code in a key column is reported by that column."""
        if self._first_row_with_same_key() is not None:
            return None
        try:
            return super().get_instance(instance_loader, row)
        except (ValueError, ValidationError):
            return None

    def import_instance(self, instance, row, **kwargs):
        """Collect every error of the row: cells that cannot be read (many-to-many cells
        included), and a key that an earlier row already used."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row, **kwargs)
                except ValueError as exc:
                    errors[field.attribute] = [ValidationError(force_str(exc), code="invalid")]
        first = self._first_row_with_same_key()
        if first is not None:
            key_field = self.fields[self.get_import_id_fields()[0]]
            errors.setdefault(key_field.attribute, []).append(
                ValidationError(
                    gettext("Row %(first)d has the same %(column)s: a record appears once in a sheet.")
                    % {"first": first, "column": self._column_label(key_field.attribute)},
                    code="repeated",
                )
            )
        if errors:
            raise ValidationError(errors)

    def _column_label(self, attribute: str) -> str:
        """The column that holds this attribute, as the preview heads it (_label_of); a model
        field that no column holds, by its verbose name."""
        attribute = attribute.removesuffix("_id")
        for field in self.get_import_fields():
            if field.attribute and field.attribute.removesuffix("_id") == attribute:
                return self._label_of(field)
        try:
            return capfirst(force_str(self._meta.model._meta.get_field(attribute).verbose_name))
        except FieldDoesNotExist:
            return attribute

    def import_row(self, row, instance_loader, **kwargs):
        """Errors are keyed by column and field name (not the model attribute)."""
        result = super().import_row(row, instance_loader, **kwargs)
        error = result.validation_error
        if error is not None and hasattr(error, "error_dict"):
            labelled = defaultdict(list)
            for key, messages_ in error.message_dict.items():
                label = NON_FIELD_ERRORS if key == NON_FIELD_ERRORS else self._column_label(key)
                labelled[label].extend(messages_)
            result.validation_error = ValidationError(dict(labelled))
        return result

    # Export ---------------------------------------------------------------------------------

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if isinstance(field.widget, widgets.NumberWidget):
            return value
        return safe_cell(value)


# --------------------------------------------------------------------------------------------
# Admin


def related_only(field_name: str):
    """A list filter on a relation that offers only the values found in the user's rows
    (Django's default would list every campus, in scope or not)."""
    return (field_name, admin.RelatedOnlyFieldListFilter)


class ScopedFormfieldsMixin:
    """Foreign-key and many-to-many choices limited to what the user may see (admin and inlines)."""

    def _choices_queryset(self, model, request):
        related_admin = self.admin_site._registry.get(model)
        if isinstance(related_admin, ScopedAdmin):
            return related_admin.get_queryset(request)
        return scoped_queryset(model, request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = self._choices_queryset(db_field.related_model, request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = self._choices_queryset(db_field.related_model, request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedInline(ScopedFormfieldsMixin, admin.TabularInline):
    form = PortalInlineForm  # file fields checked (kernel.uploads)
    extra = 0
    show_change_link = True


class PortalExportForm(SelectableFieldsExportForm):
    """The export page's column choices by their headers in the interface language."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        if field is not None and issubclass(resource, PortalResource):
            try:
                return resource().column_title(field)
            except TypeError:  # a resource that needs arguments (a scheme...)
                pass
        return super()._get_field_label(resource, field_name)


class ScopedAdmin(ImportSafetyMixin, ScopedFormfieldsMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    """The admin of every portal model.

    - rows: `scoped_queryset(model, user)`, the door (the model's `scope_rule`), so a record out
      of scope is "not found" in the changelist, change page, history and export;
    - writes through the door's "change" (a vice-principal reads the group's records but
      changes their own campus's only); reference data only for city-wide roles;
    - import only for administrators; export of the rows the changelist shows.
    """

    form = PortalAdminForm  # file fields checked (kernel.uploads)
    import_form_class = PortalImportForm  # size, type and zip-bomb checks before parsing
    export_form_class = PortalExportForm
    import_formats = IMPORT_FORMATS
    export_formats = EXPORT_FORMATS
    import_template_name = "admin/groupschool/import.html"
    list_per_page = 50
    show_full_result_count = False

    # Rows -----------------------------------------------------------------------------------

    def get_queryset(self, request):
        queryset = scoped_queryset(self.model, request.user)
        ordering = self.get_ordering(request)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return queryset

    def get_list_select_related(self, request):
        """Unless the admin names them, the foreign keys the changelist shows, nullable ones
        included: Django's default follows only the non-null ones, so a nullable column would
        cost a query a row."""
        if self.list_select_related is not False:
            return self.list_select_related
        shown = []
        for name in self.get_list_display(request):
            try:
                field = self.model._meta.get_field(name) if isinstance(name, str) else None
            except FieldDoesNotExist:
                continue
            if getattr(field, "concrete", False) and (field.many_to_one or field.one_to_one):
                shown.append(name)
        return tuple(shown) or False

    def _require_in_scope(self, request, object_id) -> None:
        if user_scope(request.user).everything:
            return  # city-wide roles may also read the history of deleted records
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404(gettext("No record with this number is within your responsibility."))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A save that meets a newer revision after the form's check (someone saved in between)
        is refused like a stale form: nothing written, the change page again, and why."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RecordModifiedError:
            messages.error(
                request,
                gettext(
                    "Not saved: someone changed this record while you were saving it. "
                    "Here it is as it is now: make your change again."
                ),
            )
            return HttpResponseRedirect(request.get_full_path())

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    # Permissions ----------------------------------------------------------------------------

    def _may_write(self, request, obj=None) -> bool:
        """Write through the door's "change": reference data only for city-wide roles; a record
        only where the user acts (a vice-principal: their own campus's, not the group's)."""
        if obj is None:
            return user_scope(request.user).everything or not (
                rule_for(self.model).everyone or rule_for(self.model).bureau_only
            )
        return in_scope(obj, request.user, CHANGE)

    def has_add_permission(self, request):
        return self._may_write(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._may_write(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_write(request, obj) and super().has_delete_permission(request, obj)

    def has_import_permission(self, request):
        """Bulk imports are the administrators' (superusers count as administrators)."""
        return user_scope(request.user).has_role(Role.ADMINISTRATOR) and super().has_import_permission(
            request
        )

    # Import ---------------------------------------------------------------------------------

    def import_action(self, request, *args, **kwargs):
        """The import page lists each column by its header, with its code in brackets."""
        response = super().import_action(request, *args, **kwargs)
        context = getattr(response, "context_data", None)
        if context is not None and "fields_list" in context:
            resource_kwargs = self.get_import_resource_kwargs(request=request)
            context["fields_list"] = [
                (
                    resource.get_display_name(),
                    [
                        gettext("%(header)s [%(code)s]")
                        % {"header": resource.column_header(field), "code": field.column_name}
                        if isinstance(resource, PortalResource)
                        else field.column_name
                        for field in resource.get_user_visible_fields()
                    ],
                )
                for resource in (
                    resource_class(**resource_kwargs)
                    for resource_class in self.get_import_resource_classes(request)
                )
            ]
        return response

    def process_result(self, result, request):
        """Should the confirmed import still meet a bad row, nothing was written: say so."""
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                gettext("Nothing was imported: the file has errors. Upload it again to see them."),
            )
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
        return super().process_result(result, request)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For history rows: to be read, never written."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


__all__ = [
    "CodeForeignKeyWidget",
    "CodeManyToManyWidget",
    "ChoiceWidget",
    "IntListWidget",
    "PortalResource",
    "ReadOnlyAdmin",
    "SafeCSV",
    "SafeXLSX",
    "ScopedAdmin",
    "ScopedInline",
    "natural_key_field",
    "related_only",
]
