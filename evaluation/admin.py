"""Admin of the assessment app. Scores, runs and published versions are read-only here: scores
go through the grid (version checks, open schemes), runs through the computation, published
versions through publication."""

from django.contrib import admin

from kernel.admin_base import ScopedAdmin, ScopedInline

from . import access
from .models import (
    Appeal,
    CellReview,
    ComputationRun,
    Evaluatee,
    Evidence,
    Indicator,
    PublishedSnapshot,
    Scheme,
    Score,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_import_permission(self, request):
        return False


class UnpublishedScoresMixin:
    """Scores and confirmations before publication: the bureau and the supervision office only,
    whatever the door (a vice-principal with staff status included)."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if access.can_read_unpublished(request.user) else queryset.none()


class IndicatorInline(ScopedInline):
    model = Indicator
    fields = (
        "code",
        "name",
        "parent",
        "order",
        "max_points",
        "weight",
        "kind",
        "computation",
        "target_value",
    )
    # A text box for the parent, not a list of every indicator in every row (3 s a page).
    raw_id_fields = ("parent",)
    show_change_link = True


@admin.register(Scheme)
class SchemeAdmin(ScopedAdmin):
    list_display = ("name", "year", "target_kind", "status", "aggregation", "band_method", "group")
    list_select_related = ("group",)
    list_filter = ("year", "status", "target_kind")
    search_fields = ("name",)
    readonly_fields = ("current_run", "published_at", "results_stale")
    inlines = [IndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(ScopedAdmin):
    list_display = ("code", "name", "scheme", "parent", "max_points", "weight", "kind", "computation")
    list_select_related = ("scheme", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name")


@admin.register(Evaluatee)
class EvaluateeAdmin(ScopedAdmin):
    list_display = ("code", "name", "scheme", "peer_category")
    list_select_related = ("scheme", "peer_category")
    search_fields = ("code", "name")
    raw_id_fields = ("school", "campus", "staff")


@admin.register(Score)
class ScoreAdmin(UnpublishedScoresMixin, ReadOnlyMixin, ScopedAdmin):
    list_display = ("indicator", "evaluatee", "evaluator", "points", "version", "updated_at")
    list_select_related = ("indicator", "evaluatee", "evaluator")
    search_fields = ("evaluatee__name", "indicator__code")


@admin.register(CellReview)
class CellReviewAdmin(UnpublishedScoresMixin, ReadOnlyMixin, ScopedAdmin):
    list_display = ("indicator", "evaluatee", "points", "reviewed_by", "reviewed_at")
    list_select_related = ("indicator", "evaluatee", "reviewed_by")


@admin.register(Evidence)
class EvidenceAdmin(ScopedAdmin):
    list_display = ("evaluatee", "indicator", "file", "uploaded_by", "uploaded_at")
    list_select_related = ("evaluatee", "indicator", "uploaded_by")
    raw_id_fields = ("evaluatee", "indicator", "uploaded_by")


@admin.register(ComputationRun)
class ComputationRunAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ("pk", "scheme", "status", "progress", "created_at", "finished_at", "evaluatees")
    list_select_related = ("scheme",)
    list_filter = ("status",)


@admin.register(PublishedSnapshot)
class PublishedSnapshotAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ("scheme", "version", "published_at", "published_by")
    list_select_related = ("scheme", "published_by")


@admin.register(Appeal)
class AppealAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ("evaluatee", "indicator", "status", "filed_by", "filed_at", "decided_by")
    list_select_related = ("evaluatee", "indicator", "filed_by", "decided_by")
    list_filter = ("status",)
