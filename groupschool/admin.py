"""Admin of policy settings, user accounts and their access history.

A user's roles are Django groups; their campus and group access are guardian object
permissions. Both are kept in history (groupschool.models._register_access_history): the user
page shows the roles and access held now and every change, with who made it and when.
"""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import CharField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from guardian.models import GroupObjectPermission, UserObjectPermission
from simple_history.admin import SimpleHistoryAdmin

from campuses.models import Campus, EducationGroup
from kernel.admin_base import ReadOnlyAdmin
from kernel.roles import CAMPUS_PERMISSION, GROUP_PERMISSION
from kernel.roles import role_label as _role_label

User = get_user_model()

#: How many access changes the user page lists (the full list is one click away).
RECENT_ACCESS_CHANGES = 20
#: How many of the account's own history rows (one per save, sign-ins included) are read to find
#: the changes of its roles among them.
ACCOUNT_ROWS_READ = 500

# --------------------------------------------------------------------------------------------
# The admin site in the portal's name and language

admin.site.site_header = _("Group-school portal administration")
admin.site.site_title = _("Group-school portal administration")
admin.site.index_title = _("Records and settings")

#: django-axes (login throttling) ships no Chinese: its labels are translated in our catalogue,
#: and these msgids keep them there (`make messages` drops entries no source file uses).
AXES_LABELS = (
    _("access attempt"),
    _("access attempts"),
    _("access failure"),
    _("access failures"),
    _("access log"),
    _("access logs"),
    _("access attempt expiration"),
    _("access attempt expirations"),
    _("User Agent"),
    _("IP Address"),
    _("Username"),
    _("HTTP Accept"),
    _("Path"),
    _("Attempt Time"),
    _("Access lock out"),
    _("GET Data"),
    _("POST Data"),
    _("Failed Logins"),
    _("Access Attempt"),
    _("Expires At"),
    _("The time when access attempt expires and is no longer valid."),
    _("Logout Time"),
    _("Session key hash (sha256)"),
    _("Locked Out"),
    _("Form Data"),
    _("Meta Data"),
    _("Clean up expired attempts"),
    _("Not set"),
    _("Attempt Remaining"),
)
apps.get_app_config("axes").verbose_name = _("Login throttling")


class _AdminJavaScriptCatalog(JavaScriptCatalog):
    """The admin's JavaScript strings, completed by our catalogue (locale/*/djangojs.po):
    Django's Chinese lacks those of the many-to-many selector ("Choose all %s"...)."""

    def get_paths(self, packages):
        return [*super().get_paths(packages), *(str(path) for path in settings.LOCALE_PATHS)]


def _admin_i18n_javascript(request, extra_context=None):
    return _AdminJavaScriptCatalog.as_view(packages=["django.contrib.admin"])(request)


admin.site.i18n_javascript = _admin_i18n_javascript

#: The verbs of Django's default permissions ("add_staffmember"...), shown in the interface
#: language; their stored names ("Can add staff member") are written in English at migrate time.
PERMISSION_ACTIONS = {
    "add": pgettext_lazy("permission", "add"),
    "change": pgettext_lazy("permission", "change"),
    "delete": pgettext_lazy("permission", "delete"),
    "view": pgettext_lazy("permission", "view"),
}


def permission_name(permission: Permission) -> str:
    """A permission's name in the interface language: "Can add staff member" as 可以添加教职工
    (verb and the model's verbose name); a model's own permissions by their translated name."""
    action, _sep, model_name = permission.codename.partition("_")
    model = permission.content_type.model_class() if permission.content_type_id else None
    if action in PERMISSION_ACTIONS and model is not None and model_name == model._meta.model_name:
        return gettext("Can %(action)s %(model)s") % {
            "action": PERMISSION_ACTIONS[action],
            "model": model._meta.verbose_name,
        }
    return gettext(permission.name)


def permission_label(permission: Permission) -> str:
    """'集团与校区 | 可以添加校区': the app, then the permission's name (which names the model)."""
    content_type = permission.content_type
    app = content_type.app_label
    if content_type.model_class() is not None:
        app = apps.get_app_config(app).verbose_name
    return f"{app} | {permission_name(permission)}"


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


class RoleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _role_label(obj.name)


