"""What an administrator meets when an admin import goes wrong: a sentence, never a traceback.

django-import-export shows a failure of the whole file (wrong or missing columns, a sheet it
cannot read) as the exception with its Python traceback, server paths included, whatever DEBUG
says; and a confirmation sent twice (a double click, the browser's back button, a reload) reads
a temporary file the first one removed, which is a 500. `ImportSafetyMixin` (a base of
kernel.admin_base.ScopedAdmin) turns the first into a message on the file field that lists
the columns the file must have, and the second into a message and the import page again.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import FieldError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from import_export import exceptions as import_export_exceptions

logger = logging.getLogger(__name__)


class ImportSafetyMixin:
    """For an ImportMixin admin (django-import-export)."""

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        result = context.get("result")
        if result is not None and result.base_errors:
            form = context["form"]
            for error in result.base_errors:
                logger.warning("Admin import of %s refused: %r", self.model._meta.label, error.error)
            form.add_error("import_file", self.import_file_error(request, form, result.base_errors[0].error))
            context["result"] = None  # the message replaces the exception and its traceback
        return response

    def import_file_error(self, request, form, error) -> str:
        """The message for a file that could not be imported as a whole."""
        resource = self.choose_import_resource_class(form, request)(
            **self.get_import_resource_kwargs(request, form=form)
        )
        required = [resource.fields[name].column_name for name in resource.get_import_id_fields()]
        columns = [field.column_name for field in resource.get_user_visible_fields()]
        if isinstance(error, FieldError | import_export_exceptions.FieldError | KeyError):
            return gettext(
                "The columns of the file are not the expected ones. Its first row must name the columns "
                "%(columns)s; %(required)s cannot be left out."
            ) % {"columns": ", ".join(columns), "required": ", ".join(required)}
        return gettext(
            "The file could not be imported. Check that it is a sheet of this page, whose first row names "
            "the columns %(columns)s, and upload it again."
        ) % {"columns": ", ".join(columns)}

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except FileNotFoundError:
            # The temporary file is gone: this confirmation was sent before (and its import done
            # or refused), or the file expired.
            messages.error(
                request,
                gettext(
                    "This import was already processed or has expired. Check the list; to import "
                    "the file again, upload it again."
                ),
            )
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
