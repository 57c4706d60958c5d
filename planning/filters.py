"""django-filter filtersets of the planning app."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campuses.models import Campus
from kernel.dates import local_today
from kernel.filters import StyledFilterSet
from staff.models import StaffMember, Unit

from .models import (
    Document,
    Measure,
    Meeting,
    Notification,
    Phase,
    ProgressReport,
    Status,
    SubTask,
)


def _leaders(request):
    return StaffMember.objects.filter(led_measures__isnull=False).distinct().order_by("name")


def _units(request):
    return Unit.objects.filter(measures__isnull=False).distinct()


def filter_plan_status(queryset, value):
    """Measures or sub-tasks by the status the pages show: overdue from the effective due date
    (their own, else their phase's end), whatever the daily job has marked; the other statuses
    without the overdue ones (an item the job marked overdue whose date moved on shows as in
    progress or not started, from its progress)."""
    today = local_today()
    overdue = queryset.model.objects.overdue(today).values("pk")
    if value == Status.OVERDUE:
        return queryset.filter(pk__in=overdue)
    condition = Q(status=value)
    if value == Status.IN_PROGRESS:
        condition |= Q(status=Status.OVERDUE, progress__gt=0)
    elif value == Status.NOT_STARTED:
        condition |= Q(status=Status.OVERDUE, progress=0)
    return queryset.filter(condition).exclude(pk__in=overdue)


class MeasureFilterSet(StyledFilterSet):
    """Filters of the timeline and the measures list: phase, leader, unit, campus, status."""

    q = django_filters.CharFilter(label=_("Code, title or text"), method="filter_q")
    phase = django_filters.ModelChoiceFilter(
        label=_("phase"), queryset=Phase.objects.all(), method="filter_phase"
    )
    leader = django_filters.ModelChoiceFilter(
        label=_("responsible leader"), queryset=_leaders, field_name="leaders"
    )
    unit = django_filters.ModelChoiceFilter(label=_("responsible unit"), queryset=_units, field_name="units")
    campus = django_filters.ModelChoiceFilter(
        label=_("campus"), queryset=Campus.objects.all(), method="filter_campus"
    )
    status = django_filters.ChoiceFilter(label=_("status"), choices=Status.choices, method="filter_status")

    class Meta:
        model = Measure
        fields = ["q", "phase", "leader", "unit", "campus", "status"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value) | Q(title__icontains=value) | Q(text__icontains=value)
        )

    def filter_phase(self, queryset, name, value):
        # A measure the plan does not tie to one phase runs through all of them.
        return queryset.filter(Q(phase=value) | Q(phase__isnull=True))

    def filter_campus(self, queryset, name, value):
        return queryset.filter(Q(campus=value) | Q(subtasks__campus=value)).distinct()

    def filter_status(self, queryset, name, value):
        return filter_plan_status(queryset, value)


class SubTaskFilterSet(StyledFilterSet):
    measure = django_filters.ModelChoiceFilter(label=_("measure"), queryset=Measure.objects.all())
    campus = django_filters.ModelChoiceFilter(label=_("campus"), queryset=Campus.objects.all())
    unit = django_filters.ModelChoiceFilter(label=_("unit"), queryset=Unit.objects.all())
    status = django_filters.ChoiceFilter(label=_("status"), choices=Status.choices, method="filter_status")

    class Meta:
        model = SubTask
        fields = ["measure", "campus", "unit", "status"]

    def filter_status(self, queryset, name, value):
        return filter_plan_status(queryset, value)


class ProgressReportFilterSet(StyledFilterSet):
    measure = django_filters.ModelChoiceFilter(label=_("measure"), queryset=Measure.objects.all())
    campus = django_filters.ModelChoiceFilter(
        label=_("campus"), queryset=Campus.objects.all(), field_name="subtask__campus"
    )
    reported_after = django_filters.DateFilter(
        label=_("reported from"), field_name="reported_at__date", lookup_expr="gte"
    )

    class Meta:
        model = ProgressReport
        fields = ["measure", "campus", "reported_after"]


class DocumentFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label=_("Title"), field_name="title", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=Document.Kind.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=Document.DocStatus.choices)
    phase = django_filters.ModelChoiceFilter(label=_("phase"), queryset=Phase.objects.all())
    required = django_filters.BooleanFilter(label=_("required by the plan"))

    class Meta:
        model = Document
        fields = ["q", "kind", "status", "phase", "required"]


class MeetingFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label=_("Title"), field_name="title", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=Meeting.Kind.choices)
    held_after = django_filters.DateFilter(label=_("held from"), field_name="held_on", lookup_expr="gte")
    held_before = django_filters.DateFilter(label=_("held until"), field_name="held_on", lookup_expr="lte")

    class Meta:
        model = Meeting
        fields = ["q", "kind", "held_after", "held_before"]


class NotificationFilterSet(StyledFilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=Notification.Kind.choices)
    unread = django_filters.BooleanFilter(label=_("unread"), field_name="read_at", lookup_expr="isnull")

    class Meta:
        model = Notification
        fields = ["kind", "unread"]
