"""Views of the staff app: thin, scoped through kernel.generic."""

import calendar
import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, ExpressionWrapper, F, IntegerField, Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from campuses.models import Campus
from kernel import permissions
from kernel.generic import (
    PortalCreateView,
    PortalDetailView,
    PortalListView,
    PortalUpdateView,
    RoleRequiredMixin,
    ScopedFormMixin,
)
from kernel.history import history_rows
from kernel.models import POLICY_RULES, policy_values
from kernel.roles import Role
from kernel.scoping import user_scope
from kernel.workflow import step_view

from . import services
from .filters import (
    ActivityFilterSet,
    MentorshipFilterSet,
    ResearchProjectFilterSet,
    RotationFilterSet,
    StaffFilterSet,
    StaffingQuotaFilterSet,
    StudioFilterSet,
)
from .forms import (
    ActivityCreateForm,
    MentorshipCreateForm,
    MentorshipUpdateForm,
    ResponsibilityForm,
    RotationProposeForm,
    StaffMemberForm,
    responsibility_groups,
)
from .models import (
    CrossCampusActivity,
    Distinction,
    Mentorship,
    ResearchProject,
    ResponsibilityAssignment,
    Rotation,
    StaffingQuota,
    StaffMember,
    Studio,
    StudioMembership,
)
from .selectors import (
    COUNTED_ROTATION_STATUSES,
    leading_group_rows,
    responsibility_blocks,
    rotation_eligibility,
    rotation_figures,
    staff_member_related,
)
from .tables import (
    ActivityTable,
    MentorshipTable,
    ResearchProjectTable,
    RotationTable,
    StaffingQuotaTable,
    StaffTable,
    StudioTable,
    rotation_status_badge,
)

# --- Staff members and rotations (helper "members") ---


class StaffMemberListView(PortalListView):
    model = StaffMember
    table_class = StaffTable
    filterset_class = StaffFilterSet
    related = ("home_campus",)
    prefetch = (Prefetch("distinctions", queryset=Distinction.objects.order_by("kind", "level")),)
    title = _("Staff")
    export_name = "staff"
    streamed_export = True  # 30,000 rows at city size
    create_url_name = "staff:member_create"
    create_roles = permissions.EDITOR_ROLES


class StaffMemberDetailView(PortalDetailView):
    """A person's page: profile, distinctions, rotations, mentoring, studios, projects,
    activities and change history. Each list is one query, whatever its length."""

    model = StaffMember
    related = ("home_campus", "unit")
    prefetch = (Prefetch("distinctions", queryset=Distinction.objects.order_by("kind", "level")),)
    template_name = "staff/staffmember_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, member = self.request.user, self.object
        related = staff_member_related(user=user, member=member)
        context.update(
            can_edit=permissions.can_edit_campus_records(user),
            can_propose_rotation=permissions.can_propose_rotation(user) and member.home_campus_id is not None,
            rotations=[(rotation, rotation_status_badge(rotation)) for rotation in related.pop("rotations")],
            **related,
            history=history_rows(member),
        )
        return context


class StaffMemberFormMixin:
    """What creating and editing a staff member share: the form, the roles, the service."""

    model = StaffMember
    form_class = StaffMemberForm
    allowed_roles = permissions.EDITOR_ROLES
    success_message = _("Staff member saved.")

    def save_object(self, form):
        return services.staff_member_save(user=self.request.user, member=form.save(commit=False))


class StaffMemberCreateView(StaffMemberFormMixin, PortalCreateView):
    title = _("New staff member")


class StaffMemberUpdateView(StaffMemberFormMixin, PortalUpdateView):
    title = _("Edit staff member")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Edit %(name)s") % {"name": self.object.name}
        return context


