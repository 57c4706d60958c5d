"""The staff list's export is streamed: written while it is sent, its records read from the
database in chunks (kernel.exports.streamed_export), complete and in the list's order; its rows
are what the table's columns give (`export_value_rows`, the fast path reading tuples, against
`as_values()`)."""

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kernel.exports import export_rows, safe_cell
from staff.models import Distinction, StaffMember, Subject
from tests.staff.factories import DistinctionFactory, StaffMemberFactory
from tests.staff.test_member_list_rows import staff  # noqa: F401 (the varied fixture)

LIST = reverse("staff:member_list")
MANY = 320


@pytest.fixture
def many(campuses):
    """MANY staff members of one campus, every tenth with a distinction; made in two queries."""
    campus = campuses["longxiang"]
    members = StaffMember.objects.bulk_create(
        StaffMember(name=f"导出{n:04d}", staff_number=f"E{n:05d}", subject=Subject.MATHS, home_campus=campus)
        for n in range(MANY)
    )
    Distinction.objects.bulk_create(
        Distinction(staff=member, kind=Distinction.Kind.BACKBONE, level=Distinction.Level.MUNICIPAL)
        for member in members[::10]
    )
    return members


def _body(response) -> bytes:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_export_of_many_rows_is_streamed_and_complete(many, client_as, monkeypatch, export_format):
    monkeypatch.setattr("kernel.exports.EXPORT_CHUNK", 50)
    client = client_as("bureau")
    response = client.get(LIST, {"q": "导出", "sort": "staff_number", "_export": export_format})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Disposition"] == f'attachment; filename="staff.{export_format}"'
    # Nothing is read until the response is sent; then the records come in chunks of 50: the
    # distinctions are read in one query per chunk.
    with CaptureQueriesContext(connection) as queries:
        body = _body(response)
    distinction_queries = [q for q in queries if 'FROM "staff_distinction"' in q["sql"]]
    assert len(distinction_queries) == -(-MANY // 50)
    if export_format == "csv":
        rows = list(csv.reader(io.StringIO(body.decode())))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(body)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["名称", "工号", "所在校区"]
    assert [row[0] for row in rows[1:]] == [f"导出{n:04d}" for n in range(MANY)]
    assert rows[1][6] == "市级骨干教师" and not rows[2][6]
    assert rows[-1][1] == f"E{MANY - 1:05d}"


def test_export_follows_the_scope(many, client_as):
    other = StaffMemberFactory(name="外校人员")
    body = _body(client_as("vp-longxiang").get(LIST, {"_export": "csv"})).decode()
    assert body.count("\n") == MANY + 1
    assert other.name not in body


def test_export_values_are_what_the_columns_give(staff, client_as):  # noqa: F811
    """The staff table's fast path gives, row by row, what django-tables2's columns give (empty
    values, choice labels, no campus, distinctions, yes/no), in the list's order."""
    DistinctionFactory(staff=staff["maths"], kind=Distinction.Kind.FAMOUS_TEACHER)
    with translation.override("zh-hans"):
        for query in ("", "?sort=-home_campus", "?is_active=false"):
            table = client_as("bureau").get(LIST + query).context["table"]
            expected = [[safe_cell(value) for value in row] for row in table.as_values()]
            streamed = list(export_rows(table))
            assert streamed == expected
            assert len(streamed) > 1
