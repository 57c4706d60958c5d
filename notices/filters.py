import django_filters
from django.utils.translation import gettext_lazy as _

from kernel.events import EventKind
from kernel.filters import StyledFilterSet

from .models import Channel, Delivery


class ChannelFilterSet(StyledFilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=Channel.Kind.choices)
    active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = Channel
        fields = ["q", "kind", "active"]


class DeliveryFilterSet(StyledFilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=Delivery.Status.choices)
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=EventKind.choices)
    channel = django_filters.ModelChoiceFilter(label=_("channel"), queryset=Channel.objects.all())
    day_after = django_filters.DateFilter(label=_("day from"), field_name="day", lookup_expr="gte")
    day_before = django_filters.DateFilter(label=_("day until"), field_name="day", lookup_expr="lte")

    class Meta:
        model = Delivery
        fields = ["status", "kind", "channel", "day_after", "day_before"]
