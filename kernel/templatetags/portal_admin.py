"""Template helpers of the admin pages (templates/admin/)."""

from django import template

register = template.Library()


@register.filter
def cells_with_errors(row, headers):
    """An invalid import row's cells beside their column's errors, for the import page:
    [{"value": ..., "header": ..., "errors": [...]}, ...] in the preview's column order."""
    errors = row.field_specific_errors
    return [
        {"value": value, "header": header, "errors": errors.get(header, [])}
        for header, value in zip(headers, row.values, strict=False)
    ]


@register.filter
def column_errors(row, headers):
    """An invalid row's errors whose key is no column of the preview (a field no column holds)."""
    known = set(headers)
    return {key: messages for key, messages in row.field_specific_errors.items() if key not in known}
