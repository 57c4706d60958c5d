"""django-tables2 tables of the campuses app.

Figures that are not columns of the model (enrollment, staff) come from the selectors, computed
once for the whole filtered list and passed to the table: the rows never query.
"""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kernel.tables import user_label

from .models import Campus, EducationGroup, EnrollmentSnapshot, ExpansionApplication
from .selectors import ClassSizeThresholds


class EducationGroupTable(tables.Table):
    name = tables.Column(linkify=("campuses:group_detail", {"pk": tables.A("pk")}))
    core_school = tables.Column(linkify=("campuses:school_detail", {"pk": tables.A("core_school_id")}))
    n_schools = tables.Column(verbose_name=_("Schools"), attrs={"td": {"class": "text-end"}})
    n_campuses = tables.Column(verbose_name=_("Campuses"), attrs={"td": {"class": "text-end"}})

    class Meta:
        model = EducationGroup
        fields = ("name", "core_school", "governance_mode", "charter_status", "founded_on")
        sequence = (
            "name",
            "core_school",
            "governance_mode",
            "charter_status",
            "founded_on",
            "n_schools",
            "n_campuses",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("No education group in your scope.")


class FigureColumn(tables.Column):
    """A column whose value comes from a figures dict keyed by campus id (see CampusTable)."""

    def __init__(self, source: str, attribute: str, **kwargs):
        self.source, self.attribute = source, attribute
        kwargs.setdefault("accessor", "pk")
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("attrs", {"td": {"class": "text-end"}})
        super().__init__(**kwargs)

    def _value(self, record, table):
        figures = getattr(table, self.source, {}).get(record.pk)
        return getattr(figures, self.attribute, None) if figures is not None else None

    def render(self, record, table):
        value = self._value(record, table)
        return "—" if value is None or value == "" else value

    def value(self, record, table, **kwargs):
        value = self._value(record, table)
        return "" if value is None else value


class CampusTable(tables.Table):
    name = tables.Column(linkify=("campuses:campus_detail", {"pk": tables.A("pk")}))
    school = tables.Column(linkify=("campuses:school_detail", {"pk": tables.A("school_id")}))
    group = tables.Column(
        accessor="school__group",
        verbose_name=_("Education group"),
        order_by=("school__group__name",),
        linkify=("campuses:group_detail", {"pk": tables.A("school__group_id")}),
    )
    is_core = tables.BooleanColumn()
    executive_vice_principal = tables.Column()
    term = FigureColumn(
        "enrollment", "term_label", verbose_name=_("Term"), attrs={"td": {"class": "text-nowrap"}}
    )
    pupils = FigureColumn("enrollment", "pupils", verbose_name=_("Pupils"))
    classes = FigureColumn("enrollment", "classes", verbose_name=_("Classes"))
    average = FigureColumn("enrollment", "average_class_size", verbose_name=_("Average class size"))
    big_share = FigureColumn("enrollment", "big_class_share", verbose_name=_("Big classes (%)"))
    super_big_share = FigureColumn(
        "enrollment", "super_big_class_share", verbose_name=_("Very big classes (%)")
    )
    staff = FigureColumn("staff", "staff", verbose_name=_("Staff in post"))
    teachers = FigureColumn("staff", "teachers", verbose_name=_("Teachers"))
    backbone = FigureColumn("staff", "backbone", verbose_name=_("Backbone teachers"))

    class Meta:
        model = Campus
        fields = ("name", "school", "is_core", "opened_on", "executive_vice_principal", "planned_capacity")
        sequence = (
            "name",
            "school",
            "group",
            "is_core",
            "opened_on",
            "executive_vice_principal",
            "planned_capacity",
            "term",
            "pupils",
            "classes",
            "average",
            "big_share",
            "super_big_share",
            "staff",
            "teachers",
            "backbone",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("No campus in your scope.")

    def __init__(self, *args, enrollment=None, staff=None, **kwargs):
        self.enrollment = enrollment or {}
        self.staff = staff or {}
        super().__init__(*args, **kwargs)


class EnrollmentTable(tables.Table):
    campus = tables.Column(linkify=("campuses:campus_detail", {"pk": tables.A("campus_id")}))
    term = tables.Column(accessor="term_label", verbose_name=_("Term"), order_by=("school_year", "semester"))
    average = tables.Column(
        accessor="average", verbose_name=_("Average class size"), attrs={"td": {"class": "text-end"}}
    )
    big_classes = tables.Column(
        empty_values=(), orderable=False, verbose_name=_("Big classes"), attrs={"td": {"class": "text-end"}}
    )
    super_big_classes = tables.Column(
        empty_values=(),
        orderable=False,
        verbose_name=_("Very big classes"),
        attrs={"td": {"class": "text-end"}},
    )
    class_sizes = tables.Column(orderable=False)

    class Meta:
        model = EnrollmentSnapshot
        fields = ("campus", "grade", "classes", "pupils", "class_sizes")
        sequence = (
            "campus",
            "term",
            "grade",
            "classes",
            "pupils",
            "average",
            "big_classes",
            "super_big_classes",
            "class_sizes",
        )
        exclude = ("id",)
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("No enrollment figures match.")

    def __init__(self, *args, thresholds: ClassSizeThresholds, **kwargs):
        self.thresholds = thresholds
        super().__init__(*args, **kwargs)

    def render_average(self, value):
        return f"{value:.1f}" if value is not None else "—"

    def value_average(self, value):
        return round(value, 1) if value is not None else ""

    def render_big_classes(self, record):
        return self.thresholds.count_big(record.class_sizes or [])[0]

    def render_super_big_classes(self, record):
        return self.thresholds.count_big(record.class_sizes or [])[1]

    def render_class_sizes(self, value):
        return ", ".join(str(n) for n in value or []) or "—"

    def value_class_sizes(self, value):
        return ", ".join(str(n) for n in value or [])

    def value_term(self, record):
        return record.term_label


APPLICATION_BADGES = {
    "draft": "text-bg-secondary",
    "submitted": "text-bg-info",
    "under_review": "text-bg-warning",
    "approved": "text-bg-success",
    "rejected": "text-bg-danger",
}


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
