"""django-tables2 tables of the assessment app."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Band, Result, Scheme

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
    n_evaluatees = tables.Column(verbose_name=_("evaluatees"))
    n_indicators = tables.Column(verbose_name=_("indicators"))
    last_computed = tables.Column(
        verbose_name=_("last computed"), accessor="current_run__finished_at", orderable=False
    )

    class Meta:
        model = Scheme
        fields = ("name", "year", "target_kind", "group", "status", "n_evaluatees", "n_indicators")

    def render_status(self, record, value):
        return format_html('<span class="badge {}">{}</span>', STATUS_BADGES.get(record.status, ""), value)

    def value_status(self, record):
        return record.get_status_display()


class IndicatorColumn(tables.Column):
    """One leaf indicator's points; the points of the rows shown are loaded in one query."""

    def __init__(self, indicator_id: int, **kwargs):
        self.indicator_id = indicator_id
        super().__init__(empty_values=(), orderable=False, **kwargs)

    def render(self, record, table):
        value = table.cell_points(record.evaluatee_id, self.indicator_id)
        return "—" if value is None else value

    def value(self, record, table, **kwargs):
        value = table.cell_points(record.evaluatee_id, self.indicator_id)
        return "" if value is None else value


class ResultTable(tables.Table):
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

    def __init__(self, *args, run=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.run = run
        self._cells = None

    def cell_points(self, evaluatee_id: int, indicator_id: int):
        if self._cells is None:
            from .selectors import cells_of

            rows = self.page.object_list if hasattr(self, "page") else self.data
            self._cells = cells_of(self.run, [getattr(row, "record", row).evaluatee_id for row in rows])
        return self._cells.get(evaluatee_id, {}).get(indicator_id)

    def render_band(self, record, value):
        return band_badge(record.band, value)

    def value_band(self, record):
        return record.get_band_display()
