"""Pages of the notices app: the channels (write-only webhook fields) and the delivery log."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kernel.generic import PortalCreateView, PortalListView, PortalUpdateView, RoleRequiredMixin

from . import services
from .filters import ChannelFilterSet, DeliveryFilterSet
from .forms import ChannelForm
from .models import Channel, Delivery
from .selectors import delivery_list
from .services import CHANNEL_ROLES
from .tables import ChannelTable, DeliveryTable


class ChannelListView(RoleRequiredMixin, PortalListView):
    allowed_roles = CHANNEL_ROLES
    model = Channel
    table_class = ChannelTable
    filterset_class = ChannelFilterSet
    title = _("Notice channels")
    export_name = "notice-channels"
    create_url_name = "notices:channel_create"
    create_roles = CHANNEL_ROLES

    def get_queryset(self):
        return super().get_queryset().select_related("group", "campus").order_by("name", "pk")


class ChannelSaveMixin:
    model = Channel
    form_class = ChannelForm
    allowed_roles = CHANNEL_ROLES
    success_message = _("Channel saved.")

    def save_object(self, form):
        return services.channel_save(
            user=self.request.user,
            channel=form.save(commit=False),
            webhook_url=form.cleaned_data.get("webhook_url", ""),
            secret=form.cleaned_data.get("secret", ""),
        )

    def get_success_url(self):
        return reverse("notices:channel_list")


class ChannelCreateView(ChannelSaveMixin, PortalCreateView):
    title = _("New notice channel")


class ChannelUpdateView(ChannelSaveMixin, PortalUpdateView):
    title = _("Edit notice channel")


class DeliveryListView(RoleRequiredMixin, PortalListView):
    """The delivery log: every notice sent or to be sent, with its status and last error."""

    allowed_roles = CHANNEL_ROLES
    model = Delivery
    table_class = DeliveryTable
    filterset_class = DeliveryFilterSet
    title = _("Delivery log")
    export_name = "notice-deliveries"

    def get_queryset(self):
        return delivery_list(self.request.user).order_by("-created_at", "-pk")
