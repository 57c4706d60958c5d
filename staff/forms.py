"""Forms of the staff app (kernel.forms.ScopedModelForm limits choices to the user's scope)."""

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campuses.models import Campus, EducationGroup, School
from kernel.forms import PortalForm, ScopedModelForm
from kernel.models import policy_values
from kernel.scoping import user_scope

from .models import CrossCampusActivity, Mentorship, ResponsibilityArea, RotationCategory, StaffMember
from .selectors import whole_months

# --- Staff members and rotations (helper "members") ---


def rotation_target_campuses(user) -> QuerySet[Campus]:
    """Campuses a rotation may go to or come from, as seen by `user`: the campuses in their
    scope plus the other campuses of the same schools and education groups (多向交流 — a
    vice-principal sends teachers to, and receives them from, the group's other campuses)."""
    if user_scope(user).everything:
        return Campus.objects.all()
    # The schools and groups the user reads, through the door.
    return Campus.objects.filter(
        Q(school__in=School.objects.for_user(user).values("pk"))
        | Q(school__group__in=EducationGroup.objects.for_user(user).values("pk"))
    )


class StaffMemberForm(ScopedModelForm):
    """Create or edit a staff member; the home campus is one of the user's campuses."""

    class Meta:
        model = StaffMember
        fields = [
            "name",
            "gender",
            "staff_number",
            "subject",
            "professional_title",
            "post_type",
            "position",
            "home_campus",
            "on_campus_since",
            "is_active",
        ]
        widgets = {"on_campus_since": forms.DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if not user_scope(user).everything:
            # Only city-wide offices record people without a campus (bureau officials).
            self.fields["home_campus"].required = True

    def clean_staff_number(self):
        number = self.cleaned_data["staff_number"].strip()
        # Staff numbers are unique city-wide (model constraint); say so on the field itself.
        # The check is deliberately unscoped and names nobody.
        if number and StaffMember.objects.filter(staff_number=number).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another staff member has this staff number."))
        return number


class StaffChoiceField(forms.ModelChoiceField):
    """Names a teacher with their home campus (the queryset selects it) and, when the queryset
    carries them, what makes them eligible for an exchange: years at the campus today and the
    backbone flag (`StaffMemberQuerySet.with_backbone_flag`)."""

    #: Years at one campus that make a teacher eligible (set by the form from the policy).
    eligible_years = None

    def label_from_instance(self, member):
        label = _("%(name)s (%(campus)s)") % {"name": member.name, "campus": member.home_campus.name}
        if member.on_campus_since:
            years = max(0, whole_months(member.on_campus_since, timezone.localdate())) // 12
            label += " · " + ngettext(
                "%(years)d year at the campus", "%(years)d years at the campus", years
            ) % {"years": years}
            if self.eligible_years is not None and years >= self.eligible_years:
                label += " · " + str(_("eligible"))
        if getattr(member, "is_backbone", False):
            label += " · " + str(_("backbone"))
        return label


class RotationProposeForm(PortalForm):
    """Propose a rotation (交流轮岗): the teacher leaves their home campus for another one.
    Field names follow the model's, so that its validation errors land on the right field."""

    staff = StaffChoiceField(label=_("staff member"), queryset=StaffMember.objects.none())
    to_campus = forms.ModelChoiceField(label=_("to campus"), queryset=Campus.objects.none())
    category = forms.ChoiceField(label=_("category"), choices=RotationCategory.choices)
    start_on = forms.DateField(label=_("start"), widget=forms.DateInput())
    planned_end_on = forms.DateField(
        label=_("planned end"),
        widget=forms.DateInput(),
        help_text=_("Exchanges usually last at least three school years."),
    )
    reason = forms.CharField(label=_("purpose"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["staff"].queryset = (
            StaffMember.objects.for_user(user)
            .filter(home_campus__isnull=False, is_active=True)
            .select_related("home_campus")
            .with_backbone_flag()
        )
        self.fields["staff"].eligible_years = policy_values()["rotation_eligible_years"]
        # static/js/rotations.js shows the chosen teacher's eligibility from this address.
        self.fields["staff"].widget.attrs["data-eligibility-url"] = reverse(
            "staff:rotation_eligibility", args=[0]
        )
        self.fields["to_campus"].queryset = rotation_target_campuses(user)

    def clean(self):
        cleaned = super().clean()
        staff, to_campus = cleaned.get("staff"), cleaned.get("to_campus")
        if staff and to_campus and staff.home_campus_id == to_campus.pk:
            self.add_error("to_campus", _("Choose a campus other than the teacher's home campus."))
        start, end = cleaned.get("start_on"), cleaned.get("planned_end_on")
        if start and end and end <= start:
            self.add_error("planned_end_on", _("The planned end must come after the start."))
        return cleaned


# --- Mentoring, activities, first responsibilities (helper "programmes") ---


class MentorshipCreateForm(ScopedModelForm):
    """A new mentoring pair (师徒结对). Mentor, mentee and campus are offered from the user's scope;
    the model's rules (a mentor is not their own mentee, the end comes after the start) land on
    their fields."""

    class Meta:
        model = Mentorship
        fields = ["mentor", "mentee", "campus", "start_on", "end_on", "goals"]
        field_classes = {"mentor": StaffChoiceField, "mentee": StaffChoiceField}
        widgets = {
            "start_on": forms.DateInput(),
            "end_on": forms.DateInput(),
            "goals": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"mentee": _("A mentor is not their own mentee: choose someone else.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        for name in ("mentor", "mentee"):
            field = self.fields[name]
            field.queryset = field.queryset.filter(is_active=True, home_campus__isnull=False).select_related(
                "home_campus"
            )


class MentorshipUpdateForm(ScopedModelForm):
    """Progress of a mentoring pair: dates, goals, outcome, status (the people stay)."""

    class Meta:
        model = Mentorship
        fields = ["start_on", "end_on", "status", "goals", "outcome"]
        widgets = {
            "start_on": forms.DateInput(),
            "end_on": forms.DateInput(),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 4}),
        }


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Names teachers with their home campus (the queryset selects it)."""

    def label_from_instance(self, member):
        return _("%(name)s (%(campus)s)") % {"name": member.name, "campus": member.home_campus.name}


class ActivityCreateForm(ScopedModelForm):
    """A cross-campus activity. The host campus is one of the user's campuses; the group's other
    campuses may take part."""

    class Meta:
        model = CrossCampusActivity
        fields = ["title", "kind", "held_on", "host_campus", "campuses", "participants", "hours", "summary"]
        field_classes = {"participants": StaffMultipleChoiceField}
        widgets = {
            "held_on": forms.DateInput(),
            "campuses": forms.CheckboxSelectMultiple(),
            "participants": forms.SelectMultiple(attrs={"size": 8}),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["host_campus"].error_messages["invalid_choice"] = _(
            "You can host an activity only on a campus you are responsible for."
        )
        campuses = self.fields["campuses"]
        campuses.queryset = rotation_target_campuses(user)
        campuses.required = False
        campuses.help_text = _("The host campus takes part anyway: tick the other campuses.")
        campuses.widget.attrs.pop("class", None)
        self.fields["participants"].queryset = (
            self.fields["participants"]
            .queryset.filter(is_active=True, home_campus__isnull=False)
            .select_related("home_campus")
        )
        self.fields["hours"].help_text = _("More than zero, e.g. 1.5")

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours is not None and hours <= 0:
            raise forms.ValidationError(_("Hours must be more than zero."))
        return hours


def responsibility_groups(user) -> QuerySet[EducationGroup]:
    """Groups whose first responsibilities the user may assign: every group for administrators,
    the groups they lead for group leadership."""
    scope = user_scope(user)
    if scope.everything:
        return EducationGroup.objects.all()
    return EducationGroup.objects.filter(pk__in=scope.group_ids)


def responsibility_people(groups: QuerySet[EducationGroup]) -> QuerySet[StaffMember]:
    """Who may be named first responsible in these groups: their campuses' staff, the holders of
    their leadership posts and the members of their leading groups (who often have no campus)."""
    return (
        StaffMember.objects.filter(
            Q(home_campus__school__group__in=groups)
            | Q(leadership_posts__group__in=groups)
            | Q(leading_group_roles__leading_group__group__in=groups)
        )
        .filter(is_active=True)
        .select_related("home_campus")
        .distinct()
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, member):
        place = member.home_campus.name if member.home_campus_id else member.position
        return f"{member.name} ({place})" if place else member.name


class ResponsibilityForm(PortalForm):
    """Name the first responsible person (第一责任人) of one area, group-wide or on one campus.
    Editing an existing assignment changes the person only."""

    group = forms.ModelChoiceField(label=_("education group"), queryset=EducationGroup.objects.none())
    area = forms.ChoiceField(label=_("area"), choices=ResponsibilityArea.choices)
    campus = forms.ModelChoiceField(
        label=_("campus"),
        queryset=Campus.objects.none(),
        required=False,
        empty_label=_("Whole group"),
        help_text=_("Empty for the whole group."),
    )
    person = PersonChoiceField(label=_("first responsible person"), queryset=StaffMember.objects.none())

    def __init__(self, *args, user, assignment=None, **kwargs):
        if assignment is not None:
            kwargs["initial"] = {
                "group": assignment.group_id,
                "area": assignment.area,
                "campus": assignment.campus_id,
                "person": assignment.person_id,
            }
        super().__init__(*args, **kwargs)
        groups = responsibility_groups(user)
        self.fields["group"].queryset = groups
        self.fields["campus"].queryset = Campus.objects.filter(school__group__in=groups).select_related(
            "school"
        )
        self.fields["person"].queryset = responsibility_people(groups)
        if assignment is not None:
            for name in ("group", "area", "campus"):
                self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        group, campus = cleaned.get("group"), cleaned.get("campus")
        if group and campus and campus.school.group_id != group.pk:
            self.add_error("campus", _("The campus must belong to this group."))
        return cleaned
