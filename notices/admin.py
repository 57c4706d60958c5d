"""Admin of the notices app: channels (webhook address and secret write-only) and the delivery
log (read-only), through the same door as the pages (kernel.admin_base)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kernel.admin_base import PortalResource, ScopedAdmin

from .forms import ChannelAdminForm
from .models import Channel, Delivery


class ChannelResource(PortalResource):
    """Exports and imports never carry a robot's address or secret."""

    class Meta(PortalResource.Meta):
        model = Channel
        fields = ("id", "name", "kind", "group", "campus", "address", "active")


class DeliveryResource(PortalResource):
    class Meta(PortalResource.Meta):
        model = Delivery
        fields = (
            "id",
            "channel__name",
            "address",
            "kind",
            "item_key",
            "day",
            "status",
            "attempts",
            "http_status",
            "last_error",
            "created_at",
            "sent_at",
        )


@admin.register(Channel)
class ChannelAdmin(ScopedAdmin):
    form = ChannelAdminForm
    list_display = ("name", "kind", "group", "campus", "active", "webhook_set")
    list_select_related = ("group", "campus")
    list_filter = ("kind", "active")
    search_fields = ("name",)

    @admin.display(description=_("webhook address"))
    def webhook_set(self, channel: Channel) -> str:
        return _("Set") if channel.webhook_url else "—"

    resource_classes = [ChannelResource]


@admin.register(Delivery)
class DeliveryAdmin(ScopedAdmin):
    resource_classes = [DeliveryResource]
    list_display = (
        "created_at",
        "kind",
        "target",
        "item_key",
        "day",
        "status",
        "attempts",
        "http_status",
        "sent_at",
    )
    list_select_related = ("channel", "recipient")
    list_filter = ("status", "kind", "day")
    search_fields = ("item_key", "subject", "address", "last_error")
    date_hierarchy = "day"
    readonly_fields = [field.name for field in Delivery._meta.fields]

    @admin.display(description=_("channel or recipient"))
    def target(self, delivery: Delivery) -> str:
        return delivery.target

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
