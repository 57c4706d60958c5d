"""Spreadsheet exports that cannot inject formulas.

A cell that begins with =, +, -, @, a tab or a carriage return would be run as a formula by
Excel or WPS; it is written as literal text instead (prefixed with an apostrophe), in CSV and
XLSX alike. django-import-export's own option only handles "=".

`streamed_export` writes a list's export while it is sent (a list view opts in with
`PortalListView.streamed_export`): the staff list's 30,000 rows at city size.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils.encoding import force_str
from django.utils.timezone import localtime
from django_tables2.data import TableQuerysetData
from django_tables2.export import TableExport
from django_tables2.rows import BoundRow

from .xlsx import xlsx_chunks

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    if isinstance(value, datetime.datetime):
        return localtime(value).replace(tzinfo=None) if value.tzinfo else value
    return value


class SafeTableExport(TableExport):
    def __init__(self, export_format, table, exclude_columns=None, dataset_kwargs=None):
        super().__init__(export_format, table, exclude_columns, dataset_kwargs)
        headers = self.dataset.headers
        rows = [tuple(safe_cell(v) for v in row) for row in self.dataset]
        self.dataset.wipe()
        self.dataset.headers = headers
        for row in rows:
            self.dataset.append(row)


#: Records read from the database at a time by a streamed export.
EXPORT_CHUNK = 2000
#: Rows of a streamed CSV export written to the response at a time.
CSV_BATCH = 500


def export_rows(table, exclude_columns=()) -> Iterator[list]:
    """The header, then one row per record: the values `table.as_values()` gives (its columns,
    `value_FOO` methods and all), formula-escaped as `safe_cell` does, with the records read in
    chunks of EXPORT_CHUNK (`QuerySet.iterator`; prefetches run per chunk) instead of all at once.

    A table may define `export_value_rows(queryset, chunk_size)`, its rows' values read from the
    queryset as tuples (`values_list`, related values by join or one query per chunk) rather than
    model instances, and without the columns' per-cell machinery (signature inspection,
    accessors): at 30,000 rows that is most of the time. It must give what `as_values()` gives
    (the staff table's test checks it row for row)."""
    columns = [
        column
        for column in table.columns.iterall()
        if not (column.column.exclude_from_export or column.name in exclude_columns)
    ]
    yield [force_str(column.header, strings_only=True) for column in columns]
    data = table.data
    fast = getattr(table, "export_value_rows", None)
    if fast is not None and not exclude_columns and isinstance(data, TableQuerysetData):
        for values in fast(data.data, chunk_size=EXPORT_CHUNK):
            yield [safe_cell(value) for value in values]
        return
    records = data.data.iterator(chunk_size=EXPORT_CHUNK) if isinstance(data, TableQuerysetData) else data
    for record in records:
        row = BoundRow(record, table=table)
        yield [safe_cell(force_str(row.get_cell_value(column.name), strings_only=True)) for column in columns]


class _Line:
    """A file for csv.writer that hands back what it was given."""

    def write(self, text: str) -> str:
        return text


def _csv_chunks(rows: Iterable[list]) -> Iterator[bytes]:
    writer = csv.writer(_Line())
    batch: list[str] = []
    for row in rows:
        batch.append(writer.writerow(row))
        if len(batch) >= CSV_BATCH:
            yield "".join(batch).encode()
            batch.clear()
    if batch:
        yield "".join(batch).encode()


def streamed_export(
    table, export_format: str, filename: str, exclude_columns=(), title=""
) -> StreamingHttpResponse:
    """The table's export as a streamed response (CSV or XLSX): the records are read and written
    while the response is sent, never held in memory all at once (SafeTableExport builds a tablib
    Dataset of every row, then the whole file)."""
    rows = export_rows(table, exclude_columns)
    if export_format == TableExport.CSV:
        chunks = _csv_chunks(rows)
    elif export_format == TableExport.XLSX:
        chunks = xlsx_chunks(rows, title or "Sheet")
    else:
        raise ValueError(f"a streamed export is CSV or XLSX, not {export_format}")
    response = StreamingHttpResponse(chunks, content_type=TableExport.FORMATS[export_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
