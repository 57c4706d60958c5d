"""Views of the planning app: thin; reads through selectors, writes through services.

Every user with a portal role reads the whole plan (a vice-principal too); changing it is for the
bureau and the group's leadership (403 for other roles); a vice-principal reports only on the
sub-tasks of their campus — another campus's sub-task is a 404, whatever the URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, TemplateView

from groupschool.generic import (
    PortalCreateView,
    PortalListView,
    PortalUpdateView,
    RoleRequiredMixin,
    ScopedFormMixin,
)
from groupschool.history import history_rows
from groupschool.scoping import user_scope

from . import selectors, services
from .filters import (
    DocumentFilterSet,
    MeasureFilterSet,
    MeetingFilterSet,
    NotificationFilterSet,
    ProgressReportFilterSet,
    SubTaskFilterSet,
)
from .forms import (
    DecisionForm,
    DocumentApproveForm,
    DocumentForm,
    DocumentVersionForm,
    MeasureDatesForm,
    MeetingForm,
    ProgressReportForm,
    SubTaskForm,
)
from .models import (
    Attachment,
    Decision,
    Document,
    Measure,
    MeasureLeader,
    MeasureUnit,
    Meeting,
    Notification,
    Phase,
    ProgressReport,
    SubTask,
)
from .permissions import (
    PLAN_EDITOR_ROLES,
    PLAN_READER_ROLES,
    can_approve_documents,
    can_edit_plan,
    can_read_plan,
    can_report_on_measure,
)
from .tables import (
    DocumentTable,
    MeasureTable,
    MeetingTable,
    NotificationTable,
    ProgressReportTable,
    SubTaskTable,
    status_badge,
)

MEASURE_PEOPLE = (
    Prefetch("leader_links", queryset=MeasureLeader.objects.select_related("person").order_by("order")),
    Prefetch("unit_links", queryset=MeasureUnit.objects.select_related("unit").order_by("order")),
)


class PlanReaderMixin(RoleRequiredMixin):
    """Anyone with a portal role reads the plan; a signed-in user with no role gets a 403."""

    allowed_roles = PLAN_READER_ROLES


class PlanEditorMixin(RoleRequiredMixin):
    allowed_roles = PLAN_EDITOR_ROLES


def _form_errors_to_messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def editable_campus_records(model, user):
    """Group-wide records (no campus) and those of the user's campuses: what an editor may change."""
    scope = user_scope(user)
    queryset = model.objects.all()
    if scope.everything:
        return queryset
    return queryset.filter(Q(campus__isnull=True) | Q(campus_id__in=scope.campus_ids))


# --- Timeline, my work, phase report ---------------------------------------------------------


class TimelineView(PlanReaderMixin, TemplateView):
    """The Gantt chart of phases, milestones, measures and their sub-tasks, with filters."""

    template_name = "planning/timeline.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = services.local_today()
        filterset = MeasureFilterSet(
            self.request.GET or None, queryset=selectors.measure_list(), request=self.request
        )
        valid = filterset.is_bound and filterset.is_valid()
        measures = filterset.qs if valid else selectors.measure_list()
        cleaned = filterset.form.cleaned_data if valid else {}
        # The documents the phases require are drawn too, unless the filters ask about people,
        # campuses or statuses, which documents do not have.
        documents = None
        if not any(cleaned.get(name) for name in ("q", "leader", "unit", "campus", "status")):
            documents = (
                Document.objects.filter(required=True).select_related("phase").order_by("phase__order", "pk")
            )
            if cleaned.get("phase") is not None:
                documents = documents.filter(phase=cleaned["phase"])
        data = selectors.timeline_data(measures=measures, today=today, documents=documents)
        data["labels"] = {
            "today": str(_("Today")),
            "phase": str(_("Phase")),
            "milestone": str(_("Milestone")),
            "overdue": str(_("Overdue")),
            "undated": str(_("No dates set: drawn across its phase or the whole plan")),
            "progress": str(_("Progress")),
        }
        context.update(
            filter=filterset,
            chart=data,
            overdue_rows=[row for row in data["rows"] if row["overdue"]],
            row_count=len(data["rows"]),
            today=today,
        )
        return context


