"""The pages of a group, a school and a campus, and the list of campuses: enrollment (campuses)
beside staff and exchanges (staff), so they live above both apps; served under the campuses
namespace (groupschool/urls.py: `campuses:group_detail`, `campuses:school_detail`,
`campuses:campus_list`, `campuses:campus_detail`).

All start from `for_user` (kernel.scoping): a vice-principal sees their own campus only, and the
page of their group or school shows only that campus.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _

from campuses.filters import CampusFilterSet
from campuses.forms import TermForm
from campuses.models import Campus, EducationGroup, School
from campuses.selectors import (
    ClassSizeThresholds,
    campus_terms,
    campuses_in_scope,
    enrollment_figures,
    enrollment_totals,
    policy_rows,
    policy_values_from_rows,
    schools_of_group,
)
from campuses.tables import CampusTable
from campuses.views import ENROLLMENT_RULES, ROTATION_RULES, links, requested_year
from kernel.generic import PortalDetailView, PortalListView
from staff.selectors import group_leadership, latest_quota, rotation_figures, staff_figures, staff_totals


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


class EducationGroupDetailView(CampusFiguresMixin, PortalDetailView):
    model = EducationGroup
    related = ("core_school",)
    template_name = "campuses/educationgroup_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        group = self.object
        context.update(
            schools=schools_of_group(user=user, group=group),
            leadership=group_leadership(group=group),
            **self.campus_figures(campuses_in_scope(user=user, group=group)),
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
        campuses = campuses_in_scope(user=self.request.user, school=self.object)
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
            quota=latest_quota(campus=campus),
            policy_rules=rules,
            campus_links=links(
                (_("Staff"), "staff:member_list", f"home_campus={campus.pk}"),
                (_("Rotations"), "staff:rotation_list", f"campus={campus.pk}"),
                (_("Mentoring pairs"), "staff:mentorship_list", f"campus={campus.pk}"),
                (_("Enrollment"), "campuses:enrollment_list", f"campus={campus.pk}"),
            ),
        )
        return context


#: Joined to campuses.urls under the "campuses" namespace (groupschool/urls.py).
urlpatterns = [
    path("campuses/groups/<int:pk>/", EducationGroupDetailView.as_view(), name="group_detail"),
    path("campuses/schools/<int:pk>/", SchoolDetailView.as_view(), name="school_detail"),
    path("campuses/", CampusListView.as_view(), name="campus_list"),
    path("campuses/<int:pk>/", CampusDetailView.as_view(), name="campus_detail"),
]
