from urllib.parse import urlsplit

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Channel, Delivery


class ChannelTable(tables.Table):
    name = tables.Column(linkify=("notices:channel_update", {"pk": tables.A("pk")}))
    kind = tables.Column()
    place = tables.Column(verbose_name=_("serves"), accessor="place", orderable=False)
    active = tables.BooleanColumn()
    webhook = tables.Column(verbose_name=_("webhook address"), accessor="webhook_url", orderable=False)

    class Meta:
        model = Channel
        fields = ("name", "kind", "place", "active", "webhook")

    def render_webhook(self, value) -> str:
        # Never the address itself: it holds the robot's key.
        return _("Set") if value else "—"

    def value_webhook(self, value) -> str:
        return str(_("Set")) if value else ""


class DeliveryTable(tables.Table):
    created_at = tables.DateTimeColumn(format="Y-m-d H:i")
    kind = tables.Column()
    target = tables.Column(verbose_name=_("channel or recipient"), accessor="target", orderable=False)
    subject = tables.Column()
    body = tables.Column(verbose_name=_("message"), orderable=False)
    item_key = tables.Column(visible=False)
    day = tables.DateColumn(format="Y-m-d")
    status = tables.Column()
    attempts = tables.Column()
    http_status = tables.Column()
    last_error = tables.Column()
    sent_at = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta:
        model = Delivery
        fields = (
            "created_at",
            "kind",
            "target",
            "subject",
            "body",
            "item_key",
            "day",
            "status",
            "attempts",
            "http_status",
            "last_error",
            "sent_at",
        )

    def render_body(self, value, record) -> str:
        """The notice's first line, linked to its record on this portal (the path of the link the
        notice carried, whatever the host it was written with)."""
        text = value.splitlines()[0] if value else "—"
        path = urlsplit(record.link).path if record.link else ""
        return format_html('<a href="{}">{}</a>', path, text) if path.startswith("/") else text
