"""Views of the planning app: thin; reads through selectors, writes through services.

Every record is reached through the door (`Model.objects.for_user(user, action)`): everyone of a
group reads its plan; a vice-principal reads their own campus's sub-tasks, reports, documents,
meetings and files and the group-wide ones, and acts on their own campus's only — another
campus's or another group's record is a 404, whatever the URL. Changing the plan is for the
bureau and the group's leadership (403 for other roles).

Why one module of about 750 lines: one short class or function per page of the plan (timeline,
my work, measures, reports, sub-tasks, documents, meetings, notifications, files), sharing the
mixins and helpers at the top; each view is small, and the module is read page by page along
planning/urls.py. Supervision's and expansion's pages moved out (issue 13).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, TemplateView

from campuses.models import Campus
from kernel.generic import (
    PortalCreateView,
    PortalListView,
    PortalUpdateView,
    RoleRequiredMixin,
    ScopedFormMixin,
    scope_filterset,
)
from kernel.history import history_rows
from kernel.scoping import CHANGE, in_scope, user_scope
from kernel.uploads import file_response
from kernel.workflow import form_error, step_view
from supervision import selectors as supervision_selectors
from supervision.permissions import can_close_rectification

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
    Status,
    SubTask,
)
from .permissions import (
    PLAN_EDITOR_ROLES,
    PLAN_READER_ROLES,
    SUBTASK_CREATOR_ROLES,
    can_approve_documents,
    can_create_subtask,
    can_edit_plan,
    can_read_plan,
    can_report_on_measure,
    is_campus_only,
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


def get_for_change(model, user, pk):
    """A record the user reads (else 404) and acts on (else 403)."""
    obj = get_object_or_404(model.objects.for_user(user), pk=pk)
    if not in_scope(obj, user, CHANGE):
        raise PermissionDenied(_("This record is not yours to change."))
    return obj


def own_campus_names(user) -> str:
    """The names of the campuses a vice-principal acts for, for the page to say so."""
    return "、".join(Campus.objects.filter(pk__in=user_scope(user).campus_ids).values_list("name", flat=True))


# --- Timeline, my work, phase report ---------------------------------------------------------


class TimelineView(PlanReaderMixin, TemplateView):
    """The Gantt chart of phases, milestones, measures and their sub-tasks, with filters."""

    template_name = "planning/timeline.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = services.local_today()
        filterset = scope_filterset(
            MeasureFilterSet(
                self.request.GET or None,
                queryset=selectors.measure_list(user=self.request.user),
                request=self.request,
            ),
            self.request.user,
        )
        valid = filterset.is_bound and filterset.is_valid()
        measures = filterset.qs if valid else selectors.measure_list(user=self.request.user)
        cleaned = filterset.form.cleaned_data if valid else {}
        # The documents the phases require are drawn too, unless the filters ask about people,
        # campuses or statuses, which documents do not have.
        documents = None
        if not any(cleaned.get(name) for name in ("q", "leader", "unit", "campus", "status")):
            documents = (
                Document.objects.for_user(self.request.user)
                .filter(required=True)
                .select_related("phase")
                .order_by("phase__order", "pk")
            )
            if cleaned.get("phase") is not None:
                documents = documents.filter(phase=cleaned["phase"])
        # Open rectifications of supervision visits are drawn unless the filters ask about the
        # plan's text, leaders or units; a phase keeps those due within it.
        rectifications = None
        status = cleaned.get("status")
        if not any(cleaned.get(name) for name in ("q", "leader", "unit")) and status in (
            None,
            "",
            Status.OVERDUE,
        ):
            rectifications = supervision_selectors.timeline_rectifications(
                user=self.request.user,
                campus=cleaned.get("campus"),
                overdue_only=status == Status.OVERDUE,
                today=today,
            )
            if cleaned.get("phase") is not None:
                phase = cleaned["phase"]
                rectifications = rectifications.filter(due_on__range=(phase.start_on, phase.end_on))
        data = selectors.timeline_data(
            user=self.request.user,
            measures=measures,
            today=today,
            documents=documents,
            rectifications=rectifications,
        )
        data["labels"] = {
            "today": str(_("Today")),
            "phase": str(_("Phase")),
            "milestone": str(_("Milestone")),
            "overdue": str(_("Overdue")),
            "undated": str(_("No dates set: drawn across its phase or the whole plan")),
            "progress": str(_("Progress")),
        }
        # Chart or list: asked for, or left to the screen (list below the md breakpoint).
        view = self.request.GET.get("view")
        view = view if view in ("chart", "list") else ""
        others = self.request.GET.copy()
        others.pop("view", None)
        context.update(
            filter=filterset,
            chart=data,
            overdue_rows=[row for row in data["rows"] if row["overdue"]],
            row_count=len(data["rows"]),
            today=today,
            view=view,
            view_query=others.urlencode(),
        )
        return context


class MyWorkView(PlanReaderMixin, TemplateView):
    template_name = "planning/my_work.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = services.local_today()
        user = self.request.user
        work = selectors.my_work(user=user, today=today)
        campus_only = is_campus_only(user)
        context.update(
            today=today,
            measures=[(m, overdue, can_report_on_measure(user, m)) for m, overdue in work["measures"]],
            subtasks=work["subtasks"],
            rectifications=[
                (r, overdue, can_close_rectification(user, r))
                for r, overdue in supervision_selectors.my_rectifications(user=user, today=today)
            ],
            unread=Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
            campus_only=campus_only,
            own_campuses=own_campus_names(user) if campus_only else "",
            can_add_subtask=can_create_subtask(user),
            plan_measures=Measure.objects.for_user(user).order_by("order", "code").only("pk", "code", "title")
            if can_create_subtask(user)
            else (),
        )
        return context


class PhaseReportView(PlanReaderMixin, DetailView):
    """A printable one-page status report of one phase, for the bureau's meeting."""

    model = Phase
    template_name = "planning/phase_report.html"

    def get_queryset(self):
        return Phase.objects.for_user(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = services.local_today()
        user = self.request.user
        context.update(selectors.phase_status(user=user, phase=self.object, today=today))
        context.update(
            today=today, phases=list(Phase.objects.for_user(user).filter(group=self.object.group_id))
        )
        return context


# --- Measures ----------------------------------------------------------------------------------


class MeasureListView(PlanReaderMixin, PortalListView):
    """The plan's measures in the plan's order, with their phase, effective due date (their own
    or their phase's end), status (overdue from the dates) and progress (rolled up)."""

    model = Measure
    table_class = MeasureTable
    filterset_class = MeasureFilterSet
    related = ("phase", "campus")
    prefetch = MEASURE_PEOPLE
    title = _("Work plan measures")
    export_name = "measures"

    def get_queryset(self):
        return super().get_queryset().with_effective_due().order_by("order", "code")


class MeasureDetailView(PlanReaderMixin, DetailView):
    """A measure: the plan's text, leaders and units, sub-tasks, reports, documents, history."""

    model = Measure
    template_name = "planning/measure_detail.html"

    def get_queryset(self):
        return Measure.objects.for_user(self.request.user).with_people().with_effective_due()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, measure = self.request.user, self.object
        today = services.local_today()
        subtasks = list(
            measure.subtasks.for_user(user)
            .with_effective_due()
            .select_related("measure", "campus", "unit", "owner", "decision__meeting")
            .order_by("effective_due_on", "pk")
        )
        reportable = set(
            SubTask.objects.for_user(user, "change").filter(measure=measure).values_list("pk", flat=True)
        )
        campus_only = is_campus_only(user)
        context.update(
            today=today,
            campus_only=campus_only,
            can_add_subtask=can_create_subtask(user),
            own_campuses=own_campus_names(user) if campus_only else "",
            rolled_up=any(s.status != Status.CANCELLED for s in subtasks),
            overdue=selectors.item_overdue(measure, today),
            status_badge=status_badge(measure),
            subtasks=[(s, selectors.item_overdue(s, today), s.pk in reportable) for s in subtasks],
            reports=list(
                measure.reports.for_user(user)
                .select_related("author", "subtask__campus")
                .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
            ),
            documents=list(measure.documents.for_user(user).select_related("phase", "approved_at_meeting")),
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
        return services.measure_dates_save(user=self.request.user, measure=form.save(commit=False))


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
                SubTask.objects.for_user(request.user, "change").select_related("measure", "campus", "unit"),
                pk=kwargs["subtask_pk"],
            )
            self.measure = self.subtask.measure
        else:
            self.subtask = None
            self.measure = get_object_or_404(Measure.objects.for_user(request.user), pk=kwargs["pk"])
            if not can_report_on_measure(request.user, self.measure):
                if is_campus_only(request.user):
                    # A vice-principal reports on their campus's part of the measure: straight to
                    # it when there is one, else a choice of them, or a new one.
                    return self.campus_part(request)
                raise PermissionDenied(_("Your role cannot report on a whole measure; report on a sub-task."))
        return super().dispatch(request, *args, **kwargs)

    def campus_part(self, request):
        subtasks = selectors.campus_subtasks_of_measure(user=request.user, measure=self.measure)
        if len(subtasks) == 1:
            return redirect("planning:subtask_report", subtask_pk=subtasks[0].pk)
        today = services.local_today()
        return render(
            request,
            "planning/report_choose.html",
            {
                "measure": self.measure,
                "subtasks": [(s, s.is_overdue(today)) for s in subtasks],
                "own_campuses": own_campus_names(request.user),
                "can_add_subtask": can_create_subtask(request.user),
            },
        )

    def get_initial(self):
        target = self.subtask or self.measure
        return {"percent": target.progress}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            measure=self.measure,
            subtask=self.subtask,
            target=self.subtask or self.measure,
            rolled_up=self.subtask is None
            and self.measure.subtasks.exclude(status=Status.CANCELLED).exists(),
            back_url=self.back_url(),
        )
        return context

    def back_url(self) -> str:
        """Back to where the report was asked from: 我的工作, or the measure."""
        if self.request.GET.get("from") == "my_work" or self.request.POST.get("from") == "my_work":
            return reverse("planning:my_work")
        return reverse("planning:measure_detail", args=[self.measure.pk])

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
        return HttpResponseRedirect(self.back_url())


