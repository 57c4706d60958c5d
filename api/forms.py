from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.widgets import style_widgets

EXPIRY_CHOICES = [
    ("30", _("in 30 days")),
    ("90", _("in 90 days")),
    ("365", _("in a year")),
    ("", _("never")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("name"), max_length=100, help_text=_("What the token is for, e.g. the data centre.")
    )
    expires_in = forms.ChoiceField(label=_("expires"), choices=EXPIRY_CHOICES, initial="90", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def expires_at(self) -> datetime.datetime | None:
        days = self.cleaned_data.get("expires_in")
        return timezone.now() + datetime.timedelta(days=int(days)) if days else None
