"""Celery tasks of the notices app: thin, idempotent, safe to retry."""

from celery import shared_task
from django.conf import settings

from .senders import DeliveryError
from .sending import delivery_send


@shared_task(
    bind=True,
    autoretry_for=(DeliveryError,),
    retry_backoff=settings.NOTICES_RETRY_BACKOFF,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=settings.NOTICES_MAX_RETRIES,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=120,
    soft_time_limit=90,
)
def delivery_send_task(self, delivery_id: int) -> str:
    """Send one delivery; a refusal is retried with an exponential back-off, and after the last
    retry the delivery is marked failed (not raised: nothing waits on a notice)."""
    delivery = delivery_send(delivery_id=delivery_id, final=self.request.retries >= self.max_retries)
    return delivery.status if delivery is not None else "gone"
