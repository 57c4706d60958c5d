"""django-filter filtersets of the campuses app; every choice of a related record comes from
the user's scope."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kernel.filters import StyledFilterSet

from .models import Campus, EducationGroup, EnrollmentSnapshot, ExpansionApplication, School


def _scoped(model):
    def queryset(request):
        if request is None:
            return model.objects.none()
        # distinct: a school is reached through its campuses, one row per campus otherwise.
        return model.objects.for_user(request.user).distinct()

    return queryset


class EducationGroupFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))

    class Meta:
        model = EducationGroup
        fields = ["q", "governance_mode", "charter_status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class CampusFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    group = django_filters.ModelChoiceFilter(
        field_name="school__group", label=_("Education group"), queryset=_scoped(EducationGroup)
    )
    school = django_filters.ModelChoiceFilter(label=_("School"), queryset=_scoped(School))
    is_core = django_filters.BooleanFilter(label=_("Core campus"))

    class Meta:
        model = Campus
        fields = ["q", "group", "school", "is_core"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(code__icontains=value) | Q(address__icontains=value)
        )


GRADE_CHOICES = [(n, str(n)) for n in range(1, 10)]


class EnrollmentFilterSet(StyledFilterSet):
    campus = django_filters.ModelChoiceFilter(label=_("Campus"), queryset=_scoped(Campus))
    school_year = django_filters.NumberFilter(label=_("School year"), min_value=2000)
    semester = django_filters.ChoiceFilter(label=_("Term"), choices=EnrollmentSnapshot.Semester.choices)
    grade = django_filters.ChoiceFilter(label=_("Grade"), choices=GRADE_CHOICES)

    class Meta:
        model = EnrollmentSnapshot
        fields = ["campus", "school_year", "semester", "grade"]


class ExpansionApplicationFilterSet(StyledFilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=ExpansionApplication.Kind.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=ExpansionApplication.AppStatus.choices)

    class Meta:
        model = ExpansionApplication
        fields = ["kind", "status"]
