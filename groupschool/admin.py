"""Admin of policy settings, user accounts and their access history.

A user's roles are Django groups; their campus and group access are guardian object
permissions. Both are kept in history (groupschool.models._register_access_history): the user
page shows the roles and access held now and every change, with who made it and when.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import CharField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermission, UserObjectPermission
from simple_history.admin import SimpleHistoryAdmin

from campuses.models import Campus, EducationGroup

from .admin_base import PortalResource, ReadOnlyAdmin, ScopedAdmin
from .models import PolicySetting
from .roles import CAMPUS_PERMISSION, GROUP_PERMISSION, Role

User = get_user_model()

#: How many access changes the user page lists (the full list is one click away).
RECENT_ACCESS_CHANGES = 20


class PolicySettingResource(PortalResource):
    class Meta:
        model = PolicySetting
        import_id_fields = ("key",)
        fields = ("key", "value", "note")


@admin.register(PolicySetting)
class PolicySettingAdmin(ScopedAdmin):
    resource_classes = [PolicySettingResource]
    list_display = ("key", "value", "default_value", "note")
    search_fields = ("key", "note")
    list_filter = ("key",)

    @admin.display(description=_("default"))
    def default_value(self, obj):
        return obj.rule.default


# --------------------------------------------------------------------------------------------
# Users, roles and access


def _role_label(name: str) -> str:
    try:
        return str(Role(name).label)
    except ValueError:
        return name


def _object_names(rows) -> dict[tuple[str, str], str]:
    """Names of the campuses and groups named by object-permission rows, in two queries."""
    wanted: dict[str, set[int]] = {"campus": set(), "educationgroup": set()}
    for row in rows:
        model = row.content_type.model if row.content_type_id else ""
        if model in wanted and str(row.object_pk).isdigit():
            wanted[model].add(int(row.object_pk))
    names = {}
    for model, ids in (("campus", wanted["campus"]), ("educationgroup", wanted["educationgroup"])):
        if ids:
            source = Campus if model == "campus" else EducationGroup
            for pk, name in source._default_manager.filter(pk__in=ids).values_list("pk", "name"):
                names[(model, str(pk))] = name
    return names


def _object_label(row, names) -> str:
    model = row.content_type.model if row.content_type_id else ""
    name = names.get((model, str(row.object_pk)))
    if name is None:
        return f"{row.content_type} #{row.object_pk}" if row.content_type_id else str(row.object_pk)
    return f"{row.content_type}: {name}"


class PortalUserAdmin(UserAdmin, SimpleHistoryAdmin):
    """Django's user admin, plus the roles, campus/group access and access history."""

    list_display = ("username", "first_name", "roles", "is_staff", "is_superuser", "is_active", "last_login")
    list_filter = ("groups", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "first_name", "last_name", "email")
    readonly_fields = ("object_access", "access_history")
    fieldsets = UserAdmin.fieldsets + (
        (_("Campus and group access"), {"fields": ("object_access", "access_history")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(Prefetch("groups", to_attr="role_list"))

    @admin.display(description=_("roles"))
    def roles(self, obj):
        groups = getattr(obj, "role_list", None)
        if groups is None:
            groups = list(obj.groups.all())
        return "、".join(_role_label(group.name) for group in groups) or "—"

    @admin.display(description=_("campuses and groups this account manages"))
    def object_access(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        rows = list(
            UserObjectPermission.objects.filter(
                user=obj,
                permission__codename__in=[CAMPUS_PERMISSION.split(".")[1], GROUP_PERMISSION.split(".")[1]],
            ).select_related("content_type", "permission")
        )
        if not rows:
            return _("None: this account sees no campus through object permissions.")
        names = _object_names(rows)
        return format_html_join(
            "",
            "<div>{} — {}</div>",
            ((_object_label(row, names), row.permission.name) for row in rows),
        )

    @admin.display(description=_("changes of roles and access"))
    def access_history(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        history_model = UserObjectPermission.history.model
        rows = list(
            history_model.objects.filter(user_id=obj.pk)
            .select_related("history_user", "permission", "content_type")
            .order_by("-history_date")[:RECENT_ACCESS_CHANGES]
        )
        names = _object_names(rows)
        permission_lines = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} — {}</td></tr>",
            (
                (
                    row.history_date.strftime("%Y-%m-%d %H:%M"),
                    row.history_user or "—",
                    row.get_history_type_display(),
                    _object_label(row, names),
                    row.permission.name if row.permission_id else "—",
                )
                for row in rows
            ),
        )
        role_rows = list(
            User.history.filter(id=obj.pk)
            .select_related("history_user")
            .prefetch_related("groups__group")
            .order_by("-history_date")[:RECENT_ACCESS_CHANGES]
        )
        role_lines = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    row.history_date.strftime("%Y-%m-%d %H:%M"),
                    row.history_user or "—",
                    row.get_history_type_display(),
                    _("roles: %(roles)s")
                    % {
                        "roles": "、".join(_role_label(g.group.name) for g in row.groups.all() if g.group)
                        or "—"
                    },
                )
                for row in role_rows
            ),
        )
        full_list = reverse("admin:groupschool_historicaluserobjectpermission_changelist")
        user_history = reverse("admin:auth_user_history", args=(obj.pk,))
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}{}</tbody></table>"
            '<p><a href="{}?user={}">{}</a> · <a href="{}">{}</a></p>',
            _("when"),
            _("by"),
            _("change"),
            _("what"),
            permission_lines,
            role_lines,
            full_list,
            obj.pk,
            _("All access changes of this account"),
            user_history,
            _("All changes of this account"),
        )


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, PortalUserAdmin)


class _ObjectPermissionHistoryAdmin(ReadOnlyAdmin):
    """Who granted or withdrew which campus or group permission, and when."""

    list_filter = ("history_type", "history_date")
    date_hierarchy = "history_date"
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        # The object's name, for campuses and groups, without one query per row.
        as_id = OuterRef("object_pk")
        return (
            super()
            .get_queryset(request)
            .annotate(
                campus_name=Subquery(
                    Campus._default_manager.annotate(key=Cast("pk", CharField()))
                    .filter(key=as_id)
                    .values("name")[:1]
                ),
                group_name=Subquery(
                    EducationGroup._default_manager.annotate(key=Cast("pk", CharField()))
                    .filter(key=as_id)
                    .values("name")[:1]
                ),
            )
        )

    @admin.display(description=_("object"))
    def object_name(self, obj):
        model = obj.content_type.model if obj.content_type_id else ""
        name = {"campus": obj.campus_name, "educationgroup": obj.group_name}.get(model)
        return f"{obj.content_type}: {name or obj.object_pk}" if obj.content_type_id else obj.object_pk

    @admin.display(description=_("change"), ordering="history_type")
    def change(self, obj):
        return obj.get_history_type_display()


@admin.register(UserObjectPermission.history.model)
class UserObjectPermissionHistoryAdmin(_ObjectPermissionHistoryAdmin):
    list_display = ("history_date", "history_user", "change", "user", "permission", "object_name")
    list_select_related = ("history_user", "user", "permission__content_type", "content_type")
    search_fields = ("user__username", "user__first_name", "history_user__username")


@admin.register(GroupObjectPermission.history.model)
class GroupObjectPermissionHistoryAdmin(_ObjectPermissionHistoryAdmin):
    list_display = ("history_date", "history_user", "change", "group", "permission", "object_name")
    list_select_related = ("history_user", "group", "permission__content_type", "content_type")
    search_fields = ("group__name", "history_user__username")