class ProgressReportListView(PlanReaderMixin, PortalListView):
    model = ProgressReport
    table_class = ProgressReportTable
    filterset_class = ProgressReportFilterSet
    title = _("Progress reports")
    export_name = "progress-reports"

    def get_queryset(self):
        return super().get_queryset().select_related("measure", "subtask__campus", "author")


# --- Sub-tasks -------------------------------------------------------------------------------


class SubTaskListView(PlanReaderMixin, PortalListView):
    model = SubTask
    table_class = SubTaskTable
    filterset_class = SubTaskFilterSet
    title = _("Sub-tasks")
    export_name = "subtasks"
    create_url_name = "planning:subtask_create"
    create_roles = SUBTASK_CREATOR_ROLES

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .with_effective_due()
            .select_related("measure", "campus", "unit", "owner")
            .order_by("measure__order", "effective_due_on", "pk")
        )


class SubTaskCreateView(PortalCreateView):
    """A sub-task under a measure: the plan's editors assign it to a campus in their scope or a
    unit; a campus executive vice-principal adds one for their own campus (the form fixes it)."""

    model = SubTask
    form_class = SubTaskForm
    allowed_roles = SUBTASK_CREATOR_ROLES
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
            unit=data.get("unit"),
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
        return super().get_queryset().select_related("phase", "campus", "approved_at_meeting", "measure")


