"""Forms of the campuses app: the small read-side pickers of the figure pages, and the
expansion applications."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kernel.forms import PortalForm, ScopedModelForm

from .models import ExpansionApplication, School
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


# --- Expansion applications --------------------------------------------------------------------


class ExpansionApplicationForm(ScopedModelForm):
    """One form for both kinds; the fields of the other kind are ignored."""

    document = forms.FileField(
        label=_("document"),
        required=False,
        help_text=_("The application report; more documents can be added on the application's page."),
    )

    class Meta:
        model = ExpansionApplication
        fields = [
            "kind",
            "proposed_name",
            "proposed_code",
            "governance_mode",
            "core_school",
            "member_schools",
            "target_group",
            "school",
            "reason",
        ]
        widgets = {
            "member_schools": forms.SelectMultiple(attrs={"size": 6}),
            "reason": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Schools that join a group belong to none yet: they are in nobody's scope.
        free = School.objects.filter(group__isnull=True).order_by("name")
        for name in ("core_school", "member_schools", "school"):
            self.fields[name].queryset = free
        if self.instance.pk:
            self.fields.pop("document")

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == ExpansionApplication.Kind.NEW_GROUP:
            for name, message in (
                ("proposed_name", _("Name the new group.")),
                ("proposed_code", _("Give the new group a code.")),
                ("governance_mode", _("Choose how the new group is governed.")),
                ("core_school", _("Choose the core school of the new group.")),
            ):
                if not cleaned.get(name):
                    self.add_error(name, message)
            core = cleaned.get("core_school")
            if core and core in (cleaned.get("member_schools") or []):
                self.add_error("member_schools", _("The core school is not listed again as a member."))
        elif kind == ExpansionApplication.Kind.ADMIT_SCHOOL:
            if not cleaned.get("target_group"):
                self.add_error("target_group", _("Choose the group the school joins."))
            if not cleaned.get("school"):
                self.add_error("school", _("Choose the school to admit."))
        return cleaned

    def application_fields(self) -> dict:
        data = self.cleaned_data
        return {name: data.get(name) for name in self.Meta.fields} | {
            "governance_mode": data.get("governance_mode") or "",
            "member_schools": list(data.get("member_schools") or []),
        }


class ApplicationCommentForm(PortalForm):
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ApplicationDocumentForm(PortalForm):
    file = forms.FileField(label=_("document"))
