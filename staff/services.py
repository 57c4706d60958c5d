"""Writes on people and their movements. Keyword-only, atomic, validated before saving."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupschool import permissions
from groupschool.scoping import user_scope

from .models import Mentorship, Rotation, StaffMember


def _check_scope(user, *campus_ids: int | None) -> None:
    """A write touching a campus outside the user's scope is refused."""
    scope = user_scope(user)
    if not any(scope.covers_campus(campus_id) for campus_id in campus_ids):
        raise PermissionDenied(_("This campus is outside your responsibility."))


@transaction.atomic
def staff_member_save(*, user, member: StaffMember) -> StaffMember:
    """Create or update a staff member within the user's scope."""
    if not permissions.can_edit_campus_records(user):
        raise PermissionDenied(_("Your role cannot edit staff records."))
    _check_scope(user, member.home_campus_id)
    if member.pk:
        original = StaffMember.objects.for_user(user).filter(pk=member.pk).values("home_campus_id").first()
        if original is None:
            raise PermissionDenied(_("This campus is outside your responsibility."))
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def rotation_propose(
    *,
    user,
    staff: StaffMember,
    to_campus,
    category: str,
    start_on: datetime.date,
    planned_end_on: datetime.date,
    reason: str = "",
) -> Rotation:
    """Propose an exchange of a teacher from their home campus to another campus.

    A vice-principal may propose from or to their own campus (多向交流: both directions).
    """
    if not permissions.can_propose_rotation(user):
        raise PermissionDenied(_("Your role cannot propose rotations."))
    if staff.home_campus_id is None:
        raise ValidationError({"staff": _("This person has no home campus to rotate from.")})
    _check_scope(user, staff.home_campus_id, to_campus.pk)
    rotation = Rotation(
        staff=staff,
        from_campus_id=staff.home_campus_id,
        to_campus=to_campus,
        category=category,
        start_on=start_on,
        planned_end_on=planned_end_on,
        reason=reason,
        proposed_by=user,
    )
    rotation.full_clean()
    rotation.save()
    return rotation


def _transition(rotation: Rotation, allowed_from: tuple[str, ...], to: str) -> None:
    if rotation.status not in allowed_from:
        raise ValidationError(
            {
                "status": _("A rotation that is %(status)s cannot become %(new)s.")
                % {"status": rotation.get_status_display(), "new": Rotation.Status(to).label}
            }
        )
    rotation.status = to


def _locked(rotation: Rotation) -> Rotation:
    """Re-read the row under a lock so two officials deciding at once do not both win."""
    return Rotation.objects.select_for_update().select_related("staff").get(pk=rotation.pk)


@transaction.atomic
def rotation_approve(*, user, rotation: Rotation, note: str = "") -> Rotation:
    """The personnel office approves; the teacher must not be held by another live rotation."""
    if not permissions.can_decide_rotation(user):
        raise PermissionDenied(_("Only the personnel office approves rotations."))
    rotation = _locked(rotation)
    _transition(rotation, (Rotation.Status.PROPOSED,), Rotation.Status.APPROVED)
    rotation.decided_by, rotation.decided_at, rotation.decision_note = user, timezone.now(), note
    rotation.full_clean()
    rotation.save()
    return rotation


@transaction.atomic
def rotation_reject(*, user, rotation: Rotation, note: str) -> Rotation:
    if not permissions.can_decide_rotation(user):
        raise PermissionDenied(_("Only the personnel office rejects rotations."))
    if not note.strip():
        raise ValidationError({"note": _("Say why the rotation is rejected.")})
    rotation = _locked(rotation)
    _transition(rotation, (Rotation.Status.PROPOSED,), Rotation.Status.REJECTED)
    rotation.decided_by, rotation.decided_at, rotation.decision_note = user, timezone.now(), note
    rotation.save()
    return rotation


@transaction.atomic
def rotation_withdraw(*, user, rotation: Rotation) -> Rotation:
    """The proposer (or the personnel office) withdraws a rotation not yet started."""
    if rotation.proposed_by_id != user.pk and not permissions.can_decide_rotation(user):
        raise PermissionDenied(_("Only whoever proposed it, or the personnel office, withdraws a rotation."))
    rotation = _locked(rotation)
    _transition(rotation, (Rotation.Status.PROPOSED, Rotation.Status.APPROVED), Rotation.Status.WITHDRAWN)
    rotation.save()
    return rotation


@transaction.atomic
def rotation_start(*, user, rotation: Rotation) -> Rotation:
    if not permissions.can_decide_rotation(user):
        raise PermissionDenied(_("Only the personnel office starts rotations."))
    rotation = _locked(rotation)
    _transition(rotation, (Rotation.Status.APPROVED,), Rotation.Status.ACTIVE)
    rotation.full_clean()
    rotation.save()
    return rotation


@transaction.atomic
def rotation_complete(*, user, rotation: Rotation, ended_on: datetime.date | None = None) -> Rotation:
    if not permissions.can_decide_rotation(user):
        raise PermissionDenied(_("Only the personnel office completes rotations."))
    rotation = _locked(rotation)
    _transition(rotation, (Rotation.Status.ACTIVE,), Rotation.Status.COMPLETED)
    rotation.ended_on = ended_on or timezone.localdate()
    rotation.full_clean()
    rotation.save()
    return rotation


@transaction.atomic
def mentorship_create(
    *, user, mentor: StaffMember, mentee: StaffMember, campus, start_on, end_on, goals: str = ""
) -> Mentorship:
    if not permissions.can_edit_campus_records(user):
        raise PermissionDenied(_("Your role cannot record mentoring pairs."))
    _check_scope(user, campus.pk)
    pair = Mentorship(
        mentor=mentor, mentee=mentee, campus=campus, start_on=start_on, end_on=end_on, goals=goals
    )
    pair.full_clean()
    pair.save()
    return pair
