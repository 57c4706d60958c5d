"""Writes of the API app: tokens made and revoked (keyword-only, atomic, history kept), and the
many-at-once score write is evaluation.services.scores_save_many."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.roles import Role
from kernel.scoping import user_scope

from .models import ApiToken, key_hash

#: The public part of a key, shown in lists: "gs_" and 8 characters.
PREFIX_LENGTH = 8


def _administrator(user) -> bool:
    return user_scope(user).has_role(Role.ADMINISTRATOR)


def api_token_create(
    *, user, name: str, owner=None, expires_at: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """Make a token for `owner` (default: the user themself); only an administrator makes one
    for someone else. Returns the token and its key, which is shown once and never stored."""
    owner = owner or user
    if not user.is_authenticated or (owner.pk != user.pk and not _administrator(user)):
        raise PermissionDenied(_("Only an administrator makes a token for someone else."))
    if not owner.is_active:
        raise ValidationError({"user": _("This account is not active.")})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the token (what it is for).")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must lie in the future.")})
    while True:
        prefix = "gs_" + secrets.token_hex(PREFIX_LENGTH // 2)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    key = f"{prefix}.{secrets.token_urlsafe(32)}"
    token = ApiToken(
        user=owner,
        name=name[:100],
        prefix=prefix,
        key_hash=key_hash(key),
        created_by=user,
        expires_at=expires_at,
    )
    token.full_clean()
    with transaction.atomic():
        token.save()
    return token, key


@transaction.atomic
def api_token_revoke(*, user, token: ApiToken) -> ApiToken:
    """Revoke a token: its owner or an administrator. A revoked token stays (history)."""
    if token.user_id != user.pk and not _administrator(user):
        raise PermissionDenied(_("Only the token's owner or an administrator revokes it."))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(key: str) -> ApiToken | None:
    """The token of this key (revoked and expired ones too: the caller says why it refuses),
    its last use noted at most once a minute (no history row for that)."""
    if not key or len(key) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=key_hash(key)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
