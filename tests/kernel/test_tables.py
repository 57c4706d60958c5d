"""kernel.tables.number_formatter prints numbers as Django's `{{ number }}` does."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

from kernel.tables import number_formatter

VALUES = [
    0,
    7,
    -12,
    123456789,
    Decimal("0"),
    Decimal("-0.00"),
    Decimal("42.4500"),
    Decimal("-3.25"),
    Decimal("1234567.8"),
    Decimal("1E+3"),
    Decimal("1.5E-7"),
    Decimal("12345678901234567890.123456789"),
    Decimal("1E+250"),
    2.5,
    1e-20,
]


@pytest.mark.parametrize("language", ["zh-hans", "en", "de"])
@pytest.mark.parametrize("grouping", [False, True])
def test_numbers_print_as_the_template_prints_them(language, grouping):
    template = Template("{{ value }}")
    with translation.override(language), override_settings(USE_THOUSAND_SEPARATOR=grouping):
        number = number_formatter()
        for value in VALUES:
            assert number(value) == template.render(Context({"value": value})), (language, value)
