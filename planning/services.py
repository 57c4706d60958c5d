"""Writes of the planning app: progress reports, sub-tasks, documents, meetings, reminders.

Rules of the plan kept here (not in views or signals):
- the latest progress report sets the progress of its measure or sub-task, and its status;
- an item is overdue when its due date has passed in the bureau's local day (Asia/Shanghai),
  not in UTC: a sub-task due on 31 May is overdue from 1 June 00:00 Beijing time;
- a campus executive vice-principal reports only on the sub-tasks of their campus.

At about 630 lines it is a little over the house's 600: the daily reminder job (a third of it)
shares the status rules above with the report and sub-task writes, so it stays beside them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from kernel.dates import local_today
from kernel.events import EventKind, announce
from kernel.roles import CAMPUS_PERMISSION, GROUP_PERMISSION, Role
from kernel.scoping import CHANGE, VIEW, in_scope, user_scope
from kernel.workflow import Step, Workflow
from supervision.models import Rectification

from .models import (
    CLOSED_STATUSES,
    Attachment,
    Decision,
    Document,
    Measure,
    Meeting,
    Notification,
    ProgressReport,
    ReminderRun,
    Status,
    SubTask,
)
from .permissions import (
    can_approve_documents,
    can_create_subtask,
    can_edit_plan,
    can_report_on_measure,
)

# --- Dates and status rules ------------------------------------------------------------------


def is_overdue(*, due_on: datetime.date | None, status: str, today: datetime.date) -> bool:
    """Past its (effective) due date and neither done nor cancelled."""
    return due_on is not None and due_on < today and status not in CLOSED_STATUSES


def status_for(*, progress: int, due_on: datetime.date | None, current: str, today: datetime.date) -> str:
    """The status an item's progress and effective due date give it. Cancelled stays cancelled;
    100 % is done; a passed due date is overdue; some progress is in progress; else not started."""
    if current == Status.CANCELLED:
        return Status.CANCELLED
    if progress >= 100:
        return Status.DONE
    if due_on is not None and due_on < today:
        return Status.OVERDUE
    if progress > 0:
        return Status.IN_PROGRESS
    return Status.NOT_STARTED


def item_status_refresh(item: Measure | SubTask, *, today: datetime.date) -> str:
    """The status of an item from its progress and effective due date (not saved)."""
    return status_for(progress=item.progress, due_on=item.effective_due, current=item.status, today=today)


def rolled_up_progress(measure: Measure) -> int | None:
    """The average progress of a measure's sub-tasks that are not cancelled, rounded down (so
    that 100 % means every sub-task is done); None for a measure without such sub-tasks."""
    values = list(measure.subtasks.exclude(status=Status.CANCELLED).values_list("progress", flat=True))
    if not values:
        return None
    return sum(values) // len(values)


def measure_progress_rollup(*, measure: Measure, today: datetime.date | None = None) -> Measure:
    """Store a measure's progress: its sub-tasks' average when it has any (the measure is done
    when they all are), else its own latest report; then its status. Called whenever a
    sub-task's progress changes, so that every page (the dashboard too) reads Measure.progress."""
    today = today or local_today()
    progress = rolled_up_progress(measure)
    if progress is None:
        latest = (
            ProgressReport.objects.filter(measure=measure, subtask__isnull=True)
            .order_by("-reported_at", "-pk")
            .first()
        )
        progress = latest.percent if latest else measure.progress
    before = (measure.progress, measure.status)
    measure.progress = progress
    measure.status = item_status_refresh(measure, today=today)
    if (measure.progress, measure.status) != before:  # no empty entries in its history
        measure.full_clean()
        measure.save(update_fields=["progress", "status"])
    return measure


