"""Admin of groups, schools, campuses and enrollment.

The campus page also lists the accounts that hold the campus permission (the executive
vice-principals' access): adding or removing one there goes through the same services as
everywhere else (campus_grant_access / campus_revoke_access), and is kept in history.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermission
from guardian.shortcuts import get_users_with_perms

from kernel.admin_base import ScopedAdmin, ScopedInline, related_only
from kernel.roles import CAMPUS_PERMISSION, GROUP_PERMISSION
from kernel.services import campus_grant_access, campus_revoke_access

from .models import (
    ApplicationDocument,
    ApplicationStep,
    Campus,
    EducationGroup,
    EnrollmentSnapshot,
    ExpansionApplication,
    PeerCategory,
    School,
)
from .resources import (
    CampusResource,
    EducationGroupResource,
    EnrollmentSnapshotResource,
    PeerCategoryResource,
    SchoolResource,
)

CAMPUS_CODENAME = CAMPUS_PERMISSION.split(".")[1]
GROUP_CODENAME = GROUP_PERMISSION.split(".")[1]


@admin.register(PeerCategory)
class PeerCategoryAdmin(ScopedAdmin):
    resource_classes = [PeerCategoryResource]
    list_display = ("name", "code", "stage")
    search_fields = ("name", "code")
    list_filter = ("stage",)


@admin.register(EducationGroup)
class EducationGroupAdmin(ScopedAdmin):
    resource_classes = [EducationGroupResource]
    list_display = ("name", "code", "core_school", "governance_mode", "charter_status", "founded_on")
    list_select_related = ("core_school",)
    search_fields = ("name", "code")
    list_filter = ("governance_mode", "charter_status")
    autocomplete_fields = ("core_school",)
    readonly_fields = ("leadership_accounts",)

    @admin.display(description=_("accounts leading the group"))
    def leadership_accounts(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        users = get_users_with_perms(
            obj, only_with_perms_in=[GROUP_CODENAME], with_superusers=False, with_group_users=False
        ).order_by("username")
        rows = ((user.get_full_name() or user.username, user.username) for user in users)
        return format_html_join("", "<div>{} ({})</div>", rows) or "—"


@admin.register(School)
class SchoolAdmin(ScopedAdmin):
    resource_classes = [SchoolResource]
    list_display = ("name", "code", "group", "stage", "peer_category", "district", "legal_representative")
    list_select_related = ("group", "peer_category")
    search_fields = ("name", "code", "credit_code")
    list_filter = ("stage", related_only("group"), related_only("peer_category"))
    autocomplete_fields = ("group", "peer_category")


class CampusAccessInline(GenericTabularInline):
    """Accounts holding the campus permission (执行副校长 access) on this campus."""

    model = UserObjectPermission
    ct_field = "content_type"
    ct_fk_field = "object_pk"
    fields = ("user",)
    autocomplete_fields = ("user",)
    extra = 0
    verbose_name = _("account with access to this campus")
    verbose_name_plural = _("accounts with access to this campus (campus executive vice-principals)")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.filter(permission__codename=CAMPUS_CODENAME).select_related("user")


@admin.register(Campus)
class CampusAdmin(ScopedAdmin):
    resource_classes = [CampusResource]
    list_display = (
        "name",
        "code",
        "school",
        "is_core",
        "executive_vice_principal",
        "opened_on",
        "planned_capacity",
    )
    list_select_related = ("school", "executive_vice_principal")
    search_fields = ("name", "code", "school__name")
    list_filter = ("is_core", related_only("school"))
    autocomplete_fields = ("school", "executive_vice_principal")
    inlines = [CampusAccessInline]

    def get_inlines(self, request, obj):
        # Only those who may manage accounts see and change who holds a campus.
        return self.inlines if request.user.has_perm("guardian.view_userobjectpermission") else []

    def save_formset(self, request, form, formset, change):
        if formset.model is not UserObjectPermission:
            return super().save_formset(request, form, formset, change)
        campus = form.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            instance = inline_form.instance
            if inline_form in formset.deleted_forms:
                if instance.pk:
                    held = UserObjectPermission.objects.select_related("user").get(pk=instance.pk)
                    campus_revoke_access(user=held.user, campus=campus)
                    formset.deleted_objects.append(held)
                continue
            if not inline_form.has_changed() or not inline_form.cleaned_data.get("user"):
                continue
            user = inline_form.cleaned_data["user"]
            if instance.pk:
                previous = UserObjectPermission.objects.select_related("user").get(pk=instance.pk).user
                campus_revoke_access(user=previous, campus=campus)
            campus_grant_access(user=user, campus=campus)
            granted = UserObjectPermission.objects.get(
                user=user, permission__codename=CAMPUS_CODENAME, object_pk=str(campus.pk)
            )
            if instance.pk:
                formset.changed_objects.append((granted, ["user"]))
            else:
                formset.new_objects.append(granted)


@admin.register(EnrollmentSnapshot)
class EnrollmentSnapshotAdmin(ScopedAdmin):
    resource_classes = [EnrollmentSnapshotResource]
    list_display = ("campus", "school_year", "semester", "grade", "classes", "pupils", "class_sizes")
    list_select_related = ("campus",)
    search_fields = ("campus__name", "campus__code")
    list_filter = ("school_year", "semester", "grade", related_only("campus"))
    autocomplete_fields = ("campus",)


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