class MyWorkView(PlanReaderMixin, TemplateView):
    template_name = "planning/my_work.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = services.local_today()
        user = self.request.user
        work = selectors.my_work(user=user, today=today)
        context.update(
            today=today,
            measures=[(m, overdue, can_report_on_measure(user, m)) for m, overdue in work["measures"]],
            subtasks=work["subtasks"],
            unread=Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
        )
        return context


class PhaseReportView(PlanReaderMixin, DetailView):
    """A printable one-page status report of one phase, for the bureau's meeting."""

    model = Phase
    template_name = "planning/phase_report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = services.local_today()
        context.update(selectors.phase_status(phase=self.object, today=today))
        context.update(today=today, phases=list(Phase.objects.all()))
        return context


# --- Measures ----------------------------------------------------------------------------------


class MeasureListView(PlanReaderMixin, PortalListView):
    model = Measure
    table_class = MeasureTable
    filterset_class = MeasureFilterSet
    related = ("phase", "campus")
    prefetch = MEASURE_PEOPLE
    title = _("Work plan measures")
    export_name = "measures"


class MeasureDetailView(PlanReaderMixin, DetailView):
    """A measure: the plan's text, leaders and units, sub-tasks, reports, documents, history."""

    model = Measure
    template_name = "planning/measure_detail.html"

    def get_queryset(self):
        return Measure.objects.with_people()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, measure = self.request.user, self.object
        today = services.local_today()
        subtasks = list(measure.subtasks.select_related("campus", "unit", "owner", "decision__meeting"))
        reportable = set(
            SubTask.objects.reportable_by(user).filter(measure=measure).values_list("pk", flat=True)
        )
        context.update(
            today=today,
            overdue=selectors.item_overdue(measure, today),
            status_badge=status_badge(measure),
            subtasks=[(s, selectors.item_overdue(s, today), s.pk in reportable) for s in subtasks],
            reports=list(
                measure.reports.select_related("author", "subtask__campus").prefetch_related(
                    Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
                )
            ),
            documents=list(measure.documents.select_related("phase", "approved_at_meeting")),
            can_report=can_report_on_measure(user, measure),
            can_edit=can_edit_plan(user),
            history=history_rows(measure),
        )
        return context


class MeasureUpdateView(PortalUpdateView):
    model = Measure
    form_class = MeasureDatesForm
    allowed_roles = PLAN_EDITOR_ROLES
    title = _("Set the measure's phase and dates")
    success_message = _("Measure saved.")

    def save_object(self, form):
        measure = form.save(commit=False)
        measure.status = services.status_for(
            progress=measure.progress,
            due_on=measure.due_on,
            current=measure.status,
            today=services.local_today(),
        )
        measure.full_clean()
        measure.save()
        return measure

    def get_success_url(self):
        return reverse("planning:measure_detail", args=[self.object.pk])


# --- Progress reports ------------------------------------------------------------------------


