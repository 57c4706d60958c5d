"""`Authorization: Token <key>`: the user's API token (api.models.ApiToken)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .services import api_token_authenticate


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header: give `Token <key>`."))
        try:
            key = header[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        token = api_token_authenticate(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.is_revoked:
            raise exceptions.AuthenticationFailed(_("This token was revoked."))
        if token.is_expired():
            raise exceptions.AuthenticationFailed(_("This token has expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This account is not active."))
        request.api_token = token
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
