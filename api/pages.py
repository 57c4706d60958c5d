"""The user's own API tokens: a list, a form that makes one (its key shown once, on the answer
to the form, never again) and a revoke button."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from .forms import TokenForm
from .models import ApiToken
from .services import api_token_create, api_token_revoke


class TokenListView(View):
    template_name = "api/token_list.html"
    model = ApiToken

    def _render(self, request, form, key=None, token=None, status=200):
        tokens = (
            ApiToken.objects.for_user(request.user).filter(user=request.user).select_related("created_by")
        )
        return render(
            request,
            self.template_name,
            {"form": form, "tokens": tokens, "new_key": key, "new_token": token, "title": _("API tokens")},
            status=status,
        )

    def get(self, request):
        return self._render(request, TokenForm())

    def post(self, request):
        form = TokenForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            token, key = api_token_create(
                user=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at()
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self._render(request, form, status=400)
        # The key is in this answer only: it is stored hashed and cannot be shown again.
        response = self._render(request, TokenForm(), key=key, token=token)
        response["Cache-Control"] = "no-store"
        return response


@method_decorator(require_POST, name="dispatch")
class TokenRevokeView(View):
    model = ApiToken

    def post(self, request, pk):
        token = get_object_or_404(ApiToken.objects.for_user(request.user), pk=pk)
        api_token_revoke(user=request.user, token=token)
        messages.success(request, _("Token %(prefix)s revoked.") % {"prefix": token.prefix})
        return redirect("api:token_list")
