"""Import of scores from Excel: the grid's rules, all rows or none, errors by row and column."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluation.models import CellReview, Indicator, Scheme, Score

HEADERS = ["evaluatee_code", "indicator_code", "points", "comment"]


def xlsx(rows, headers=HEADERS, name="scores.xlsx"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def post(client, scheme, upload):
    return client.post(reverse("evaluation:score_import", args=[scheme.pk]), {"file": upload})


@pytest.mark.parametrize(
    ("username", "status"), [("supervisor", 200), ("bureau", 403), ("principal", 403), ("vp-hongqi", 403)]
)
def test_only_evaluators_import(scheme, client_as, username, status):
    assert client_as(username).get(reverse("evaluation:score_import", args=[scheme.pk])).status_code == status
    template = client_as(username).get(reverse("evaluation:score_import_template", args=[scheme.pk]))
    assert template.status_code == status


def test_anonymous_goes_to_login(scheme, client):
    response = client.get(reverse("evaluation:score_import", args=[scheme.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_valid_sheet_writes_every_row_as_the_importers_scores(scheme, longshi, client_as, supervisor):
    response = post(
        client_as("supervisor"),
        scheme,
        xlsx([[longshi.code, "A1.1", 7.5, "好"], [longshi.code, "A1.2", "18", ""], [longshi.code, "A2.1", 9, ""]]),
    )
    assert response.status_code == 302
    scores = {s.indicator.code: s for s in Score.objects.select_related("indicator")}
    assert {code: s.points for code, s in scores.items()} == {
        "A1.1": Decimal("7.50"),
        "A1.2": Decimal("18.00"),
        "A2.1": Decimal("9.00"),
    }
    assert all(s.evaluator == supervisor and s.version == 1 for s in scores.values())
    assert scores["A1.1"].comment == "好"
    assert Scheme.objects.get(pk=scheme.pk).results_stale


def test_one_bad_row_writes_nothing_and_names_row_and_column(scheme, longshi, client_as):
    response = post(
        client_as("supervisor"),
        scheme,
        xlsx(
            [
                [longshi.code, "A1.1", 7, ""],
                [longshi.code, "A1.2", 25, ""],  # above the maximum of 20
                ["NOPE", "A2.1", 5, ""],  # unknown evaluatee
                [longshi.code, "A1", 5, ""],  # a first-level indicator takes no points
            ]
        ),
    )
    assert response.status_code == 200
    assert not Score.objects.exists()
    errors = response.context["errors"]
    rows = {(row, re.split(r"[ （(]", column)[0]) for row, column, _message in errors}
    assert {(2, "points"), (3, "evaluatee_code"), (4, "indicator_code")} <= rows
    page = response.content.decode()
    assert "NOPE" in page and "20" in page


def test_reimport_updates_own_scores_and_never_others(scheme, longshi, client_as, supervisor, make_evaluators):
    (other,) = make_evaluators(1)
    a11 = Indicator.objects.get(scheme=scheme, code="A1.1")
    Score.objects.create(indicator=a11, evaluatee=longshi, evaluator=other, points=Decimal("3"))
    Score.objects.create(indicator=a11, evaluatee=longshi, evaluator=supervisor, points=Decimal("4"))
    CellReview.objects.create(indicator=a11, evaluatee=longshi, reason="ok", reviewed_by=supervisor)
    post(client_as("supervisor"), scheme, xlsx([[longshi.code, "A1.1", 6, ""]]))
    mine = Score.objects.get(evaluator=supervisor)
    assert (mine.points, mine.version) == (Decimal("6.00"), 2)
    assert Score.objects.get(evaluator=other).points == Decimal("3.00")
    # The changed cell needs a new confirmation by the lead evaluator.
    assert not CellReview.objects.exists()


def test_closed_scheme_refuses_the_sheet(scheme, longshi, client_as):
    Scheme.objects.filter(pk=scheme.pk).update(status=Scheme.Status.CLOSED)
    client = client_as("supervisor")
    page = client.get(reverse("evaluation:score_import", args=[scheme.pk])).content.decode()
    assert 'type="file"' not in page
    response = post(client, scheme, xlsx([[longshi.code, "A1.1", 6, ""]]))
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not Score.objects.exists()


def test_missing_column_is_named(scheme, longshi, client_as):
    response = post(client_as("supervisor"), scheme, xlsx([[longshi.code, "A1.1"]], headers=HEADERS[:2]))
    assert "points" in " ".join(response.context["form"].errors["file"])
    assert not Score.objects.exists()


def test_csv_is_accepted(scheme, longshi, client_as):
    upload = SimpleUploadedFile(
        "scores.csv", f"evaluatee_code,indicator_code,points\n{longshi.code},A2.1,8.25\n".encode(), "text/csv"
    )
    assert post(client_as("supervisor"), scheme, upload).status_code == 302
    assert Score.objects.get().points == Decimal("8.25")


def test_template_lists_every_cell_with_own_points(scheme, longshi, client_as, supervisor):
    a11 = Indicator.objects.get(scheme=scheme, code="A1.1")
    Score.objects.create(indicator=a11, evaluatee=longshi, evaluator=supervisor, points=Decimal("4"))
    other = get_user_model().objects.create_user("someone-else")
    Score.objects.create(indicator=a11, evaluatee=longshi, evaluator=other, points=Decimal("9"))
    response = client_as("supervisor").get(reverse("evaluation:score_import_template", args=[scheme.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:4]) == HEADERS
    evaluatees = scheme.evaluatees.count()
    assert len(rows) - 1 == evaluatees * 3  # three scored leaves
    mine = [r for r in rows[1:] if r[0] == longshi.code and r[1] == "A1.1"]
    assert float(mine[0][2]) == 4.0


# --------------------------------------------------------------------------------------------
# Versions: a sheet carries the version of each cell it was made from


def _template_rows(client, scheme):
    response = client.get(reverse("evaluation:score_import_template", args=[scheme.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return sheet, rows[0], [list(r) for r in rows[1:]]


def _as_upload(headers, rows):
    return xlsx(rows, headers=list(headers))


def _grid_save(client, scheme, evaluatee, code, points, version):
    indicator = Indicator.objects.get(scheme=scheme, code=code)
    return client.post(
        reverse("evaluation:score_save", args=[scheme.pk]),
        {"indicator": indicator.pk, "evaluatee": evaluatee.pk, "points": points, "version": version},
    )


def test_template_carries_each_cells_version_in_a_hidden_column(scheme, longshi, client_as, supervisor):
    a11 = Indicator.objects.get(scheme=scheme, code="A1.1")
    Score.objects.create(
        indicator=a11, evaluatee=longshi, evaluator=supervisor, points=Decimal("4"), version=3
    )
    sheet, headers, rows = _template_rows(client_as("supervisor"), scheme)
    version = headers.index("version")
    assert sheet.column_dimensions[openpyxl.utils.get_column_letter(version + 1)].hidden
    by_cell = {(r[0], r[1]): r[version] for r in rows}
    assert by_cell[(longshi.code, "A1.1")] == 3 and by_cell[(longshi.code, "A1.2")] == 0


def test_a_template_imported_after_a_newer_grid_save_is_a_conflict_and_writes_nothing(
    scheme, longshi, client_as, supervisor
):
    client = client_as("supervisor")
    _grid_save(client, scheme, longshi, "A1.1", "6", 0)  # version 1
    _sheet, headers, rows = _template_rows(client, scheme)  # made at version 1, points 6
    _grid_save(client, scheme, longshi, "A1.1", "9", 1)  # version 2: the newer 9
    points = headers.index("points")
    for row in rows:
        if row[:2] == [longshi.code, "A1.2"]:
            row[points] = 15  # a new cell the evaluator filled in the sheet
    response = post(client, scheme, _as_upload(headers, rows))
    assert response.status_code == 200
    stored = Score.objects.get(indicator__code="A1.1", evaluator=supervisor)
    assert (stored.points, stored.version) == (Decimal("9.00"), 2)
    assert not Score.objects.filter(indicator__code="A1.2").exists()  # nothing written at all
    errors = response.context["errors"]
    row_of_a11 = next(i for i, r in enumerate(rows, 1) if r[:2] == [longshi.code, "A1.1"])
    conflict = [(row, column, message) for row, column, message in errors if "版" in message]  # "version"
    assert [(row, re.split(r"[ （(]", column)[0]) for row, column, _m in conflict] == [(row_of_a11, "points")]
    assert "9.00" in conflict[0][2]
    assert response.context["conflicts"] == 1
    assert "Overwrite newer values" in response.content.decode() or "覆盖" in response.content.decode()


def test_overwriting_newer_values_is_an_explicit_choice_and_is_counted(scheme, longshi, client_as):
    client = client_as("supervisor")
    _grid_save(client, scheme, longshi, "A1.1", "6", 0)
    _sheet, headers, rows = _template_rows(client, scheme)
    _grid_save(client, scheme, longshi, "A1.1", "9", 1)
    upload = _as_upload(headers, rows)
    response = client.post(
        reverse("evaluation:score_import", args=[scheme.pk]),
        {"file": upload, "overwrite_newer": "on"},
        follow=True,
    )
    stored = Score.objects.get(indicator__code="A1.1", evaluator__username="supervisor")
    assert (stored.points, stored.version) == (Decimal("6.00"), 3)
    shown = [str(m) for m in response.context["messages"]]
    assert any("已覆盖 1 个在下载表格后保存过的单元格" in m for m in shown), shown


def test_an_unchanged_row_of_a_cell_saved_since_is_no_conflict(scheme, longshi, client_as, supervisor):
    """The sheet's value equals the newer one: nothing would change, nothing to report."""
    client = client_as("supervisor")
    _grid_save(client, scheme, longshi, "A1.1", "6", 0)
    _sheet, headers, rows = _template_rows(client, scheme)
    _grid_save(client, scheme, longshi, "A1.1", "9", 1)
    points = headers.index("points")
    for row in rows:
        if row[:2] == [longshi.code, "A1.1"]:
            row[points] = 9
    assert post(client, scheme, _as_upload(headers, rows)).status_code == 302
    assert Score.objects.get(indicator__code="A1.1").version == 2


