"""Ending a user's sessions when the account is deactivated.

Django's ModelBackend already refuses the session of an inactive user, but the session row
stays: re-activating the account would bring every old cookie back to life. Deactivation
deletes the rows, so that an old cookie replayed lands on the login page whatever happens to
the account later. (Logging out flushes the session itself: django.contrib.auth.logout.)
"""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone


def user_sessions_end(*, user) -> int:
    """Delete every unexpired session signed in as `user`; returns how many.

    Sessions are stored signed and encoded, without a user column: each one is decoded. This
    runs on a deactivation, a rare administrative act, over the sessions still alive."""
    user_pk = str(user.pk)
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get(SESSION_KEY)) == user_pk
    ]
    if ended:
        Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@receiver(post_save, sender=get_user_model(), dispatch_uid="kernel.sessions.end_on_deactivation")
def _end_sessions_of_deactivated_user(sender, instance, update_fields=None, **kwargs):
    # Saves that do not touch is_active (last_login on every sign-in) are skipped.
    if instance.is_active or (update_fields is not None and "is_active" not in update_fields):
        return
    user_sessions_end(user=instance)
