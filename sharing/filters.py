"""django-filter filtersets of shared funds, assets and resources."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campuses.models import Campus, School
from staff.models import Subject

from .models import (
    Allocation,
    Asset,
    AssetCategory,
    AssetTransfer,
    Budget,
    BudgetLine,
    Reallocation,
    ResourceUse,
    Spending,
    TeachingResource,
)


def _campuses(request):
    return Campus.objects.for_user(request.user) if request else Campus.objects.none()


def _schools(request):
    return School.objects.for_user(request.user) if request else School.objects.none()


def _library_campuses(request):
    if request is None:
        return Campus.objects.none()
    return Campus.objects.filter(pk__in=TeachingResource.objects.for_user(request.user).values("campus"))


class BudgetFilterSet(django_filters.FilterSet):
    school = django_filters.ModelChoiceFilter(label=_("school"), queryset=_schools)
    year = django_filters.NumberFilter(label=_("year"), min_value=2000, max_value=2100)
    line = django_filters.ModelChoiceFilter(label=_("budget line"), queryset=BudgetLine.objects.all())

    class Meta:
        model = Budget
        fields = ["school", "year", "line"]


class SpendingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Purpose"), field_name="purpose", lookup_expr="icontains")
    campus = django_filters.ModelChoiceFilter(label=_("campus"), queryset=_campuses)
    line = django_filters.ModelChoiceFilter(label=_("budget line"), queryset=BudgetLine.objects.all())
    year = django_filters.NumberFilter(
        label=_("year"), field_name="spent_on", lookup_expr="year", min_value=2000, max_value=2100
    )
    spent_from = django_filters.DateFilter(label=_("From"), field_name="spent_on", lookup_expr="gte")
    spent_to = django_filters.DateFilter(label=_("To"), field_name="spent_on", lookup_expr="lte")

    class Meta:
        model = Spending
        fields = ["q", "campus", "line", "year", "spent_from", "spent_to"]


class ReallocationFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=Reallocation.Status.choices)
    year = django_filters.NumberFilter(
        label=_("year"), field_name="budget__year", min_value=2000, max_value=2100
    )
    to_campus = django_filters.ModelChoiceFilter(label=_("receiving campus"), queryset=_campuses)

    class Meta:
        model = Reallocation
        fields = ["status", "year", "to_campus"]


class AssetFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Code or name"), method="filter_q")
    campus = django_filters.ModelChoiceFilter(label=_("campus"), queryset=_campuses)
    category = django_filters.ChoiceFilter(label=_("category"), choices=AssetCategory.choices)
    condition = django_filters.ChoiceFilter(label=_("condition"), choices=Asset.Condition.choices)

    class Meta:
        model = Asset
        fields = ["q", "campus", "category", "condition"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value)) if value else queryset


class AssetTransferFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=AssetTransfer.Status.choices)
    from_campus = django_filters.ModelChoiceFilter(label=_("giving campus"), queryset=_campuses)
    to_campus = django_filters.ModelChoiceFilter(label=_("receiving campus"), queryset=_campuses)

    class Meta:
        model = AssetTransfer
        fields = ["status", "from_campus", "to_campus"]


class TeachingResourceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Title"), field_name="title", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=TeachingResource.Kind.choices)
    subject = django_filters.ChoiceFilter(label=_("subject"), choices=Subject.choices)
    grade = django_filters.NumberFilter(label=_("grade"), min_value=1, max_value=9)
    campus = django_filters.ModelChoiceFilter(label=_("campus of origin"), queryset=_library_campuses)

    class Meta:
        model = TeachingResource
        fields = ["q", "kind", "subject", "grade", "campus"]


class ResourceUseFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=ResourceUse.Kind.choices)
    campus = django_filters.ModelChoiceFilter(label=_("campus of the user"), queryset=_campuses)

    class Meta:
        model = ResourceUse
        fields = ["kind", "campus"]


class AllocationFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(
        label=_("year"), field_name="budget__year", min_value=2000, max_value=2100
    )
    line = django_filters.ModelChoiceFilter(
        label=_("budget line"), field_name="budget__line", queryset=BudgetLine.objects.all()
    )
    campus = django_filters.ModelChoiceFilter(label=_("campus"), queryset=_campuses)

    class Meta:
        model = Allocation
        fields = ["year", "line", "campus"]
