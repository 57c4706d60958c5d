"""One attempt at sending a delivery (called by the task, notices/tasks.py)."""

from __future__ import annotations

import logging

from django.utils import timezone
from django.utils.translation import gettext as _

from . import senders
from .models import Channel, Delivery

logger = logging.getLogger(__name__)


def delivery_send(*, delivery_id: int, final: bool) -> Delivery | None:
    """One attempt at sending the delivery. A refusal is recorded (attempts, last error, HTTP
    status) and raised for the task to retry, except on the `final` attempt: then the delivery
    is marked failed and nothing is raised (a channel that fails never fails anything else)."""
    delivery = Delivery.objects.select_related("channel").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != Delivery.Status.PENDING:
        return delivery  # sent already (a redelivered task), or given up
    delivery.attempts += 1
    try:
        delivery.http_status = _send(delivery)
    except senders.DeliveryError as error:
        delivery.last_error = str(error)[:500]
        delivery.http_status = error.http_status
        if final:
            delivery.status = Delivery.Status.FAILED
        delivery.save(update_fields=["attempts", "last_error", "http_status", "status"])
        logger.warning("Delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, error)
        if not final:
            raise
        return delivery
    delivery.status = Delivery.Status.SENT
    delivery.sent_at = timezone.now()
    delivery.last_error = ""
    delivery.save(update_fields=["attempts", "http_status", "status", "sent_at", "last_error"])
    return delivery


def _send(delivery: Delivery) -> int | None:
    channel = delivery.channel
    text = {"subject": delivery.subject, "body": delivery.body, "link": delivery.link}
    if channel is None or channel.kind == Channel.Kind.EMAIL:
        senders.email_send(delivery.address, **text)
        return None
    if not channel.active:
        raise senders.DeliveryError(_("The channel is switched off."))
    if channel.kind == Channel.Kind.WECOM:
        return senders.wecom_send(channel.webhook_url, **text)
    return senders.dingtalk_send(channel.webhook_url, channel.secret, **text)
