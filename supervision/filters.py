"""Filtersets of the supervision app."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campuses.models import Campus, EducationGroup
from kernel.dates import local_today
from kernel.filters import StyledFilterSet

from .models import Experience, Rectification, SupervisionVisit


class SupervisionVisitFilterSet(StyledFilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=SupervisionVisit.Kind.choices)
    group = django_filters.ModelChoiceFilter(
        label=_("education group"), queryset=EducationGroup.objects.all(), method="filter_group"
    )
    campus = django_filters.ModelChoiceFilter(label=_("campus"), queryset=Campus.objects.all())
    visited_after = django_filters.DateFilter(
        label=_("visited from"), field_name="visited_on", lookup_expr="gte"
    )
    visited_before = django_filters.DateFilter(
        label=_("visited until"), field_name="visited_on", lookup_expr="lte"
    )

    class Meta:
        model = SupervisionVisit
        fields = ["kind", "group", "campus", "visited_after", "visited_before"]

    def filter_group(self, queryset, name, value):
        # A group's visits: to the group itself and to each of its campuses.
        return queryset.filter(Q(group=value) | Q(campus__school__group=value))


class RectificationFilterSet(StyledFilterSet):
    OVERDUE = "overdue"

    q = django_filters.CharFilter(label=_("Text"), field_name="description", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(
        label=_("status"),
        choices=[*Rectification.RectStatus.choices, (OVERDUE, _("Overdue"))],
        method="filter_status",
    )
    campus = django_filters.ModelChoiceFilter(label=_("campus"), queryset=Campus.objects.all())
    kind = django_filters.ChoiceFilter(
        label=_("kind"), choices=SupervisionVisit.Kind.choices, field_name="visit__kind"
    )
    due_before = django_filters.DateFilter(label=_("due until"), field_name="due_on", lookup_expr="lte")

    class Meta:
        model = Rectification
        fields = ["q", "status", "campus", "kind", "due_before"]

    def filter_status(self, queryset, name, value):
        if value == self.OVERDUE:
            return queryset.open().filter(due_on__lt=local_today())
        return queryset.filter(status=value)


class ExperienceFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label=_("Title or text"), method="filter_q")
    topic = django_filters.ChoiceFilter(label=_("topic"), choices=Experience.Topic.choices)
    campus = django_filters.ModelChoiceFilter(label=_("campus"), queryset=Campus.objects.all())

    class Meta:
        model = Experience
        fields = ["q", "topic", "campus"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(summary__icontains=value) | Q(body__icontains=value)
        )


class ExperienceManageFilterSet(ExperienceFilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=Experience.ExpStatus.choices)

    class Meta(ExperienceFilterSet.Meta):
        fields = ["q", "topic", "campus", "status"]