class RotationListView(PortalListView):
    model = Rotation
    table_class = RotationTable
    filterset_class = RotationFilterSet
    related = ("staff", "from_campus", "to_campus", "decided_by")
    title = _("Rotations")
    export_name = "rotations"
    create_url_name = "staff:rotation_create"
    create_roles = permissions.EDITOR_ROLES
    template_name = "staff/rotation_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.request.GET.get(self.export_trigger_param):
            # The exchange figures of the year being looked at (two queries, see the selector).
            form = self.filterset.form
            year = form.cleaned_data.get("year") if form.is_valid() else None
            context["figures"] = rotation_figures(user=self.request.user, year=int(year) if year else None)
        return context


def _eligibility_date(value) -> datetime.date | None:
    """A start date typed in the form (ISO), or None."""
    try:
        return forms.DateField().clean(value) if value else None
    except ValidationError:
        return None


class RotationCreateView(RoleRequiredMixin, ScopedFormMixin, FormView):
    """Propose a rotation; the model's rules (two campuses, end after start, no overlap with a
    live rotation) come back from the service onto the form's fields.

    Beside the form, the chosen teacher's eligibility (years at the campus against the policy,
    backbone distinctions, rotations already open): shown as soon as a teacher is chosen
    (static/js/rotations.js asks `rotation_eligibility`), and without JavaScript once the form
    comes back (an error, or a teacher given in the address)."""

    form_class = RotationProposeForm
    template_name = "staff/rotation_form.html"
    allowed_roles = permissions.EDITOR_ROLES
    title = _("Propose a rotation")
    success_message = _("Rotation proposed: the personnel office decides on it.")

    def get_initial(self):
        return {"staff": self.request.GET.get("staff")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        staff_id = form["staff"].value()
        staff = None
        if staff_id:
            try:
                staff = form.fields["staff"].queryset.filter(pk=int(staff_id)).first()
            except (TypeError, ValueError):
                staff = None
        if staff is not None:
            on = _eligibility_date(form["start_on"].value())
            context["eligibility"] = rotation_eligibility(staff=staff, on=on)
        return context

    def save_object(self, form):
        data = form.cleaned_data
        return services.rotation_propose(
            user=self.request.user,
            staff=data["staff"],
            to_campus=data["to_campus"],
            category=data["category"],
            start_on=data["start_on"],
            planned_end_on=data["planned_end_on"],
            reason=data["reason"],
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


def rotation_eligibility_view(request, staff_pk):
    """A teacher's eligibility for an exchange, as JSON with the panel's HTML, for the proposal
    form. Through the door: a teacher outside the user's scope is a 404, whatever the role."""
    staff = get_object_or_404(
        StaffMember.objects.for_user(request.user).select_related("home_campus"), pk=staff_pk
    )
    on = _eligibility_date(request.GET.get("on"))
    eligibility = rotation_eligibility(staff=staff, on=on)
    html = render_to_string("staff/_rotation_eligibility.html", {"eligibility": eligibility}, request=request)
    return JsonResponse({**eligibility.as_json(), "html": html})


class RotationDetailView(PortalDetailView):
    """A rotation, with what the personnel office weighs before deciding: the teacher's
    eligibility on the start date, and the exchange figures of the campus they leave for the
    start year (share of the eligible against the target with the gap, backbone share)."""

    model = Rotation
    related = ("staff", "staff__home_campus", "from_campus", "to_campus", "proposed_by", "decided_by")
    template_name = "staff/rotation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, rotation = self.request.user, self.object
        today = timezone.localdate()
        steps = {s.name: s for s in services.rotation_steps(user=user, rotation=rotation, today=today)}
        # The campus left's figures, if it is in the user's scope (rotation_figures scopes them).
        figures = rotation_figures(
            user=user, year=rotation.start_on.year, campus_ids=[rotation.from_campus_id]
        )
        context.update(
            status_badge=rotation_status_badge(rotation),
            steps=steps,
            today=today,
            can_decide="approve" in steps,
            can_start="start" in steps or "start_today" in steps,
            can_complete="complete" in steps,
            can_withdraw="withdraw" in steps,
            eligibility=rotation_eligibility(staff=rotation.staff, on=rotation.start_on, exclude=rotation),
            exchange=figures.for_campus(rotation.from_campus_id),
            exchange_report=figures,
            counted=rotation.status in COUNTED_ROTATION_STATUSES,
            history=history_rows(rotation),
        )
        return context


def _rotation_step(request, pk, action, done_message):
    """One workflow step on a rotation in the user's scope (else 404), by kernel.workflow."""
    return step_view(request, Rotation.objects.for_user(request.user), pk, action, done_message)


@require_POST
def rotation_approve(request, pk):
    note = request.POST.get("note", "").strip()
    return _rotation_step(
        request,
        pk,
        lambda rotation: services.rotation_approve(user=request.user, rotation=rotation, note=note),
        _("Rotation approved."),
    )


@require_POST
def rotation_reject(request, pk):
    note = request.POST.get("note", "").strip()
    return _rotation_step(
        request,
        pk,
        lambda rotation: services.rotation_reject(user=request.user, rotation=rotation, note=note),
        _("Rotation rejected."),
    )


@require_POST
def rotation_withdraw(request, pk):
    return _rotation_step(
        request,
        pk,
        lambda rotation: services.rotation_withdraw(user=request.user, rotation=rotation),
        _("Rotation withdrawn."),
    )


@require_POST
def rotation_start(request, pk):
    return _rotation_step(
        request,
        pk,
        lambda rotation: services.rotation_start(user=request.user, rotation=rotation),
        _("Rotation started."),
    )


@require_POST
def rotation_start_today(request, pk):
    return _rotation_step(
        request,
        pk,
        lambda rotation: services.rotation_start(user=request.user, rotation=rotation, move_start=True),
        _("Rotation started today; its start date was moved to today."),
    )


@require_POST
def rotation_complete(request, pk):
    def complete(rotation):
        ended_on = forms.DateField(required=False).clean(request.POST.get("ended_on", ""))
        services.rotation_complete(user=request.user, rotation=rotation, ended_on=ended_on)

    return _rotation_step(request, pk, complete, _("Rotation completed."))


# --- Mentoring, studios, projects, activities, quotas, leadership (helper "programmes") ---


def policy_rule(key: str) -> dict:
    """A policy rule as shown next to the figure it drives: value in force, unit and source."""
    rule = POLICY_RULES[key]
    value = policy_values()[key]
    return {
        "label": rule.label,
        "value": int(value) if value == value.to_integral_value() else value,
        "unit": rule.unit,
        "source": rule.source,
    }


def _covered(user, member) -> bool:
    """May the user open this person's page (their home campus is in the user's scope)?"""
    return member is not None and user_scope(user).covers_campus(member.home_campus_id)


class MentorshipListView(PortalListView):
    model = Mentorship
    table_class = MentorshipTable
    filterset_class = MentorshipFilterSet
    related = ("mentor", "mentee", "campus")
    template_name = "staff/mentorship_list.html"
    title = _("Mentoring pairs")
    export_name = "mentoring-pairs"
    create_url_name = "staff:mentorship_create"
    create_roles = permissions.EDITOR_ROLES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["policy"] = policy_rule("mentorship_months")
        return context


class MentorshipDetailView(PortalDetailView):
    model = Mentorship
    related = ("mentor__home_campus", "mentee__home_campus", "campus")
    template_name = "staff/mentorship_detail.html"
    context_object_name = "pair"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, pair = self.request.user, self.object
        context.update(
            can_edit=permissions.can_edit_campus_records(user),
            mentor_link=_covered(user, pair.mentor),
            mentee_link=_covered(user, pair.mentee),
            policy=policy_rule("mentorship_months"),
            history=history_rows(pair),
        )
        return context


class MentorshipCreateView(PortalCreateView):
    model = Mentorship
    form_class = MentorshipCreateForm
    allowed_roles = permissions.EDITOR_ROLES
    title = _("New mentoring pair")
    success_message = _("Mentoring pair saved.")

    def get_initial(self):
        # The pairing length is the bureau's setting (no national source): offered, not imposed.
        months = int(policy_values()["mentorship_months"])
        start = timezone.localdate()
        total = start.month - 1 + months
        year, month = start.year + total // 12, total % 12 + 1
        same_day = datetime.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
        return {"start_on": start, "end_on": same_day - datetime.timedelta(days=1)}

    def save_object(self, form):
        data = form.cleaned_data
        return services.mentorship_create(
            user=self.request.user,
            mentor=data["mentor"],
            mentee=data["mentee"],
            campus=data["campus"],
            start_on=data["start_on"],
            end_on=data["end_on"],
            goals=data["goals"],
        )


class MentorshipUpdateView(PortalUpdateView):
    model = Mentorship
    form_class = MentorshipUpdateForm
    related = ("mentor", "mentee", "campus")
    allowed_roles = permissions.EDITOR_ROLES
    title = _("Edit mentoring pair")
    success_message = _("Mentoring pair saved.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Edit mentoring pair %(pair)s") % {"pair": self.object}
        return context

    def save_object(self, form):
        data = form.cleaned_data
        return services.mentorship_update(
            user=self.request.user,
            pair=self.object,
            start_on=data["start_on"],
            end_on=data["end_on"],
            status=data["status"],
            goals=data["goals"],
            outcome=data["outcome"],
        )


class StudioListView(PortalListView):
    model = Studio
    table_class = StudioTable
    filterset_class = StudioFilterSet
    related = ("leader", "campus")
    title = _("Famous-teacher studios")
    export_name = "studios"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(
                member_count=Count("memberships", distinct=True),
                project_count=Count("projects", distinct=True),
            )
            .order_by("name")  # an aggregate drops Meta.ordering: keep pages stable
        )


class StudioDetailView(PortalDetailView):
    model = Studio
    related = ("leader__home_campus", "campus")
    template_name = "staff/studio_detail.html"

    def get_queryset(self):
        projects = ResearchProject.objects.for_user(self.request.user).select_related("leader")
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=StudioMembership.objects.select_related("member__home_campus").order_by(
                        "joined_on", "member__name"
                    ),
                ),
                Prefetch("projects", queryset=projects.order_by("-start_on", "title")),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(history=history_rows(self.object))
        return context


