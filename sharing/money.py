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
