"""Exact sums of money in the database, whatever the database.

SQLite keeps decimals as binary floating point and its SUM adds floats: a thousand payments of
0.01 come back as 9.99999999999983. Sums here add whole cents as integers instead (exact on
SQLite and PostgreSQL alike) and come back as Decimal yuan with two decimals.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Func, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Round
from django.utils import numberformat
from django.utils.formats import get_format

CENT = Decimal("0.01")


class YuanFromCents(models.BigIntegerField):
    """An integer number of cents from the database, read as Decimal yuan."""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(CENT)


def cents(field: str = "amount"):
    """The amount as a whole number of cents (the stored value has two decimals)."""
    return Cast(Round(F(field) * 100), models.BigIntegerField())


def yuan_sum(field: str = "amount", **extra):
    """Sum of a money field as an aggregate: exact, 0.00 when there are no rows."""
    return Coalesce(Sum(cents(field), **extra), Value(0), output_field=YuanFromCents())


def money_total(queryset: QuerySet, field: str = "amount") -> Decimal:
    return queryset.aggregate(total=yuan_sum(field))["total"]


def money_subquery(queryset: QuerySet, field: str = "amount"):
    """A correlated exact sum for annotations: SUM without GROUP BY over the rows the outer
    reference selects; 0.00 when none."""
    total = (
        queryset.order_by()
        .annotate(total=Func(cents(field), function="SUM", output_field=models.BigIntegerField()))
        .values("total")
    )
    return Coalesce(
        Subquery(total, output_field=models.BigIntegerField()), Value(0), output_field=YuanFromCents()
    )


def format_yuan(value: Decimal | int | float | None) -> str:
    """A yuan amount for people to read: two decimals, thousands grouped by three.

    Every page, table, export label and message of the funds shows money through this helper.
    The decimal and group separators follow the active language (Django's format files), but
    the grouping stays by three digits with a comma when the language defines none: Django's
    Simplified Chinese format has no thousands separator (and groups by 万), while Chinese
    financial statements and budget documents write 1,234,567.89 元.
    """
    if value is None:
        return "—"
    thousand_sep = get_format("THOUSAND_SEPARATOR") or ","
    return numberformat.format(
        Decimal(value).quantize(CENT),
        get_format("DECIMAL_SEPARATOR") or ".",
        decimal_pos=2,
        grouping=3,
        thousand_sep=thousand_sep,
        force_grouping=True,
    )
