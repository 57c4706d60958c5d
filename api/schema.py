"""The token authentication as the OpenAPI schema describes it (drf-spectacular extension)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": str(_("An API token, sent as `Token <key>`.")),
        }


#: Answers every operation may give besides its own, with what their bodies hold.
ERROR_RESPONSES = {
    "400": _("Refused input: the body names each field (and, for many rows, the row) with its message."),
    "401": _("No credentials, or a token unknown, expired or revoked."),
    "403": _("In scope, but not allowed for your role (or the CSRF token is missing for a session)."),
    "404": _("No such record within your reach (or a page past the end of a list)."),
    "429": _("Too many requests with this token: wait the seconds the Retry-After header gives."),
}


def add_error_responses(result, generator, request, public):
    """Postprocessing hook: the common error answers on every operation of /api/v1/."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = {
        "type": "object",
        "description": str(_("An error: `detail`, or one entry per field.")),
        "additionalProperties": True,
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, text in ERROR_RESPONSES.items():
                operation["responses"].setdefault(
                    code,
                    {
                        "description": str(text),
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result
