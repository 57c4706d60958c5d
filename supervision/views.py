"""Pages of the supervision app: visits, rectifications, typical experiences. The URL paths stay
under /planning/ (users keep their bookmarks); the URL names are `supervision:…`."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView

from kernel.dates import local_today
from kernel.generic import (
    PortalCreateView,
    PortalDetailView,
    PortalListView,
    PortalUpdateView,
    RoleRequiredMixin,
    ScopedFormMixin,
    scope_filterset,
)
from kernel.history import history_rows
from kernel.scoping import user_scope
from kernel.uploads import file_response
from kernel.workflow import step_view

from . import services
from .filters import (
    ExperienceFilterSet,
    ExperienceManageFilterSet,
    RectificationFilterSet,
    SupervisionVisitFilterSet,
)
from .forms import (
    ExperienceForm,
    RectificationCloseForm,
    RectificationForm,
    RectificationUpdateForm,
    SupervisionVisitForm,
    SupervisionVisitUpdateForm,
)
from .models import Experience, ExperienceAttachment, Rectification, SupervisionVisit
from .permissions import (
    BUREAU_ROLES,
    READER_ROLES,
    can_close_rectification,
    can_edit_experience,
    can_publish_experiences,
    can_read,
    can_run_supervision,
)
from .tables import (
    ExperienceTable,
    RectificationTable,
    SupervisionVisitTable,
    rectification_badge,
    rectification_overdue,
)


class ReaderMixin(RoleRequiredMixin):
    """Anyone with a portal role; a signed-in user with no role gets a 403."""

    allowed_roles = READER_ROLES


# --- Supervision visits ------------------------------------------------------------------------


class SupervisionVisitListView(ReaderMixin, PortalListView):
    """Visits to the groups and campuses in the user's scope, with their rectification counts
    (a vice-principal counts only their campus's)."""

    model = SupervisionVisit
    table_class = SupervisionVisitTable
    filterset_class = SupervisionVisitFilterSet
    related = ("group", "campus")
    title = _("Supervision visits")
    export_name = "supervision-visits"
    create_url_name = "supervision:visit_create"
    create_roles = BUREAU_ROLES

    def get_queryset(self):
        scope = user_scope(self.request.user)
        visible = Q(rectifications__pk__in=Rectification.objects.for_user(self.request.user).values("pk"))
        if scope.everything:
            visible = Q()
        return (
            super()
            .get_queryset()
            .annotate(
                total_count=Count("rectifications", filter=visible, distinct=True),
                open_count=Count(
                    "rectifications",
                    filter=visible & Q(rectifications__status=Rectification.RectStatus.OPEN),
                    distinct=True,
                ),
            )
            .order_by("-visited_on", "-pk")
        )


class SupervisionVisitDetailView(ReaderMixin, PortalDetailView):
    model = SupervisionVisit
    related = ("group", "campus", "created_by")
    template_name = "supervision/visit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, today = self.request.user, local_today()
        rectifications = (
            Rectification.objects.for_user(user)
            .filter(visit=self.object)
            .select_related("campus", "owner", "closed_by")
            .order_by("due_on", "pk")
        )
        context.update(
            today=today,
            rectifications=[(r, rectification_overdue(r, today)) for r in rectifications],
            can_edit=can_run_supervision(user),
            history=history_rows(self.object),
        )
        return context


class SupervisionVisitCreateView(PortalCreateView):
    model = SupervisionVisit
    form_class = SupervisionVisitForm
    allowed_roles = BUREAU_ROLES
    title = _("New supervision visit")
    success_message = _("Supervision visit recorded.")

    def save_object(self, form):
        data = form.cleaned_data
        return services.supervision_visit_create(
            user=self.request.user,
            kind=data["kind"],
            visited_on=data["visited_on"],
            team=data["team"],
            findings=data["findings"],
            group=data["group"],
            campus=data["campus"],
        )


class SupervisionVisitUpdateView(PortalUpdateView):
    model = SupervisionVisit
    form_class = SupervisionVisitUpdateForm
    allowed_roles = BUREAU_ROLES
    title = _("Change the supervision visit")
    success_message = _("Supervision visit saved.")

    def save_object(self, form):
        data = form.cleaned_data
        visit = SupervisionVisit.objects.get(pk=self.object.pk)
        return services.supervision_visit_update(
            user=self.request.user,
            visit=visit,
            kind=data["kind"],
            visited_on=data["visited_on"],
            team=data["team"],
            findings=data["findings"],
        )


# --- Rectifications ----------------------------------------------------------------------------


class RectificationListView(ReaderMixin, PortalListView):
    """Rectifications in the user's scope: a vice-principal's campus only."""

    model = Rectification
    table_class = RectificationTable
    filterset_class = RectificationFilterSet
    related = ("visit__group", "visit__campus", "campus", "owner")
    title = _("Rectifications")
    export_name = "rectifications"


class RectificationDetailView(ReaderMixin, PortalDetailView):
    model = Rectification
    related = ("visit__group", "visit__campus", "campus", "owner", "closed_by")
    template_name = "supervision/rectification_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, rectification = self.request.user, self.object
        is_open = rectification.status == Rectification.RectStatus.OPEN
        context.update(
            overdue=rectification_overdue(rectification),
            status_badge=rectification_badge(rectification),
            can_close=is_open and can_close_rectification(user, rectification),
            can_edit=is_open and can_run_supervision(user),
            history=history_rows(rectification),
        )
        return context


class VisitScopedFormView(RoleRequiredMixin, ScopedFormMixin, FormView):
    """A form about one visit in the user's scope (else 404)."""

    template_name = "portal/form.html"
    allowed_roles = BUREAU_ROLES

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and user_scope(request.user).has_role(*self.allowed_roles):
            self.visit = get_object_or_404(SupervisionVisit.objects.for_user(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("user")
        kwargs["visit"] = self.visit
        return kwargs


class RectificationCreateView(VisitScopedFormView):
    form_class = RectificationForm
    title = _("New rectification")
    success_message = _("Rectification set.")

    def save_object(self, form):
        data = form.cleaned_data
        return services.rectification_create(
            user=self.request.user,
            visit=self.visit,
            description=data["description"],
            owner=data["owner"],
            due_on=data["due_on"],
            campus=data.get("campus"),
        )

    def get_success_url(self):
        return self.visit.get_absolute_url()


class RectificationUpdateView(RoleRequiredMixin, ScopedFormMixin, FormView):
    form_class = RectificationUpdateForm
    template_name = "portal/form.html"
    allowed_roles = BUREAU_ROLES
    title = _("Change the rectification")
    success_message = _("Rectification saved.")

    def edited_record(self):
        return self.rectification

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and user_scope(request.user).has_role(*self.allowed_roles):
            self.rectification = get_object_or_404(
                Rectification.objects.for_user(request.user).select_related("visit"), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("user")
        kwargs["visit"] = self.rectification.visit
        return kwargs

    def get_initial(self):
        r = self.rectification
        return {"description": r.description, "owner": r.owner_id, "due_on": r.due_on}

    def save_object(self, form):
        data = form.cleaned_data
        return services.rectification_update(
            user=self.request.user,
            rectification=self.rectification,
            description=data["description"],
            owner=data["owner"],
            due_on=data["due_on"],
        )

    def get_success_url(self):
        return self.rectification.get_absolute_url()


class RectificationCloseView(ReaderMixin, ScopedFormMixin, FormView):
    """Close a rectification with its record. Another campus's is a 404; a role that may not
    close, a 403."""

    form_class = RectificationCloseForm
    template_name = "supervision/rectification_close.html"
    title = _("Close the rectification")
    success_message = _("Rectification closed.")

    def edited_record(self):
        return self.rectification

    def dispatch(self, request, *args, **kwargs):
        if can_read(request.user):
            self.rectification = get_object_or_404(
                Rectification.objects.for_user(request.user).select_related("visit__group", "visit__campus"),
                pk=kwargs["pk"],
            )
            if not can_close_rectification(request.user, self.rectification):
                raise PermissionDenied(_("Your role cannot close rectifications."))
            if self.rectification.status != Rectification.RectStatus.OPEN:
                messages.info(request, _("This rectification is closed already."))
                return redirect(self.rectification.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("user")
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rectification"] = self.rectification
        return context

    def save_object(self, form):
        return services.rectification_close(
            user=self.request.user,
            rectification=self.rectification,
            record=form.cleaned_data["closing_record"],
            attachment=form.cleaned_data.get("attachment"),
        )

    def get_success_url(self):
        return self.rectification.get_absolute_url()


def rectification_attachment(request, pk):
    if not can_read(request.user):
        raise PermissionDenied(_("Your role cannot do this."))
    rectification = get_object_or_404(Rectification.objects.for_user(request.user), pk=pk)
    return file_response(rectification.closing_attachment)


# --- Typical experiences -----------------------------------------------------------------------


EXPERIENCE_PREFETCH = (Prefetch("attachments", queryset=ExperienceAttachment.objects.order_by("pk")),)


class ExperienceListView(ReaderMixin, PortalListView):
    """Experiences to manage: published ones, the user's own drafts; the bureau's roles all."""

    model = Experience
    table_class = ExperienceTable
    filterset_class = ExperienceManageFilterSet
    related = ("campus", "author")
    title = _("Typical experiences")
    export_name = "typical-experiences"
    create_url_name = "supervision:experience_create"
    create_roles = READER_ROLES
    template_name = "supervision/experience_list.html"


class PublishedExperienceListView(ListView):
    """The page the bureau shares: every published experience, for everyone signed in;
    printable."""

    template_name = "supervision/experience_published.html"
    paginate_by = settings.PAGE_SIZE
    context_object_name = "experiences"

    def get_queryset(self):
        queryset = (
            Experience.objects.published()
            .select_related("campus", "author")
            .prefetch_related(*EXPERIENCE_PREFETCH)
            .order_by("-published_at", "-pk")
        )
        self.filterset = scope_filterset(
            ExperienceFilterSet(self.request.GET or None, queryset=queryset, request=self.request),
            self.request.user,
        )
        return self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filter=self.filterset, query=query.urlencode())
        return context


class ExperienceDetailView(PortalDetailView):
    """A published experience for everyone signed in; a draft for its author and the bureau."""

    model = Experience
    related = ("campus", "author")
    prefetch = EXPERIENCE_PREFETCH
    template_name = "supervision/experience_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, experience = self.request.user, self.object
        context.update(
            can_edit=can_edit_experience(user, experience),
            can_publish=can_publish_experiences(user),
            history=history_rows(experience) if can_edit_experience(user, experience) else [],
        )
        return context


class ExperienceCreateView(PortalCreateView):
    model = Experience
    form_class = ExperienceForm
    allowed_roles = READER_ROLES
    title = _("New typical experience")
    success_message = _("Experience saved as a draft.")

    def save_object(self, form):
        data = form.cleaned_data
        upload = data.get("attachment")
        return services.experience_create(
            user=self.request.user,
            title=data["title"],
            topic=data["topic"],
            body=data["body"],
            summary=data["summary"],
            campus=data["campus"],
            files=[upload] if upload else [],
        )


class ExperienceUpdateView(PortalUpdateView):
    model = Experience
    form_class = ExperienceForm
    allowed_roles = READER_ROLES
    title = _("Change the experience")
    success_message = _("Experience saved.")

    def get_object(self, queryset=None):
        experience = super().get_object(queryset)
        if not can_edit_experience(self.request.user, experience):
            raise PermissionDenied(_("Only the author changes a draft; a published experience, the bureau."))
        return experience

    def save_object(self, form):
        data = form.cleaned_data
        upload = data.get("attachment")
        return services.experience_update(
            user=self.request.user,
            experience=Experience.objects.get(pk=self.object.pk),
            title=data["title"],
            topic=data["topic"],
            body=data["body"],
            summary=data["summary"],
            campus=data["campus"],
            files=[upload] if upload else [],
        )


@require_POST
def experience_publish(request, pk):
    return step_view(
        request,
        Experience.objects.for_user(request.user),
        pk,
        lambda e: services.experience_publish(user=request.user, experience=e),
        _("Experience published."),
    )


@require_POST
def experience_unpublish(request, pk):
    return step_view(
        request,
        Experience.objects.for_user(request.user),
        pk,
        lambda e: services.experience_unpublish(user=request.user, experience=e),
        _("Experience taken back to draft."),
    )


def experience_attachment(request, pk, attachment_pk):
    experience = get_object_or_404(Experience.objects.for_user(request.user), pk=pk)
    attachment = get_object_or_404(experience.attachments, pk=attachment_pk)
    return file_response(attachment.file, download_name=attachment.name)