def _refresh_progress(item: Measure | SubTask, *, today: datetime.date) -> None:
    """Set progress from the item's latest report and recompute the status; a sub-task's
    measure rolls up."""
    if isinstance(item, Measure):
        measure_progress_rollup(measure=item, today=today)
        return
    latest = item.reports.order_by("-reported_at", "-pk").first()
    item.progress = latest.percent if latest else 0
    item.status = item_status_refresh(item, today=today)
    item.full_clean()
    item.save(update_fields=["progress", "status"])
    measure_progress_rollup(measure=item.measure, today=today)


# --- Progress reports ------------------------------------------------------------------------


@transaction.atomic
def progress_report_file(
    *,
    user,
    measure: Measure | None = None,
    subtask: SubTask | None = None,
    text: str,
    percent: int,
    files: Iterable = (),
    now: datetime.datetime | None = None,
) -> ProgressReport:
    """File a progress report on a measure, or on one of its sub-tasks; the report becomes the
    item's latest and sets its progress and status.

    Raises PermissionDenied when the user may not report on the item (a vice-principal on a
    measure, or on another campus's sub-task) and ValidationError for bad input."""
    now = now or timezone.now()
    if subtask is not None:
        if not in_scope(subtask, user, CHANGE):
            raise PermissionDenied(_("You can only report on the sub-tasks of your own campus."))
        measure = subtask.measure
        target: Measure | SubTask = subtask
    elif measure is not None:
        if not can_report_on_measure(user, measure):
            raise PermissionDenied(_("Your role cannot report on a whole measure; report on a sub-task."))
        target = measure
    else:
        raise ValidationError(_("Choose the measure or sub-task the report is about."))
    if target.status == Status.CANCELLED:
        raise ValidationError({"percent": _("This item is cancelled: it takes no more reports.")})
    report = ProgressReport(
        measure=measure, subtask=subtask, author=user, reported_at=now, text=text.strip(), percent=percent
    )
    report.full_clean()
    report.save()
    for upload in files:
        attachment = Attachment(report=report, file=upload, name=upload.name[:200])
        attachment.full_clean(exclude=["file"])
        attachment.save()
    _refresh_progress(target, today=local_today(now))
    return report


# --- Sub-tasks -------------------------------------------------------------------------------


@transaction.atomic
def subtask_create(
    *,
    user,
    measure: Measure,
    title: str,
    campus=None,
    unit=None,
    owner=None,
    start_on: datetime.date | None = None,
    due_on: datetime.date | None = None,
    description: str = "",
    decision: Decision | None = None,
) -> SubTask:
    """Break a measure into a sub-task assigned to one campus or one unit. The plan's editors
    assign it to any campus in their scope (group leadership: its group's) or to a unit; a
    campus executive vice-principal adds sub-tasks for their own campus only. The measure's
    progress rolls up again (a new sub-task starts at 0 %)."""
    if not can_create_subtask(user):
        raise PermissionDenied(_("Your role cannot change the plan."))
    if not can_edit_plan(user):
        if unit is not None or campus is None:
            raise ValidationError({"campus": _("Assign the sub-task to your campus.")})
        if campus.pk not in user_scope(user).campus_ids:
            raise PermissionDenied(_("You can only add sub-tasks for your own campus."))
    if campus is not None and not user_scope(user).covers_campus(campus.pk):
        raise ValidationError({"campus": _("Choose a campus within your scope.")})
    # A group's plan is its own: a sub-task hangs under a measure of the user's group, and its
    # campus or unit belongs to that group (another group's measure is not found).
    if not in_scope(measure, user, VIEW):
        raise ValidationError({"measure": _("Choose a measure of your group's plan.")})
    if campus is not None and campus.school.group_id != measure.group_id:
        raise ValidationError({"campus": _("Choose a campus of the measure's group.")})
    if unit is not None and unit.school_id is not None and unit.school.group_id != measure.group_id:
        raise ValidationError({"unit": _("Choose a unit of the measure's group or a bureau office.")})
    subtask = SubTask(
        measure=measure,
        title=title,
        campus=campus,
        unit=unit,
        owner=owner,
        start_on=start_on,
        due_on=due_on,
        description=description,
        decision=decision,
    )
    today = local_today()
    subtask.status = item_status_refresh(subtask, today=today)
    subtask.full_clean()
    subtask.save()
    measure_progress_rollup(measure=measure, today=today)
    return subtask


