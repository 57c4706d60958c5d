"""kernel.xlsx writes the sheet's XML itself into a zip stream: the file it gives is read back with
openpyxl, cell for cell, with its types (text, numbers, booleans, dates), the bold header, and
the characters XML cannot hold as they are."""

import datetime
import decimal
import io

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
