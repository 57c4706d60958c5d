"""Writes on people and their movements. Keyword-only, atomic, validated before saving."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupschool import permissions
from groupschool.roles import Role
from groupschool.scoping import user_scope

from .models import CrossCampusActivity, Mentorship, ResponsibilityAssignment, Rotation, StaffMember


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


@transaction.atomic
def rotations_advance(*, today: datetime.date) -> dict[str, int]:
    """Daily: approved rotations whose start date has come become active; active rotations past
    their planned end are completed on that date. Safe to run twice on the same day."""
    started = completed = 0
    for rotation in Rotation.objects.select_for_update().filter(
        status=Rotation.Status.APPROVED, start_on__lte=today
    ):
        rotation.status = Rotation.Status.ACTIVE
        rotation._change_reason = "scheduled: start date reached"
        rotation.save(update_fields=["status"])
        started += 1
    for rotation in Rotation.objects.select_for_update().filter(
        status=Rotation.Status.ACTIVE, planned_end_on__lt=today
    ):
        rotation.status = Rotation.Status.COMPLETED
        rotation.ended_on = rotation.planned_end_on
        rotation._change_reason = "scheduled: planned end reached"
        rotation.save(update_fields=["status", "ended_on"])
        completed += 1
    return {"started": started, "completed": completed}


# --- programmes: mentoring pairs, cross-campus activities, first responsibilities ---


@transaction.atomic
def mentorship_update(
    *,
    user,
    pair: Mentorship,
    start_on: datetime.date,
    end_on: datetime.date,
    status: str,
    goals: str = "",
    outcome: str = "",
) -> Mentorship:
    """Record a mentoring pair's progress: its dates, goals, outcome and status.

    Mentor, mentee and campus are what the pair *is*; they are not changed here.
    """
    if not permissions.can_edit_campus_records(user):
        raise PermissionDenied(_("Your role cannot record mentoring pairs."))
    if not Mentorship.objects.for_user(user).filter(pk=pair.pk).exists():
        raise PermissionDenied(_("This campus is outside your responsibility."))
    pair.start_on, pair.end_on, pair.status = start_on, end_on, status
    pair.goals, pair.outcome = goals, outcome
    pair.full_clean()
    pair.save()
    return pair


@transaction.atomic
def activity_create(
    *,
    user,
    title: str,
    kind: str,
    held_on: datetime.date,
    host_campus,
    hours,
    campuses=(),
    participants=(),
    summary: str = "",
) -> CrossCampusActivity:
    """Record a cross-campus activity (校区教研, 送教, 听评课, 讲座).

    A vice-principal hosts only on their own campus; other campuses of the group may take part.
    The host campus always counts among the campuses taking part.
    """
    if not permissions.can_edit_campus_records(user):
        raise PermissionDenied(_("Your role cannot record activities."))
    if not user_scope(user).covers_campus(host_campus.pk):
        raise ValidationError(
            {"host_campus": _("You can host an activity only on a campus you are responsible for.")}
        )
    if hours is None or hours <= 0:
        raise ValidationError({"hours": _("Hours must be more than zero.")})
    activity = CrossCampusActivity(
        title=title, kind=kind, held_on=held_on, host_campus=host_campus, hours=hours, summary=summary
    )
    activity.full_clean()
    activity.save()
    activity.campuses.set({host_campus, *campuses})
    activity.participants.set(participants)
    return activity


def _check_group(user, group) -> None:
    """First responsibilities are set by administrators, or by the leadership of the group."""
    scope = user_scope(user)
    if not scope.has_role(Role.ADMINISTRATOR, Role.GROUP_LEADERSHIP):
        raise PermissionDenied(
            _("Only administrators and the group's leadership assign first responsibilities.")
        )
    if not (scope.everything or group.pk in scope.group_ids):
        raise PermissionDenied(_("This group is outside your responsibility."))


@transaction.atomic
def responsibility_assign(
    *, user, group, area: str, campus=None, person: StaffMember
) -> ResponsibilityAssignment:
    """Name the first responsible person (第一责任人) for one area, group-wide (no campus) or on one
    campus; replaces whoever held it (一岗双责: one person per area and place)."""
    _check_group(user, group)
    assignment = (
        ResponsibilityAssignment.objects.select_for_update(of=("self",))
        .filter(group=group, area=area, campus=campus)
        .order_by("pk")
        .first()
    ) or ResponsibilityAssignment(group=group, area=area, campus=campus)
    assignment.person = person
    assignment.full_clean()
    assignment.save()
    return assignment