class ResearchProjectListView(PortalListView):
    model = ResearchProject
    table_class = ResearchProjectTable
    filterset_class = ResearchProjectFilterSet
    related = ("leader", "campus")
    title = _("Research projects")
    export_name = "research-projects"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(member_count=Count("members", distinct=True))
            .order_by("-start_on", "title")
        )


class ResearchProjectDetailView(PortalDetailView):
    model = ResearchProject
    related = ("leader__home_campus", "campus", "studio")
    prefetch = (Prefetch("members", queryset=StaffMember.objects.select_related("home_campus")),)
    template_name = "staff/researchproject_detail.html"
    context_object_name = "project"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(history=history_rows(self.object))
        return context


class ActivityListView(PortalListView):
    model = CrossCampusActivity
    table_class = ActivityTable
    filterset_class = ActivityFilterSet
    related = ("host_campus",)
    prefetch = (Prefetch("campuses", queryset=Campus.objects.order_by("-is_core", "opened_on", "name")),)
    title = _("Cross-campus activities")
    export_name = "cross-campus-activities"
    create_url_name = "staff:activity_create"
    create_roles = permissions.EDITOR_ROLES

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(participant_count=Count("participants", distinct=True))
            .order_by("-held_on", "pk")
        )


class ActivityDetailView(PortalDetailView):
    model = CrossCampusActivity
    related = ("host_campus",)
    prefetch = (
        Prefetch("campuses", queryset=Campus.objects.order_by("-is_core", "opened_on", "name")),
        Prefetch("participants", queryset=StaffMember.objects.select_related("home_campus")),
    )
    template_name = "staff/activity_detail.html"
    context_object_name = "activity"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = user_scope(self.request.user)
        # A campus that joined another campus's activity sees its own people by name, the others
        # as a count: people of another campus are that campus's records.
        people = list(self.object.participants.all())
        shown = [p for p in people if scope.covers_campus(p.home_campus_id)]
        context.update(
            participants=shown,
            other_participants=len(people) - len(shown),
            history=history_rows(self.object),
        )
        return context


