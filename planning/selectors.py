"""Reads of the planning app: the timeline, "my work", a phase's status report.

Each returns what a page needs in a fixed number of queries, whatever the number of measures,
sub-tasks or reports.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Count, F, Prefetch, Q, QuerySet, Value, When
from django.db.models.lookups import LessThan
from django.urls import reverse
from django.utils.translation import gettext as _

from kernel.scoping import user_scope
from supervision.models import Rectification

from .models import (
    CLOSED_STATUSES,
    Document,
    Measure,
    Milestone,
    Phase,
    ProgressReport,
    Status,
    SubTask,
    measure_effective_due,
    subtask_effective_due,
)


def measure_list(*, user) -> QuerySet[Measure]:
    """The measures of the user's group's plan in the plan's order with their phase, campus,
    leaders, units, effective due date and the sub-tasks the user reads (a vice-principal: their
    campus's and the group-wide ones)."""
    return (
        Measure.objects.for_user(user)
        .with_people()
        .with_effective_due()
        .prefetch_related(
            Prefetch(
                "subtasks",
                queryset=SubTask.objects.for_user(user)
                .with_effective_due()
                .select_related("campus", "unit", "measure")
                .order_by("effective_due_on", "pk"),
            )
        )
        .order_by("order", "code")
    )


def item_overdue(item, today: datetime.date) -> bool:
    """Past its effective due date and not finished: from the dates, not from the status the
    daily job sets (the job follows the same rule)."""
    return item.is_overdue(today)


def _span(phases: list[Phase]) -> tuple[datetime.date | None, datetime.date | None]:
    if not phases:
        return None, None
    return min(p.start_on for p in phases), max(p.end_on for p in phases)


def document_overdue(document: Document, today: datetime.date) -> bool:
    return (
        document.status != Document.DocStatus.APPROVED
        and document.due_on is not None
        and document.due_on < today
    )


def timeline_data(
    *,
    user,
    measures: QuerySet[Measure],
    today: datetime.date,
    documents: QuerySet[Document] | None = None,
    rectifications: QuerySet[Rectification] | None = None,
) -> dict:
    """Rows of the Gantt chart: phases, milestones, each measure and its sub-tasks, then the
    documents the phases require, then the open rectifications of supervision visits (from the
    visit to the due date). A measure without dates (the plan gives none) spans its phase, or the
    whole plan, drawn as undated."""
    phases = list(Phase.objects.for_user(user).order_by("order", "start_on"))
    plan_start, plan_end = _span(phases)
    milestones = list(Milestone.objects.for_user(user).select_related("campus").order_by("date"))
    rows = []
    for measure in measures:
        fallback_start = measure.phase.start_on if measure.phase else plan_start
        fallback_end = measure.effective_due or plan_end
        start = measure.start_on or fallback_start
        end = fallback_end
        rows.append(
            {
                "kind": "measure",
                "label": f"{measure.code} {measure.title}",
                "code": measure.code,
                "title": measure.title,
                "phase": measure.phase.name if measure.phase else "",
                "start": start.isoformat() if start else None,
                "end": end.isoformat() if end else None,
                "due": measure.effective_due.isoformat() if measure.effective_due else None,
                "due_source": measure.due_source_label,
                "undated": measure.due_on is None,
                "status": measure.shown_status(today),
                "status_label": str(Status(measure.shown_status(today)).label),
                "progress": measure.progress,
                "overdue": item_overdue(measure, today),
                "people": "、".join(measure.leader_names) + " — " + "、".join(measure.unit_names),
                "url": reverse("planning:measure_detail", args=[measure.pk]),
            }
        )
        for subtask in measure.subtasks.all():
            end = subtask.effective_due or fallback_end
            start = subtask.start_on or measure.start_on or fallback_start or end
            if start and end and start > end:
                start = end
            rows.append(
                {
                    "kind": "subtask",
                    "label": f"  └ {subtask.title}",
                    "code": measure.code,
                    "title": subtask.title,
                    "phase": measure.phase.name if measure.phase else "",
                    "start": start.isoformat() if start else None,
                    "end": end.isoformat() if end else None,
                    "due": subtask.effective_due.isoformat() if subtask.effective_due else None,
                    "due_source": subtask.due_source_label,
                    "undated": subtask.due_on is None,
                    "status": subtask.shown_status(today),
                    "status_label": str(Status(subtask.shown_status(today)).label),
                    "progress": subtask.progress,
                    "overdue": item_overdue(subtask, today),
                    "people": str(subtask.assignee or ""),
                    "url": reverse("planning:measure_detail", args=[measure.pk]) + f"#subtask-{subtask.pk}",
                }
            )
    for document in documents if documents is not None else ():
        end = document.due_on or (document.phase.end_on if document.phase else None)
        start = document.phase.start_on if document.phase else end
        rows.append(
            {
                "kind": "document",
                "label": str(_("Document: %(title)s") % {"title": document.title}),
                "code": "",
                "title": str(_("Document: %(title)s") % {"title": document.title}),
                "phase": document.phase.name if document.phase else "",
                "start": start.isoformat() if start else None,
                "end": end.isoformat() if end else None,
                "due": end.isoformat() if end else None,
                "due_source": "",
                "undated": False,
                "status": "done" if document.status == Document.DocStatus.APPROVED else "not_started",
                "status_label": str(document.get_status_display()),
                "progress": 100 if document.status == Document.DocStatus.APPROVED else 0,
                "overdue": document_overdue(document, today),
                "people": f"v{document.version}",
                "url": reverse("planning:document_detail", args=[document.pk]),
            }
        )
    for rectification in rectifications if rectifications is not None else ():
        overdue = rectification.due_on < today
        campus = rectification.campus or rectification.visit.group
        rows.append(
            {
                "kind": "rectification",
                "label": str(_("Rectification: %(title)s") % {"title": rectification}),
                "code": "",
                "title": str(_("Rectification: %(title)s") % {"title": rectification}),
                "phase": "",
                "start": rectification.visit.visited_on.isoformat(),
                "end": rectification.due_on.isoformat(),
                "due": rectification.due_on.isoformat(),
                "due_source": "",
                "undated": False,
                "status": Status.OVERDUE if overdue else Status.NOT_STARTED,
                "status_label": str(rectification.get_status_display()),
                "progress": 0,
                "overdue": overdue,
                "people": " · ".join(
                    str(part)
                    for part in (
                        rectification.owner.get_full_name() or rectification.owner.get_username(),
                        campus or "",
                    )
                    if part
                ),
                "url": rectification.get_absolute_url(),
            }
        )
    return {
        "today": today.isoformat(),
        "phases": [
            {
                "pk": p.pk,
                "name": p.name,
                "period": p.plan_period,
                "start": p.start_on.isoformat(),
                "end": p.end_on.isoformat(),
            }
            for p in phases
        ],
        "milestones": [{"name": m.name, "date": m.date.isoformat()} for m in milestones],
        "rows": rows,
    }


def my_work(*, user, today: datetime.date) -> dict:
    """What the signed-in person answers for: measures they lead or their unit owns, sub-tasks
    of their campus, of their unit or in their charge — due soonest first (effective due date:
    an undated item is due when its phase ends), undated last."""
    member = getattr(user, "staff_member", None)
    measures = list(
        Measure.objects.for_user(user)
        .led_by_user(user)
        .exclude(status=Status.CANCELLED)
        .with_people()
        .with_effective_due()
        .order_by("effective_due_on", "order")
    )
    reportable_ids = SubTask.objects.for_user(user, "change").values("pk")
    condition = Q(pk__in=reportable_ids)
    if member is not None:
        condition |= Q(owner=member)
        if member.unit_id:
            condition |= Q(unit_id=member.unit_id)
    if user_scope(user).everything and member is None:
        # A bureau account not linked to a staff record answers for nothing in particular:
        # show it what is overdue or due soon anywhere.
        condition = Q(effective_due_on__lte=today + datetime.timedelta(days=30))
    subtasks = list(
        SubTask.objects.for_user(user)
        .with_effective_due()
        .filter(condition)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("measure__phase", "campus", "unit", "owner")
        .order_by("effective_due_on", "measure__order", "pk")
    )
    subtasks.sort(key=lambda s: (s.effective_due is None, s.effective_due or today))
    measures.sort(key=lambda m: (m.effective_due is None, m.effective_due or today, m.order))
    reportable = set(
        SubTask.objects.for_user(user, "change")
        .filter(pk__in=[s.pk for s in subtasks])
        .values_list("pk", flat=True)
    )
    return {
        "measures": [(m, item_overdue(m, today)) for m in measures],
        "subtasks": [(s, item_overdue(s, today), s.pk in reportable) for s in subtasks],
    }


def campus_subtasks_of_measure(*, user, measure: Measure) -> list[SubTask]:
    """The open sub-tasks of a measure the user may report on (a vice-principal: their campus's)."""
    return list(
        SubTask.objects.for_user(user, "change")
        .filter(measure=measure)
        .exclude(status__in=CLOSED_STATUSES)
        .with_effective_due()
        .select_related("measure", "campus", "unit")
        .order_by("effective_due_on", "pk")
    )


def phase_status(*, user, phase: Phase, today: datetime.date) -> dict:
    """A phase's one-page status: its measures, its documents, its sub-tasks due in the phase,
    its milestones, with the overdue ones counted (what the user reads of them)."""
    measures = list(
        measure_list(user=user).filter(group=phase.group_id).filter(Q(phase=phase) | Q(phase__isnull=True))
    )
    phase_end = phase.end_on
    documents = list(
        Document.objects.for_user(user)
        .filter(phase=phase)
        .select_related("approved_at_meeting", "campus", "measure")
    )
    subtasks = list(
        SubTask.objects.for_user(user)
        .filter(measure__group=phase.group_id)
        .with_effective_due()
        .filter(effective_due_on__range=(phase.start_on, phase_end))
        .select_related("measure", "campus", "unit")
        .order_by("effective_due_on", "measure__order", "pk")
    )
    milestones = list(
        Milestone.objects.for_user(user).filter(
            Q(phase=phase) | Q(date__range=(phase.start_on, phase.end_on))
        )
    )
    latest = {
        report.measure_id: report
        for report in ProgressReport.objects.filter(measure__in=measures, subtask__isnull=True)
        .select_related("author")
        .order_by("measure_id", "reported_at", "pk")
    }
    return {
        "phase": phase,
        "measures": [(m, item_overdue(m, today), latest.get(m.pk)) for m in measures],
        "documents": [
            (d, d.status != Document.DocStatus.APPROVED and d.due_on is not None and d.due_on < today)
            for d in documents
        ],
        "subtasks": [(s, item_overdue(s, today)) for s in subtasks],
        "milestones": milestones,
        "overdue_count": sum(item_overdue(m, today) for m in measures)
        + sum(item_overdue(s, today) for s in subtasks)
        + sum(
            1 for d in documents if d.status != Document.DocStatus.APPROVED and d.due_on and d.due_on < today
        ),
    }


# --- The home dashboard's plan figures (groupschool.dashboard) ---------------------------------
# Effective due dates follow the one rule in planning/models.py; an item is overdue when marked
# so by the daily job, or past its effective due date and not finished; both computed by the database.


def _is_overdue(due, today: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": Status.OVERDUE}) | (
        Q(LessThan(due, Value(today))) & ~Q(**{f"{prefix}status__in": CLOSED_STATUSES})
    )


def _flag(condition: Q) -> Case:
    """True or False, never NULL (an item with no due date at all is not overdue)."""
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


@dataclass
class PhaseProgress:
    """A phase's measures (None: the measures of no single phase), with their progress."""

    phase: Phase | None
    measures: list[Measure] = field(default_factory=list)

    @property
    def progress(self) -> int:
        """The measures' average progress (each measure's own progress rolls up its sub-tasks)."""
        return round(sum(m.progress for m in self.measures) / len(self.measures)) if self.measures else 0

    @property
    def done(self) -> int:
        return sum(m.status == Status.DONE for m in self.measures)

    @property
    def overdue(self) -> int:
        return sum(m.overdue_flag for m in self.measures)

    @property
    def subtasks_overdue(self) -> int:
        return sum(m.n_subtasks_overdue for m in self.measures)


@dataclass
class PlanProgress:
    phases: list[PhaseProgress]

    @property
    def measures(self) -> int:
        return sum(len(p.measures) for p in self.phases)

    @property
    def progress(self) -> int:
        measures = [m for p in self.phases for m in p.measures]
        return round(sum(m.progress for m in measures) / len(measures)) if measures else 0

    @property
    def overdue(self) -> int:
        return sum(p.overdue for p in self.phases)

    @property
    def subtasks_overdue(self) -> int:
        return sum(p.subtasks_overdue for p in self.phases)


def plan_progress(*, user, today: datetime.date) -> PlanProgress:
    """Every measure in the plan's order, by phase (phases in order, the measures of no single
    phase last), each with its effective due date, whether it is overdue and its sub-tasks open
    and overdue. One query."""
    subtask_open = ~Q(subtasks__status__in=CLOSED_STATUSES)
    measures = (
        Measure.objects.for_user(user)
        .select_related("phase")
        .annotate(
            effective_due_on=measure_effective_due(),
            overdue_flag=_flag(_is_overdue(measure_effective_due(), today)),
            n_subtasks=Count("subtasks", filter=~Q(subtasks__status=Status.CANCELLED)),
            n_subtasks_open=Count("subtasks", filter=subtask_open),
            n_subtasks_overdue=Count(
                "subtasks", filter=_is_overdue(subtask_effective_due("subtasks__"), today, "subtasks__")
            ),
        )
        .order_by("order", "code")
    )
    phases: dict[int | None, PhaseProgress] = {}
    for measure in measures:
        phases.setdefault(measure.phase_id, PhaseProgress(measure.phase)).measures.append(measure)
    in_order = [phases[key] for key in phases if key is not None]
    in_order.sort(key=lambda p: (p.phase.order, p.phase.start_on))
    return PlanProgress(phases=in_order + ([phases[None]] if None in phases else []))


@dataclass
class SubTasksDue:
    """The unfinished sub-tasks of the campuses in a user's scope: counts, and the next ones due."""

    open: int = 0
    overdue: int = 0
    due_soon: int = 0
    soon_days: int = 30
    next: list[SubTask] = field(default_factory=list)


def subtasks_due(*, user, today: datetime.date, soon_days: int = 30, limit: int = 5) -> SubTasksDue:
    """Unfinished sub-tasks assigned to the user's campuses: how many, how many overdue, how many
    due within `soon_days`, and the `limit` due first (overdue first). Two queries."""
    due = subtask_effective_due()
    overdue = _is_overdue(due, today)
    subtasks = SubTask.objects.for_user(user)
    if not user_scope(user).everything:
        subtasks = subtasks.filter(campus__isnull=False)  # assigned to a campus, not a unit
    subtasks = subtasks.exclude(status__in=CLOSED_STATUSES).annotate(
        effective_due_on=due, overdue_flag=_flag(overdue)
    )
    counts = subtasks.aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=overdue),
        due_soon=Count(
            "pk",
            filter=~overdue & Q(effective_due_on__lte=today + datetime.timedelta(days=soon_days)),
        ),
    )
    items = list(
        subtasks.select_related("measure", "campus").order_by(
            F("effective_due_on").asc(nulls_last=True), "measure__order", "pk"
        )[:limit]
    )
    return SubTasksDue(**counts, soon_days=soon_days, next=items)
