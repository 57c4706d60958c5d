"""Writes of the supervision app: visits and the rectifications they set (工作督导, 过程评估, 整改),
and typical experiences (提炼典型经验, 宣传报道)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.scoping import user_scope

from .models import Experience, ExperienceAttachment, Rectification, SupervisionVisit
from .permissions import (
    can_close_rectification,
    can_edit_experience,
    can_publish_experiences,
    can_read,
    can_run_supervision,
)


def _user_label(user) -> str:
    return user.get_full_name() or user.get_username()


def _owner_covers(owner, *, campus, group) -> bool:
    """Can the owner reach the rectification (so that it shows in their work)?"""
    scope = user_scope(owner)
    if scope.everything:
        return True
    if campus is not None:
        return campus.pk in scope.campus_ids
    return group is not None and group.pk in scope.group_ids


@transaction.atomic
def supervision_visit_create(
    *,
    user,
    kind: str,
    visited_on: datetime.date,
    team: str,
    findings: str,
    group=None,
    campus=None,
) -> SupervisionVisit:
    """Record a bureau visit to one group or one campus with its findings."""
    if not can_run_supervision(user):
        raise PermissionDenied(_("Only the bureau records supervision visits."))
    visit = SupervisionVisit(
        kind=kind,
        visited_on=visited_on,
        team=(team or "").strip(),
        findings=(findings or "").strip(),
        group=group,
        campus=campus,
        created_by=user,
    )
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def supervision_visit_update(
    *, user, visit: SupervisionVisit, kind: str, visited_on: datetime.date, team: str, findings: str
) -> SupervisionVisit:
    """Correct a visit's kind, date, team or findings (what it visited stays: its rectifications
    belong to it)."""
    if not can_run_supervision(user):
        raise PermissionDenied(_("Only the bureau records supervision visits."))
    first_due = visit.rectifications.order_by("due_on").values_list("due_on", flat=True).first()
    if first_due is not None and visited_on > first_due:
        raise ValidationError({"visited_on": _("A rectification of this visit is due before this date.")})
    visit.kind, visit.visited_on = kind, visited_on
    visit.team, visit.findings = (team or "").strip(), (findings or "").strip()
    visit.full_clean()
    visit.save()
    return visit


def _rectification_rules(*, visit: SupervisionVisit, campus, owner, due_on) -> None:
    errors = {}
    if visit.campus_id is not None:
        if campus is not None and campus.pk != visit.campus_id:
            errors["campus"] = _("A rectification of a campus visit belongs to the visited campus.")
    elif campus is not None and campus.school.group_id != visit.group_id:
        errors["campus"] = _("Choose a campus of the visited group.")
    if due_on is not None and due_on < visit.visited_on:
        errors["due_on"] = _("The due date cannot be before the visit.")
    if owner is None or not owner.is_active:
        errors["owner"] = _("Choose the person who answers for the rectification.")
    elif not _owner_covers(owner, campus=campus or visit.campus, group=visit.group):
        errors["owner"] = _(
            "%(owner)s cannot see this campus's records: choose someone responsible for it."
        ) % {"owner": _user_label(owner)}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def rectification_create(
    *,
    user,
    visit: SupervisionVisit,
    description: str,
    owner,
    due_on: datetime.date,
    campus=None,
) -> Rectification:
    """Set a rectification item at a visit: what to put right, who answers for it, by when.
    A campus visit's items belong to its campus; a group visit's to one of its campuses, or to
    the whole group (no campus)."""
    if not can_run_supervision(user):
        raise PermissionDenied(_("Only the bureau sets rectifications."))
    campus = campus or visit.campus
    _rectification_rules(visit=visit, campus=campus, owner=owner, due_on=due_on)
    rectification = Rectification(
        visit=visit, description=(description or "").strip(), owner=owner, campus=campus, due_on=due_on
    )
    rectification.full_clean()
    rectification.save()
    return rectification


@transaction.atomic
def rectification_update(
    *, user, rectification: Rectification, description: str, owner, due_on: datetime.date
) -> Rectification:
    """Change an open rectification's text, owner or due date (the bureau's)."""
    if not can_run_supervision(user):
        raise PermissionDenied(_("Only the bureau sets rectifications."))
    if rectification.status != Rectification.RectStatus.OPEN:
        raise ValidationError({"status": _("A closed rectification cannot be changed.")})
    _rectification_rules(visit=rectification.visit, campus=rectification.campus, owner=owner, due_on=due_on)
    rectification.description = (description or "").strip()
    rectification.owner, rectification.due_on = owner, due_on
    rectification.full_clean(exclude=["closing_attachment"])
    rectification.save()
    return rectification


@transaction.atomic
def rectification_close(
    *,
    user,
    rectification: Rectification,
    record: str,
    attachment=None,
    now: datetime.datetime | None = None,
) -> Rectification:
    """Close a rectification with its record: who, when, what was done, an optional attachment.

    Its owner, the bureau, the group's leadership and the campus's executive vice-principal may
    close it; a vice-principal never another campus's (PermissionDenied)."""
    locked = Rectification.objects.select_for_update(of=("self",)).filter(pk=rectification.pk).first()
    if locked is None or not Rectification.objects.for_user(user).filter(pk=locked.pk).exists():
        raise PermissionDenied(_("You can only close the rectifications of your own campus."))
    if not can_close_rectification(user, locked):
        raise PermissionDenied(_("Your role cannot close rectifications."))
    if locked.status == Rectification.RectStatus.CLOSED:
        raise ValidationError({"closing_record": _("This rectification is closed already.")})
    record = (record or "").strip()
    if not record:
        raise ValidationError({"closing_record": _("Say what was done to put it right.")})
    locked.status = Rectification.RectStatus.CLOSED
    locked.closed_by = user
    locked.closed_at = now or timezone.now()
    locked.closing_record = record
    if attachment is not None:
        locked.closing_attachment = attachment
    locked.full_clean(exclude=["closing_attachment"])
    locked.save()
    return locked


