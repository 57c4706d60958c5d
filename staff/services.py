"""Writes on people and their movements. Keyword-only, atomic, validated before saving."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel import permissions
from kernel.events import EventKind, announce
from kernel.roles import Role
from kernel.scoping import user_scope
from kernel.workflow import Step, Workflow

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
    announce(
        EventKind.ROTATION_PROPOSED,
        rotation,
        campuses=(rotation.from_campus_id, rotation.to_campus_id),
        actor=user,
    )
    return rotation


# --- the rotation workflow -------------------------------------------------------------------
#
# proposed → approved → active → completed; proposed → rejected; proposed/approved → withdrawn.
# Each step is declared once below (kernel.workflow): the statuses it leaves, the status it
# reaches, who takes it and, for starting, on which side of the start date. The rotation page
# shows exactly the steps `rotation_steps` allows, and each service takes the same entry, so a
# button is never offered that the service would refuse for its role, status or date, and no
# open status is a dead end: an approved rotation can always start (on its date, or today by
# moving its date), and an active one can always be completed. The daily job
# (`rotations_advance`) takes the start and complete steps on the scheduled dates.


def _decider(user, rotation: Rotation) -> bool:
    """The personnel office (人事股)."""
    return permissions.can_decide_rotation(user)


def _proposer_or_decider(user, rotation: Rotation) -> bool:
    return _decider(user, rotation) or (user.pk is not None and rotation.proposed_by_id == user.pk)


def _start_date_reached(rotation: Rotation, *, today: datetime.date) -> bool:
    return rotation.start_on <= today


S = Rotation.Status
ROTATION_WORKFLOW = Workflow(
    Rotation,
    (
        Step(
            "approve",
            (S.PROPOSED,),
            S.APPROVED,
            _decider,
            gettext_lazy("Only the personnel office approves rotations."),
            gettext_lazy("Approve"),
        ),
        Step(
            "reject",
            (S.PROPOSED,),
            S.REJECTED,
            _decider,
            gettext_lazy("Only the personnel office rejects rotations."),
            gettext_lazy("Reject"),
        ),
        Step(
            "withdraw",
            (S.PROPOSED, S.APPROVED),
            S.WITHDRAWN,
            _proposer_or_decider,
            gettext_lazy("Only whoever proposed it, or the personnel office, withdraws a rotation."),
            gettext_lazy("Withdraw"),
        ),
        Step(
            "start",
            (S.APPROVED,),
            S.ACTIVE,
            _decider,
            gettext_lazy("Only the personnel office starts rotations."),
            gettext_lazy("Mark as started"),
            when=_start_date_reached,
        ),
        Step(
            "start_today",
            (S.APPROVED,),
            S.ACTIVE,
            _decider,
            gettext_lazy("Only the personnel office starts rotations."),
            gettext_lazy("Start today (moves the start date)"),
            when=lambda rotation, *, today: not _start_date_reached(rotation, today=today),
        ),
        Step(
            "complete",
            (S.ACTIVE,),
            S.COMPLETED,
            _decider,
            gettext_lazy("Only the personnel office completes rotations."),
            gettext_lazy("Mark as completed"),
        ),
    ),
    wrong_status=gettext_lazy("A rotation that is %(status)s cannot become %(target)s."),
)
del S


def rotation_steps(*, user, rotation: Rotation, today: datetime.date | None = None) -> list[Step]:
    """The steps `user` may take on `rotation` now, in the table's order (the page's buttons)."""
    return ROTATION_WORKFLOW.available(user, rotation, today=today or timezone.localdate())


@transaction.atomic
def rotation_approve(*, user, rotation: Rotation, note: str = "") -> Rotation:
    """The personnel office approves; the teacher must not be held by another live rotation."""
    rotation = ROTATION_WORKFLOW.take(user, rotation, "approve")
    ROTATION_WORKFLOW.move(
        rotation, "approve", decided_by=user, decided_at=timezone.now(), decision_note=note
    )
    rotation.full_clean()
    rotation.save()
    announce(
        EventKind.ROTATION_APPROVED,
        rotation,
        campuses=(rotation.from_campus_id, rotation.to_campus_id),
        actor=user,
    )
    return rotation


@transaction.atomic
def rotation_reject(*, user, rotation: Rotation, note: str) -> Rotation:
    if not note.strip() and ROTATION_WORKFLOW.allows(user, rotation, "reject"):
        raise ValidationError({"note": _("Say why the rotation is rejected.")})
    rotation = ROTATION_WORKFLOW.take(user, rotation, "reject")
    ROTATION_WORKFLOW.move(rotation, "reject", decided_by=user, decided_at=timezone.now(), decision_note=note)
    rotation.save()
    announce(
        EventKind.ROTATION_REJECTED,
        rotation,
        campuses=(rotation.from_campus_id, rotation.to_campus_id),
        actor=user,
    )
    return rotation


@transaction.atomic
def rotation_withdraw(*, user, rotation: Rotation) -> Rotation:
    """The proposer (or the personnel office) withdraws a rotation not yet started."""
    rotation = ROTATION_WORKFLOW.take(user, rotation, "withdraw")
    ROTATION_WORKFLOW.move(rotation, "withdraw")
    rotation.save()
    return rotation


@transaction.atomic
def rotation_start(
    *, user, rotation: Rotation, move_start: bool = False, today: datetime.date | None = None
) -> Rotation:
    """Mark an approved rotation as started.

    Before its start date this is refused, unless `move_start`: then the start date becomes
    today, so that the record says when the teacher really took up the post (the planned end
    stays). Refusing rather than silently starting early keeps an active rotation from holding a
    future start date, which would leave no end date it could be completed on; moving the date
    is offered for the teacher who really begins early. On or after the start date the rotation
    simply starts (the daily job does the same on the start date itself).
    """
    today = today or timezone.localdate()
    step = "start_today" if move_start else "start"
    rotation = ROTATION_WORKFLOW.take(user, rotation, step)
    if rotation.start_on > today:
        if not move_start:
            raise ValidationError(
                {
                    "start_on": _(
                        "This rotation starts on %(date)s: it becomes active by itself on that day. "
                        "If the teacher has already taken up the post, use “Start today”, which "
                        "moves the start date to today."
                    )
                    % {"date": rotation.start_on.isoformat()}
                }
            )
        rotation.start_on = today
    ROTATION_WORKFLOW.move(rotation, step)
    rotation.full_clean()
    rotation.save()
    return rotation


def _activated_on(rotation: Rotation) -> datetime.date | None:
    """The day the rotation became active, from its history (None if not recorded)."""
    record = rotation.history.filter(status=Rotation.Status.ACTIVE).order_by("history_date").first()
    return timezone.localdate(record.history_date) if record else None


@transaction.atomic
def rotation_complete(
    *, user, rotation: Rotation, ended_on: datetime.date | None = None, today: datetime.date | None = None
) -> Rotation:
    """Mark an active rotation as completed on `ended_on` (default today), which may come before
    the planned end (the rotation ends early) but not after today.

    An active rotation always completes: one marked active before its start date (as was once
    possible) gets as its start the day it became active, or its end date if that came first.
    """
    today = today or timezone.localdate()
    ended_on = ended_on or today
    if ended_on > today and ROTATION_WORKFLOW.allows(user, rotation, "complete"):
        raise ValidationError(
            {
                "ended_on": _(
                    "A rotation is completed on the day it ended, today at the latest: leave the date "
                    "empty for today."
                )
            }
        )
    rotation = ROTATION_WORKFLOW.take(user, rotation, "complete")
    if ended_on < rotation.start_on:
        rotation.start_on = min(_activated_on(rotation) or ended_on, ended_on)
    ROTATION_WORKFLOW.move(rotation, "complete", ended_on=ended_on)
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
        rotation._change_reason = "scheduled: start date reached"
        rotation.save(update_fields=ROTATION_WORKFLOW.move(rotation, "start"))
        started += 1
    for rotation in Rotation.objects.select_for_update().filter(
        status=Rotation.Status.ACTIVE, planned_end_on__lt=today
    ):
        rotation._change_reason = "scheduled: planned end reached"
        ended = ROTATION_WORKFLOW.move(rotation, "complete", ended_on=rotation.planned_end_on)
        rotation.save(update_fields=ended)
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