class ReportCreateView(PlanReaderMixin, FormView):
    """File a progress report on a measure (bureau, group leadership) or on a sub-task (also the
    vice-principal of the sub-task's campus)."""

    form_class = ProgressReportForm
    template_name = "planning/report_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not can_read_plan(request.user):
            # Anonymous: to the login page; no role: 403 (RoleRequiredMixin).
            return super().dispatch(request, *args, **kwargs)
        if "subtask_pk" in kwargs:
            # Another campus's sub-task is out of scope: 404, as if it did not exist.
            self.subtask = get_object_or_404(
                SubTask.objects.reportable_by(request.user).select_related("measure", "campus", "unit"),
                pk=kwargs["subtask_pk"],
            )
            self.measure = self.subtask.measure
        else:
            self.subtask = None
            self.measure = get_object_or_404(Measure, pk=kwargs["pk"])
            if not can_report_on_measure(request.user, self.measure):
                raise PermissionDenied(_("Your role cannot report on a whole measure; report on a sub-task."))
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        target = self.subtask or self.measure
        return {"percent": target.progress}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(measure=self.measure, subtask=self.subtask, target=self.subtask or self.measure)
        return context

    def form_valid(self, form):
        upload = form.cleaned_data.get("attachment")
        try:
            services.progress_report_file(
                user=self.request.user,
                measure=None if self.subtask else self.measure,
                subtask=self.subtask,
                text=form.cleaned_data["text"],
                percent=form.cleaned_data["percent"],
                files=[upload] if upload else [],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Progress report filed."))
        return HttpResponseRedirect(reverse("planning:measure_detail", args=[self.measure.pk]))


class ProgressReportListView(PlanReaderMixin, PortalListView):
    model = ProgressReport
    table_class = ProgressReportTable
    filterset_class = ProgressReportFilterSet
    title = _("Progress reports")
    export_name = "progress-reports"

    def get_queryset(self):
        # The plan's progress is read by everyone with a role (vice-principals see the whole plan).
        return ProgressReport.objects.select_related("measure", "subtask__campus", "author")


# --- Sub-tasks -------------------------------------------------------------------------------


class SubTaskListView(PlanReaderMixin, PortalListView):
    model = SubTask
    table_class = SubTaskTable
    filterset_class = SubTaskFilterSet
    title = _("Sub-tasks")
    export_name = "subtasks"
    create_url_name = "planning:subtask_create"
    create_roles = PLAN_EDITOR_ROLES

    def get_queryset(self):
        return SubTask.objects.select_related("measure", "campus", "unit", "owner")


class SubTaskCreateView(PortalCreateView):
    model = SubTask
    form_class = SubTaskForm
    allowed_roles = PLAN_EDITOR_ROLES
    title = _("New sub-task")
    success_message = _("Sub-task saved.")

    def get_initial(self):
        return {"measure": self.request.GET.get("measure")}

    def save_object(self, form):
        data = form.cleaned_data
        return services.subtask_create(
            user=self.request.user,
            measure=data["measure"],
            title=data["title"],
            description=data["description"],
            campus=data["campus"],
            unit=data["unit"],
            owner=data["owner"],
            start_on=data["start_on"],
            due_on=data["due_on"],
        )

    def get_success_url(self):
        return reverse("planning:measure_detail", args=[self.object.measure_id])


# --- Documents -------------------------------------------------------------------------------


class DocumentListView(PlanReaderMixin, PortalListView):
    model = Document
    table_class = DocumentTable
    filterset_class = DocumentFilterSet
    title = _("Documents register")
    export_name = "documents"
    create_url_name = "planning:document_create"
    create_roles = PLAN_EDITOR_ROLES

    def get_queryset(self):
        return Document.objects.select_related("phase", "campus", "approved_at_meeting", "measure")


class DocumentDetailView(PlanReaderMixin, DetailView):
    model = Document
    template_name = "planning/document_detail.html"

    def get_queryset(self):
        return Document.objects.select_related("phase", "campus", "approved_at_meeting", "measure")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        editable = editable_campus_records(Document, user).filter(pk=self.object.pk).exists()
        context.update(
            status_badge=status_badge(self.object),
            can_edit=can_edit_plan(user) and editable,
            can_approve=can_approve_documents(user),
            approve_form=DocumentApproveForm(user=user),
            version_form=DocumentVersionForm(),
            history=history_rows(self.object),
            overdue=self.object.status != Document.DocStatus.APPROVED
            and self.object.due_on is not None
            and self.object.due_on < services.local_today(),
        )
        return context


class DocumentCreateView(PortalCreateView):
    model = Document
    form_class = DocumentForm
    allowed_roles = PLAN_EDITOR_ROLES
    title = _("New document")
    success_message = _("Document saved.")

    def save_object(self, form):
        document = form.save(commit=False)
        document.full_clean()
        document.save()
        return document

    def get_success_url(self):
        return reverse("planning:document_detail", args=[self.object.pk])


def _document_action(request, pk, action):
    if not can_edit_plan(request.user):
        raise PermissionDenied(_("Your role cannot change the plan."))
    document = get_object_or_404(editable_campus_records(Document, request.user), pk=pk)
    try:
        action(document)
    except ValidationError as exc:
        _form_errors_to_messages(request, exc)
    return redirect("planning:document_detail", pk=document.pk)


@require_POST
def document_submit(request, pk):
    def action(document):
        services.document_submit(user=request.user, document=document)
        messages.success(request, _("Document submitted for review."))

    return _document_action(request, pk, action)


@require_POST
def document_return(request, pk):
    def action(document):
        services.document_return(user=request.user, document=document)
        messages.success(request, _("Document returned to draft."))

    return _document_action(request, pk, action)


@require_POST
def document_approve(request, pk):
    def action(document):
        form = DocumentApproveForm(request.POST, user=request.user)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}: {error}" if label else error)
            return
        services.document_approve(
            user=request.user,
            document=document,
            meeting=form.cleaned_data["meeting"],
            approved_on=form.cleaned_data["approved_on"],
        )
        messages.success(request, _("Document approved."))

    if not can_approve_documents(request.user):
        raise PermissionDenied(_("Only the bureau approves or returns documents."))
    return _document_action(request, pk, action)


