"""Bootstrap classes on form widgets, for forms and filter forms alike; selects rendered in Python."""

from django import forms
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


def _attrs_html(attrs: dict) -> str:
    # As django/forms/widgets/attrs.html: False drops the attribute, True writes its name only.
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _text(label) -> str:
    # What `{{ label }}` prints: localized (numbers), then escaped.
    return conditional_escape(localize(label))


class FastSelectMixin:
    """Renders a <select> as Django's select.html and select_option.html templates would, byte
    for byte, but in Python: the campus filter has 500+ options, and one template include per
    option made the staff list's filter form cost more than its table."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        values = self.format_value(value)
        selected_html = _attrs_html(self.checked_attribute)
        multiple = self.allow_multiple_selected
        has_selected = False
        parts = [f'<select name="{conditional_escape(name)}"{_attrs_html(final_attrs)}>']
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            grouped = isinstance(option_label, list | tuple)
            if grouped:
                parts.append(f'\n  <optgroup label="{_text(option_value)}">')
                choices = option_label
            else:
                choices = ((option_value, option_label),)
            for subvalue, sublabel in choices:
                # The same test as ChoiceWidget.optgroups (values is a list, or a string for
                # NullBooleanSelect), and only the first match of a single select is selected.
                selected = (not has_selected or multiple) and str(subvalue) in values
                has_selected |= selected
                parts.append(
                    f'\n  <option value="{conditional_escape(str(subvalue))}"'
                    f"{selected_html if selected else ''}>{_text(sublabel)}</option>\n"
                )
            if grouped:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


class FastSelect(FastSelectMixin, forms.Select):
    pass


class FastNullBooleanSelect(FastSelectMixin, forms.NullBooleanSelect):
    pass


#: Plain widgets swapped for their Python-rendered twin (exact types only: a subclass may have
#: its own templates or option attributes).
FAST_WIDGETS = {forms.Select: FastSelect, forms.NullBooleanSelect: FastNullBooleanSelect}


def style_widgets(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        fast = FAST_WIDGETS.get(type(widget))
        if fast is not None:
            # The widget is the form's own deep copy, bound to its field's choices (a
            # ModelChoiceIterator for foreign keys): keep the instance, change only how it renders.
            widget.__class__ = fast
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)
        if isinstance(widget, forms.DateInput):
            widget.input_type = "date"
            widget.format = "%Y-%m-%d"