@transaction.atomic
def item_set_cancelled(*, user, item: Measure | SubTask, cancelled: bool) -> Measure | SubTask:
    """Cancel an item, or take it up again (its status follows from progress and due date)."""
    if not can_edit_plan(user):
        raise PermissionDenied(_("Your role cannot change the plan."))
    today = local_today()
    item.status = Status.CANCELLED if cancelled else Status.NOT_STARTED
    if not cancelled:
        item.status = item_status_refresh(item, today=today)
    item.save(update_fields=["status"])
    if isinstance(item, SubTask):
        measure_progress_rollup(measure=item.measure, today=today)
    return item


# --- The plan's records: measures' dates, documents, meetings --------------------------------


def _check_plan_campus(user, campus_id: int | None) -> None:
    if campus_id is not None and not user_scope(user).covers_campus(campus_id):
        raise ValidationError({"campus": _("Choose a campus within your scope.")})


@transaction.atomic
def measure_dates_save(*, user, measure: Measure) -> Measure:
    """Set a measure's phase, campus and dates; its status follows the effective due date."""
    if not can_edit_plan(user):
        raise PermissionDenied(_("Your role cannot change the plan."))
    _check_plan_campus(user, measure.campus_id)
    measure.full_clean()
    measure.save()
    return measure_progress_rollup(measure=measure)


@transaction.atomic
def document_create(*, user, document: Document) -> Document:
    """Add a required document (group-wide, or one campus's in the user's scope) as a draft."""
    if not can_edit_plan(user):
        raise PermissionDenied(_("Your role cannot change the plan."))
    _check_plan_campus(user, document.campus_id)
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def meeting_create(*, user, meeting: Meeting, attendees: Iterable = ()) -> Meeting:
    """Record a meeting (group-wide, or one campus's in the user's scope) and who attended."""
    if not can_edit_plan(user):
        raise PermissionDenied(_("Your role cannot change the plan."))
    _check_plan_campus(user, meeting.campus_id)
    meeting.full_clean()
    meeting.save()
    meeting.attendees.set(attendees)
    return meeting


# --- Documents -------------------------------------------------------------------------------


def _plan_editor(user, document) -> bool:
    return can_edit_plan(user)


def _document_approver(user, document) -> bool:
    return can_approve_documents(user)


_D = Document.DocStatus
#: draft → under review → approved (by a meeting, 三重一大); under review → draft (returned);
#: any → draft again for a new version.
DOCUMENT_WORKFLOW = Workflow(
    Document,
    (
        Step(
            "submit",
            (_D.DRAFT,),
            _D.UNDER_REVIEW,
            _plan_editor,
            _("Your role cannot change the plan."),
            wrong_status=_("Only a draft can be submitted for review."),
        ),
        Step(
            "return",
            (_D.UNDER_REVIEW,),
            _D.DRAFT,
            _document_approver,
            _("Only the bureau approves or returns documents."),
            wrong_status=_("Only a document under review can be returned."),
        ),
        Step(
            "approve",
            (_D.UNDER_REVIEW,),
            _D.APPROVED,
            _document_approver,
            _("Only the bureau approves or returns documents."),
            wrong_status=_("Only a document under review can be approved."),
        ),
        Step(
            "new_version",
            (_D.DRAFT, _D.UNDER_REVIEW, _D.APPROVED),
            _D.DRAFT,
            _plan_editor,
            _("Your role cannot change the plan."),
        ),
    ),
    # Every step names its own; a new version may start from any status.
    wrong_status=_("Only a draft can be submitted for review."),
)
del _D


