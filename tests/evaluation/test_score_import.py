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
