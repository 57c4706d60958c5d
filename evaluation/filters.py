"""django-filter filtersets of the assessment app."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campuses.models import PeerCategory

from .models import Band, Result, Scheme, TargetKind


class SchemeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    year = django_filters.NumberFilter(label=_("year"))
    status = django_filters.ChoiceFilter(label=_("status"), choices=Scheme.Status.choices)
    target_kind = django_filters.ChoiceFilter(label=_("assesses"), choices=TargetKind.choices)

    class Meta:
        model = Scheme
        fields = ("q", "year", "status", "target_kind")


class ResultFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Code or name"), method="filter_q")
    peer_category = django_filters.ModelChoiceFilter(
        label=_("peer category"), field_name="evaluatee__peer_category", queryset=PeerCategory.objects.all()
    )
    band = django_filters.ChoiceFilter(label=_("band"), choices=Band.choices)

    class Meta:
        model = Result
        fields = ("q", "peer_category", "band")

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(evaluatee__code__icontains=value) | Q(evaluatee__name__icontains=value))
