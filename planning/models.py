"""The work plan (实施方案) as a living timeline: phases, milestones, measures, sub-tasks,
progress reports, the documents register, meetings with their decisions, and reminders.

Each group has its own plan: phases and measures carry their group. Every model declares its
`scope_rule` (kernel.scoping): the group's plan, its group-wide documents and meetings are
read by everyone of the group (its campuses' vice-principals too) and changed by its leadership;
what belongs to one campus (a sub-task assigned to a campus, a report on it, a document or a
meeting of one campus) is read and changed by that campus only. Nothing crosses groups.

Why one module of about 870 lines: its 13 models are one aggregate (a phase's measures, their
leaders, units, sub-tasks, reports and attachments; documents and meetings that cite them;
notifications about all of them) whose querysets, effective-due-date rule (PlanItemMixin) and
scope rules refer to each other; split by model they would import each other in a circle.
Supervision and expansion applications, which were the other half, moved out (issue 13).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campuses.models import EducationGroup
from kernel.concurrency import Versioned
from kernel.scoping import Rule, ScopedQuerySet


class Status(models.TextChoices):
    """The status of a measure or sub-task. `overdue` is set by the daily job (tasks.py); pages
    do not rely on it: they compute overdue from the effective due date (see below)."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    OVERDUE = "overdue", _("Overdue")
    CANCELLED = "cancelled", _("Cancelled")


#: Statuses of items that are finished one way or another: never overdue, no more reports.
CLOSED_STATUSES = (Status.DONE, Status.CANCELLED)

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


# The plan gives its measures no dates, only phases (section 四): an item without its own due
# date is due when its phase ends. One rule, used by the pages, the daily job and the dashboard:
#   measure:  Coalesce(due_on, phase.end_on)
#   sub-task: Coalesce(due_on, measure.due_on, measure.phase.end_on)
# An item is overdue when that date has passed (local day) and it is neither done nor cancelled.


def measure_effective_due(prefix: str = "") -> Coalesce:
    """The effective due date of a measure as a query expression (`prefix` reaches the measure
    from another model, e.g. "measure__")."""
    return Coalesce(f"{prefix}due_on", f"{prefix}phase__end_on", output_field=models.DateField())


def subtask_effective_due(prefix: str = "") -> Coalesce:
    """The effective due date of a sub-task: its own, else its measure's effective due date
    (`prefix` reaches the sub-task from another model, e.g. "subtasks__")."""
    return Coalesce(
        f"{prefix}due_on",
        f"{prefix}measure__due_on",
        f"{prefix}measure__phase__end_on",
        output_field=models.DateField(),
    )


class DueSource(models.TextChoices):
    """Where an item's effective due date comes from."""

    OWN = "own", _("own due date")
    MEASURE = "measure", _("measure's due date")
    PHASE = "phase", _("phase end")


class PlanItemMixin:
    """Effective due date and overdue, shared by measures and sub-tasks. A queryset annotated
    with `with_effective_due()` answers without a query; otherwise the phase (and measure) are read."""

    def _annotated_due(self):
        return self.__dict__.get("effective_due_on", ...)

    @property
    def effective_due(self) -> datetime.date | None:
        annotated = self._annotated_due()
        if annotated is not ...:
            return annotated
        return self.due_on or self._inherited_due()

    @property
    def due_source(self) -> str | None:
        if self.due_on is not None:
            return DueSource.OWN
        if self.effective_due is None:
            return None
        return self._inherited_source()

    @property
    def due_source_label(self) -> str:
        """ "" for an item's own date, else where its date comes from ("phase end")."""
        source = self.due_source
        return "" if source in (None, DueSource.OWN) else str(DueSource(source).label)

    def is_overdue(self, today: datetime.date) -> bool:
        """Past its effective due date (local day) and neither done nor cancelled."""
        due = self.effective_due
        return due is not None and due < today and self.status not in CLOSED_STATUSES

    def shown_status(self, today: datetime.date) -> str:
        """The status to show: overdue from the dates, whatever the job has marked yet."""
        if self.is_overdue(today):
            return Status.OVERDUE
        if self.status == Status.OVERDUE:
            return Status.IN_PROGRESS if self.progress else Status.NOT_STARTED
        return self.status


