"""django-tables2 tables of the staff app."""

from collections import defaultdict
from collections.abc import Iterator

import django_tables2 as tables
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from kernel.tables import RecordRowsMixin

from .models import (
    CrossCampusActivity,
    Distinction,
    Mentorship,
    ResearchProject,
    Rotation,
    StaffingQuota,
    StaffMember,
    Studio,
)

# --- Staff members and rotations (helper "members") ---

#: Bootstrap badge colour of each rotation status, shared by the list and the rotation page.
ROTATION_STATUS_BADGES = {
    Rotation.Status.PROPOSED: "text-bg-warning",
    Rotation.Status.APPROVED: "text-bg-info",
    Rotation.Status.ACTIVE: "text-bg-primary",
    Rotation.Status.COMPLETED: "text-bg-success",
    Rotation.Status.REJECTED: "text-bg-danger",
    Rotation.Status.WITHDRAWN: "text-bg-secondary",
}


def rotation_status_badge(rotation: Rotation) -> str:
    css = ROTATION_STATUS_BADGES.get(rotation.status, "text-bg-secondary")
    return format_html('<span class="badge {}">{}</span>', css, rotation.get_status_display())


def _choice_labels(model, field_name: str) -> dict:
    return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}


def _text_cell(value) -> str:
    # "—" for an empty value, as django-tables2's default.
    return f"<td>{conditional_escape('—' if value in (None, '') else value)}</td>"


#: StaffTable's choice columns, in the header's order after staff number and home campus.
CHOICE_COLUMNS = ("subject", "professional_title", "post_type")


def _yes_no(value) -> str:
    return str(_("Yes") if value else _("No"))


class StaffTable(RecordRowsMixin, tables.Table):
    """The staff list. Its rows are written by staff/_staff_table.html from the page's records
    (see kernel.tables.RecordRowsMixin); the columns below give the headers, ordering and
    the export's values."""

    name = tables.Column(linkify=("staff:member_detail", {"pk": tables.A("pk")}))
    staff_number = tables.Column()
    home_campus = tables.Column(order_by=("home_campus__name",))
    subject = tables.Column()
    professional_title = tables.Column()
    post_type = tables.Column()
    distinctions = tables.Column(verbose_name=_("distinctions"), empty_values=(), orderable=False)
    is_active = tables.BooleanColumn()

    class Meta:
        model = StaffMember
        fields = (
            "name",
            "staff_number",
            "home_campus",
            "subject",
            "professional_title",
            "post_type",
            "distinctions",
            "is_active",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("No staff members match.")
        template_name = "staff/_staff_table.html"

    def page_rows(self) -> list[tuple[StaffMember, str]]:
        """Per staff member of the page: the member, and the HTML of its cells after the name,
        as the columns render them (choice labels, "—" when empty, distinction badges, ✔/✘).

        Choice labels come from one lookup table per field and page: get_FOO_display() rebuilds
        its table, translating every label, on each call."""
        labels = {name: _choice_labels(StaffMember, name) for name in CHOICE_COLUMNS}
        yes, no = self.base_columns["is_active"].yesno
        rows = []
        for member in self.page_records():
            values = [member.staff_number, member.home_campus]
            for name in CHOICE_COLUMNS:
                value = getattr(member, name)
                values.append(labels[name].get(value, value))
            cells = [_text_cell(value) for value in values]
            cells.append(f"<td>{self.render_distinctions(member)}</td>")
            # As BooleanColumn renders it.
            cells.append(
                format_html('<td><span class="{}">{}</span></td>', "true", yes)
                if member.is_active
                else format_html('<td><span class="{}">{}</span></td>', "false", no)
            )
            rows.append((member, mark_safe("".join(cells))))
        return rows

    def render_distinctions(self, record):
        # `distinctions` is prefetched by the view: no query per row.
        return format_html_join(
            " ",
            '<span class="badge text-bg-light border badge-distinction">{}</span>',
            ((str(d),) for d in record.distinctions.all()),
        )

    def value_distinctions(self, record):
        return "、".join(str(d) for d in record.distinctions.all())

    def value_is_active(self, value):
        return _yes_no(value)

    #: What export_value_rows reads of a staff member, in its order.
    EXPORT_FIELDS = ("pk", "name", "staff_number", "home_campus__name", *CHOICE_COLUMNS, "is_active")

    def export_value_rows(self, queryset, chunk_size: int) -> Iterator[list]:
        """The export's rows, as `as_values()` gives them through the columns (see
        kernel.exports.export_rows), read as tuples: the list's queryset (its scope, filters and
        order) as `values_list` of the columns' fields, the campus's name by join, and per chunk
        of `chunk_size` members one query for their distinctions' kinds and levels. No model
        instance is built; choice labels are looked up once; an empty value is None, as the
        columns give it."""
        labels = {name: _choice_labels(StaffMember, name) for name in CHOICE_COLUMNS}
        kinds, levels = _choice_labels(Distinction, "kind"), _choice_labels(Distinction, "level")
        yes, no = _yes_no(True), _yes_no(False)
        records = queryset.prefetch_related(None).values_list(*self.EXPORT_FIELDS)

        def rows_of(chunk: list[tuple]) -> Iterator[list]:
            distinctions = defaultdict(list)
            for staff_id, kind, level in (
                Distinction.objects.filter(staff_id__in=[record[0] for record in chunk])
                .order_by("kind", "level")  # as the list view prefetches them
                .values_list("staff_id", "kind", "level")
            ):
                # As Distinction.__str__: the level's label, then the kind's.
                distinctions[staff_id].append(levels.get(level, level) + kinds.get(kind, kind))
            for pk, name, staff_number, campus, *choices, is_active in chunk:
                values = [name or None, staff_number or None, campus]
                for field, value in zip(CHOICE_COLUMNS, choices, strict=True):
                    values.append(None if value in (None, "") else labels[field].get(value, value))
                values.append("、".join(distinctions.get(pk, ())))
                values.append(yes if is_active else no)
                yield values

        chunk: list[tuple] = []
        for record in records.iterator(chunk_size=chunk_size):
            chunk.append(record)
            if len(chunk) >= chunk_size:
                yield from rows_of(chunk)
                chunk = []
        if chunk:
            yield from rows_of(chunk)


class RotationTable(tables.Table):
    staff = tables.Column(
        linkify=("staff:rotation_detail", {"pk": tables.A("pk")}), order_by=("staff__name",)
    )
    category = tables.Column()
    route = tables.Column(
        verbose_name=_("From → to"), accessor="from_campus", order_by=("from_campus__name", "to_campus__name")
    )
    start_on = tables.Column()
    planned_end_on = tables.Column()
    status = tables.Column()
    decided_by = tables.Column(order_by=("decided_by__first_name", "decided_by__username"))

    class Meta:
        model = Rotation
        fields = ("staff", "category", "route", "start_on", "planned_end_on", "status", "decided_by")
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("No rotations match.")

    def render_route(self, record):
        return format_html("{} → {}", record.from_campus.name, record.to_campus.name)

    def value_route(self, record):
        return f"{record.from_campus.name} → {record.to_campus.name}"

    def render_status(self, record):
        return rotation_status_badge(record)

    def value_status(self, record):
        return record.get_status_display()

    def render_decided_by(self, value):
        return value.get_full_name() or value.get_username()

    def value_decided_by(self, value):
        return value.get_full_name() or value.get_username()


# --- Mentoring, studios, projects, activities, quotas (helper "programmes") ---

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}


