"""The ranking's rows, written from the page's records (evaluation/_result_table.html): the same
cells as the table's columns give the export, in the header's order, for every page and ordering;
the export has every row's points, not only the first page's."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from evaluation.models import Evaluatee, Indicator, Score
from evaluation.services import results_compute_now
from evaluation.tables import ResultTable
from tests.evaluation.factories import EvaluateeFactory
from tests.table_html import table_cells


def results_url(scheme, query=""):
    return reverse("evaluation:results", args=[scheme.pk]) + query


def score(scheme, evaluatee, code, points, evaluator):
    Score.objects.create(
        indicator=Indicator.objects.get(scheme=scheme, code=code),
        evaluatee=evaluatee,
        evaluator=evaluator,
        points=Decimal(points),
    )


@pytest.fixture
def ranked(scheme, longshi, supervisor):
    """The plan's schools ranked, 30 more evaluatees with points on A1.1 and A2.1 but none on
    A1.2 (an empty cell in every row), and 龙师附小 with A1.1 only."""
    score(scheme, longshi, "A1.1", "7.25", supervisor)
    for i in range(30):
        evaluatee = EvaluateeFactory(scheme=scheme)
        score(scheme, evaluatee, "A1.1", f"{i % 10}.5", supervisor)
        score(scheme, evaluatee, "A2.1", "3", supervisor)
    results_compute_now(scheme=scheme)
    return scheme


def export_rows(table):
    """The table's export values as the page prints them: empty cells are "—"."""
    with translation.override("zh-hans"):
        rows = list(table.as_values())
    return rows[0], [["—" if value in (None, "") else str(value) for value in row] for row in rows[1:]]


@pytest.mark.parametrize("query", ["", "?page=2", "?sort=-total", "?sort=name&page=2", "?band=fail"])
def test_ranking_rows_show_the_export_values(ranked, client_as, query):
    response = client_as("bureau").get(results_url(ranked, query))
    header, rows = table_cells(response.content.decode())
    export_header, export = export_rows(response.context["table"])
    assert header == export_header
    assert rows, "the page lists results"
    page = response.context["table"].page
    assert rows == export[page.start_index() - 1 : page.end_index()]


def test_ranking_cells_carry_the_link_the_badge_and_the_points(ranked, longshi, client_as):
    html = client_as("bureau").get(results_url(ranked, "?sort=code")).content.decode()
    link = reverse("evaluation:evaluatee_detail", args=[longshi.pk])
    assert f'<a href="{link}">{longshi.name}</a>' in html
    assert '<span class="badge text-bg-danger">不合格</span>' in html
    _, rows = table_cells(html)
    mine = next(row for row in rows if row[1] == longshi.code)
    # A1.1, A1.2, A2.1: points, nobody scored it, nobody scored it.
    assert mine[-3:] == ["7.2500", "—", "—"]


def test_page_points_follow_the_indicator_columns(ranked, longshi, client_as):
    table = client_as("bureau").get(results_url(ranked, "?sort=code")).context["table"]
    codes = [column.header for column in table.columns][7:]
    assert codes == ["A1.1", "A1.2", "A2.1"]
    assert table.indicator_ids() == [Indicator.objects.get(scheme=ranked, code=code).pk for code in codes]
    points = dict(
        zip([record.evaluatee_id for record in table.page_records()], table.page_points(), strict=True)
    )
    assert points[longshi.pk] == [Decimal("7.2500"), None, None]
    assert all(len(row) == 3 and row[1] is None for row in points.values())


def test_export_has_the_points_of_rows_beyond_the_first_page(ranked, client_as):
    export = client_as("bureau").get(results_url(ranked, "?_export=csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(export)))[1:]
    assert len(rows) == Evaluatee.objects.filter(scheme=ranked).count() > 25
    scored = [row for row in rows if row[-1] == "3.0000"]
    assert len(scored) == 30
    assert all(row[-3] != "" and row[-2] == "" for row in scored)


def test_export_stays_formula_escaped(scheme, supervisor, client_as):
    evaluatee = EvaluateeFactory(scheme=scheme, name='=HYPERLINK("http://x")')
    score(scheme, evaluatee, "A1.1", "5", supervisor)
    results_compute_now(scheme=scheme)
    export = client_as("bureau").get(results_url(scheme, "?_export=csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in export
    html = client_as("bureau").get(results_url(scheme)).content.decode()
    assert "=HYPERLINK(&quot;http://x&quot;)</a>" in html


def test_empty_ranking_has_no_result_rows_and_points_to_the_next_step(scheme, client_as):
    response = client_as("bureau").get(results_url(scheme))
    assert response.status_code == 200
    page = response.content.decode()
    header, rows = table_cells(page)
    # One row spanning the table: no results, and the state box above says what to do.
    assert header[:3] == ["名次", "编码", "名称"] and len(rows) == 1 and len(rows[0]) == 1
    assert 'data-state="not_computed"' in page


def test_table_template_extends_the_configured_base(settings):
    from django.template.loader import get_template

    source = get_template(ResultTable._meta.template_name).template.source
    assert source.startswith(f'{{% extends "{settings.DJANGO_TABLES2_TEMPLATE}" %}}')


@pytest.mark.parametrize("size", [3, 40])
def test_ranking_queries_stay_constant_with_points(
    scheme, supervisor, client_as, django_assert_max_num_queries, size
):
    for _ in range(size):
        score(scheme, EvaluateeFactory(scheme=scheme), "A1.1", "4", supervisor)
    results_compute_now(scheme=scheme)
    client = client_as("bureau")
    with django_assert_max_num_queries(15):
        assert client.get(results_url(scheme, "?page=2" if size > 25 else "")).status_code == 200
