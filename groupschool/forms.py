"""Form helpers: choices limited to the user's scope, Bootstrap classes on every widget."""

from __future__ import annotations

from django import forms

from .generic import scoped_queryset
from .widgets import style_widgets


class BootstrapMixin:
    def _style_widgets(self):
        style_widgets(self)


class ScopedModelForm(BootstrapMixin, forms.ModelForm):
    """A model form whose foreign-key and many-to-many choices come from the user's scope:
    a vice-principal cannot even pick another campus, nor another campus's teacher."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = scoped_queryset(field.queryset.model, user) & field.queryset
        self._style_widgets()


class PortalForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()
