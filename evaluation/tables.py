"""django-tables2 tables of the assessment app."""

from decimal import Decimal

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from kernel.tables import RecordRowsMixin, number_formatter

from .models import Band, ProvisionalTotal, Result, Scheme

BAND_BADGES = {
    Band.EXCELLENT: "text-bg-success",
    Band.GOOD: "text-bg-primary",
    Band.PASS: "text-bg-secondary",
    Band.FAIL: "text-bg-danger",
}

STATUS_BADGES = {
    Scheme.Status.DRAFT: "text-bg-secondary",
    Scheme.Status.OPEN: "text-bg-primary",
    Scheme.Status.CLOSED: "text-bg-warning",
    Scheme.Status.PUBLISHED: "text-bg-success",
}


def band_badge(band: str, label: str) -> str:
    return format_html('<span class="badge {}">{}</span>', BAND_BADGES.get(band, "text-bg-light"), label)


class SchemeTable(tables.Table):
    name = tables.Column(linkify=("evaluation:scheme_detail", {"pk": tables.A("pk")}))
    year = tables.Column()
    target_kind = tables.Column()
    group = tables.Column(order_by=("group__name",))
    status = tables.Column()
    n_evaluatees = tables.Column(verbose_name=_("number of evaluatees"))
    n_indicators = tables.Column(verbose_name=_("number of indicators"))
    results = tables.Column(verbose_name=_("results"), empty_values=(), orderable=False)

    class Meta:
        model = Scheme
        fields = ("name", "year", "target_kind", "group", "status", "results", "n_evaluatees", "n_indicators")
        order_by = ("-year",)

    def __init__(self, *args, can_read_unpublished: bool = False, **kwargs):
        self.can_read_unpublished = can_read_unpublished
        super().__init__(*args, **kwargs)

    def render_status(self, record, value):
        return format_html('<span class="badge {}">{}</span>', STATUS_BADGES.get(record.status, ""), value)

    def render_results(self, record):
        """The latest published version, linked (every role); for those who may read them, the
        state of unpublished results."""
        url = reverse("evaluation:results", args=[record.pk])
        if record.published_version:
            return format_html(
                '<a class="badge text-bg-success text-decoration-none" href="{}?published=1">{}</a>',
                url,
                _("Published v%(v)s") % {"v": record.published_version},
            )
        if not self.can_read_unpublished or record.status == Scheme.Status.DRAFT:
            return _("Not published")
        if record.current_run_id is None:
            return _("Not computed")
        label = _("Out of date") if record.results_stale else _("Computed, not published")
        return format_html('<a href="{}">{}</a>', url, label)

    def value_results(self, record):
        if record.published_version:
            return _("Published v%(v)s") % {"v": record.published_version}
        return _("Not published")

    def value_status(self, record):
        return record.get_status_display()


class IndicatorColumn(tables.Column):
    """One leaf indicator's points, from the result row's cells."""

    def __init__(self, indicator_id: int, **kwargs):
        self.indicator_id = indicator_id
        super().__init__(empty_values=(), orderable=False, **kwargs)

    def render(self, record, table):
        value = record.indicator_points.get(self.indicator_id)
        return "—" if value is None else value

    def value(self, record, table, **kwargs):
        value = record.indicator_points.get(self.indicator_id)
        return "" if value is None else value


class ResultTable(RecordRowsMixin, tables.Table):
    """The ranking. Its rows are written by evaluation/_result_table.html from `page_rows()`
    (37 columns × 25 rows through django-tables2's cell machinery cost ~100 ms a page); the
    columns below still give the headers, ordering and the export's values."""

    rank = tables.Column()
    code = tables.Column(verbose_name=_("code"), accessor="evaluatee__code", order_by=("evaluatee__code",))
    name = tables.Column(
        verbose_name=_("name"),
        accessor="evaluatee__name",
        order_by=("evaluatee__name",),
        linkify=("evaluation:evaluatee_detail", {"pk": tables.A("evaluatee_id")}),
    )
    peer_category = tables.Column(
        verbose_name=_("peer category"),
        accessor="evaluatee__peer_category__name",
        order_by=("evaluatee__peer_category__name", "position"),
        default="—",
    )
    total = tables.Column()
    percentile = tables.Column()
    band = tables.Column()

    class Meta:
        model = Result
        fields = ("rank", "code", "name", "peer_category", "total", "percentile", "band")
        order_by = ("peer_category", "rank")
        template_name = "evaluation/_result_table.html"

    def indicator_ids(self) -> list[int]:
        """The indicator columns' indicators, in the order of the header."""
        return [
            column.column.indicator_id
            for column in self.columns
            if isinstance(column.column, IndicatorColumn)
        ]

    def page_points(self) -> list[list[Decimal | None]]:
        """Per record of the page, in order: its points per indicator column, in the header's
        order (None where it has none)."""
        indicator_ids = self.indicator_ids()
        return [
            [record.indicator_points.get(indicator_id) for indicator_id in indicator_ids]
            for record in self.page_records()
        ]

    def page_rows(self) -> list[tuple[Result, str]]:
        """Per record of the page: the record, and the HTML of its cells after the peer
        category (total, percentile, band badge, then the points), as `{{ value }}` would print
        them ("—" where there are no points)."""
        number = number_formatter()
        rows = []
        for record, points in zip(self.page_records(), self.page_points(), strict=True):
            band = band_badge(record.band, record.get_band_display()) if record.band else "—"
            cells = [number(record.total), number(record.percentile), band]
            cells += ["—" if value is None else number(value) for value in points]
            # Numbers printed by Django's numberformat (digits, sign, the language's separators)
            # and format_html's badge: nothing to escape.
            rows.append((record, mark_safe("".join([f"<td>{cell}</td>" for cell in cells]))))
        return rows

    def render_band(self, record, value):
        return band_badge(record.band, value)

    def value_band(self, record):
        return record.get_band_display()


class ProvisionalResultTable(ResultTable):
    """The ranking from the provisional results (evaluation.provisional): their cells come in
    one query for the page, or for the whole export."""

    class Meta(ResultTable.Meta):
        # django-tables2 does not inherit Meta: the ranking's row template, for these rows.
        model = ProvisionalTotal

    def page_records(self) -> list:
        if not hasattr(self, "_page_records"):
            from .selectors import attach_provisional_points

            self._page_records = attach_provisional_points(super().page_records())
        return self._page_records

    def as_values(self, *args, **kwargs):
        from .selectors import attach_provisional_points

        attach_provisional_points(self.data.data)  # the queryset the rows come from, evaluated once
        return super().as_values(*args, **kwargs)
