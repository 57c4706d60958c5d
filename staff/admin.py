"""Admin of people, how they are organised, and how they move between campuses.

Every page starts from the user's scope (kernel.admin_base.ScopedAdmin): the rows of each
model are those its `scope_rule` (staff.models) lets the user reach.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kernel.admin_base import ScopedAdmin, ScopedInline, related_only

from .models import (
    CrossCampusActivity,
    Distinction,
    LeadershipPost,
    LeadingGroup,
    LeadingGroupMembership,
    Mentorship,
    ResearchProject,
    ResponsibilityAssignment,
    Rotation,
    StaffingQuota,
    StaffMember,
    Studio,
    StudioMembership,
    Unit,
)
from .resources import (
    CrossCampusActivityResource,
    DistinctionResource,
    LeadershipPostResource,
    LeadingGroupMembershipResource,
    LeadingGroupResource,
    MentorshipResource,
    ResearchProjectResource,
    ResponsibilityAssignmentResource,
    RotationResource,
    StaffingQuotaResource,
    StaffMemberResource,
    StudioMembershipResource,
    StudioResource,
    UnitResource,
)


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    resource_classes = [UnitResource]
    list_display = ("name", "code", "kind", "school")
    list_select_related = ("school",)
    search_fields = ("name", "code")
    list_filter = ("kind",)
    autocomplete_fields = ("school",)


class DistinctionInline(ScopedInline):
    model = Distinction
    fields = ("kind", "level", "awarded_on")


@admin.register(StaffMember)
class StaffMemberAdmin(ScopedAdmin):
    resource_classes = [StaffMemberResource]
    list_display = (
        "name",
        "staff_number",
        "gender",
        "subject",
        "professional_title",
        "post_type",
        "home_campus",
        "on_campus_since",
        "is_active",
    )
    list_select_related = ("home_campus",)
    search_fields = ("name", "staff_number", "position")
    list_filter = (
        "is_active",
        "post_type",
        "subject",
        "professional_title",
        "gender",
        related_only("home_campus"),
    )
    autocomplete_fields = ("home_campus", "unit", "user")
    inlines = [DistinctionInline]


@admin.register(Distinction)
class DistinctionAdmin(ScopedAdmin):
    resource_classes = [DistinctionResource]
    list_display = ("staff", "kind", "level", "awarded_on", "campus")
    list_select_related = ("staff__home_campus",)
    search_fields = ("staff__name", "staff__staff_number")
    list_filter = ("kind", "level")
    autocomplete_fields = ("staff",)

    @admin.display(description=_("campus"), ordering="staff__home_campus__name")
    def campus(self, obj):
        return obj.staff.home_campus or "—"


class LeadingGroupMembershipInline(ScopedInline):
    model = LeadingGroupMembership
    fields = ("person", "role", "order")
    autocomplete_fields = ("person",)


@admin.register(LeadingGroup)
class LeadingGroupAdmin(ScopedAdmin):
    resource_classes = [LeadingGroupResource]
    list_display = ("name", "group", "office_director", "office_location")
    list_select_related = ("group", "office_director")
    search_fields = ("name", "group__name")
    list_filter = (related_only("group"),)
    autocomplete_fields = ("group", "office_director")
    inlines = [LeadingGroupMembershipInline]


@admin.register(LeadingGroupMembership)
class LeadingGroupMembershipAdmin(ScopedAdmin):
    resource_classes = [LeadingGroupMembershipResource]
    list_display = ("leading_group", "role", "person", "order")
    list_select_related = ("leading_group", "person")
    search_fields = ("person__name", "leading_group__name")
    list_filter = ("role", related_only("leading_group"))
    autocomplete_fields = ("leading_group", "person")


@admin.register(LeadershipPost)
class LeadershipPostAdmin(ScopedAdmin):
    resource_classes = [LeadershipPostResource]
    list_display = ("group", "post", "person", "since")
    list_select_related = ("group", "person")
    search_fields = ("person__name", "group__name")
    list_filter = ("post", related_only("group"))
    autocomplete_fields = ("group", "person")


@admin.register(ResponsibilityAssignment)
class ResponsibilityAssignmentAdmin(ScopedAdmin):
    resource_classes = [ResponsibilityAssignmentResource]
    list_display = ("group", "area", "campus", "person")
    list_select_related = ("group", "campus", "person")
    search_fields = ("person__name", "group__name", "campus__name")
    list_filter = ("area", related_only("group"), related_only("campus"))
    autocomplete_fields = ("group", "campus", "person")


@admin.register(Rotation)
class RotationAdmin(ScopedAdmin):
    resource_classes = [RotationResource]
    list_display = (
        "staff",
        "from_campus",
        "to_campus",
        "category",
        "status",
        "start_on",
        "planned_end_on",
        "ended_on",
    )
    list_select_related = ("staff", "from_campus", "to_campus")
    search_fields = ("staff__name", "staff__staff_number")
    list_filter = ("status", "category", related_only("from_campus"), related_only("to_campus"))
    autocomplete_fields = ("staff", "from_campus", "to_campus")
    # Set by the services (staff.services.rotation_*): who proposed and who decided.
    readonly_fields = ("proposed_by", "decided_by", "decided_at", "created_at")


@admin.register(Mentorship)
class MentorshipAdmin(ScopedAdmin):
    resource_classes = [MentorshipResource]
    list_display = ("mentor", "mentee", "campus", "start_on", "end_on", "status")
    list_select_related = ("mentor", "mentee", "campus")
    search_fields = ("mentor__name", "mentee__name")
    list_filter = ("status", related_only("campus"))
    autocomplete_fields = ("mentor", "mentee", "campus")


class StudioMembershipInline(ScopedInline):
    model = StudioMembership
    fields = ("member", "joined_on", "left_on")
    autocomplete_fields = ("member",)


@admin.register(Studio)
class StudioAdmin(ScopedAdmin):
    resource_classes = [StudioResource]
    list_display = ("name", "leader", "campus", "subject", "level", "founded_on")
    list_select_related = ("leader", "campus")
    search_fields = ("name", "leader__name")
    list_filter = ("level", "subject", related_only("campus"))
    autocomplete_fields = ("leader", "campus")
    inlines = [StudioMembershipInline]


@admin.register(StudioMembership)
class StudioMembershipAdmin(ScopedAdmin):
    resource_classes = [StudioMembershipResource]
    list_display = ("studio", "member", "joined_on", "left_on")
    list_select_related = ("studio", "member")
    search_fields = ("studio__name", "member__name")
    list_filter = (related_only("studio"),)
    autocomplete_fields = ("studio", "member")


@admin.register(ResearchProject)
class ResearchProjectAdmin(ScopedAdmin):
    resource_classes = [ResearchProjectResource]
    list_display = ("title", "code", "leader", "campus", "level", "status", "start_on", "end_on")
    list_select_related = ("leader", "campus")
    search_fields = ("title", "code", "leader__name")
    list_filter = ("status", "level", related_only("campus"))
    autocomplete_fields = ("studio", "leader", "campus", "members")


@admin.register(CrossCampusActivity)
class CrossCampusActivityAdmin(ScopedAdmin):
    resource_classes = [CrossCampusActivityResource]
    list_display = ("title", "kind", "held_on", "host_campus", "hours")
    list_select_related = ("host_campus",)
    search_fields = ("title", "summary")
    list_filter = ("kind", related_only("host_campus"))
    autocomplete_fields = ("host_campus", "campuses", "participants")


@admin.register(StaffingQuota)
class StaffingQuotaAdmin(ScopedAdmin):
    resource_classes = [StaffingQuotaResource]
    list_display = (
        "campus",
        "year",
        "establishment_authorised",
        "establishment_filled",
        "establishment_vacant",
        "posts_authorised",
        "posts_filled",
    )
    list_select_related = ("campus",)
    search_fields = ("campus__name", "campus__code")
    list_filter = ("year", related_only("campus"))
    autocomplete_fields = ("campus",)

    @admin.display(description=_("establishment vacant"))
    def establishment_vacant(self, obj):
        return obj.establishment_vacant