class ActivityCreateView(PortalCreateView):
    model = CrossCampusActivity
    form_class = ActivityCreateForm
    allowed_roles = permissions.EDITOR_ROLES
    title = _("New cross-campus activity")
    success_message = _("Activity saved.")

    def save_object(self, form):
        data = form.cleaned_data
        return services.activity_create(
            user=self.request.user,
            title=data["title"],
            kind=data["kind"],
            held_on=data["held_on"],
            host_campus=data["host_campus"],
            campuses=data["campuses"],
            participants=data["participants"],
            hours=data["hours"],
            summary=data["summary"],
        )


class StaffingQuotaListView(PortalListView):
    model = StaffingQuota
    table_class = StaffingQuotaTable
    filterset_class = StaffingQuotaFilterSet
    related = ("campus",)
    title = _("Staffing quotas")
    export_name = "staffing-quotas"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(
                establishment_open=ExpressionWrapper(
                    F("establishment_authorised") - F("establishment_filled"), output_field=IntegerField()
                ),
                posts_open=ExpressionWrapper(
                    F("posts_authorised") - F("posts_filled"), output_field=IntegerField()
                ),
            )
        )


#: The plan lists the leading group's 组长 first, then 副组长, then 成员.
class LeadingGroupView(TemplateView):
    """领导小组 of the groups in the user's scope, as the plan names them, with its office."""

    template_name = "staff/leadership_leading_group.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=_("Leading group"), leading_groups=leading_group_rows(user=self.request.user))
        return context