@require_POST
def document_new_version(request, pk):
    def action(document):
        form = DocumentVersionForm(request.POST, request.FILES)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return
        services.document_new_version(
            user=request.user,
            document=document,
            version=form.cleaned_data["version"],
            file=form.cleaned_data["file"],
        )
        messages.success(request, _("New version started as a draft."))

    return _document_action(request, pk, action)


# --- Meetings --------------------------------------------------------------------------------


class MeetingListView(PlanReaderMixin, PortalListView):
    model = Meeting
    table_class = MeetingTable
    filterset_class = MeetingFilterSet
    title = _("Meetings")
    export_name = "meetings"
    create_url_name = "planning:meeting_create"
    create_roles = PLAN_EDITOR_ROLES

    def get_queryset(self):
        return (
            Meeting.objects.select_related("campus")
            .annotate(decision_count=Count("decisions"))
            .order_by("-held_on", "-pk")
        )


class MeetingDetailView(PlanReaderMixin, DetailView):
    model = Meeting
    template_name = "planning/meeting_detail.html"

    def get_queryset(self):
        return Meeting.objects.select_related("campus").prefetch_related(
            "attendees",
            Prefetch(
                "decisions",
                queryset=Decision.objects.prefetch_related(
                    Prefetch(
                        "follow_up_tasks",
                        queryset=SubTask.objects.select_related("measure", "campus", "unit"),
                    )
                ),
            ),
            Prefetch("approved_documents", queryset=Document.objects.order_by("title")),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            can_edit=can_edit_plan(user)
            and editable_campus_records(Meeting, user).filter(pk=self.object.pk).exists(),
            history=history_rows(self.object),
        )
        return context


class MeetingCreateView(PortalCreateView):
    model = Meeting
    form_class = MeetingForm
    allowed_roles = PLAN_EDITOR_ROLES
    title = _("New meeting")
    success_message = _("Meeting saved.")

    def get_success_url(self):
        return reverse("planning:meeting_detail", args=[self.object.pk])


class DecisionCreateView(PlanEditorMixin, ScopedFormMixin, FormView):
    """Add a decision to a meeting, with its optional follow-up sub-task."""

    form_class = DecisionForm
    template_name = "portal/form.html"
    title = _("New decision")
    success_message = _("Decision recorded.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.meeting = get_object_or_404(editable_campus_records(Meeting, request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def save_object(self, form):
        return services.decision_create(
            user=self.request.user,
            meeting=self.meeting,
            text=form.cleaned_data["text"],
            category=form.cleaned_data["category"],
            follow_up=form.follow_up(),
        )

    def get_success_url(self):
        return reverse("planning:meeting_detail", args=[self.meeting.pk])


# --- Notifications ---------------------------------------------------------------------------


class NotificationListView(PlanReaderMixin, PortalListView):
    """The signed-in user's reminders. Today's reminders are made on the first visit of the day
    if the scheduled job has not run (no beat process with `make run`)."""

    model = Notification
    table_class = NotificationTable
    filterset_class = NotificationFilterSet
    title = _("Notifications")
    export_name = "notifications"
    template_name = "planning/notification_list.html"

    def get(self, request, *args, **kwargs):
        services.reminders_run_if_due()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user)


@require_POST
def notifications_read(request):
    services.notifications_mark_read(user=request.user)
    messages.success(request, _("All notifications marked as read."))
    return redirect("planning:notification_list")
