"""Admin of the planning app: the same scoped door as the pages (kernel.admin_base), with
history. The celery beat schedule (django-celery-beat's periodic tasks) has its own admin."""

from django.contrib import admin

from kernel.admin_base import ScopedAdmin, ScopedInline

from .models import (
    ApplicationDocument,
    ApplicationStep,
    Attachment,
    Decision,
    Document,
    ExpansionApplication,
    Experience,
    ExperienceAttachment,
    Measure,
    MeasureLeader,
    MeasureUnit,
    Meeting,
    Milestone,
    Notification,
    Phase,
    ProgressReport,
    Rectification,
    ReminderRun,
    SubTask,
    SupervisionVisit,
)


@admin.register(Phase)
class PhaseAdmin(ScopedAdmin):
    list_display = ("order", "name", "plan_period", "start_on", "end_on")
    ordering = ("order",)


@admin.register(Milestone)
class MilestoneAdmin(ScopedAdmin):
    list_display = ("name", "date", "campus", "phase")


class MeasureLeaderInline(ScopedInline):
    model = MeasureLeader


class MeasureUnitInline(ScopedInline):
    model = MeasureUnit


@admin.register(Measure)
class MeasureAdmin(ScopedAdmin):
    list_display = ("code", "title", "phase", "campus", "due_on", "status", "progress")
    list_filter = ("status", "phase")
    search_fields = ("code", "title", "text")
    inlines = [MeasureLeaderInline, MeasureUnitInline]


@admin.register(SubTask)
class SubTaskAdmin(ScopedAdmin):
    list_display = ("title", "measure", "campus", "unit", "due_on", "status", "progress")
    list_filter = ("status", "campus")
    search_fields = ("title",)


class AttachmentInline(ScopedInline):
    model = Attachment


@admin.register(ProgressReport)
class ProgressReportAdmin(ScopedAdmin):
    list_display = ("reported_at", "measure", "subtask", "author", "percent")
    inlines = [AttachmentInline]


@admin.register(Document)
class DocumentAdmin(ScopedAdmin):
    list_display = ("title", "kind", "phase", "campus", "version", "status", "due_on", "approved_at_meeting")
    list_filter = ("kind", "status", "phase")


class DecisionInline(ScopedInline):
    model = Decision


@admin.register(Meeting)
class MeetingAdmin(ScopedAdmin):
    list_display = ("held_on", "title", "kind", "campus")
    list_filter = ("kind",)
    inlines = [DecisionInline]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """A notification belongs to its recipient: staff status alone shows only one's own."""

    list_display = ("day", "recipient", "kind", "message", "read_at", "emailed")
    list_filter = ("kind", "day")
    list_select_related = ("recipient",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(recipient=request.user)


@admin.register(ReminderRun)
class ReminderRunAdmin(admin.ModelAdmin):
    list_display = ("day", "started_at", "marked_overdue", "notifications")


class RectificationInline(ScopedInline):
    model = Rectification
    fields = ("description", "campus", "owner", "due_on", "status")
    readonly_fields = ("status",)


@admin.register(SupervisionVisit)
class SupervisionVisitAdmin(ScopedAdmin):
    list_display = ("visited_on", "kind", "group", "campus", "team")
    list_select_related = ("group", "campus")
    list_filter = ("kind",)
    search_fields = ("team", "findings")
    inlines = [RectificationInline]


@admin.register(Rectification)
class RectificationAdmin(ScopedAdmin):
    list_display = ("description", "visit", "campus", "owner", "due_on", "status", "closed_at")
    list_select_related = ("visit__group", "visit__campus", "campus", "owner")
    list_filter = ("status",)
    search_fields = ("description", "closing_record")


class ApplicationDocumentInline(ScopedInline):
    model = ApplicationDocument
    fields = ("name", "file", "uploaded_by")


class ApplicationStepInline(ScopedInline):
    """The review steps are a record: read here, written only by the services."""

    model = ApplicationStep
    fields = ("at", "actor", "step", "from_status", "to_status", "decision", "comment")
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ExpansionApplication)
class ExpansionApplicationAdmin(ScopedAdmin):
    list_display = ("__str__", "kind", "applicant", "status", "created_at", "decided_at")
    list_select_related = ("applicant", "target_group", "school")
    list_filter = ("kind", "status")
    readonly_fields = ("status", "decided_at", "created_group")
    inlines = [ApplicationDocumentInline, ApplicationStepInline]


class ExperienceAttachmentInline(ScopedInline):
    model = ExperienceAttachment


@admin.register(Experience)
class ExperienceAdmin(ScopedAdmin):
    list_display = ("title", "campus", "topic", "author", "status", "published_at")
    list_select_related = ("campus", "author")
    list_filter = ("status", "topic")
    search_fields = ("title", "body")
    inlines = [ExperienceAttachmentInline]