@transaction.atomic
def document_submit(*, user, document: Document) -> Document:
    """Draft → under review."""
    document = DOCUMENT_WORKFLOW.take(user, document, "submit")
    document.save(update_fields=DOCUMENT_WORKFLOW.move(document, "submit"))
    return document


@transaction.atomic
def document_return(*, user, document: Document) -> Document:
    """Under review → draft, for another version."""
    document = DOCUMENT_WORKFLOW.take(user, document, "return")
    document.save(update_fields=DOCUMENT_WORKFLOW.move(document, "return"))
    return document


@transaction.atomic
def document_approve(
    *, user, document: Document, meeting: Meeting, approved_on: datetime.date | None = None
) -> Document:
    """Under review → approved, recording the meeting that approved it (三重一大: documents of
    the group are adopted by a meeting, not by one person)."""
    document = DOCUMENT_WORKFLOW.take(user, document, "approve")
    if meeting is None:
        raise ValidationError({"meeting": _("Name the meeting that approved the document.")})
    approved_on = approved_on or meeting.held_on
    if approved_on < meeting.held_on:
        raise ValidationError({"approved_on": _("A document cannot be approved before its meeting is held.")})
    fields = DOCUMENT_WORKFLOW.move(document, "approve", approved_at_meeting=meeting, approved_on=approved_on)
    document.full_clean()
    document.save(update_fields=fields)
    announce(
        EventKind.DOCUMENT_APPROVED,
        document,
        campuses=[document.campus_id],
        group=document.group_id,
        actor=user,
    )
    return document


@transaction.atomic
def document_new_version(*, user, document: Document, version: str, file=None) -> Document:
    """Start a new version of a document: it goes back to draft and its approval is cleared."""
    document = DOCUMENT_WORKFLOW.take(user, document, "new_version")
    version = (version or "").strip()
    if not version or version == document.version:
        raise ValidationError({"version": _("Give the new version a number different from the current one.")})
    DOCUMENT_WORKFLOW.move(
        document, "new_version", version=version, approved_at_meeting=None, approved_on=None
    )
    if file is not None:
        document.file = file
    document.full_clean(exclude=["file"])
    document.save()
    return document


# --- Meetings and decisions ------------------------------------------------------------------


