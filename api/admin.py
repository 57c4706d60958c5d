"""API tokens in the admin: an administrator makes one for any user (its key shown once, in the
message after saving), sees every token by its prefix, and revokes; a token is never edited or
deleted (its history says who made and revoked it)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from kernel.generic import scoped_queryset

from .models import ApiToken
from .services import api_token_create, api_token_revoke


class ApiTokenAddForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("user", "name", "expires_at")


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    list_display = ("prefix", "name", "user", "created_at", "expires_at", "revoked_at", "last_used_at")
    list_select_related = ("user",)
    list_filter = ("revoked_at", "expires_at")
    search_fields = ("prefix", "name", "user__username")
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "created_at",
        "created_by",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    actions = ["revoke"]

    def get_queryset(self, request):
        return scoped_queryset(ApiToken, request.user).select_related("user")

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = get_user_model().objects.filter(is_active=True).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing of a token is edited; revoking is an action
        try:
            token, key = api_token_create(
                user=request.user, owner=obj.user, name=obj.name, expires_at=obj.expires_at
            )
        except (ValidationError, PermissionDenied) as exc:
            raise PermissionDenied(str(exc)) from exc
        obj.pk = token.pk
        obj.__dict__.update({k: v for k, v in token.__dict__.items() if not k.startswith("_")})
        messages.warning(
            request,
            gettext("The token's key, shown this once (copy it now): %(key)s") % {"key": key},
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = 0
        for token in queryset:
            if token.revoked_at is None:
                api_token_revoke(user=request.user, token=token)
                count += 1
        messages.success(request, gettext("%(count)d tokens revoked.") % {"count": count})
