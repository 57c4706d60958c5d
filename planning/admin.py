"""Admin of the planning app: the same scoped door as the pages (kernel.admin_base), with
history. The celery beat schedule (django-celery-beat's periodic tasks) has its own admin."""

from django.contrib import admin

from kernel.admin_base import ScopedAdmin, ScopedInline

from .models import (
    Attachment,
    Decision,
    Document,
    Measure,
    MeasureLeader,
    MeasureUnit,
    Meeting,
    Milestone,
    Notification,
    Phase,
    ProgressReport,
    ReminderRun,
    SubTask,
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
