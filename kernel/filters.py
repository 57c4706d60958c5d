"""Filterset base of the portal's lists."""

import django_filters
from django import forms


class StyledFilterSet(django_filters.FilterSet):
    """A filterset whose form carries Bootstrap classes; date filters use the browser's date picker."""

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for field in form.fields.values():
                widget = field.widget
                if isinstance(widget, forms.Select | forms.SelectMultiple):
                    widget.attrs.setdefault("class", "form-select form-select-sm")
                else:
                    widget.attrs.setdefault("class", "form-control form-control-sm")
                if isinstance(widget, forms.DateInput):
                    widget.input_type = "date"
        return self._form