class RoleLabelsMixin:
    """Roles (groups) offered by their labels and permissions in the interface language."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.related_model is Permission:
            kwargs["form_class"] = PermissionChoiceField
            kwargs.setdefault("queryset", Permission.objects.select_related("content_type"))
        elif db_field.related_model is Group:
            kwargs["form_class"] = RoleChoiceField
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)


class RoleListFilter(admin.SimpleListFilter):
    """The users holding a role, by its label (Django's filter would list the group codes)."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [(group.pk, _role_label(group.name)) for group in Group.objects.order_by("name")]

    def queryset(self, request, queryset):
        if self.value() and str(self.value()).isdigit():
            return queryset.filter(groups__pk=self.value())
        return queryset


# --------------------------------------------------------------------------------------------
# Users, roles and access


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


def _role_history_prefetch() -> Prefetch:
    """The roles each historical user row held, with their groups, in one query.

    `row.groups` on a historical user is django-simple-history's manager of the m2m history
    rows (HistoricalUser_groups), which `prefetch_related("groups__group")` cannot follow: the
    reverse relation from those rows to their historical user is prefetched instead."""
    history_model = User.history.model
    relation = next(
        rel
        for rel in history_model._meta.related_objects
        if rel.field.name == "history" and any(f.name == "group" for f in rel.related_model._meta.fields)
    )
    return Prefetch(
        relation.get_accessor_name(),
        queryset=relation.related_model._default_manager.select_related("group").order_by("group__name"),
        to_attr="role_rows",
    )


class PortalUserAdmin(RoleLabelsMixin, UserAdmin, SimpleHistoryAdmin):
    """Django's user admin, plus the roles, campus/group access and access history."""

    list_display = ("username", "first_name", "roles", "is_staff", "is_superuser", "is_active", "last_login")
    list_filter = (RoleListFilter, "is_staff", "is_superuser", "is_active")
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
            ((_object_label(row, names), permission_name(row.permission)) for row in rows),
        )

    @admin.display(description=_("changes of roles and access"))
    def access_history(self, obj):
        """The latest changes of the account's roles and campus/group access, newest first:
        grants and withdrawals of object permissions, and the account's history rows whose
        roles differ from the row before (an edit of the name or a sign-in is left out)."""
        if obj is None or obj.pk is None:
            return "—"
        history_model = UserObjectPermission.history.model
        permission_rows = list(
            history_model.objects.filter(user_id=obj.pk)
            .select_related("history_user", "permission__content_type", "content_type")
            .order_by("-history_date")[:RECENT_ACCESS_CHANGES]
        )
        names = _object_names(permission_rows)
        changes = [
            (
                row.history_date,
                row.history_user,
                row.get_history_type_display(),
                "{} — {}".format(
                    _object_label(row, names), permission_name(row.permission) if row.permission_id else "—"
                ),
            )
            for row in permission_rows
        ]
        account_rows = list(
            User.history.filter(id=obj.pk)
            .select_related("history_user")
            .prefetch_related(_role_history_prefetch())
            .order_by("-history_date", "-history_id")[:ACCOUNT_ROWS_READ]
        )
        previous = None
        for row in reversed(account_rows):
            roles = tuple(sorted(g.group.name for g in row.role_rows if g.group_id))
            if roles != previous:
                changes.append(
                    (
                        row.history_date,
                        row.history_user,
                        row.get_history_type_display(),
                        _("roles: %(roles)s")
                        % {"roles": "、".join(_role_label(name) for name in roles) or "—"},
                    )
                )
            previous = roles
        changes.sort(key=lambda change: change[0], reverse=True)
        lines = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (localtime(when).strftime("%Y-%m-%d %H:%M"), who or "—", change, what)
                for when, who, change, what in changes[:RECENT_ACCESS_CHANGES]
            ),
        )
        full_list = reverse("admin:groupschool_historicaluserobjectpermission_changelist")
        user_history = reverse("admin:auth_user_history", args=(obj.pk,))
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>"
            '<p><a href="{}?user={}">{}</a> · <a href="{}">{}</a></p>',
            _("when"),
            _("by"),
            _("change"),
            _("what"),
            lines,
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

    @admin.display(description=_("permission"), ordering="permission")
    def permission_label(self, obj):
        return permission_name(obj.permission) if obj.permission_id else "—"


@admin.register(UserObjectPermission.history.model)
class UserObjectPermissionHistoryAdmin(_ObjectPermissionHistoryAdmin):
    list_display = ("history_date", "history_user", "change", "user", "permission_label", "object_name")
    list_select_related = ("history_user", "user", "permission__content_type", "content_type")
    search_fields = ("user__username", "user__first_name", "history_user__username")


@admin.register(GroupObjectPermission.history.model)
class GroupObjectPermissionHistoryAdmin(_ObjectPermissionHistoryAdmin):
    list_display = ("history_date", "history_user", "change", "role", "permission_label", "object_name")
    list_select_related = ("history_user", "group", "permission__content_type", "content_type")
    search_fields = ("group__name", "history_user__username")

    @admin.display(description=_("role"), ordering="group__name")
    def role(self, obj):
        return _role_label(obj.group.name) if obj.group_id else "—"


class PortalGroupAdmin(RoleLabelsMixin, GroupAdmin):
    """Roles by their labels, with the code they are stored under, and their permissions in the
    interface language."""

    list_display = ("role", "name")

    @admin.display(description=_("role"), ordering="name")
    def role(self, obj):
        return _role_label(obj.name)


if admin.site.is_registered(Group):
    admin.site.unregister(Group)
admin.site.register(Group, PortalGroupAdmin)
