"""Reads of the notices app: who is concerned by an event, where it happened, what to say."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from guardian.shortcuts import get_users_with_perms

from campuses.models import Campus, EducationGroup
from evaluation.models import Appeal, Evaluatee, PublishedSnapshot
from kernel.events import Event, EventKind
from kernel.roles import CAMPUS_PERMISSION, GROUP_PERMISSION, Role
from planning.models import Document, Notification
from staff.models import Rotation

from .models import Channel, Delivery

REMINDER_KINDS = frozenset({EventKind.DUE_SOON, EventKind.OVERDUE})


@dataclass
class Notice:
    """What an event says, in the site's language, and whom and where it concerns."""

    subject: str
    body: str
    link: str
    item_key: str
    people: set[int]
    campus_ids: set[int]
    group_ids: set[int]


def _holders(record, permission: str) -> set[int]:
    users = get_users_with_perms(
        record, only_with_perms_in=[permission.split(".")[1]], with_group_users=False
    )
    return {user.pk for user in users if user.is_active}


def campus_managers(campus_ids) -> set[int]:
    people: set[int] = set()
    for campus in Campus.objects.filter(pk__in=campus_ids):
        people |= _holders(campus, CAMPUS_PERMISSION)
    return people


def group_leaders(group_ids) -> set[int]:
    people: set[int] = set()
    for group in EducationGroup.objects.filter(pk__in=group_ids):
        people |= _holders(group, GROUP_PERMISSION)
    return people


def campus_groups(campus_ids) -> set[int]:
    ids = set(Campus.objects.filter(pk__in=campus_ids).values_list("school__group_id", flat=True))
    return ids - {None}


def role_holders(role: str) -> set[int]:
    return set(
        get_user_model().objects.filter(is_active=True, groups__name=role).values_list("pk", flat=True)
    )


def evaluatee_campus_ids(evaluatees) -> set[int]:
    ids: set[int] = set()
    for evaluatee in evaluatees:
        if evaluatee.campus_id:
            ids.add(evaluatee.campus_id)
        elif evaluatee.school_id:
            ids |= set(Campus.objects.filter(school_id=evaluatee.school_id).values_list("pk", flat=True))
        elif evaluatee.staff_id and evaluatee.staff.home_campus_id:
            ids.add(evaluatee.staff.home_campus_id)
    return ids


def _absolute(path: str) -> str:
    return f"{settings.PORTAL_BASE_URL}{path}" if path else ""


def _record(event: Event):
    model = apps.get_model(event.app_label, event.model_name)
    return model._base_manager.filter(pk=event.pk).first()


def notice_for(event: Event) -> Notice | None:
    """The notice of an event, written in the site's language (the portal is Chinese; the
    channels are read by groups of people, not one reader): None when the record is gone."""
    record = _record(event)
    if record is None:
        return None
    people = set(event.people or ())
    campus_ids = set(event.campus_ids)
    group_ids = {event.group_id} if event.group_id else set()
    item_key = event.item_key if event.kind in REMINDER_KINDS else f"{event.item_key}:{event.kind}"
    with translation.override(settings.LANGUAGE_CODE):
        subject, body, path = _text(event, record, people, campus_ids, group_ids)
    if event.actor_id:
        people.discard(event.actor_id)  # whoever acted knows
    group_ids |= campus_groups(campus_ids)
    return Notice(subject, body, _absolute(path), item_key, people, campus_ids, group_ids)


def _text(event: Event, record, people: set[int], campus_ids: set[int], group_ids: set[int]):
    """(subject, body, path) of the event; fills `people` and `campus_ids` when the announcer left
    them to this app."""
    kind = event.kind
    if isinstance(record, Rotation):
        values = {"staff": record.staff, "from": record.from_campus, "to": record.to_campus}
        if event.people is None:
            if kind == EventKind.ROTATION_PROPOSED:
                people |= role_holders(Role.PERSONNEL)  # the personnel office decides
            else:
                people |= {record.proposed_by_id} if record.proposed_by_id else set()
                if record.staff.user_id:
                    people.add(record.staff.user_id)
                people |= campus_managers([record.from_campus_id, record.to_campus_id])
        subjects = {
            EventKind.ROTATION_PROPOSED: _("Rotation proposed"),
            EventKind.ROTATION_APPROVED: _("Rotation approved"),
            EventKind.ROTATION_REJECTED: _("Rotation rejected"),
        }
        body = _("%(staff)s: from %(from)s to %(to)s.") % values
        if kind != EventKind.ROTATION_PROPOSED and record.decision_note:
            body += " " + _("Note: %(note)s") % {"note": record.decision_note}
        return subjects[kind], body, record.get_absolute_url()
    if kind in REMINDER_KINDS:
        reminder = (
            Notification.objects.filter(item_key=event.item_key, day=event.day, kind=kind)
            .select_related("measure", "subtask", "document", "rectification")
            .first()
        )
        body = reminder.text() if reminder else str(record)
        path = reminder.get_absolute_url() if reminder else ""
        return _("Work plan reminder"), body, path
    if isinstance(record, PublishedSnapshot):
        evaluatees = list(Evaluatee.objects.filter(scheme_id=record.scheme_id).select_related("staff"))
        campus_ids |= evaluatee_campus_ids(evaluatees)
        if record.scheme.group_id:
            group_ids.add(record.scheme.group_id)
        if event.people is None:
            people |= campus_managers(campus_ids) | group_leaders(group_ids | campus_groups(campus_ids))
        body = _("The results of %(scheme)s are published (version %(version)s).") % {
            "scheme": record.scheme,
            "version": record.version,
        }
        return _("Results published"), body, record.scheme.get_absolute_url()
    if isinstance(record, Appeal):
        campus_ids |= evaluatee_campus_ids([record.evaluatee])
        if event.people is None:
            people.add(record.filed_by_id)
        outcome = _("accepted") if record.status == Appeal.Status.ACCEPTED else _("rejected")
        body = _("The appeal on %(indicator)s of %(evaluatee)s is %(outcome)s: %(reason)s") % {
            "indicator": record.indicator.code,
            "evaluatee": record.evaluatee,
            "outcome": outcome,
            "reason": record.decision_reason,
        }
        return _("Appeal decided"), body, record.evaluatee.get_absolute_url()
    if isinstance(record, Document):
        if record.campus_id:
            campus_ids.add(record.campus_id)
        group_ids.add(record.group_id)
        if event.people is None:
            people |= group_leaders([record.group_id])
            if record.campus_id:
                people |= campus_managers([record.campus_id])
        body = _("%(document)s is approved.") % {"document": record}
        return _("Document approved"), body, record.get_absolute_url()
    return str(EventKind(kind).label), str(record), ""


def channels_for(kind: str, campus_ids: set[int], group_ids: set[int]) -> list[Channel]:
    """The active channels that hear `kind` where it happened: a campus's channel for its
    campus's events, a group's channel for its group's and its campuses', a city-wide one for all."""
    place = Q(campus__isnull=True, group__isnull=True)
    if campus_ids:
        place |= Q(campus_id__in=campus_ids)
    if group_ids:
        place |= Q(group_id__in=group_ids)
    return [channel for channel in Channel.objects.filter(place, active=True) if channel.hears(kind)]


def delivery_list(user):
    """The delivery log the user may read (the door), with what its rows show."""
    return Delivery.objects.for_user(user, action="view").select_related("channel", "recipient")
