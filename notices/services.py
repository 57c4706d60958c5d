"""Writes of the notices app: what an event leaves behind (the people's notifications in the
portal, one delivery per channel or person, item and day) and the sending of a delivery."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel import jobs
from kernel.events import Event
from kernel.roles import Role
from kernel.scoping import CHANGE, in_scope, user_scope
from planning.models import Notification

from .models import Channel, Delivery
from .selectors import REMINDER_KINDS, channels_for, notice_for
from .tasks import delivery_send_task


def event_handle(event: Event) -> list[Delivery]:
    """The listener of kernel.events (registered in NoticesConfig.ready()), run after the action
    committed: the notifications of the people concerned, then one delivery per channel of the
    event's campus or group (and per person's e-mail), each sent by a Celery task once this
    commits. Idempotent: a second run of the same event on the same day adds nothing."""
    with transaction.atomic():
        notice = notice_for(event)
        if notice is None:
            return []
        if event.kind not in REMINDER_KINDS:  # the reminders run writes its own (planning)
            _notify_in_portal(event, notice)
        created = []
        for channel in channels_for(event.kind, notice.campus_ids, notice.group_ids):
            delivery = _delivery(
                event,
                notice,
                dedup=f"channel:{channel.pk}|{notice.item_key}|{event.day.isoformat()}",
                channel=channel,
                address=channel.address if channel.kind == Channel.Kind.EMAIL else "",
            )
            if delivery is not None:
                created.append(delivery)
        if settings.NOTICES_EMAIL_PEOPLE and event.kind not in REMINDER_KINDS:
            # Reminders are e-mailed by the reminders run itself (planning.services._email).
            for user in (
                get_user_model().objects.filter(pk__in=notice.people, is_active=True).exclude(email="")
            ):
                delivery = _delivery(
                    event,
                    notice,
                    dedup=f"user:{user.pk}|{notice.item_key}|{event.day.isoformat()}",
                    recipient=user,
                    address=user.email,
                )
                if delivery is not None:
                    created.append(delivery)
        for delivery in created:
            delivery_enqueue(delivery)
    return created


def _notify_in_portal(event: Event, notice) -> None:
    rows = [
        Notification(
            recipient_id=person,
            kind=event.kind,
            item_key=notice.item_key,
            day=event.day,
            message=f"{notice.subject}：{notice.body}"[:300],
            link=notice.link.removeprefix(settings.PORTAL_BASE_URL),
        )
        for person in sorted(notice.people)
    ]
    # One per person, item and day (the unique constraint): a repeated event adds nothing.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)


def _delivery(event: Event, notice, *, dedup: str, **fields) -> Delivery | None:
    """The delivery of the key, new; None when it exists already (one per day)."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                kind=event.kind,
                item_key=notice.item_key,
                day=event.day,
                dedup_key=dedup,
                subject=notice.subject[:200],
                body=notice.body,
                link=notice.link,
                **fields,
            )
    except IntegrityError:
        return None


def delivery_enqueue(delivery: Delivery) -> jobs.JobTicket:
    """Send the delivery by Celery once the transaction commits; a broker that is down leaves
    it pending for `requeue_jobs` (never an error for the action)."""
    return jobs.enqueue_on_commit(delivery_send_task, delivery.pk)


def deliveries_requeue(*, older_than) -> dict[str, int]:
    """kernel.jobs sweeper: pending deliveries no worker has sent (the broker was down)."""
    cutoff = timezone.now() - older_than
    counts = {"found": 0, "queued": 0, "unavailable": 0, "given_up": 0}
    for delivery in Delivery.objects.filter(status=Delivery.Status.PENDING, created_at__lt=cutoff):
        counts["found"] += 1
        ticket = jobs.enqueue(delivery_send_task, delivery.pk)
        counts["queued" if ticket.queued else "unavailable"] += 1
    return counts


# --- Channels ---------------------------------------------------------------------------------


#: Who manages notice channels and reads the delivery log: administrators and the bureau every
#: channel; group leadership its own group's and its campuses' (the door). A campus's
#: vice-principal none: the robots are the group's.
CHANNEL_ROLES = (Role.ADMINISTRATOR, Role.BUREAU, Role.GROUP_LEADERSHIP)


def can_manage_channels(user) -> bool:
    return bool(user.is_authenticated) and user_scope(user).has_role(*CHANNEL_ROLES)


@transaction.atomic
def channel_save(*, user, channel: Channel, webhook_url: str = "", secret: str = "") -> Channel:
    """Create or change a channel. The webhook address and secret are written only when given
    (an empty field keeps the one saved: it is never shown again)."""
    if not can_manage_channels(user):
        raise PermissionDenied(_("Your role cannot manage notice channels."))
    if webhook_url:
        channel.webhook_url = webhook_url.strip()
    if secret:
        channel.secret = secret.strip()
    channel.full_clean()
    channel.save()
    if not in_scope(channel, user, CHANGE):
        raise PermissionDenied(_("You cannot manage the channels of this campus or group."))
    return channel
