"""django-tables2 tables of the planning app (each also the layout of its Excel/CSV export)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import (
    Document,
    ExpansionApplication,
    Experience,
    Measure,
    Meeting,
    Notification,
    ProgressReport,
    Rectification,
    Status,
    SubTask,
    SupervisionVisit,
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


# --- Supervision, expansion, typical experiences ----------------------------------------------


RECTIFICATION_BADGES = {
    Rectification.RectStatus.OPEN: "text-bg-warning",
    Rectification.RectStatus.CLOSED: "text-bg-success",
}
APPLICATION_BADGES = {
    "draft": "text-bg-secondary",
    "submitted": "text-bg-info",
    "under_review": "text-bg-warning",
    "approved": "text-bg-success",
    "rejected": "text-bg-danger",
}
EXPERIENCE_BADGES = {"draft": "text-bg-secondary", "published": "text-bg-success"}


def rectification_overdue(record: Rectification, today=None) -> bool:
    return record.status == Rectification.RectStatus.OPEN and record.due_on < (today or local_today())


def rectification_badge(record: Rectification) -> str:
    badge = format_html(
        '<span class="badge {}">{}</span>',
        RECTIFICATION_BADGES.get(record.status, "text-bg-secondary"),
        record.get_status_display(),
    )
    if rectification_overdue(record):
        return format_html('{} <span class="badge text-bg-danger">{}</span>', badge, Status.OVERDUE.label)
    return badge


def user_label(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


class SupervisionVisitTable(tables.Table):
    visited_on = tables.DateColumn(format="Y-m-d", linkify=lambda record: record.get_absolute_url())
    kind = tables.Column()
    target = tables.Column(
        verbose_name=_("visited"), empty_values=(), order_by=("group__name", "campus__name")
    )
    team = tables.Column()
    open_count = tables.Column(verbose_name=_("open rectifications"), attrs={"td": {"class": "text-end"}})
    total_count = tables.Column(verbose_name=_("rectifications"), attrs={"td": {"class": "text-end"}})

    class Meta:
        model = SupervisionVisit
        fields = ("visited_on", "kind", "target", "team", "open_count", "total_count")

    def render_target(self, record):
        return str(record.target)

    value_target = render_target


class RectificationTable(tables.Table):
    description = tables.Column(linkify=lambda record: record.get_absolute_url())
    visit = tables.Column(verbose_name=_("supervision visit"), order_by=("visit__visited_on",))
    campus = tables.Column(default="—")
    owner = tables.Column()
    due_on = tables.DateColumn(format="Y-m-d")
    status = tables.Column()
    closed_at = tables.DateTimeColumn(format="Y-m-d", verbose_name=_("closed at"))

    class Meta:
        model = Rectification
        fields = ("description", "visit", "campus", "owner", "due_on", "status", "closed_at")
        row_attrs = {"class": lambda record: "table-danger" if rectification_overdue(record) else ""}

    def render_description(self, value):
        text = " ".join(value.split())
        return text if len(text) <= 80 else text[:79] + "…"

    def value_description(self, value):
        return value

    def render_visit(self, record):
        visit = record.visit
        return f"{visit.visited_on:%Y-%m-%d} {visit.target}"

    value_visit = render_visit

    def render_owner(self, value):
        return user_label(value)

    value_owner = render_owner

    def render_status(self, record):
        return rectification_badge(record)

    def value_status(self, record):
        if rectification_overdue(record):
            return f"{record.get_status_display()} · {Status.OVERDUE.label}"
        return str(record.get_status_display())


class ExpansionApplicationTable(tables.Table):
    created_at = tables.DateTimeColumn(format="Y-m-d", verbose_name=_("created at"))
    kind = tables.Column()
    subject = tables.Column(
        verbose_name=_("application"),
        empty_values=(),
        orderable=False,
        linkify=lambda record: record.get_absolute_url(),
    )
    applicant = tables.Column()
    status = tables.Column()
    decided_at = tables.DateTimeColumn(format="Y-m-d")
    created_group = tables.Column()

    class Meta:
        model = ExpansionApplication
        fields = ("created_at", "kind", "subject", "applicant", "status", "decided_at", "created_group")

    def render_subject(self, record):
        return str(record)

    value_subject = render_subject

    def render_applicant(self, value):
        return user_label(value)

    value_applicant = render_applicant

    def render_status(self, record):
        return format_html(
            '<span class="badge {}">{}</span>',
            APPLICATION_BADGES.get(record.status, "text-bg-secondary"),
            record.get_status_display(),
        )

    def value_status(self, record):
        return str(record.get_status_display())


class ExperienceTable(tables.Table):
    title = tables.Column(linkify=lambda record: record.get_absolute_url())
    campus = tables.Column(default="—")
    topic = tables.Column()
    author = tables.Column()
    status = tables.Column()
    published_at = tables.DateTimeColumn(format="Y-m-d")

    class Meta:
        model = Experience
        fields = ("title", "campus", "topic", "author", "status", "published_at")

    def render_author(self, value):
        return user_label(value)

    value_author = render_author

    def render_status(self, record):
        return format_html(
            '<span class="badge {}">{}</span>',
            EXPERIENCE_BADGES.get(record.status, "text-bg-secondary"),
            record.get_status_display(),
        )

    def value_status(self, record):
        return str(record.get_status_display())