class MentorshipTable(tables.Table):
    mentor = tables.Column(
        linkify=("staff:mentorship_detail", {"pk": tables.A("pk")}), order_by=("mentor__name",)
    )
    mentee = tables.Column(order_by=("mentee__name",))
    campus = tables.Column(order_by=("campus__name",))
    start_on = tables.DateColumn(format="Y-m-d")
    end_on = tables.DateColumn(format="Y-m-d")
    status = tables.Column()

    class Meta:
        model = Mentorship
        fields = ("mentor", "mentee", "campus", "start_on", "end_on", "status")
        attrs = TABLE_ATTRS
        empty_text = _("No mentoring pairs match.")


class StudioTable(tables.Table):
    name = tables.Column(linkify=("staff:studio_detail", {"pk": tables.A("pk")}))
    leader = tables.Column(order_by=("leader__name",))
    campus = tables.Column(order_by=("campus__name",))
    subject = tables.Column()
    level = tables.Column()
    founded_on = tables.DateColumn(format="Y-m-d")
    member_count = tables.Column(verbose_name=_("Members"))
    project_count = tables.Column(verbose_name=_("Projects"))

    class Meta:
        model = Studio
        fields = (
            "name",
            "leader",
            "campus",
            "subject",
            "level",
            "founded_on",
            "member_count",
            "project_count",
        )
        attrs = TABLE_ATTRS
        empty_text = _("No studios match.")


class ResearchProjectTable(tables.Table):
    title = tables.Column(linkify=("staff:project_detail", {"pk": tables.A("pk")}))
    code = tables.Column()
    leader = tables.Column(order_by=("leader__name",))
    campus = tables.Column(order_by=("campus__name",))
    level = tables.Column()
    status = tables.Column()
    start_on = tables.DateColumn(format="Y-m-d")
    end_on = tables.DateColumn(format="Y-m-d")
    member_count = tables.Column(verbose_name=_("Members"))

    class Meta:
        model = ResearchProject
        fields = (
            "title",
            "code",
            "leader",
            "campus",
            "level",
            "status",
            "start_on",
            "end_on",
            "member_count",
        )
        attrs = TABLE_ATTRS
        empty_text = _("No research projects match.")


class ActivityTable(tables.Table):
    held_on = tables.DateColumn(format="Y-m-d")
    kind = tables.Column()
    title = tables.Column(linkify=("staff:activity_detail", {"pk": tables.A("pk")}))
    host_campus = tables.Column(order_by=("host_campus__name",))
    # `campuses` is prefetched by the view: no query per row.
    campuses = tables.ManyToManyColumn(verbose_name=_("Campuses taking part"), separator="、")
    participant_count = tables.Column(verbose_name=_("Number of participants"))
    hours = tables.Column()

    class Meta:
        model = CrossCampusActivity
        fields = ("held_on", "kind", "title", "host_campus", "campuses", "participant_count", "hours")
        attrs = TABLE_ATTRS
        empty_text = _("No activities match.")


class StaffingQuotaTable(tables.Table):
    campus = tables.Column(order_by=("campus__name",))
    year = tables.Column()
    establishment_authorised = tables.Column(verbose_name=_("Establishment (编制): authorised"))
    establishment_filled = tables.Column(verbose_name=_("Establishment: filled"))
    establishment_open = tables.Column(verbose_name=_("Establishment: vacant"))
    posts_authorised = tables.Column(verbose_name=_("Posts (岗位): authorised"))
    posts_filled = tables.Column(verbose_name=_("Posts: filled"))
    posts_open = tables.Column(verbose_name=_("Posts: vacant"))

    class Meta:
        model = StaffingQuota
        fields = (
            "campus",
            "year",
            "establishment_authorised",
            "establishment_filled",
            "establishment_open",
            "posts_authorised",
            "posts_filled",
            "posts_open",
        )
        attrs = TABLE_ATTRS
        empty_text = _("No staffing quotas match.")
