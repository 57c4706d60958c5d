"""kernel.xlsx writes the sheet's XML itself into a zip stream: the file it gives is read back with
openpyxl, cell for cell, with its types (text, numbers, booleans, dates), the bold header, and
the characters XML cannot hold as they are."""

import datetime
import decimal
import io
import zipfile

import openpyxl
import pytest

from kernel.exports import safe_cell
from kernel.xlsx import sheet_title, xlsx_chunks


def _read(chunks) -> openpyxl.worksheet.worksheet.Worksheet:
    return openpyxl.load_workbook(io.BytesIO(b"".join(chunks))).active


def test_cells_are_read_back_with_their_types():
    rows = [
        ["名称", "Number", "Date", "When", "Flag", "Empty"],
        [
            "张三 & <李四>",
            42,
            datetime.date(2020, 9, 1),
            datetime.datetime(2026, 12, 5, 8, 30, 15),
            True,
            None,
        ],
        [" spaced ", 2.5, None, None, False, ""],
        ["a\r\nb\tc", decimal.Decimal("3.25"), datetime.date(1999, 12, 31), None, None, "end"],
    ]
    sheet = _read(xlsx_chunks(rows, "staff"))
    assert sheet.title == "staff"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [
        ["名称", "Number", "Date", "When", "Flag", "Empty"],
        [
            "张三 & <李四>",
            42,
            datetime.datetime(2020, 9, 1),
            datetime.datetime(2026, 12, 5, 8, 30, 15),
            True,
            None,
        ],
        [" spaced ", 2.5, None, None, False, None],
        ["a\r\nb\tc", 3.25, datetime.datetime(1999, 12, 31), None, None, "end"],
    ]
    assert all(cell.font.b for cell in sheet[1])
    assert not any(cell.font.b for cell in sheet[2])
    assert sheet["C2"].is_date and sheet["C2"].number_format == "yyyy\\-mm\\-dd"


def test_formula_escaping_survives_and_control_characters_are_dropped():
    rows = [
        ["h"],
        *([safe_cell(text)] for text in ("=1+1", "+86", "-3", "@SUM(A1)", "\tx", "\ry")),
        ["a\x00b\x1fc"],
    ]
    sheet = _read(xlsx_chunks(rows))
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [
        "'=1+1",
        "'+86",
        "'-3",
        "'@SUM(A1)",
        "'\tx",
        "'\ry",
        "abc",
    ]
    assert all(row[0].data_type == "s" for row in sheet.iter_rows())


def test_the_file_comes_in_pieces_while_rows_are_read(monkeypatch):
    monkeypatch.setattr("kernel.xlsx.ROW_BATCH", 10)
    monkeypatch.setattr("kernel.xlsx.CHUNK_BYTES", 1024)
    read = []

    def rows():
        yield ["n", "text"]
        for n in range(3000):
            read.append(n)
            yield [n, f"第{n}行"]

    chunks = xlsx_chunks(rows(), "many")
    first = next(chunks)
    assert first and len(read) < 3000  # sent before the last row is read
    sheet = _read([first, *chunks])
    assert sheet.max_row == 3001
    assert [sheet.cell(3001, 1).value, sheet.cell(3001, 2).value] == [2999, "第2999行"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [("staff", "staff"), ("a/b:c", "a_b_c"), ("x" * 40, "x" * 31), ("", "Sheet")],
)
def test_sheet_title_is_one_excel_accepts(title, expected):
    assert sheet_title(title) == expected
    assert _read(xlsx_chunks([["h"]], title)).title == expected


def test_rows_and_cells_carry_their_references():
    body = b"".join(xlsx_chunks([["a", "b", "c"], ["x", None, 3], [None, "", "z"]]))
    sheet = zipfile.ZipFile(io.BytesIO(body)).read("xl/worksheets/sheet1.xml").decode()
    assert '<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c><c r="C2"><v>3</v></c></row>' in sheet
    assert '<row r="3"><c r="C3" t="inlineStr"><is><t>z</t></is></c></row>' in sheet


def test_a_row_wider_than_26_columns_is_read_back():
    from kernel.xlsx import _column_letters

    assert [_column_letters(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    wide = list(range(80))
    sheet = _read(xlsx_chunks([[f"h{n}" for n in wide], wide]))
    assert [cell.value for cell in sheet[2]] == wide
