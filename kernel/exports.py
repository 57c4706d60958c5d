"""Spreadsheet exports that cannot inject formulas.

A cell that begins with =, +, -, @, a tab or a carriage return would be run as a formula by
Excel or WPS; it is written as literal text instead (prefixed with an apostrophe), in CSV and
XLSX alike. django-import-export's own option only handles "=".
"""

from __future__ import annotations

import datetime

from django.utils.timezone import localtime
from django_tables2.export import TableExport

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
