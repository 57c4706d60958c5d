"""Forms of the planning app. Choices come from the user's scope (ScopedModelForm)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from campuses.models import Campus, EducationGroup, School
from kernel.forms import PortalForm, ScopedModelForm
from kernel.roles import Role
from kernel.scoping import CHANGE
from staff.models import Unit

from .models import (
    PERCENT,
    Decision,
    Document,
    ExpansionApplication,
    Experience,
    Measure,
    Meeting,
    SubTask,
    SupervisionVisit,
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


# --- Supervision -------------------------------------------------------------------------------


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


# --- Typical experiences -----------------------------------------------------------------------


class ExperienceForm(ScopedModelForm):
    attachment = forms.FileField(label=_("attachment"), required=False)

    class Meta:
        model = Experience
        fields = ["title", "campus", "topic", "summary", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}
