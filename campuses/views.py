"""Views of the campuses app: the list of groups, enrollment and the policy rules.

The pages of a group, a school and a campus, and the list of campuses, show staff and exchange
figures beside enrollment: they belong to the layer above both apps (groupschool/campus_views.py),
and groupschool/urls.py serves them under this app's namespace (`campuses:campus_detail`...).

All start from `for_user` (kernel.scoping): a vice-principal sees their own campus only,
and the page of their group or school shows only that campus.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, FloatField, Q
from django.db.models.functions import Cast, NullIf
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from kernel.generic import PortalListView
from kernel.scoping import user_scope

from .filters import EducationGroupFilterSet, EnrollmentFilterSet
from .forms import YearForm
from .models import EducationGroup, EnrollmentSnapshot
from .selectors import (
    ClassSizeThresholds,
    policy_rows,
    policy_values_from_rows,
)
from .tables import EducationGroupTable, EnrollmentTable

#: Rules shown next to the enrollment figures of group, school and campus pages.
ENROLLMENT_RULES = (
    "big_class_from",
    "super_big_class_from",
    "class_size_standard_primary",
    "class_size_standard_junior",
    "school_size_max",
    "school_size_max_nine_year",
)
ROTATION_RULES = ("rotation_eligible_years", "rotation_share_target", "rotation_backbone_share_target")


def url_or_none(name: str, *args, query: str = "") -> str | None:
    """The URL of `name`, or None while that page does not exist (yet)."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{query}" if query else url


def links(*entries: tuple[str, str, str]) -> list[dict]:
    """[(label, url name, query)] → the ones whose page exists, as {label, url}."""
    result = []
    for label, name, query in entries:
        url = url_or_none(name, query=query)
        if url:
            result.append({"label": label, "url": url})
    return result


def requested_year(request) -> int:
    form = YearForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["year"]:
        return form.cleaned_data["year"]
    return timezone.localdate().year


class EducationGroupListView(PortalListView):
    model = EducationGroup
    table_class = EducationGroupTable
    filterset_class = EducationGroupFilterSet
    title = _("Education groups")
    export_name = "education-groups"
    related = ("core_school",)

    def get_queryset(self):
        queryset = super().get_queryset()
        scope = user_scope(self.request.user)
        # A vice-principal counts only the schools and campuses they can see.
        in_scope = Q() if scope.everything else Q(schools__campuses__in=scope.campus_ids)
        return queryset.annotate(
            n_schools=Count("schools", filter=in_scope, distinct=True),
            n_campuses=Count("schools__campuses", filter=in_scope, distinct=True),
        ).order_by("name")


class EnrollmentListView(PortalListView):
    model = EnrollmentSnapshot
    table_class = EnrollmentTable
    filterset_class = EnrollmentFilterSet
    title = _("Enrollment")
    export_name = "enrollment"
    template_name = "campuses/enrollmentsnapshot_list.html"
    related = ("campus",)

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(average=Cast(F("pupils"), FloatField()) / NullIf(F("classes"), 0))
            .order_by("campus__school__name", "campus__name", "-school_year", "-semester", "grade")
        )

    def get_table_kwargs(self):
        if not hasattr(self, "_rules"):
            self._rules = policy_rows(ENROLLMENT_RULES)
        return {"thresholds": ClassSizeThresholds.from_policy(policy_values_from_rows(self._rules))}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["policy_rules"] = self._rules
        return context


class PolicyView(TemplateView):
    """Every policy rule with its value in force, default, unit and source (read-only: the
    administrators edit them in the admin)."""

    template_name = "campuses/policy.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_scope(request.user).roles:
            raise PermissionDenied(_("Your account has no role in the portal yet."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["rules"] = policy_rows()
        if user.is_staff and user.has_perm("kernel.change_policysetting"):
            context["admin_url"] = url_or_none("admin:kernel_policysetting_changelist")
        return context
