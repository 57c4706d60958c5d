"""Per-user API tokens (issue 15).

A token is made of a short public prefix and a long random secret; only the SHA-256 of the
whole key is stored, so the key is shown once, when it is made, and never again. A token may
expire and may be revoked; it is never deleted (its history says who made and revoked it).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kernel.scoping import Rule, ScopedQuerySet


def key_hash(key: str) -> str:
    """The stored form of a key: its SHA-256, hexadecimal."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(ScopedQuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A key with which one user's programs call the API (header `Authorization: Token <key>`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. the data centre.")
    )
    prefix = models.CharField(_("prefix"), max_length=12, unique=True, editable=False)
    key_hash = models.CharField(_("key (SHA-256)"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    expires_at = models.DateTimeField(
        _("expires at"), null=True, blank=True, help_text=_("Empty: the token does not expire.")
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    objects = ApiTokenQuerySet.as_manager()
    # A token is its owner's; bureau roles (and administrators) see every token.
    scope_rule = Rule(owner="user")

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def state_label(self) -> str:
        if self.is_revoked:
            return str(_("revoked"))
        if self.is_expired():
            return str(_("expired"))
        return str(_("active"))
