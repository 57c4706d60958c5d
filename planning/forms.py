"""Forms of the planning app. Choices come from the user's scope (ScopedModelForm)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from campuses.models import Campus, EducationGroup
from kernel.forms import PortalForm, ScopedModelForm
from kernel.scoping import CHANGE
from staff.models import Unit

from .models import (
    PERCENT,
    Decision,
    Document,
    Measure,
    Meeting,
    SubTask,
)
from .permissions import is_campus_only


class ProgressReportForm(PortalForm):
    percent = forms.IntegerField(label=_("progress (%)"), min_value=0, max_value=100, validators=PERCENT)
    text = forms.CharField(label=_("report"), widget=forms.Textarea(attrs={"rows": 5}))
    attachment = forms.FileField(label=_("attachment"), required=False)

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Say what was done."))
        return text


class SubTaskForm(ScopedModelForm):
    """A sub-task under a measure. The campus choices are the user's (group leadership: its
    group's campuses); a campus executive vice-principal's own campus is fixed and no unit is
    offered. Without a due date, the sub-task is due when its measure is (its phase's end)."""

    class Meta:
        model = SubTask
        fields = ["measure", "title", "description", "campus", "unit", "owner", "start_on", "due_on"]
        widgets = {"start_on": forms.DateInput(), "due_on": forms.DateInput()}
        help_texts = {
            "due_on": _("Leave empty to take the measure's due date, or its phase's end."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["measure"].queryset = self.fields["measure"].queryset.order_by("order", "code")
        # A sub-task is assigned to a campus the user acts for.
        self.fields["campus"].queryset = Campus.objects.for_user(user, CHANGE).order_by("pk")
        if is_campus_only(user):
            del self.fields["unit"]
            campuses = self.fields["campus"].queryset
            self.fields["campus"].required = True
            self.fields["campus"].empty_label = None
            if len(campuses) == 1:
                self.fields["campus"].initial = campuses[0].pk
                self.fields["campus"].disabled = True
                self.fields["campus"].help_text = _("A sub-task you add is your campus's.")

    def clean(self):
        cleaned = super().clean()
        campus, unit = cleaned.get("campus"), cleaned.get("unit")
        if bool(campus) == bool(unit):
            self.add_error("campus", _("Assign the sub-task to a campus or to a unit, not both."))
        start, due = cleaned.get("start_on"), cleaned.get("due_on")
        if start and due and due < start:
            self.add_error("due_on", _("The due date cannot be before the start date."))
        return cleaned


class MeasureDatesForm(ScopedModelForm):
    """What the bureau sets on a measure of the plan: its phase, campus, dates. The code, text,
    leaders and units are the plan's and change through the admin only."""

    class Meta:
        model = Measure
        fields = ["phase", "campus", "start_on", "due_on"]
        widgets = {"start_on": forms.DateInput(), "due_on": forms.DateInput()}

    def clean(self):
        cleaned = super().clean()
        start, due = cleaned.get("start_on"), cleaned.get("due_on")
        if start and due and due < start:
            self.add_error("due_on", _("The due date cannot be before the start date."))
        return cleaned


class GroupRecordFormMixin:
    """A document or meeting belongs to a group: a campus's is its campus's group's; one of the
    whole group is of a group the user acts for (chosen, or the only one)."""

    def _limit_groups(self, user):
        field = self.fields["group"]
        field.queryset = EducationGroup.objects.for_user(user, CHANGE)
        field.required = False
        field.help_text = _("The group whose record this is; a campus's record is its campus's group's.")
        if len(field.queryset) == 1:
            field.initial = field.queryset[0].pk

    def clean(self):
        cleaned = super().clean()
        campus, group = cleaned.get("campus"), cleaned.get("group")
        if campus is not None:
            if group is not None and group.pk != campus.school.group_id:
                self.add_error("group", _("The campus belongs to another group."))
            else:
                cleaned["group"] = campus.school.group
                self.instance.group = campus.school.group
        elif group is None:
            choices = self.fields["group"].queryset
            if len(choices) == 1:
                cleaned["group"] = choices[0]
            else:
                self.add_error("group", _("Choose the group this record belongs to."))
        return cleaned


class DocumentForm(GroupRecordFormMixin, ScopedModelForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self._limit_groups(user)

    class Meta:
        model = Document
        fields = [
            "group",
            "code",
            "kind",
            "title",
            "phase",
            "measure",
            "campus",
            "required",
            "due_on",
            "version",
            "file",
        ]
        widgets = {"due_on": forms.DateInput()}


class DocumentApproveForm(PortalForm):
    meeting = forms.ModelChoiceField(label=_("approved at meeting"), queryset=Meeting.objects.none())
    approved_on = forms.DateField(label=_("approved on"), required=False, widget=forms.DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.for_user(user)


class DocumentVersionForm(PortalForm):
    version = forms.CharField(label=_("new version"), max_length=20)
    file = forms.FileField(label=_("file"), required=False)


class MeetingForm(GroupRecordFormMixin, ScopedModelForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self._limit_groups(user)

    class Meta:
        model = Meeting
        fields = ["group", "kind", "title", "held_on", "location", "campus", "attendees", "agenda", "minutes"]
        widgets = {"held_on": forms.DateInput(), "attendees": forms.SelectMultiple(attrs={"size": 8})}


class DecisionForm(ScopedModelForm):
    """A decision, and optionally the follow-up sub-task it creates under a measure."""

    follow_up_measure = forms.ModelChoiceField(
        label=_("follow-up under measure"), queryset=Measure.objects.all(), required=False
    )
    follow_up_title = forms.CharField(label=_("follow-up task"), max_length=200, required=False)
    follow_up_campus = forms.ModelChoiceField(
        label=_("assigned to campus"), queryset=Campus.objects.all(), required=False
    )
    follow_up_unit = forms.ModelChoiceField(
        label=_("or to unit"), queryset=Unit.objects.all(), required=False
    )
    follow_up_due_on = forms.DateField(label=_("follow-up due on"), required=False, widget=forms.DateInput())

    class Meta:
        model = Decision
        fields = ["category", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        measure, title = cleaned.get("follow_up_measure"), cleaned.get("follow_up_title")
        campus, unit = cleaned.get("follow_up_campus"), cleaned.get("follow_up_unit")
        if not (measure or title or campus or unit):
            return cleaned
        if not measure:
            self.add_error("follow_up_measure", _("Choose the measure the follow-up task belongs to."))
        if not title:
            self.add_error("follow_up_title", _("Name the follow-up task."))
        if bool(campus) == bool(unit):
            self.add_error(
                "follow_up_campus", _("Assign the follow-up task to a campus or to a unit, not both.")
            )
        return cleaned

    def follow_up(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("follow_up_measure"):
            return None
        return {
            "measure": data["follow_up_measure"],
            "title": data["follow_up_title"],
            "campus": data.get("follow_up_campus"),
            "unit": data.get("follow_up_unit"),
            "due_on": data.get("follow_up_due_on"),
        }
