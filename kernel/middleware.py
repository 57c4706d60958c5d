"""Middleware of the portal: a clear 503 page while the database is unreachable, and a ceiling on
the size of a request before anything reads its body.

Database outage (PostgreSQL restarting under load): a request that meets
`OperationalError`/`InterfaceError` gets the 503 page at once, with `Retry-After`, instead of a
500 or a hanging worker. Connection attempts give up after DB_CONNECT_TIMEOUT seconds
(settings), the broken connection is closed at the end of the request, and CONN_HEALTH_CHECKS
makes the next request check a persistent connection before using it, so the web process
recovers by itself when the database is back: no restart.

An error in a view reaches `DatabaseUnavailableMiddleware.process_exception`. An error before the
view (loading the session or the user in the authentication middleware) or after it (saving the
session) never reaches process_exception: Django turns it into its 500 handler, `server_error`
below (installed as `handler500` in groupschool.urls), which answers the same 503 page.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views import defaults

logger = logging.getLogger("groupschool.outage")

DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable_response() -> HttpResponse:
    """The 503 page, rendered without the request: no context processors, no database."""
    retry_after = settings.DB_OUTAGE_RETRY_AFTER
    try:
        html = loader.render_to_string("503.html", {"retry_after": retry_after})
    except Exception:  # noqa: BLE001 - the page must be answered whatever fails while rendering it
        html = format_html(
            "<!doctype html><title>503</title><h1>{}</h1>",
            gettext("The portal is briefly unavailable"),
        )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database that cannot be reached, met in a view, into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.warning("Database unavailable on %s: %s", request.path, exception)
            return database_unavailable_response()
        return None


def server_error(request, template_name: str = defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: the 503 page when the error is the database's (raised outside a view, e.g.
    while loading the session), Django's 500 page otherwise."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable_response()
    return defaults.server_error(request, template_name)


class RequestSizeLimitMiddleware:
    """Refuses a request whose body is larger than REQUEST_MAX_BYTES (413) before Django reads
    it: the form checks (kernel.uploads) give the precise message per field, this stops a
    multi-gigabyte upload from filling the disk first. The reverse proxy should have the same
    limit (nginx: client_max_body_size)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.REQUEST_MAX_BYTES
        if length > limit:
            from django.template.defaultfilters import filesizeformat

            message = gettext("The upload is too large: a request may carry at most %(limit)s.") % {
                "limit": filesizeformat(limit)
            }
            return HttpResponse(
                format_html("<!doctype html><title>413</title><h1>{}</h1>", message),
                status=413,
            )
        return self.get_response(request)


class NullCharacterMiddleware:
    """Answers 400, with a message, to a request whose query string or form fields hold a NUL
    character (%00).

    No text the portal stores or searches can hold one, and PostgreSQL refuses it in any
    string (psycopg raises ValueError: a 500). Django's form fields already refuse it, but
    query parameters also reach the database without a form: the admin's list filters and
    search, django-filter methods, third-party views. One gate before every view covers them
    all, on SQLite and PostgreSQL alike, instead of a check in each of them. Uploaded files are
    not looked at (a file may hold NUL bytes; the upload policy checks files)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _holds_nul(request.GET) or (request.method == "POST" and _holds_nul(request.POST)):
            from django.shortcuts import render

            message = gettext("The address or the form holds a character that is not allowed (NUL).")
            if request.path.startswith(tuple(getattr(settings, "JSON_ERROR_PREFIXES", ()))):
                # Programs calling the API read JSON, the body the API's other errors have.
                from django.http import JsonResponse

                return JsonResponse({"detail": message}, status=400)
            return render(
                request,
                "portal/bad_request.html",
                {"message": message},
                status=400,
            )
        return self.get_response(request)


def _holds_nul(query_dict) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists()
    )
