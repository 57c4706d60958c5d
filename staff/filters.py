"""django-filter filtersets of the staff app."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from campuses.models import Campus
from kernel.filters import StyledFilterSet

from .forms import rotation_target_campuses
from .models import (
    CrossCampusActivity,
    Distinction,
    Mentorship,
    PostType,
    ProfessionalTitle,
    ResearchProject,
    Rotation,
    RotationCategory,
    StaffingQuota,
    StaffMember,
    Studio,
    Subject,
)

# --- Staff members and rotations (helper "members") ---


#: A campus choice shows its name (Campus.__str__): a city's 522 options were built as whole
#: records on every list page, a fifth of the staff list's time.
CHOICE_FIELDS = ("pk", "name")


def _campuses_in_scope(request):
    return Campus.objects.for_user(request.user).only(*CHOICE_FIELDS) if request else Campus.objects.none()


def _rotation_campuses(request):
    return rotation_target_campuses(request.user).only(*CHOICE_FIELDS) if request else Campus.objects.none()


class StaffFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or staff number"), method="filter_q")
    home_campus = django_filters.ModelChoiceFilter(label=_("home campus"), queryset=_campuses_in_scope)
    subject = django_filters.ChoiceFilter(label=_("subject"), choices=Subject.choices)
    distinction = django_filters.ChoiceFilter(
        label=_("distinction"), choices=Distinction.Kind.choices, method="filter_distinction"
    )
    post_type = django_filters.ChoiceFilter(label=_("post"), choices=PostType.choices)
    professional_title = django_filters.ChoiceFilter(
        label=_("professional title"), choices=ProfessionalTitle.choices
    )
    is_active = django_filters.BooleanFilter(label=_("in post"))

    class Meta:
        model = StaffMember
        fields = [
            "q",
            "home_campus",
            "subject",
            "distinction",
            "post_type",
            "professional_title",
            "is_active",
        ]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(staff_number__icontains=value))

    def filter_distinction(self, queryset, name, value):
        # Exists rather than a join, so that a person with two levels of it is listed once.
        return queryset.filter(Exists(Distinction.objects.filter(staff=OuterRef("pk"), kind=value)))


class RotationFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=Rotation.Status.choices)
    from_campus = django_filters.ModelChoiceFilter(label=_("from campus"), queryset=_rotation_campuses)
    to_campus = django_filters.ModelChoiceFilter(label=_("to campus"), queryset=_rotation_campuses)
    category = django_filters.ChoiceFilter(label=_("category"), choices=RotationCategory.choices)
    year = django_filters.NumberFilter(
        label=_("Year of start"), field_name="start_on", lookup_expr="year", min_value=2000, max_value=2100
    )

    class Meta:
        model = Rotation
        fields = ["status", "from_campus", "to_campus", "category", "year"]


# --- Mentoring, studios, projects, activities, quotas (helper "programmes") ---


def _year_filter(label):
    return django_filters.NumberFilter(label=label, method="filter_year", min_value=2000, max_value=2100)


class MentorshipFilterSet(StyledFilterSet):
    campus = django_filters.ModelChoiceFilter(label=_("campus"), queryset=_campuses_in_scope)
    status = django_filters.ChoiceFilter(label=_("status"), choices=Mentorship.Status.choices)
    year = _year_filter(_("Year (pairs running in it)"))

    class Meta:
        model = Mentorship
        fields = ["campus", "status", "year"]

    def filter_year(self, queryset, name, value):
        # A pair counts for every calendar year it runs in, not only the year it started.
        return queryset.filter(start_on__year__lte=value, end_on__year__gte=value)


class StudioFilterSet(StyledFilterSet):
    campus = django_filters.ModelChoiceFilter(label=_("host campus"), queryset=_campuses_in_scope)
    subject = django_filters.ChoiceFilter(label=_("subject"), choices=Subject.choices)
    level = django_filters.ChoiceFilter(label=_("level"), choices=Distinction.Level.choices)

    class Meta:
        model = Studio
        fields = ["campus", "subject", "level"]


class ResearchProjectFilterSet(StyledFilterSet):
    campus = django_filters.ModelChoiceFilter(label=_("campus"), queryset=_campuses_in_scope)
    status = django_filters.ChoiceFilter(label=_("status"), choices=ResearchProject.Status.choices)
    level = django_filters.ChoiceFilter(label=_("level"), choices=Distinction.Level.choices)

    class Meta:
        model = ResearchProject
        fields = ["campus", "status", "level"]


class ActivityFilterSet(StyledFilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=CrossCampusActivity.Kind.choices)
    # A vice-principal also sees activities hosted by the group's other campuses that theirs joined.
    host_campus = django_filters.ModelChoiceFilter(label=_("host campus"), queryset=_rotation_campuses)
    held_from = django_filters.DateFilter(
        label=_("Date from"),
        field_name="held_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    held_to = django_filters.DateFilter(
        label=_("Date to"),
        field_name="held_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = CrossCampusActivity
        fields = ["kind", "host_campus", "held_from", "held_to"]


class StaffingQuotaFilterSet(StyledFilterSet):
    campus = django_filters.ModelChoiceFilter(label=_("campus"), queryset=_campuses_in_scope)
    year = django_filters.NumberFilter(label=_("year"), min_value=2000, max_value=2100)

    class Meta:
        model = StaffingQuota
        fields = ["campus", "year"]