#: Who assigns first responsibilities: administrators and the group's own leadership.
RESPONSIBILITY_ROLES = (Role.ADMINISTRATOR, Role.GROUP_LEADERSHIP)


def _can_assign_responsibilities(user, group) -> bool:
    scope = user_scope(user)
    return scope.has_role(*RESPONSIBILITY_ROLES) and (scope.everything or group.pk in scope.group_ids)


class ResponsibilitiesView(TemplateView):
    """The group leadership posts and the first-responsibility matrix (第一责任人, 一岗双责):
    the plan's seven areas by group-wide and each campus. A vice-principal sees the group-wide
    column and their own campus's only."""

    template_name = "staff/leadership_responsibilities.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        blocks = responsibility_blocks(user=user)
        for block in blocks:
            block["can_assign"] = _can_assign_responsibilities(user, block["group"])
        context.update(title=_("Leadership and first responsibilities"), blocks=blocks)
        return context


class ResponsibilityFormView(RoleRequiredMixin, ScopedFormMixin, FormView):
    """Name a first responsible person; administrators and the group's leadership only (403)."""

    form_class = ResponsibilityForm
    template_name = "portal/form.html"
    allowed_roles = RESPONSIBILITY_ROLES
    success_message = _("First responsible person saved.")
    assignment = None

    def save_object(self, form):
        data = form.cleaned_data
        return services.responsibility_assign(
            user=self.request.user,
            group=data["group"],
            area=data["area"],
            campus=data["campus"],
            person=data["person"],
        )

    def get_success_url(self):
        return reverse("staff:responsibilities")


class ResponsibilityCreateView(ResponsibilityFormView):
    title = _("Assign a first responsible person")

    def get_initial(self):
        return {
            key: self.request.GET.get(key) for key in ("group", "area", "campus") if self.request.GET.get(key)
        }


class ResponsibilityUpdateView(ResponsibilityFormView):
    title = _("Change the first responsible person")

    def edited_record(self):
        return self.assignment

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and user_scope(request.user).has_role(*self.allowed_roles):
            self.assignment = get_object_or_404(
                ResponsibilityAssignment.objects.filter(group__in=responsibility_groups(request.user)),
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["assignment"] = self.assignment
        return kwargs
