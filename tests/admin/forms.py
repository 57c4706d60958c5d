"""Turn an admin change page into the POST data that would save it unchanged."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import ReadOnlyPasswordHashWidget


def _field_data(form, prefix_name, data):
    for name, field in form.fields.items():
        if field.disabled or isinstance(field.widget, ReadOnlyPasswordHashWidget):
            continue
        key = form.add_prefix(name) if prefix_name else name
        value = form[name].value()
        if isinstance(field.widget, forms.SplitDateTimeWidget):
            if value:
                data[f"{key}_0"], data[f"{key}_1"] = value.date().isoformat(), value.time().isoformat()
        elif isinstance(field, forms.BooleanField):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(item) for item in value]
        elif value is not None:
            data[key] = str(value)


def change_form_data(response) -> dict:
    data: dict = {}
    _field_data(response.context["adminform"].form, False, data)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = str(management[name].value())
        for form in formset.forms:
            _field_data(form, True, data)
    return data


def inline_prefix(response, model) -> str:
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            return inline.formset.prefix
    raise LookupError(model)
