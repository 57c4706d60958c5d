"""Forms of the campuses app: the small read-side pickers of the figure pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.forms import PortalForm

from .selectors import Term


class TermForm(PortalForm):
    """Pick the term whose enrollment a campus page shows (default: the latest)."""

    term = forms.ChoiceField(label=_("Term"), required=False)

    def __init__(self, *args, terms: list[Term], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = [("", _("Latest term"))] + [(t.param, t.label) for t in terms]

    def clean_term(self) -> Term | None:
        value = self.cleaned_data["term"]
        return Term.parse(value) if value else None


class YearForm(PortalForm):
    """Pick the year whose exchange figures a page shows (default: this year)."""

    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