class DocumentDetailView(PlanReaderMixin, DetailView):
    model = Document
    template_name = "planning/document_detail.html"

    def get_queryset(self):
        return Document.objects.for_user(self.request.user).select_related(
            "phase", "campus", "approved_at_meeting", "measure"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        editable = in_scope(self.object, user, CHANGE)
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
        return services.document_create(user=self.request.user, document=form.save(commit=False))


def _document_step(request, pk, action, done_message):
    """One step of a document's workflow (planning.services.DOCUMENT_WORKFLOW), by
    kernel.workflow.step_view; a form's errors come back as messages on the page."""
    if not can_edit_plan(request.user):
        raise PermissionDenied(_("Your role cannot change the plan."))
    # Out of sight: 404; in sight but not theirs to change: 403 (get_for_change); then the step.
    get_for_change(Document, request.user, pk)
    return step_view(request, Document.objects.for_user(request.user, CHANGE), pk, action, done_message)


@require_POST
def document_submit(request, pk):
    return _document_step(
        request,
        pk,
        lambda document: services.document_submit(user=request.user, document=document),
        _("Document submitted for review."),
    )


@require_POST
def document_return(request, pk):
    return _document_step(
        request,
        pk,
        lambda document: services.document_return(user=request.user, document=document),
        _("Document returned to draft."),
    )


@require_POST
def document_approve(request, pk):
    def approve(document):
        form = DocumentApproveForm(request.POST, user=request.user)
        if not form.is_valid():
            raise form_error(form)
        services.document_approve(
            user=request.user,
            document=document,
            meeting=form.cleaned_data["meeting"],
            approved_on=form.cleaned_data["approved_on"],
        )

    if not can_approve_documents(request.user):
        raise PermissionDenied(_("Only the bureau approves or returns documents."))
    return _document_step(request, pk, approve, _("Document approved."))


@require_POST
def document_new_version(request, pk):
    def new_version(document):
        form = DocumentVersionForm(request.POST, request.FILES)
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        services.document_new_version(
            user=request.user,
            document=document,
            version=form.cleaned_data["version"],
            file=form.cleaned_data["file"],
        )

    return _document_step(request, pk, new_version, _("New version started as a draft."))


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
            super()
            .get_queryset()
            .select_related("campus")
            .annotate(decision_count=Count("decisions"))
            .order_by("-held_on", "-pk")
        )


