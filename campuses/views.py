"""Views of the campuses app: groups, schools, campuses, enrollment and the policy rules.

All start from `for_user` (groupschool.scoping): a vice-principal sees their own campus only,
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

from groupschool.generic import PortalDetailView, PortalListView
from groupschool.scoping import user_scope
from staff.models import LeadershipPost, StaffingQuota
from staff.selectors import rotation_figures, staff_figures, staff_totals

from .filters import CampusFilterSet, EducationGroupFilterSet, EnrollmentFilterSet
from .forms import TermForm, YearForm
from .models import Campus, EducationGroup, EnrollmentSnapshot, School
from .selectors import (
    ClassSizeThresholds,
    campus_terms,
    enrollment_figures,
    enrollment_totals,
    policy_rows,
    policy_values_from_rows,
)
from .tables import CampusTable, EducationGroupTable, EnrollmentTable

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


class CampusFiguresMixin:
    """Enrollment, staff and exchange figures of a set of campuses, for a detail page."""

    def campus_figures(self, campuses) -> dict:
        rules = policy_rows(ENROLLMENT_RULES + ROTATION_RULES)
        values = policy_values_from_rows(rules)
        enrollment = enrollment_figures(campuses=campuses, policy=values)
        staff = staff_figures(campuses=campuses)
        year = requested_year(self.request)
        rotations = rotation_figures(user=self.request.user, year=year, campus_ids=[c.pk for c in campuses])
        rows = [
            {
                "campus": campus,
                "enrollment": enrollment.get(campus.pk),
                "staff": staff.get(campus.pk),
                "rotation": rotations.for_campus(campus.pk),
            }
            for campus in campuses
        ]
        return {
            "figure_rows": rows,
            "enrollment_total": enrollment_totals(enrollment.values()),
            "staff_total": staff_totals(staff.values()),
            "rotations": rotations,
            "policy_rules": rules,
            "thresholds": ClassSizeThresholds.from_policy(values),
            "year": year,
        }


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


class EducationGroupDetailView(CampusFiguresMixin, PortalDetailView):
    model = EducationGroup
    related = ("core_school",)
    template_name = "campuses/educationgroup_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        group = self.object
        schools = list(
            School.objects.for_user(user).filter(group=group).select_related("peer_category").distinct()
        )
        campuses = list(
            Campus.objects.for_user(user)
            .filter(school__group=group)
            .select_related("school", "executive_vice_principal")
        )
        context.update(
            schools=schools,
            leadership=LeadershipPost.objects.filter(group=group).select_related("person"),
            **self.campus_figures(campuses),
        )
        return context


class SchoolDetailView(CampusFiguresMixin, PortalDetailView):
    model = School
    related = ("group", "peer_category")
    template_name = "campuses/school_detail.html"

    def get_queryset(self):
        # School's scope goes through its campuses (a reverse relation): one row per campus in
        # scope unless made distinct.
        return super().get_queryset().distinct()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campuses = list(
            Campus.objects.for_user(self.request.user)
            .filter(school=self.object)
            .select_related("school", "executive_vice_principal")
        )
        context.update(self.campus_figures(campuses))
        return context


class CampusListView(PortalListView):
    model = Campus
    table_class = CampusTable
    filterset_class = CampusFilterSet
    title = _("Campuses")
    export_name = "campuses"
    related = ("school__group", "executive_vice_principal")

    def get_table_kwargs(self):
        if not hasattr(self, "_figures"):
            campuses = self.object_list
            self._figures = {
                "enrollment": enrollment_figures(campuses=campuses),
                "staff": staff_figures(campuses=campuses),
            }
        return dict(self._figures)


class CampusDetailView(PortalDetailView):
    model = Campus
    related = ("school__group", "school__peer_category", "executive_vice_principal")
    template_name = "campuses/campus_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campus = self.object
        terms = campus_terms(campus=campus)
        term_form = TermForm(self.request.GET or None, terms=terms)
        term = term_form.cleaned_data["term"] if term_form.is_valid() else None
        rules = policy_rows(ENROLLMENT_RULES + ROTATION_RULES)
        values = policy_values_from_rows(rules)
        enrollment = enrollment_figures(
            campus_ids=[campus.pk],
            school_year=term.school_year if term else None,
            semester=term.semester if term else None,
            policy=values,
        ).get(campus.pk)
        year = requested_year(self.request)
        rotations = rotation_figures(user=self.request.user, year=year, campus_ids=[campus.pk])
        context.update(
            term_form=term_form,
            enrollment=enrollment,
            thresholds=ClassSizeThresholds.from_policy(values),
            staff=staff_figures(campus_ids=[campus.pk]).get(campus.pk),
            rotation=rotations.for_campus(campus.pk),
            rotations=rotations,
            year=year,
            quota=StaffingQuota.objects.filter(campus=campus).order_by("-year").first(),
            policy_rules=rules,
            campus_links=links(
                (_("Staff"), "staff:member_list", f"home_campus={campus.pk}"),
                (_("Rotations"), "staff:rotation_list", f"campus={campus.pk}"),
                (_("Mentoring pairs"), "staff:mentorship_list", f"campus={campus.pk}"),
                (_("Enrollment"), "campuses:enrollment_list", f"campus={campus.pk}"),
            ),
        )
        return context


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
        if user.is_staff and user.has_perm("groupschool.change_policysetting"):
            context["admin_url"] = url_or_none("admin:groupschool_policysetting_changelist")
        return context