# --- Typical experiences (提炼典型经验, 宣传报道) ---------------------------------------------------


def _experience_campus_rule(user, campus) -> None:
    scope = user_scope(user)
    if campus is None:
        if not (scope.everything or scope.group_ids):
            raise ValidationError({"campus": _("Choose your campus.")})
    elif not scope.covers_campus(campus.pk):
        raise ValidationError({"campus": _("Choose a campus within your scope.")})


def _add_experience_files(experience, files: Iterable) -> None:
    for upload in files:
        attachment = ExperienceAttachment(experience=experience, name=upload.name[:200], file=upload)
        attachment.full_clean(exclude=["file"])
        attachment.save()


@transaction.atomic
def experience_create(
    *, user, title: str, topic: str, body: str, campus=None, summary: str = "", files: Iterable = ()
) -> Experience:
    """Write up a typical experience, as a draft."""
    if not can_read(user):
        raise PermissionDenied(_("Your role cannot write experiences."))
    _experience_campus_rule(user, campus)
    experience = Experience(
        title=(title or "").strip(),
        topic=topic,
        body=(body or "").strip(),
        summary=(summary or "").strip(),
        campus=campus,
        author=user,
    )
    experience.full_clean()
    experience.save()
    _add_experience_files(experience, files)
    return experience


@transaction.atomic
def experience_update(
    *,
    user,
    experience: Experience,
    title: str,
    topic: str,
    body: str,
    campus=None,
    summary: str = "",
    files: Iterable = (),
) -> Experience:
    """Change a write-up: its author while it is a draft, the bureau at any time."""
    if not can_edit_experience(user, experience):
        raise PermissionDenied(_("Only the author changes a draft; a published experience, the bureau."))
    if campus != experience.campus:
        _experience_campus_rule(user, campus)
    experience.title, experience.topic = (title or "").strip(), topic
    experience.body, experience.summary = (body or "").strip(), (summary or "").strip()
    experience.campus = campus
    experience.full_clean()
    experience.save()
    _add_experience_files(experience, files)
    return experience


@transaction.atomic
def experience_publish(*, user, experience: Experience, now: datetime.datetime | None = None) -> Experience:
    """Draft → published (the bureau): it shows on the page of published experiences."""
    if not can_publish_experiences(user):
        raise PermissionDenied(_("Only the bureau publishes experiences."))
    if experience.status != Experience.ExpStatus.DRAFT:
        raise ValidationError({"status": _("This experience is published already.")})
    experience.status = Experience.ExpStatus.PUBLISHED
    experience.published_at = now or timezone.now()
    experience.full_clean()
    experience.save(update_fields=["status", "published_at"])
    return experience


@transaction.atomic
def experience_unpublish(*, user, experience: Experience) -> Experience:
    """Published → draft again (taken off the published page)."""
    if not can_publish_experiences(user):
        raise PermissionDenied(_("Only the bureau publishes experiences."))
    if experience.status != Experience.ExpStatus.PUBLISHED:
        raise ValidationError({"status": _("This experience is not published.")})
    experience.status = Experience.ExpStatus.DRAFT
    experience.published_at = None
    experience.save(update_fields=["status", "published_at"])
    return experience
