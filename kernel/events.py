"""Workflow events: a domain app announces what happened; whoever listens (the `notices` app, at
the top of the domain floors) decides whom to tell and how.

An app calls `announce(kind, record, people=..., campuses=..., group=...)` inside the service
that made the change. Nothing is heard before the transaction commits (`transaction.on_commit`):
an action that is rolled back announces nothing. A listener that fails is logged and never fails
the action that announced the event (the action has already committed).

The kernel imports no app: listeners register themselves (`register_listener`, in their
AppConfig.ready()), as the scope sources and job sweepers do.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class EventKind(models.TextChoices):
    """Every event the portal announces (each is a kind of notice people may receive)."""

    ROTATION_PROPOSED = "rotation_proposed", _("Rotation proposed")
    ROTATION_APPROVED = "rotation_approved", _("Rotation approved")
    ROTATION_REJECTED = "rotation_rejected", _("Rotation rejected")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    RESULTS_PUBLISHED = "results_published", _("Results published")
    APPEAL_DECIDED = "appeal_decided", _("Appeal decided")
    DOCUMENT_APPROVED = "document_approved", _("Document approved")


@dataclass(frozen=True)
class Event:
    """What happened, to which record, whom it concerns. Ids only: a listener reloads what it
    needs (the event outlives the transaction that announced it).

    `people` is None when the announcer leaves it to the listener to find the people concerned
    from the record (e.g. the campuses' managers of a published scheme)."""

    kind: str
    app_label: str
    model_name: str
    pk: int
    day: datetime.date
    people: tuple[int, ...] | None = None
    campus_ids: tuple[int, ...] = ()
    group_id: int | None = None
    actor_id: int | None = None
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def item_key(self) -> str:
        """The record, as planning.Notification names items: "subtask:12"."""
        return f"{self.model_name}:{self.pk}"


Listener = Callable[[Event], None]
_listeners: dict[str, Listener] = {}


def register_listener(name: str, listener: Listener) -> None:
    """Add `listener(event)` to those told of every event (once per name)."""
    _listeners[name] = listener


def unregister_listener(name: str) -> None:
    _listeners.pop(name, None)


def _ids(values: Iterable) -> tuple[int, ...]:
    return tuple(sorted({getattr(value, "pk", value) for value in values if value is not None}))


def announce(
    kind: str,
    record,
    *,
    people: Iterable | None = None,
    campuses: Iterable = (),
    group=None,
    actor=None,
    day: datetime.date | None = None,
    **extra,
) -> Event:
    """Tell the listeners, once the current transaction commits, that `kind` happened to
    `record`. `people` (users or ids), `campuses` (campuses or ids) and `group` (a group or an
    id) are optional. Returns the event."""
    if kind not in EventKind.values:
        raise ValueError(f"Unknown event kind {kind!r}")
    event = Event(
        kind=kind,
        app_label=record._meta.app_label,
        model_name=record._meta.model_name,
        pk=record.pk,
        day=day or timezone.localdate(),
        people=None if people is None else _ids(people),
        campus_ids=_ids(campuses),
        group_id=getattr(group, "pk", group),
        actor_id=getattr(actor, "pk", actor),
        extra=extra,
    )
    # robust: a listener's error is logged by Django, never raised into the committed action.
    transaction.on_commit(lambda: dispatch(event), robust=True)
    return event


def dispatch(event: Event) -> None:
    """Tell every listener now (announce() calls this after the commit)."""
    for name, listener in list(_listeners.items()):
        try:
            listener(event)
        except Exception:  # a listener's failure must not reach the action, nor the others
            logger.exception("Listener %s failed on event %s %s", name, event.kind, event.item_key)
