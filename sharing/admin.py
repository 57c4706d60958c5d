"""Admin of shared funds, assets and resources: scoped like the portal (ScopedAdmin), with
imports of budgets, spending and the asset register (administrators only)."""

from __future__ import annotations

from django.contrib import admin

from kernel.admin_base import ScopedAdmin, related_only

from .models import (
    Allocation,
    Asset,
    AssetTransfer,
    Budget,
    BudgetLine,
    Reallocation,
    ResourceUse,
    Spending,
    TeachingResource,
)
from .resources import (
    AssetResource,
    BudgetLineResource,
    BudgetResource,
    ResourceUseExportResource,
    SpendingResource,
)


@admin.register(BudgetLine)
class BudgetLineAdmin(ScopedAdmin):
    resource_classes = [BudgetLineResource]
    list_display = ("name", "code", "order")
    search_fields = ("name", "code")


class AllocationInline(admin.TabularInline):
    model = Allocation
    extra = 0
    fields = ("campus", "amount")
    readonly_fields = ("campus", "amount")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # allocations change through sharing.services (limits checked under lock)


@admin.register(Budget)
class BudgetAdmin(ScopedAdmin):
    resource_classes = [BudgetResource]
    list_display = ("school", "year", "line", "amount", "note")
    list_select_related = ("school", "line")
    list_filter = ("year", "line", related_only("school"))
    search_fields = ("school__name", "note")
    inlines = [AllocationInline]


@admin.register(Allocation)
class AllocationAdmin(ScopedAdmin):
    list_display = ("budget", "campus", "amount")
    list_select_related = ("budget__school", "budget__line", "campus")
    list_filter = ("budget__year", "budget__line", related_only("campus"))
    readonly_fields = ("budget", "campus", "amount")

    def has_add_permission(self, request):
        return False


@admin.register(Spending)
class SpendingAdmin(ScopedAdmin):
    resource_classes = [SpendingResource]
    list_display = ("spent_on", "campus", "line", "amount", "purpose", "recorded_by")
    list_select_related = ("campus", "line", "recorded_by")
    list_filter = ("line", related_only("campus"))
    search_fields = ("purpose",)
    date_hierarchy = "spent_on"
    # Amounts are checked against the allocation by sharing.services / the import resource only.
    readonly_fields = ("campus", "line", "spent_on", "amount", "recorded_by", "recorded_at")

    def has_add_permission(self, request):
        return False


@admin.register(Reallocation)
class ReallocationAdmin(ScopedAdmin):
    list_display = ("budget", "from_campus", "to_campus", "amount", "status", "decided_by", "decided_at")
    list_select_related = ("budget__school", "budget__line", "from_campus", "to_campus", "decided_by")
    list_filter = ("status", related_only("to_campus"))
    readonly_fields = (
        "budget",
        "from_campus",
        "to_campus",
        "amount",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
    )

    def has_add_permission(self, request):
        return False


@admin.register(Asset)
class AssetAdmin(ScopedAdmin):
    resource_classes = [AssetResource]
    list_display = ("code", "name", "category", "value", "campus", "condition")
    list_select_related = ("campus",)
    list_filter = ("category", "condition", related_only("campus"))
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        # The campus of a registered asset changes only by a received transfer.
        return ("campus",) if obj is not None else ()


@admin.register(AssetTransfer)
class AssetTransferAdmin(ScopedAdmin):
    list_display = ("asset", "from_campus", "to_campus", "status", "requested_at", "received_at")
    list_select_related = ("asset", "from_campus", "to_campus")
    list_filter = ("status", related_only("from_campus"), related_only("to_campus"))
    search_fields = ("asset__code", "asset__name")
    readonly_fields = (
        "asset",
        "from_campus",
        "to_campus",
        "status",
        "requested_by",
        "requested_at",
        "approved_by",
        "approved_at",
        "received_by",
        "received_at",
    )

    def has_add_permission(self, request):
        return False


@admin.register(TeachingResource)
class TeachingResourceAdmin(ScopedAdmin):
    list_display = ("title", "kind", "subject", "grade", "author", "campus", "uploaded_at")
    list_select_related = ("author", "campus")
    list_filter = ("kind", "subject", "grade")
    search_fields = ("title",)
    readonly_fields = ("uploaded_by", "uploaded_at")
    raw_id_fields = ("author",)


@admin.register(ResourceUse)
class ResourceUseAdmin(ScopedAdmin):
    resource_classes = [ResourceUseExportResource]
    list_display = ("at", "resource", "campus", "kind", "user")
    list_select_related = ("resource", "campus", "user")
    list_filter = ("kind", related_only("campus"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
