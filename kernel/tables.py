"""Helpers for django-tables2 tables whose template renders the <tbody> from records."""

from decimal import Decimal

from django.conf import settings
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import get_language


class RecordRowsMixin:
    """The records of the page shown, for a table template that loops over them itself.

    django-tables2 renders every cell through its column objects (signature inspection,
    attribute dictionaries, accessors), which dominated the time of the busiest lists; those
    tables keep it for headers, ordering, pagination and exports, and write their rows from the
    records. The page's records are the paginator's slice of the table data: one query, as before.
    """

    def page_records(self) -> list:
        if not hasattr(self, "_page_records"):
            page = getattr(self, "page", None)
            self._page_records = list(page.object_list.data if page is not None else self.data)
        return self._page_records


def number_formatter():
    """A function printing a number as `{{ number }}` does in the active language, with the
    language's separators looked up once rather than per number (a ranking page prints 800).

    Without thousand separators (USE_THOUSAND_SEPARATOR off, as here) an int or a Decimal prints
    as its digits with the language's decimal separator: that is written directly, a tenth of
    numberformat.format's cost (a third of the ranking page's time went there). Anything else
    (floats, grouping on, a Decimal of over 200 digits) goes through numberformat;
    tests/kernel/test_tables.py checks both give the same text."""
    language = get_language()
    decimal_sep = get_format("DECIMAL_SEPARATOR", language, use_l10n=True)
    grouping = get_format("NUMBER_GROUPING", language, use_l10n=True)
    thousand_sep = get_format("THOUSAND_SEPARATOR", language, use_l10n=True)
    direct = not settings.USE_THOUSAND_SEPARATOR

    def format_number(value) -> str:
        if direct:
            kind = type(value)
            if kind is int:
                return str(value)
            if kind is Decimal and value.is_finite():
                _sign, digits, exponent = value.as_tuple()
                if abs(exponent) + len(digits) <= 200:
                    text = f"{value:f}"
                    return text if decimal_sep == "." else text.replace(".", decimal_sep)
        return numberformat.format(value, decimal_sep, None, grouping, thousand_sep, use_l10n=True)

    return format_number


def user_label(user) -> str:
    """An account as a table shows it: the full name, else the user name; a dash for none."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()
