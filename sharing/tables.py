"""django-tables2 tables of shared funds, assets and resources. Money columns export as exact
numbers with two decimals (no thousands separators in the file)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import (
    Allocation,
    Asset,
    AssetTransfer,
    Budget,
    Reallocation,
    ResourceUse,
    Spending,
    TeachingResource,
)
from .money import format_yuan

ATTRS = {"class": "table table-sm table-hover align-middle"}

STATUS_BADGES = {
    "requested": "text-bg-warning",
    "approved": "text-bg-info",
    "received": "text-bg-success",
    "rejected": "text-bg-danger",
    "cancelled": "text-bg-secondary",
}


def status_badge(record) -> str:
    css = STATUS_BADGES.get(record.status, "text-bg-secondary")
    return format_html('<span class="badge {}">{}</span>', css, record.get_status_display())


class MoneyColumn(tables.Column):
    """Yuan with two decimals, right-aligned; exported as the exact decimal."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "text-end font-monospace"}, "th": {"class": "text-end"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return format_yuan(value)

    def value(self, value):
        return value


class BudgetTable(tables.Table):
    school = tables.Column(order_by=("school__name",))
    year = tables.Column(linkify=("sharing:budget_detail", {"pk": tables.A("pk")}))
    line = tables.Column(order_by=("line__order", "line__name"))
    amount = MoneyColumn()
    allocated = MoneyColumn(verbose_name=_("allocated (yuan)"))
    note = tables.Column()

    class Meta:
        model = Budget
        fields = ("school", "year", "line", "amount", "allocated", "note")
        attrs = ATTRS
        empty_text = _("No budgets match.")


class SpendingTable(tables.Table):
    spent_on = tables.Column(linkify=("sharing:spending_detail", {"pk": tables.A("pk")}))
    campus = tables.Column(order_by=("campus__name",))
    line = tables.Column(order_by=("line__order", "line__name"))
    amount = MoneyColumn()
    purpose = tables.Column()
    attachment = tables.Column(orderable=False, empty_values=())
    recorded_by = tables.Column(order_by=("recorded_by__username",))

    class Meta:
        model = Spending
        fields = ("spent_on", "campus", "line", "amount", "purpose", "attachment", "recorded_by")
        attrs = ATTRS
        empty_text = _("No spending matches.")

    def render_attachment(self, record):
        if not record.attachment:
            return "—"
        from django.urls import reverse

        return format_html(
            '<a href="{}">{}</a>', reverse("sharing:spending_attachment", args=[record.pk]), _("Download")
        )

    def value_attachment(self, record):
        return record.attachment.name.rsplit("/", 1)[-1] if record.attachment else ""

    def render_recorded_by(self, value):
        return value.get_full_name() or value.get_username()


class ReallocationTable(tables.Table):
    requested_at = tables.DateTimeColumn(
        format="Y-m-d", linkify=("sharing:reallocation_detail", {"pk": tables.A("pk")})
    )
    budget = tables.Column(order_by=("budget__year", "budget__line__order"))
    from_campus = tables.Column(order_by=("from_campus__name",), default=_("unallocated"))
    to_campus = tables.Column(order_by=("to_campus__name",))
    amount = MoneyColumn()
    reason = tables.Column()
    status = tables.Column()
    decided_by = tables.Column(order_by=("decided_by__username",))

    class Meta:
        model = Reallocation
        fields = (
            "requested_at",
            "budget",
            "from_campus",
            "to_campus",
            "amount",
            "reason",
            "status",
            "decided_by",
        )
        attrs = ATTRS
        empty_text = _("No reallocations match.")

    def render_status(self, record):
        return status_badge(record)

    def value_status(self, record):
        return record.get_status_display()

    def render_decided_by(self, value):
        return value.get_full_name() or value.get_username()


class AssetTable(tables.Table):
    code = tables.Column(linkify=("sharing:asset_detail", {"pk": tables.A("pk")}))
    name = tables.Column()
    category = tables.Column()
    value = MoneyColumn()
    campus = tables.Column(order_by=("campus__name",))
    condition = tables.Column()
    acquired_on = tables.Column()

    class Meta:
        model = Asset
        fields = ("code", "name", "category", "value", "campus", "condition", "acquired_on")
        attrs = ATTRS
        empty_text = _("No assets match.")


class AssetTransferTable(tables.Table):
    requested_at = tables.DateTimeColumn(
        format="Y-m-d", linkify=("sharing:transfer_detail", {"pk": tables.A("pk")})
    )
    asset = tables.Column(order_by=("asset__code",))
    from_campus = tables.Column(order_by=("from_campus__name",))
    to_campus = tables.Column(order_by=("to_campus__name",))
    reason = tables.Column()
    status = tables.Column()
    received_at = tables.DateTimeColumn(format="Y-m-d")

    class Meta:
        model = AssetTransfer
        fields = ("requested_at", "asset", "from_campus", "to_campus", "reason", "status", "received_at")
        attrs = ATTRS
        empty_text = _("No transfers match.")

    def render_status(self, record):
        return status_badge(record)

    def value_status(self, record):
        return record.get_status_display()


class TeachingResourceTable(tables.Table):
    title = tables.Column(linkify=("sharing:resource_detail", {"pk": tables.A("pk")}))
    kind = tables.Column()
    subject = tables.Column()
    grade = tables.Column()
    author = tables.Column(order_by=("author__name",))
    campus = tables.Column(order_by=("campus__name",))
    uses_count = tables.Column(verbose_name=_("downloads and uses"), attrs={"td": {"class": "text-end"}})
    uploaded_at = tables.DateTimeColumn(format="Y-m-d")

    class Meta:
        model = TeachingResource
        fields = ("title", "kind", "subject", "grade", "author", "campus", "uses_count", "uploaded_at")
        attrs = ATTRS
        empty_text = _("No resources match.")


class ResourceUseTable(tables.Table):
    at = tables.DateTimeColumn(format="Y-m-d H:i")
    resource = tables.Column(
        linkify=("sharing:resource_detail", {"pk": tables.A("resource_id")}), order_by=("resource__title",)
    )
    origin = tables.Column(
        verbose_name=_("campus of origin"), accessor="resource__campus", order_by=("resource__campus__name",)
    )
    campus = tables.Column(order_by=("campus__name",), default="—")
    kind = tables.Column()
    user = tables.Column(order_by=("user__username",), default="—")

    class Meta:
        model = ResourceUse
        fields = ("at", "resource", "origin", "campus", "kind", "user")
        attrs = ATTRS
        empty_text = _("No uses recorded.")

    def render_user(self, value):
        return value.get_full_name() or value.get_username()


class AllocationTable(tables.Table):
    year = tables.Column(verbose_name=_("year"), accessor="budget__year", order_by=("budget__year",))
    school = tables.Column(
        verbose_name=_("school"), accessor="budget__school", order_by=("budget__school__name",)
    )
    line = tables.Column(
        verbose_name=_("budget line"), accessor="budget__line", order_by=("budget__line__order",)
    )
    campus = tables.Column(order_by=("campus__name",))
    amount = MoneyColumn()
    spent = MoneyColumn(verbose_name=_("spent (yuan)"))
    remaining = MoneyColumn(verbose_name=_("remaining (yuan)"), empty_values=(), orderable=False)

    class Meta:
        model = Allocation
        fields = ("year", "school", "line", "campus", "amount", "spent", "remaining")
        attrs = ATTRS
        empty_text = _("No allocations match.")

    def render_remaining(self, record):
        return format_yuan(record.amount - record.spent)

    def value_remaining(self, record):
        return record.amount - record.spent
