"""Requests per token (or per signed-in user for the browser's session): a clear 429."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return self.cache_format % {"scope": "anon", "ident": self.get_ident(request)}
        token = request.auth if isinstance(request.auth, ApiToken) else None
        ident = f"t{token.pk}" if token is not None else f"u{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
