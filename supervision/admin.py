"""Admin of the supervision app: the same scoped door as the pages (kernel.admin_base)."""

from django.contrib import admin

from kernel.admin_base import ScopedAdmin, ScopedInline

from .models import Experience, ExperienceAttachment, Rectification, SupervisionVisit


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


class ExperienceAttachmentInline(ScopedInline):
    model = ExperienceAttachment


@admin.register(Experience)
class ExperienceAdmin(ScopedAdmin):
    list_display = ("title", "campus", "topic", "author", "status", "published_at")
    list_select_related = ("campus", "author")
    list_filter = ("status", "topic")
    search_fields = ("title", "body")
    inlines = [ExperienceAttachmentInline]
