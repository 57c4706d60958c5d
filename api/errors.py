"""Error bodies of the API: Django's ValidationError → 400 naming the field; PermissionDenied →
403; a record changed meanwhile → 409; in the request's language (Accept-Language)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from kernel.concurrency import RecordModifiedError


def _field_errors(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    """Django's ValidationError → 400 naming the field; PermissionDenied → 403; a record
    changed meanwhile → 409. Bodies in the request's language (Accept-Language)."""
    if isinstance(exc, ValidationError):
        return Response(_field_errors(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, RecordModifiedError):
        return Response(
            {"detail": _("Not saved: the record changed while you were saving it. Read it and save again.")},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)
