"""Forms of the supervision app."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from campuses.models import Campus
from kernel.forms import PortalForm, ScopedModelForm
from kernel.roles import Role

from .models import Experience, SupervisionVisit


def portal_users():
    """Active accounts with a portal role: who may own a rectification."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=Role.values)
        .distinct()
        .order_by("username")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class SupervisionVisitForm(ScopedModelForm):
    class Meta:
        model = SupervisionVisit
        fields = ["kind", "visited_on", "group", "campus", "team", "findings"]
        widgets = {"visited_on": forms.DateInput(), "findings": forms.Textarea(attrs={"rows": 6})}

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("group")) == bool(cleaned.get("campus")):
            self.add_error("campus", _("Choose the group or the campus visited, not both."))
        return cleaned


class SupervisionVisitUpdateForm(ScopedModelForm):
    class Meta:
        model = SupervisionVisit
        fields = ["kind", "visited_on", "team", "findings"]
        widgets = {"visited_on": forms.DateInput(), "findings": forms.Textarea(attrs={"rows": 6})}


class RectificationForm(PortalForm):
    """A rectification set at a visit: a campus visit's belong to its campus; a group visit's
    to one of the group's campuses, or to the whole group."""

    description = forms.CharField(label=_("what to rectify"), widget=forms.Textarea(attrs={"rows": 4}))
    owner = UserChoiceField(label=_("owner"), queryset=get_user_model().objects.none())
    campus = forms.ModelChoiceField(
        label=_("campus"),
        queryset=Campus.objects.none(),
        required=False,
        help_text=_("Leave empty for an item of the whole group."),
    )
    due_on = forms.DateField(label=_("due on"), widget=forms.DateInput())

    def __init__(self, *args, visit: SupervisionVisit, **kwargs):
        super().__init__(*args, **kwargs)
        self.visit = visit
        self.fields["owner"].queryset = portal_users()
        if visit.campus_id:
            self.fields["campus"].queryset = Campus.objects.filter(pk=visit.campus_id)
            self.fields["campus"].initial = visit.campus_id
            self.fields["campus"].required = True
            self.fields["campus"].help_text = ""
        else:
            self.fields["campus"].queryset = Campus.objects.filter(school__group_id=visit.group_id)

    def clean_description(self):
        text = self.cleaned_data["description"].strip()
        if not text:
            raise forms.ValidationError(_("Say what is to be put right."))
        return text

    def clean_due_on(self):
        due = self.cleaned_data["due_on"]
        if due < self.visit.visited_on:
            raise forms.ValidationError(_("The due date cannot be before the visit."))
        return due


class RectificationUpdateForm(RectificationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["campus"]


class RectificationCloseForm(PortalForm):
    closing_record = forms.CharField(
        label=_("what was done"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was put right, and how it can be checked."),
    )
    attachment = forms.FileField(label=_("attachment"), required=False)

    def clean_closing_record(self):
        text = self.cleaned_data["closing_record"].strip()
        if not text:
            raise forms.ValidationError(_("Say what was done to put it right."))
        return text


# --- Typical experiences -----------------------------------------------------------------------


class ExperienceForm(ScopedModelForm):
    attachment = forms.FileField(label=_("attachment"), required=False)

    class Meta:
        model = Experience
        fields = ["title", "campus", "topic", "summary", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}
