"""Views of the campuses app: the list of groups, enrollment, the policy rules, and the
expansion applications that form groups and admit schools. (The group, school and campus pages,
which show staff figures too, are groupschool/campus_views.py.)

The pages of a group, a school and a campus, and the list of campuses, show staff and exchange
figures beside enrollment: they belong to the layer above both apps (groupschool/campus_views.py),
and groupschool/urls.py serves them under this app's namespace (`campuses:campus_detail`...).

All start from `for_user` (kernel.scoping): a vice-principal sees their own campus only,
and the page of their group or school shows only that campus.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, FloatField, Q
from django.db.models.functions import Cast, NullIf
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from kernel.generic import (
    PortalCreateView,
    PortalDetailView,
    PortalListView,
    PortalUpdateView,
    RoleRequiredMixin,
)
from kernel.history import history_rows
from kernel.scoping import user_scope
from kernel.uploads import file_response
from kernel.workflow import errors_to_messages, step_view

from . import services
from .filters import (
    EducationGroupFilterSet,
    EnrollmentFilterSet,
    ExpansionApplicationFilterSet,
)
from .forms import (
    ApplicationCommentForm,
    ApplicationDocumentForm,
    ExpansionApplicationForm,
    YearForm,
)
from .models import EducationGroup, EnrollmentSnapshot, ExpansionApplication
from .permissions import (
    EXPANSION_APPLICANT_ROLES,
    EXPANSION_READER_ROLES,
    can_decide_applications,
    can_read_applications,
)
from .selectors import (
    ClassSizeThresholds,
    policy_rows,
    policy_values_from_rows,
)
from .tables import EducationGroupTable, EnrollmentTable, ExpansionApplicationTable

#: Rules shown next to the enrollment figures of group, school and campus pages.
ENROLLMENT_RULES = (
    "big_class_from",
    "super_big_class_from",
    "class_size_standard_primary",
    "class_size_standard_junior",
    "school_size_max",
    "school_size_max_nine_year",
)
ROTATION_RULES = ("rotation_eligible_years", "rotation_share_target", "rotation_backbone_share_target")


def url_or_none(name: str, *args, query: str = "") -> str | None:
    """The URL of `name`, or None while that page does not exist (yet)."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{query}" if query else url


def links(*entries: tuple[str, str, str]) -> list[dict]:
    """[(label, url name, query)] → the ones whose page exists, as {label, url}."""
    result = []
    for label, name, query in entries:
        url = url_or_none(name, query=query)
        if url:
            result.append({"label": label, "url": url})
    return result


def requested_year(request) -> int:
    form = YearForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["year"]:
        return form.cleaned_data["year"]
    return timezone.localdate().year


class EducationGroupListView(PortalListView):
    model = EducationGroup
    table_class = EducationGroupTable
    filterset_class = EducationGroupFilterSet
    title = _("Education groups")
    export_name = "education-groups"
    related = ("core_school",)

    def get_queryset(self):
        queryset = super().get_queryset()
        scope = user_scope(self.request.user)
        # A vice-principal counts only the schools and campuses they can see.
        in_scope = Q() if scope.everything else Q(schools__campuses__in=scope.campus_ids)
        return queryset.annotate(
            n_schools=Count("schools", filter=in_scope, distinct=True),
            n_campuses=Count("schools__campuses", filter=in_scope, distinct=True),
        ).order_by("name")


class EnrollmentListView(PortalListView):
    model = EnrollmentSnapshot
    table_class = EnrollmentTable
    filterset_class = EnrollmentFilterSet
    title = _("Enrollment")
    export_name = "enrollment"
    template_name = "campuses/enrollmentsnapshot_list.html"
    related = ("campus",)

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(average=Cast(F("pupils"), FloatField()) / NullIf(F("classes"), 0))
            .order_by("campus__school__name", "campus__name", "-school_year", "-semester", "grade")
        )

    def get_table_kwargs(self):
        if not hasattr(self, "_rules"):
            self._rules = policy_rows(ENROLLMENT_RULES)
        return {"thresholds": ClassSizeThresholds.from_policy(policy_values_from_rows(self._rules))}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["policy_rules"] = self._rules
        return context