def test_the_downloaded_template_filled_in_part_imports_only_the_filled_rows(scheme, longshi, client_as):
    client = client_as("supervisor")
    _sheet, headers, rows = _template_rows(client, scheme)
    points = headers.index("points")
    rows[0][points] = 7
    response = post(client, scheme, _as_upload(headers, rows))
    assert response.status_code == 302
    assert Score.objects.count() == 1


@pytest.mark.parametrize("value", ["abc", "8..5", "NaN", "十"])
def test_non_numeric_points_name_the_row_and_the_column(scheme, longshi, client_as, value):
    client = client_as("supervisor")
    response = post(client, scheme, xlsx([[longshi.code, "A1.1", 5, ""], [longshi.code, "A1.2", value, ""]]))
    assert response.status_code == 200 and not Score.objects.exists()
    errors = response.context["errors"]
    assert [(row, re.split(r"[ （(]", column)[0]) for row, column, _m in errors] == [(2, "points")]
    page = response.content.decode()
    assert "ConversionSyntax" not in page and "decimal" not in page
    assert errors[0][2] == "请以数字填写分值，例如 8.5。"  # the page's language (zh-hans by default)


def test_a_tampered_version_cell_is_named(scheme, longshi, client_as):
    response = post(
        client_as("supervisor"),
        scheme,
        xlsx([[longshi.code, "A1.1", 5, "", "x"]], headers=[*HEADERS, "version"]),
    )
    errors = response.context["errors"]
    assert [(row, re.split(r"[ （(]", column)[0]) for row, column, _m in errors] == [(1, "版本")]  # "version"