@transaction.atomic
def decision_create(
    *,
    user,
    meeting: Meeting,
    text: str,
    category: str = Decision.Category.GENERAL,
    follow_up: dict | None = None,
) -> Decision:
    """Record a decision; with `follow_up` (measure, title, campus or unit, due_on...) it also
    creates the follow-up sub-task, linked back to the decision."""
    if not can_edit_plan(user):
        raise PermissionDenied(_("Your role cannot change the plan."))
    order = (meeting.decisions.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    decision = Decision(meeting=meeting, text=text.strip(), category=category, order=order)
    decision.full_clean()
    decision.save()
    if follow_up:
        subtask_create(user=user, decision=decision, **follow_up)
    return decision


# --- Reminders -------------------------------------------------------------------------------


def _users_of_staff(staff_filter: Q) -> set:
    from staff.models import StaffMember

    return set(
        get_user_model().objects.filter(
            is_active=True, pk__in=StaffMember.objects.filter(staff_filter).values("user_id")
        )
    )


def _campus_managers(campus_id: int) -> set:
    from guardian.shortcuts import get_users_with_perms

    from campuses.models import Campus

    campus = Campus.objects.get(pk=campus_id)
    users = get_users_with_perms(
        campus, only_with_perms_in=[CAMPUS_PERMISSION.split(".")[1]], with_group_users=False
    )
    return {user for user in users if user.is_active}


def _bureau_users() -> set:
    return set(get_user_model().objects.filter(is_active=True, groups__name=Role.BUREAU))


def _group_leaders(group_id: int) -> set:
    from guardian.shortcuts import get_users_with_perms

    from campuses.models import EducationGroup

    group = EducationGroup.objects.get(pk=group_id)
    users = get_users_with_perms(
        group, only_with_perms_in=[GROUP_PERMISSION.split(".")[1]], with_group_users=False
    )
    return {user for user in users if user.is_active}


def reminder_recipients(item: Measure | SubTask | Document | Rectification) -> set:
    """The people responsible for an item: its leaders and the staff of its units with a login,
    the campus's executive vice-principal for a campus's item, a sub-task's person in charge, a
    rectification's owner (and the group's leadership for a group-wide one).
    When nobody responsible has a login yet, the bureau's officials, so nothing goes unseen."""
    if isinstance(item, Rectification):
        people = {item.owner} if item.owner.is_active else set()
        if item.campus_id:
            people |= _campus_managers(item.campus_id)
        elif item.visit.group_id:
            people |= _group_leaders(item.visit.group_id)
        return people or _bureau_users()
    measure = item if isinstance(item, Measure) else getattr(item, "measure", None)
    people: set = set()
    if measure is not None:
        people |= _users_of_staff(Q(led_measures=measure) | Q(unit__measures=measure))
    if isinstance(item, SubTask):
        if item.owner_id:
            people |= _users_of_staff(Q(pk=item.owner_id))
        if item.unit_id:
            people |= _users_of_staff(Q(unit_id=item.unit_id))
    campus_id = getattr(item, "campus_id", None)
    if campus_id:
        people |= _campus_managers(campus_id)
    return people or _bureau_users()


def _open_items(today: datetime.date, horizon: int):
    """Measures, sub-tasks and documents not closed and due (effective due date: a measure or
    sub-task without its own date is due when its phase ends) before the horizon."""
    last = today + datetime.timedelta(days=horizon)
    open_status = ~Q(status__in=CLOSED_STATUSES)
    yield from Measure.objects.with_effective_due().filter(
        open_status, effective_due_on__isnull=False, effective_due_on__lte=last
    )
    yield from (
        SubTask.objects.with_effective_due()
        .filter(open_status, effective_due_on__isnull=False, effective_due_on__lte=last)
        .select_related("measure")
    )
    yield from Document.objects.exclude(status=Document.DocStatus.APPROVED).filter(
        due_on__isnull=False, due_on__lte=last
    )
    # Rectifications set by supervision visits join the same job (same days, same de-duplication).
    yield from Rectification.objects.open().filter(due_on__lte=last).select_related("owner", "visit")


def _due(item) -> datetime.date:
    return item.effective_due if isinstance(item, Measure | SubTask) else item.due_on


def _item_key(item) -> str:
    return f"{item._meta.model_name}:{item.pk}"


def reminders_run(
    *,
    today: datetime.date,
    days_before: Iterable[int] | None = None,
    days_after: Iterable[int] | None = None,
    send_email: bool = True,
) -> dict[str, int]:
    """The daily job: mark overdue items, and notify the people responsible `days_before` days
    before a due date and `days_after` days after it (and on the first run that finds an item
    overdue). Never twice for the same person, item and day (a unique constraint), so a re-run
    or a retry adds nothing."""
    days_before = sorted(
        set(days_before if days_before is not None else settings.PLANNING_REMIND_DAYS_BEFORE)
    )
    days_after = set(days_after if days_after is not None else settings.PLANNING_REMIND_DAYS_AFTER)
    marked = 0
    with transaction.atomic():
        for model in (Measure, SubTask):
            # The same rule as the pages (PlanItemMixin.is_overdue): past the effective due date.
            for item in model.objects.overdue(today).exclude(status=Status.OVERDUE):
                item.status = Status.OVERDUE
                item.save(update_fields=["status"])
                marked += 1
            # An item marked overdue whose date has since moved on is overdue no more.
            overdue_ids = model.objects.overdue(today).values("pk")
            for item in model.objects.filter(status=Status.OVERDUE).exclude(pk__in=overdue_ids):
                item.status = item_status_refresh(item, today=today)
                item.save(update_fields=["status"])
    created: list[Notification] = []
    for item in _open_items(today, max(days_before, default=0)):
        due = _due(item)
        delta = (due - today).days
        key = _item_key(item)
        if delta >= 0:
            if delta not in days_before:
                continue
            kind, days = Notification.Kind.DUE_SOON, delta
        else:
            kind, days = Notification.Kind.OVERDUE, -delta
        for recipient in reminder_recipients(item):
            if kind == Notification.Kind.OVERDUE and days not in days_after:
                already = Notification.objects.filter(
                    recipient=recipient, item_key=key, kind=Notification.Kind.OVERDUE
                ).exists()
                if already:
                    continue
            notification = Notification(
                recipient=recipient,
                kind=kind,
                item_key=key,
                day=today,
                measure=item if isinstance(item, Measure) else getattr(item, "measure", None),
                subtask=item if isinstance(item, SubTask) else None,
                document=item if isinstance(item, Document) else None,
                rectification=item if isinstance(item, Rectification) else None,
                days=days,
                due_on=due,
            )
            notification.message = _message_in_default_language(notification)
            try:
                with transaction.atomic():
                    notification.save()
            except IntegrityError:
                continue  # already notified today: the unique constraint keeps it to one
            created.append(notification)
    _announce_reminders(created, today=today)
    emailed = _email(created) if send_email else 0
    run, _created = ReminderRun.objects.get_or_create(day=today)
    ReminderRun.objects.filter(pk=run.pk).update(
        marked_overdue=F("marked_overdue") + marked, notifications=F("notifications") + len(created)
    )
    return {"marked_overdue": marked, "notifications": len(created), "emailed": emailed}


def _announce_reminders(created: list[Notification], *, today: datetime.date) -> None:
    """One event per item newly reminded of (kernel.events): the channels of its campus or group
    hear of it once the run's notifications are saved; its people are those just notified."""
    by_item: dict[str, list[Notification]] = {}
    for notification in created:
        by_item.setdefault(notification.item_key, []).append(notification)
    for notifications in by_item.values():
        first = notifications[0]
        item = first.item
        if isinstance(item, Rectification):
            campus_id, group_id = item.campus_id, item.visit.group_id
        else:
            measure = first.measure
            campus_id = getattr(item, "campus_id", None)
            group_id = getattr(item, "group_id", None) or (measure.group_id if measure else None)
        announce(
            first.kind,
            item,
            people=[n.recipient_id for n in notifications],
            campuses=[campus_id],
            group=group_id,
            day=today,
        )


def _message_in_default_language(notification: Notification) -> str:
    """The text as first written, kept for the admin and as a fallback: in the site's language
    whatever language the job runs in (pages render Notification.text() in the reader's)."""
    with translation.override(settings.LANGUAGE_CODE):
        return notification.text()[:300]


def _email(notifications: list[Notification]) -> int:
    """One e-mail per notification to recipients with an address, through Django's mail
    settings, in the site's language (the portal is Chinese; accounts keep no language)."""
    sent = []
    for notification in notifications:
        address = notification.recipient.email
        if not address:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = _t("Work plan reminder"), notification.text()
        send_mail(
            subject=subject,
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[address],
            fail_silently=True,
        )
        sent.append(notification.pk)
    Notification.objects.filter(pk__in=sent).update(emailed=True)
    return len(sent)


def reminders_run_if_due(*, today: datetime.date | None = None) -> dict[str, int] | None:
    """Run today's reminders unless they already ran (so the portal shows today's notifications
    even where no celery beat process runs, as with `make run`)."""
    today = today or local_today()
    if ReminderRun.objects.filter(day=today).exists():
        return None
    return reminders_run(today=today)


@transaction.atomic
def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications (all, or those given) as read."""
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.update(read_at=timezone.now())