class PolicyView(TemplateView):
    """Every policy rule with its value in force, default, unit and source (read-only: the
    administrators edit them in the admin)."""

    template_name = "campuses/policy.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_scope(request.user).roles:
            raise PermissionDenied(_("Your account has no role in the portal yet."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["rules"] = policy_rows()
        if user.is_staff and user.has_perm("kernel.change_policysetting"):
            context["admin_url"] = url_or_none("admin:kernel_policysetting_changelist")
        return context


# --- Expansion applications --------------------------------------------------------------------


class ApplicationReaderMixin(RoleRequiredMixin):
    allowed_roles = EXPANSION_READER_ROLES


class ExpansionApplicationListView(ApplicationReaderMixin, PortalListView):
    model = ExpansionApplication
    table_class = ExpansionApplicationTable
    filterset_class = ExpansionApplicationFilterSet
    related = ("applicant", "target_group", "school", "created_group")
    title = _("Expansion applications")
    export_name = "expansion-applications"
    create_url_name = "campuses:application_create"
    create_roles = EXPANSION_APPLICANT_ROLES


class ExpansionApplicationDetailView(ApplicationReaderMixin, PortalDetailView):
    model = ExpansionApplication
    related = ("applicant", "target_group", "school", "core_school", "created_group")
    template_name = "campuses/application_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, application = self.request.user, self.object
        status = ExpansionApplication.AppStatus
        may_change = application.applicant_id == user.pk or can_decide_applications(user)
        decider = can_decide_applications(user)
        context.update(
            member_schools=list(application.member_schools.order_by("name")),
            documents=list(application.documents.select_related("uploaded_by")),
            steps=list(application.steps.select_related("actor")),
            can_edit=may_change and application.status == status.DRAFT,
            can_submit=may_change and application.status == status.DRAFT,
            can_add_documents=may_change and application.status in (status.DRAFT, status.SUBMITTED),
            can_review=decider and application.status == status.SUBMITTED,
            can_approve=decider and application.status == status.UNDER_REVIEW,
            can_reject=decider and application.status in (status.SUBMITTED, status.UNDER_REVIEW),
            comment_form=ApplicationCommentForm(),
            document_form=ApplicationDocumentForm(),
            history=history_rows(application),
        )
        return context


class ExpansionApplicationCreateView(PortalCreateView):
    model = ExpansionApplication
    form_class = ExpansionApplicationForm
    allowed_roles = EXPANSION_APPLICANT_ROLES
    title = _("New expansion application")
    success_message = _("Application saved as a draft.")

    def save_object(self, form):
        upload = form.cleaned_data.get("document")
        return services.expansion_application_create(
            user=self.request.user, documents=[upload] if upload else [], **form.application_fields()
        )


class ExpansionApplicationUpdateView(PortalUpdateView):
    model = ExpansionApplication
    form_class = ExpansionApplicationForm
    allowed_roles = EXPANSION_APPLICANT_ROLES
    title = _("Change the application")
    success_message = _("Application saved.")

    def get_object(self, queryset=None):
        application = super().get_object(queryset)
        may_change = application.applicant_id == self.request.user.pk or can_decide_applications(
            self.request.user
        )
        if not may_change:
            raise PermissionDenied(_("Only the applicant or the bureau changes an application."))
        if application.status != ExpansionApplication.AppStatus.DRAFT:
            raise PermissionDenied(_("Only a draft can be changed."))
        return application

    def save_object(self, form):
        application = ExpansionApplication.objects.get(pk=self.object.pk)
        return services.expansion_application_update(
            user=self.request.user, application=application, **form.application_fields()
        )


#: The review steps of an application: the service that takes it, and what the user is told.
APPLICATION_STEPS = {
    "submit": (services.expansion_application_submit, _("Application submitted to the bureau.")),
    "review": (services.expansion_application_review, _("Application taken under review.")),
    "approve": (
        services.expansion_application_approve,
        _("Application approved: the group's membership is recorded."),
    ),
    "reject": (services.expansion_application_reject, _("Application rejected.")),
}


@require_POST
def application_step(request, pk, step):
    """One review step (APPLICATION_STEPS; the URL names the step) on an application in the
    user's scope (else 404); a role that may not take it gets a 403 (from the service); a broken
    rule is a message on the page."""
    if not can_read_applications(request.user):
        raise PermissionDenied(_("Your role cannot do this."))
    service, done_message = APPLICATION_STEPS[step]
    form = ApplicationCommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return step_view(
        request,
        ExpansionApplication.objects.for_user(request.user),
        pk,
        lambda application: service(user=request.user, application=application, comment=comment),
        done_message,
    )


@require_POST
def application_document_add(request, pk):
    if not can_read_applications(request.user):
        raise PermissionDenied(_("Your role cannot do this."))
    application = get_object_or_404(ExpansionApplication.objects.for_user(request.user), pk=pk)
    form = ApplicationDocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        try:
            services.application_document_add(
                user=request.user, application=application, files=[form.cleaned_data["file"]]
            )
        except ValidationError as exc:
            errors_to_messages(request, exc)
        else:
            messages.success(request, _("Document added."))
    return redirect("campuses:application_detail", pk=application.pk)


def application_document_download(request, pk, document_pk):
    if not can_read_applications(request.user):
        raise PermissionDenied(_("Your role cannot do this."))
    application = get_object_or_404(ExpansionApplication.objects.for_user(request.user), pk=pk)
    document = get_object_or_404(application.documents, pk=document_pk)
    return file_response(document.file, download_name=document.name)
