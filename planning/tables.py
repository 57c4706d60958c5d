"""django-tables2 tables of the planning app (each also the layout of its Excel/CSV export)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import (
    Document,
    Measure,
    Meeting,
    Notification,
    ProgressReport,
    Status,
    SubTask,
)
from .services import local_today

STATUS_BADGES = {
    Status.NOT_STARTED: "text-bg-secondary",
    Status.IN_PROGRESS: "text-bg-primary",
    Status.DONE: "text-bg-success",
    Status.OVERDUE: "text-bg-danger",
    Status.CANCELLED: "text-bg-light",
    Document.DocStatus.DRAFT: "text-bg-secondary",
    Document.DocStatus.UNDER_REVIEW: "text-bg-warning",
    Document.DocStatus.APPROVED: "text-bg-success",
}


def status_badge(record) -> str:
    return format_html(
        '<span class="badge {}">{}</span>',
        STATUS_BADGES.get(record.status, "text-bg-secondary"),
        record.get_status_display(),
    )


def _overdue(record) -> bool:
    """Past its (effective) due date and still open (a document: not approved yet)."""
    if isinstance(record, Document):
        return (
            record.status != Document.DocStatus.APPROVED
            and record.due_on is not None
            and record.due_on < local_today()
        )
    return record.is_overdue(local_today())


class StatusColumn(tables.Column):
    """A status as a coloured badge on the page, as its label in exports; an item past its
    (effective) due date shows as overdue even before the daily job has marked it, and an item
    the job marked overdue whose date has moved on shows its status from its progress."""

    def render(self, value, record):
        if isinstance(record, Document):
            if not _overdue(record):
                return status_badge(record)
            return format_html(
                '{} <span class="badge text-bg-danger">{}</span>', status_badge(record), Status.OVERDUE.label
            )
        shown = Status(record.shown_status(local_today()))
        return format_html(
            '<span class="badge {}">{}</span>', STATUS_BADGES.get(shown, "text-bg-secondary"), shown.label
        )

    def value(self, value, record):
        if isinstance(record, Document):
            if not _overdue(record):
                return str(record.get_status_display())
            return f"{record.get_status_display()} · {Status.OVERDUE.label}"
        return str(Status(record.shown_status(local_today())).label)


class EffectiveDueColumn(tables.Column):
    """The effective due date: the item's own, else its measure's or its phase's end, saying
    so ("2024-08-31 (phase end)")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", _("due on"))
        kwargs.setdefault("accessor", "effective_due_on")
        kwargs.setdefault("order_by", ("effective_due_on",))
        super().__init__(**kwargs)

    def render(self, value, record):
        source = record.due_source_label
        if not source:
            return f"{value:%Y-%m-%d}"
        return format_html(
            '{} <span class="small text-body-secondary">({})</span>', f"{value:%Y-%m-%d}", source
        )

    def value(self, value, record):
        if value is None:
            return ""
        source = record.due_source_label
        return f"{value:%Y-%m-%d}" + (f" ({source})" if source else "")


class ProgressColumn(tables.Column):
    """Progress as "60 %" (a number in exports), under a short heading."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", _("Progress"))
        super().__init__(**kwargs)

    def render(self, value):
        return f"{value}\u00a0%"

    def value(self, value):
        return value


class MeasureTable(tables.Table):
    code = tables.Column(
        linkify=("planning:measure_detail", {"pk": tables.A("pk")}), order_by=("order", "code")
    )
    title = tables.Column()
    phase = tables.Column(order_by=("phase__order", "order"))
    leaders = tables.Column(verbose_name=_("responsible leaders"), empty_values=(), orderable=False)
    units = tables.Column(verbose_name=_("responsible units"), empty_values=(), orderable=False)
    campus = tables.Column()
    due_on = EffectiveDueColumn()
    status = StatusColumn()
    progress = ProgressColumn()

    class Meta:
        model = Measure
        fields = ("code", "title", "phase", "leaders", "units", "campus", "due_on", "status", "progress")
        # The plan's order (三(一)1, 三(一)2, 三(二)1...), not the codes' string order.
        order_by = ("code",)

    def render_leaders(self, record):
        return "、".join(record.leader_names)

    def render_units(self, record):
        return "、".join(record.unit_names)

    value_leaders = render_leaders
    value_units = render_units


class SubTaskTable(tables.Table):
    title = tables.Column(linkify=lambda record: record.get_absolute_url())
    measure = tables.Column(order_by=("measure__order", "pk"), accessor="measure__code")
    campus = tables.Column()
    unit = tables.Column()
    owner = tables.Column()
    due_on = EffectiveDueColumn()
    status = StatusColumn()
    progress = ProgressColumn()

    class Meta:
        model = SubTask
        fields = ("title", "measure", "campus", "unit", "owner", "due_on", "status", "progress")


class ProgressReportTable(tables.Table):
    reported_at = tables.DateTimeColumn(format="Y-m-d H:i")
    measure = tables.Column(
        accessor="measure__code", linkify=("planning:measure_detail", {"pk": tables.A("measure_id")})
    )
    subtask = tables.Column()
    campus = tables.Column(accessor="subtask__campus", verbose_name=_("campus"))
    author = tables.Column()
    percent = tables.Column()
    text = tables.Column()

    class Meta:
        model = ProgressReport
        fields = ("reported_at", "measure", "subtask", "campus", "author", "percent", "text")

    def render_author(self, value):
        return value.get_full_name() or value.get_username()

    value_author = render_author


class DocumentTable(tables.Table):
    title = tables.Column(linkify=("planning:document_detail", {"pk": tables.A("pk")}))
    kind = tables.Column()
    phase = tables.Column(order_by=("phase__order",))
    campus = tables.Column()
    version = tables.Column()
    status = StatusColumn()
    due_on = tables.DateColumn(format="Y-m-d")
    approved_at_meeting = tables.Column()
    approved_on = tables.DateColumn(format="Y-m-d")
    required = tables.BooleanColumn()

    class Meta:
        model = Document
        fields = (
            "title",
            "kind",
            "phase",
            "campus",
            "version",
            "status",
            "due_on",
            "approved_at_meeting",
            "approved_on",
            "required",
        )


class MeetingTable(tables.Table):
    held_on = tables.DateColumn(format="Y-m-d")
    title = tables.Column(linkify=("planning:meeting_detail", {"pk": tables.A("pk")}))
    kind = tables.Column()
    campus = tables.Column()
    location = tables.Column()
    decision_count = tables.Column(verbose_name=_("decisions"))

    class Meta:
        model = Meeting
        fields = ("held_on", "title", "kind", "campus", "location", "decision_count")


class NotificationTable(tables.Table):
    day = tables.DateColumn(format="Y-m-d")
    kind = tables.Column()
    # Written in the reader's language from the notification's kind, item, days and due date.
    message = tables.Column(
        verbose_name=_("message"),
        linkify=lambda record: record.get_absolute_url(),
        orderable=False,
        empty_values=(),
    )
    read_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("read at"))

    class Meta:
        model = Notification
        fields = ("day", "kind", "message", "read_at")
        row_attrs = {"class": lambda record: "" if record.read_at else "fw-semibold"}

    def render_message(self, record):
        return record.text()

    def value_message(self, record):
        return record.text()
