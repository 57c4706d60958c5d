"""Tables of the supervision app."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kernel.dates import local_today
from kernel.tables import user_label

from .models import Experience, Rectification, SupervisionVisit

RECTIFICATION_BADGES = {
    Rectification.RectStatus.OPEN: "text-bg-warning",
    Rectification.RectStatus.CLOSED: "text-bg-success",
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
        return format_html('{} <span class="badge text-bg-danger">{}</span>', badge, _("Overdue"))
    return badge


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
            return f"{record.get_status_display()} · {_('Overdue')}"
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