class Phase(Versioned):
    """工作步骤: one of the four steps of section 四, with the month the plan names. Each group's
    plan has its own phases."""

    group = models.ForeignKey(
        EducationGroup,
        verbose_name=_("education group"),
        on_delete=models.PROTECT,
        related_name="plan_phases",
    )
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=50)
    plan_period = models.CharField(
        _("period in the plan"), max_length=50, help_text=_("As the plan words it, e.g. 2023年9月前.")
    )
    description = models.TextField(_("text in the plan"), blank=True)
    start_on = models.DateField(_("starts on"))
    end_on = models.DateField(_("ends on"))
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(group=("group",), shared=Q())

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["order", "start_on"]
        constraints = [
            models.UniqueConstraint(fields=["group", "code"], name="phase_code_unique_in_group"),
            models.UniqueConstraint(fields=["group", "name"], name="phase_name_unique_in_group"),
            models.CheckConstraint(
                condition=Q(end_on__gte=models.F("start_on")),
                name="phase_ends_after_start",
                violation_error_message=_("A phase ends on or after the day it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Milestone(Versioned):
    """A dated event of the plan, such as a campus opening (2023年开办龙翔校区)."""

    name = models.CharField(_("name"), max_length=100)
    date = models.DateField(_("date"))
    phase = models.ForeignKey(
        Phase, verbose_name=_("phase"), on_delete=models.SET_NULL, null=True, blank=True
    )
    campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("campus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="milestones",
    )
    plan_wording = models.CharField(_("wording in the plan"), max_length=200, blank=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(group=("phase__group", "campus__school__group"), shared=Q())

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["date", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="milestone_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class MeasureQuerySet(ScopedQuerySet):
    def with_effective_due(self):
        """Annotate `effective_due_on`: the measure's due date, else its phase's end."""
        return self.annotate(effective_due_on=measure_effective_due())

    def overdue(self, today: datetime.date):
        """Past their effective due date and neither done nor cancelled."""
        return (
            self.annotate(_due_for_overdue=measure_effective_due())
            .filter(_due_for_overdue__lt=today)
            .exclude(status__in=CLOSED_STATUSES)
        )

    def with_people(self):
        """Phase, campus, leaders and units in a fixed number of queries."""
        return self.select_related("phase", "campus").prefetch_related(
            models.Prefetch(
                "leader_links", queryset=MeasureLeader.objects.select_related("person").order_by("order")
            ),
            models.Prefetch(
                "unit_links", queryset=MeasureUnit.objects.select_related("unit").order_by("order")
            ),
        )

    def led_by_user(self, user):
        """Measures whose responsible leaders or units include the user's staff record."""
        member = getattr(user, "staff_member", None) if user.is_authenticated else None
        if member is None:
            return self.none()
        condition = Q(leaders=member)
        if member.unit_id:
            condition |= Q(units=member.unit_id)
        return self.filter(pk__in=Measure.objects.filter(condition).values("pk"))


class Measure(PlanItemMixin, Versioned):
    """工作举措 of section 三, with its responsible leaders (责任领导) and units (责任单位) in the
    order the plan lists them. `order` is the plan's order (三(一)1, 三(一)2, 三(二)1...): lists
    sort on it, never on the code (Chinese numerals do not sort as strings)."""

    group = models.ForeignKey(
        EducationGroup,
        verbose_name=_("education group"),
        on_delete=models.PROTECT,
        related_name="plan_measures",
        help_text=_("The group whose plan the measure belongs to."),
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. 三(一)1"))
    order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("The plan's order."))
    section = models.CharField(_("section"), max_length=100, help_text=_("e.g. （一）健全集团管理机制"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("full text"))
    phase = models.ForeignKey(
        Phase,
        verbose_name=_("phase"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
    )
    leaders = models.ManyToManyField(
        "staff.StaffMember",
        verbose_name=_("responsible leaders"),
        through="MeasureLeader",
        related_name="led_measures",
        blank=True,
    )
    units = models.ManyToManyField(
        "staff.Unit",
        verbose_name=_("responsible units"),
        through="MeasureUnit",
        related_name="measures",
        blank=True,
    )
    campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("campus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
    )
    start_on = models.DateField(_("starts on"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        default=0,
        validators=PERCENT,
        help_text=_("The average of its sub-tasks' progress; without sub-tasks, its latest report."),
    )
    history = HistoricalRecords()

    objects = MeasureQuerySet.as_manager()

    scope_rule = Rule(group=("group",), shared=Q())

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["group", "code"], name="measure_code_unique_in_group"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="measure_progress_at_most_100"),
            models.CheckConstraint(
                condition=Q(due_on__isnull=True)
                | Q(start_on__isnull=True)
                | Q(due_on__gte=models.F("start_on")),
                name="measure_due_after_start",
                violation_error_message=_("The due date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("planning:measure_detail", args=[self.pk])

    def _inherited_due(self):
        return self.phase.end_on if self.phase_id else None

    def _inherited_source(self) -> str:
        return DueSource.PHASE

    @property
    def leader_names(self) -> list[str]:
        return [link.person.name for link in self.leader_links.all()]

    @property
    def unit_names(self) -> list[str]:
        return [link.unit.name for link in self.unit_links.all()]


class MeasureLeader(Versioned):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="leader_links")
    person = models.ForeignKey(
        "staff.StaffMember", verbose_name=_("responsible leader"), on_delete=models.PROTECT
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(group=("measure__group",), shared=Q())

    class Meta:
        verbose_name = _("responsible leader")
        verbose_name_plural = _("responsible leaders")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "person"], name="measure_leader_unique"),
        ]

    def __str__(self) -> str:
        return str(self.person)


class MeasureUnit(Versioned):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="unit_links")
    unit = models.ForeignKey("staff.Unit", verbose_name=_("responsible unit"), on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(group=("measure__group",), shared=Q())

    class Meta:
        verbose_name = _("responsible unit")
        verbose_name_plural = _("responsible units")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "unit"], name="measure_unit_unique"),
        ]

    def __str__(self) -> str:
        return str(self.unit)


class SubTaskQuerySet(ScopedQuerySet):
    def with_effective_due(self):
        """Annotate `effective_due_on`: its own due date, else its measure's effective one."""
        return self.annotate(effective_due_on=subtask_effective_due())

    def overdue(self, today: datetime.date):
        """Past their effective due date and neither done nor cancelled."""
        return (
            self.annotate(_due_for_overdue=subtask_effective_due())
            .filter(_due_for_overdue__lt=today)
            .exclude(status__in=CLOSED_STATUSES)
        )


class SubTask(PlanItemMixin, Versioned):
    """A part of a measure assigned to one campus or one unit (a decision may create one)."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="subtasks"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("campus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="planning_subtasks",
    )
    unit = models.ForeignKey(
        "staff.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="planning_subtasks",
    )
    owner = models.ForeignKey(
        "staff.StaffMember",
        verbose_name=_("person in charge"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="planning_subtasks",
    )
    decision = models.ForeignKey(
        "Decision",
        verbose_name=_("decided at"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_up_tasks",
    )
    start_on = models.DateField(_("starts on"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=PERCENT)
    history = HistoricalRecords()

    objects = SubTaskQuerySet.as_manager()
    #: A campus's sub-task is its campus's; a unit's is group-wide (read by the group, changed by
    #: its leadership).
    scope_rule = Rule(campus=("campus",), group=("measure__group",))

    class Meta:
        verbose_name = _("sub-task")
        verbose_name_plural = _("sub-tasks")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(campus__isnull=False) & Q(unit__isnull=True))
                | (Q(campus__isnull=True) & Q(unit__isnull=False)),
                name="subtask_campus_xor_unit",
                violation_error_message=_("Assign the sub-task to a campus or to a unit, not both."),
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="subtask_progress_at_most_100"),
            models.CheckConstraint(
                condition=Q(due_on__isnull=True)
                | Q(start_on__isnull=True)
                | Q(due_on__gte=models.F("start_on")),
                name="subtask_due_after_start",
                violation_error_message=_("The due date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("planning:measure_detail", args=[self.measure_id]) + f"#subtask-{self.pk}"

    @property
    def assignee(self):
        return self.campus or self.unit

    def _inherited_due(self):
        return self.measure.effective_due

    def _inherited_source(self) -> str:
        return DueSource.MEASURE if self.measure.due_on is not None else DueSource.PHASE


def report_upload_to(instance, filename: str) -> str:
    today = datetime.date.today()
    return f"planning/reports/{today:%Y/%m}/{filename}"


class ProgressReport(Versioned):
    """A progress report on a measure or one of its sub-tasks; the latest sets the progress."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="reports"
    )
    subtask = models.ForeignKey(
        SubTask,
        verbose_name=_("sub-task"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="planning_reports",
    )
    reported_at = models.DateTimeField(_("reported at"))
    text = models.TextField(_("report"))
    percent = models.PositiveSmallIntegerField(_("progress (%)"), validators=PERCENT)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    #: A report on a campus's sub-task is that campus's; on a measure or a unit's sub-task, the group's.
    scope_rule = Rule(campus=("subtask__campus",), group=("measure__group",))

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-reported_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="report_percent_at_most_100"),
        ]
        indexes = [models.Index(fields=["measure", "subtask", "reported_at"])]

    def __str__(self) -> str:
        return f"{self.subtask or self.measure} · {self.percent}%"


class Attachment(Versioned):
    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("progress report"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=report_upload_to)
    name = models.CharField(_("name"), max_length=200)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(campus=("report__subtask__campus",), group=("report__measure__group",))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Meeting(Versioned):
    """总结推进会 or a 三重一大 decision meeting: date, attendees, agenda, decisions."""

    class Kind(models.TextChoices):
        PROGRESS_REVIEW = "progress_review", _("Progress review meeting (总结推进会)")
        MAJOR_DECISION = "major_decision", _("Major-matters meeting (三重一大)")
        LEADING_GROUP = "leading_group", _("Leading group meeting")
        OTHER = "other", _("Other meeting")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    location = models.CharField(_("location"), max_length=100, blank=True)
    campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("campus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="planning_meetings",
        help_text=_("Leave empty for a meeting of the whole group."),
    )
    group = models.ForeignKey(
        EducationGroup,
        verbose_name=_("education group"),
        on_delete=models.PROTECT,
        related_name="planning_meetings",
    )
    attendees = models.ManyToManyField(
        "staff.StaffMember", verbose_name=_("attendees"), related_name="planning_meetings", blank=True
    )
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    #: A campus's meeting is its campus's; a meeting of the whole group (no campus), the group's.
    scope_rule = Rule(campus=("campus",), group=("group",))

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("planning:meeting_detail", args=[self.pk])


class Decision(Versioned):
    """A decision taken at a meeting; `decision_create` may add follow-up sub-tasks."""

    class Category(models.TextChoices):
        MAJOR_MATTER = "major_matter", _("Major matter (重大事项)")
        APPOINTMENT = "appointment", _("Important appointment (重要干部任免)")
        PROJECT = "project", _("Major project (重大项目安排)")
        FUNDS = "funds", _("Large use of funds (大额资金使用)")
        GENERAL = "general", _("General")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="decisions"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.GENERAL
    )
    text = models.TextField(_("decision"))
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(campus=("meeting__campus",), group=("meeting__group",))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