class MeetingDetailView(PlanReaderMixin, DetailView):
    model = Meeting
    template_name = "planning/meeting_detail.html"

    def get_queryset(self):
        user = self.request.user
        return (
            Meeting.objects.for_user(user)
            .select_related("campus")
            .prefetch_related(
                "attendees",
                Prefetch(
                    "decisions",
                    queryset=Decision.objects.prefetch_related(
                        Prefetch(
                            "follow_up_tasks",
                            queryset=SubTask.objects.for_user(user).select_related(
                                "measure", "campus", "unit"
                            ),
                        )
                    ),
                ),
                Prefetch("approved_documents", queryset=Document.objects.for_user(user).order_by("title")),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            can_edit=can_edit_plan(user) and in_scope(self.object, user, CHANGE),
            history=history_rows(self.object),
        )
        return context


class MeetingCreateView(PortalCreateView):
    model = Meeting
    form_class = MeetingForm
    allowed_roles = PLAN_EDITOR_ROLES
    title = _("New meeting")
    success_message = _("Meeting saved.")

    def save_object(self, form):
        return services.meeting_create(
            user=self.request.user,
            meeting=form.save(commit=False),
            attendees=form.cleaned_data["attendees"],
        )


class DecisionCreateView(PlanEditorMixin, ScopedFormMixin, FormView):
    """Add a decision to a meeting, with its optional follow-up sub-task."""

    form_class = DecisionForm
    template_name = "portal/form.html"
    title = _("New decision")
    success_message = _("Decision recorded.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.meeting = get_for_change(Meeting, request.user, kwargs["pk"])
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
        # One's own reminders, whatever one's role.
        return Notification.objects.filter(recipient=self.request.user).select_related(
            "measure", "subtask", "document", "rectification"
        )


@require_POST
def notifications_read(request):
    services.notifications_mark_read(user=request.user)
    messages.success(request, _("All notifications marked as read."))
    return redirect("planning:notification_list")


# --- Files -------------------------------------------------------------------------------------
# MEDIA_URL is not served: each file is sent by a view that first finds its record in scope.


def report_attachment_download(request, pk):
    """A progress report's attachment, if the user reads the report (else 404)."""
    if not can_read_plan(request.user):
        raise PermissionDenied(_("Your role cannot do this."))
    attachment = get_object_or_404(Attachment.objects.for_user(request.user), pk=pk)
    return file_response(attachment.file, download_name=attachment.name)


def document_file_download(request, pk):
    if not can_read_plan(request.user):
        raise PermissionDenied(_("Your role cannot do this."))
    document = get_object_or_404(Document.objects.for_user(request.user), pk=pk)
    return file_response(document.file)