def document_upload_to(instance, filename: str) -> str:
    return f"planning/documents/{instance.kind}/{filename}"


class Document(Versioned):
    """The documents register: 办学章程, 三年发展规划, 年度工作计划, 规章制度... with their version
    and status draft → under review → approved; approval names the meeting that approved it."""

    class Kind(models.TextChoices):
        CHARTER = "charter", _("Charter (办学章程)")
        DEVELOPMENT_PLAN = "development_plan", _("Three-year development plan (三年发展规划)")
        ANNUAL_PLAN = "annual_plan", _("Annual work plan (年度工作计划)")
        REGULATION = "regulation", _("Regulation (规章制度)")
        ASSESSMENT = "assessment", _("Assessment standard (评估标准)")
        OTHER = "other", _("Other document")

    class DocStatus(models.TextChoices):
        DRAFT = "draft", _("Draft")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Approved")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    phase = models.ForeignKey(
        Phase,
        verbose_name=_("phase"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    campus = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("campus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="planning_documents",
        help_text=_("Leave empty for a document of the whole group."),
    )
    group = models.ForeignKey(
        EducationGroup,
        verbose_name=_("education group"),
        on_delete=models.PROTECT,
        related_name="planning_documents",
    )
    required = models.BooleanField(_("required by the plan"), default=False)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    version = models.CharField(_("version"), max_length=20, default="0.1")
    status = models.CharField(_("status"), max_length=20, choices=DocStatus.choices, default=DocStatus.DRAFT)
    file = models.FileField(_("file"), upload_to=document_upload_to, blank=True)
    approved_at_meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("approved at meeting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_documents",
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    #: A campus's document is its campus's; a document of the whole group (no campus), the group's.
    scope_rule = Rule(campus=("campus",), group=("group",))

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["phase__order", "kind", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="approved")
                | (Q(approved_at_meeting__isnull=False) & Q(approved_on__isnull=False)),
                name="document_approval_names_meeting",
                violation_error_message=_("An approved document names the meeting that approved it."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("planning:document_detail", args=[self.pk])


class Notification(models.Model):
    """An in-app reminder. One per person, item and day: the job can run twice safely."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")
        REPORT_FILED = "report_filed", _("Report filed")
        # Workflow events (kernel.events), written by the notices app with their message and link.
        ROTATION_PROPOSED = "rotation_proposed", _("Rotation proposed")
        ROTATION_APPROVED = "rotation_approved", _("Rotation approved")
        ROTATION_REJECTED = "rotation_rejected", _("Rotation rejected")
        RESULTS_PUBLISHED = "results_published", _("Results published")
        APPEAL_DECIDED = "appeal_decided", _("Appeal decided")
        DOCUMENT_APPROVED = "document_approved", _("Document approved")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="planning_notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    item_key = models.CharField(_("item"), max_length=80, help_text=_("e.g. measure:3, subtask:12"))
    day = models.DateField(_("day"))
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subtask = models.ForeignKey(
        SubTask, verbose_name=_("sub-task"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    rectification = models.ForeignKey(
        "supervision.Rectification",
        verbose_name=_("rectification"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    days = models.PositiveIntegerField(
        _("days"), null=True, blank=True, help_text=_("Days left before the due date, or days overdue.")
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    message = models.CharField(
        _("message"),
        max_length=300,
        blank=True,
        help_text=_("As first written; pages render the text in the reader's language from the fields."),
    )
    link = models.CharField(
        _("link"),
        max_length=300,
        blank=True,
        help_text=_("The page of the record, for notices of workflow events."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed = models.BooleanField(_("e-mailed"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(owner="recipient")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "item_key", "day"], name="notification_once_per_item_and_day"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text()

    def get_absolute_url(self) -> str:
        if self.link:
            return self.link
        if self.rectification_id:
            return reverse("supervision:rectification_detail", args=[self.rectification_id])
        if self.document_id:
            return reverse("planning:document_detail", args=[self.document_id])
        if self.subtask_id:
            return reverse("planning:measure_detail", args=[self.measure_id]) + f"#subtask-{self.subtask_id}"
        if self.measure_id:
            return reverse("planning:measure_detail", args=[self.measure_id])
        return reverse("planning:timeline")

    @property
    def item(self):
        """What the notification is about (select_related the four links to read it without a
        query per row)."""
        if self.rectification_id:
            return self.rectification
        if self.document_id:
            return self.document
        if self.subtask_id:
            return self.subtask
        return self.measure

    def item_label(self) -> str:
        item = self.item
        if item is None:
            return ""
        if self.rectification_id:
            return gettext("Rectification: %(title)s") % {"title": item}
        return str(item)

    def text(self) -> str:
        """The reminder in the active language, written from its kind, item, days and due date
        (so a Chinese reader never sees the English of the day it was made). Rows without those
        fields fall back to the stored message."""
        if self.days is None or self.due_on is None or self.item is None:
            return self.message
        values = {"days": self.days, "item": self.item_label(), "due": self.due_on.isoformat()}
        if self.kind == self.Kind.OVERDUE:
            return (
                ngettext(
                    "Overdue by %(days)d day: %(item)s (due %(due)s).",
                    "Overdue by %(days)d days: %(item)s (due %(due)s).",
                    self.days,
                )
                % values
            )
        if self.kind == self.Kind.DUE_SOON:
            if self.days == 0:
                return gettext("Due today: %(item)s (due %(due)s).") % values
            return (
                ngettext(
                    "Due in %(days)d day: %(item)s (due %(due)s).",
                    "Due in %(days)d days: %(item)s (due %(due)s).",
                    self.days,
                )
                % values
            )
        return self.message


class ReminderRun(models.Model):
    """One row per day the reminder job ran: what it did (job state lives in the database)."""

    day = models.DateField(_("day"), unique=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    marked_overdue = models.PositiveIntegerField(_("marked overdue"), default=0)
    notifications = models.PositiveIntegerField(_("notifications"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_rule = Rule(bureau_only=True)

    class Meta:
        verbose_name = _("reminder run")
        verbose_name_plural = _("reminder runs")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day}"
