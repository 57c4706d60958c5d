"""Views of shared funds, assets and resources: thin, scoped through kernel.generic.

Lists start from `Model.objects.for_user(user)`: a vice-principal's lists, exports and record
pages hold their own campus only (another campus's record is a 404), except the teaching
library, which every campus of the group reads. Files are served only by views that first find
the record in the user's scope; MEDIA_URL is never served.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.db.models import Count, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from campuses.models import Campus
from kernel.generic import (
    PortalCreateView,
    PortalDetailView,
    PortalListView,
    PortalUpdateView,
    RoleRequiredMixin,
    ScopedFormMixin,
)
from kernel.history import history_rows
from kernel.uploads import file_response
from kernel.workflow import step_view

from . import permissions, selectors, services
from .filters import (
    AllocationFilterSet,
    AssetFilterSet,
    AssetTransferFilterSet,
    BudgetFilterSet,
    ReallocationFilterSet,
    ResourceUseFilterSet,
    SpendingFilterSet,
    TeachingResourceFilterSet,
)
from .forms import (
    AllocationForm,
    AssetForm,
    AssetTransferForm,
    BudgetForm,
    ReallocationForm,
    SpendingForm,
    TeachingResourceForm,
)
from .models import (
    Allocation,
    Asset,
    AssetTransfer,
    Budget,
    BudgetLine,
    Reallocation,
    ResourceUse,
    Spending,
    TeachingResource,
)
from .money import money_subquery
from .tables import (
    AllocationTable,
    AssetTable,
    AssetTransferTable,
    BudgetTable,
    ReallocationTable,
    ResourceUseTable,
    SpendingTable,
    TeachingResourceTable,
    status_badge,
)


def _requested_year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return datetime.date.today().year
    return year if 2000 <= year <= 2100 else datetime.date.today().year


# --------------------------------------------------------------------------------------------
# Funds


class FundsOverviewView(TemplateView):
    """Per campus: allocated, spent, remaining and per pupil for a year (and optionally a line)."""

    template_name = "sharing/funds_overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = _requested_year(self.request)
        lines = list(BudgetLine.objects.all())
        try:
            line_id = int(self.request.GET.get("line") or 0) or None
        except ValueError:
            line_id = None
        context.update(
            title=_("Funds by campus"),
            year=year,
            lines=lines,
            line_id=line_id,
            summary=selectors.campus_funds(user=self.request.user, year=year, line_id=line_id),
            can_plan=permissions.can_plan_funds(self.request.user),
            can_record=permissions.can_record(self.request.user),
        )
        return context


class BudgetListView(PortalListView):
    model = Budget
    table_class = BudgetTable
    filterset_class = BudgetFilterSet
    related = ("school", "line")
    title = _("Budgets")
    export_name = "budgets"
    create_url_name = "sharing:budget_create"
    create_roles = permissions.PLANNER_ROLES

    def get_queryset(self):
        # What is allocated of each budget, summed by the database (one query for the page).
        allocated = Allocation.objects.filter(budget=OuterRef("pk"))
        return super().get_queryset().annotate(allocated=money_subquery(allocated))


class BudgetDetailView(PortalDetailView):
    model = Budget
    related = ("school", "line")
    template_name = "sharing/budget_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, budget = self.request.user, self.object
        allocations = selectors.budget_allocations(user=user, budget=budget)
        for allocation in allocations:
            allocation.remaining = allocation.amount - allocation.spent
        context.update(
            allocations=allocations,
            allocated_total=sum((a.amount for a in allocations), selectors.ZERO),
            can_plan=permissions.can_plan_funds(user),
            history=history_rows(budget),
        )
        return context


class BudgetFormMixin:
    """What creating and editing a budget share: the form, the roles, the service."""

    model = Budget
    form_class = BudgetForm
    allowed_roles = permissions.PLANNER_ROLES
    success_message = _("Budget saved.")

    def save_object(self, form):
        return services.budget_save(user=self.request.user, budget=form.save(commit=False))


class BudgetCreateView(BudgetFormMixin, PortalCreateView):
    title = _("New budget")


class BudgetUpdateView(BudgetFormMixin, PortalUpdateView):
    title = _("Edit budget")


class AllocationCreateView(RoleRequiredMixin, ScopedFormMixin, FormView):
    """Give (or change) a campus's share of a budget."""

    form_class = AllocationForm
    template_name = "portal/form.html"
    allowed_roles = permissions.PLANNER_ROLES
    title = _("Allocate to a campus")
    success_message = _("Allocation saved.")

    def dispatch(self, request, *args, **kwargs):
        self.budget = get_object_or_404(Budget.objects.for_user(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["budget"] = self.budget
        campus_id = self.request.POST.get("campus") if self.request.method == "POST" else None
        existing = (
            Allocation.objects.filter(budget=self.budget, campus_id=campus_id).first() if campus_id else None
        )
        if existing is not None:
            kwargs["instance"] = existing
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Allocate %(budget)s") % {"budget": self.budget}
        return context

    def save_object(self, form):
        return services.allocation_save(user=self.request.user, allocation=form.save(commit=False))

    def get_success_url(self):
        return reverse("sharing:budget_detail", args=[self.budget.pk])


class AllocationListView(PortalListView):
    """Every allocation in scope with what its campus spent on the line that year."""

    model = Allocation
    table_class = AllocationTable
    filterset_class = AllocationFilterSet
    related = ("budget__school", "budget__line", "campus")
    title = _("Allocations")
    export_name = "allocations"

    def get_queryset(self):
        spent = Spending.objects.filter(
            campus=OuterRef("campus"), line=OuterRef("budget__line"), spent_on__year=OuterRef("budget__year")
        )
        return super().get_queryset().annotate(spent=money_subquery(spent))


class SpendingListView(PortalListView):
    model = Spending
    table_class = SpendingTable
    filterset_class = SpendingFilterSet
    related = ("campus", "line", "recorded_by")
    title = _("Spending")
    export_name = "spending"
    create_url_name = "sharing:spending_create"
    create_roles = permissions.RECORDER_ROLES


class SpendingDetailView(PortalDetailView):
    model = Spending
    related = ("campus", "line", "recorded_by")
    template_name = "sharing/spending_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = history_rows(self.object)
        return context


def _allocation_help(user, campus: Campus, line, year: int) -> dict:
    """Where to go when a spending is refused for want of an allocation: for those who allocate,
    the budget's "allocate" page (or "new budget" when the school has none for the line and year);
    for the others, the allocations they may read, with who allocates."""
    if permissions.can_plan_funds(user):
        budget = selectors.budget_id_for(user=user, school_id=campus.school_id, line=line, year=year)
        if budget is not None:
            url = reverse("sharing:allocation_create", args=[budget])
            return {"url": url, "label": _("Allocate to a campus")}
        return {"url": reverse("sharing:budget_create"), "label": _("New budget")}
    return {
        "url": f"{reverse('sharing:allocation_list')}?year={year}&campus={campus.pk}",
        "label": _("See the campus's allocations"),
    }


class SpendingCreateView(PortalCreateView):
    """Record a payment. Beside the form, what the user's campuses may still spend this year per
    line; a refusal for want of an allocation says who allocates and links there."""

    model = Spending
    form_class = SpendingForm
    allowed_roles = permissions.RECORDER_ROLES
    template_name = "sharing/spending_form.html"
    title = _("Record spending")
    success_message = _("Spending recorded.")

    def save_object(self, form):
        return services.spending_record(user=self.request.user, spending=form.save(commit=False))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        # The payment as typed (a refused field leaves cleaned_data, not the instance).
        spending = form.instance
        year = spending.spent_on.year if spending.spent_on else datetime.date.today().year
        context["allocation_year"] = year
        context["allocations"] = selectors.spendable_allocations(user=self.request.user, year=year)
        refused = any(
            error.code == services.NO_ALLOCATION for error in form.errors.as_data().get("line", [])
        )
        if refused and spending.campus_id and spending.line_id:
            context["allocation_help"] = _allocation_help(
                self.request.user, spending.campus, spending.line, year
            )
        return context


def spending_attachment(request, pk):
    spending = get_object_or_404(Spending.objects.for_user(request.user), pk=pk)
    return file_response(spending.attachment)


class ReallocationListView(PortalListView):
    model = Reallocation
    table_class = ReallocationTable
    filterset_class = ReallocationFilterSet
    related = ("budget__school", "budget__line", "from_campus", "to_campus", "decided_by")
    title = _("Reallocations")
    export_name = "reallocations"
    create_url_name = "sharing:reallocation_create"
    create_roles = permissions.RECORDER_ROLES


class ReallocationCreateView(RoleRequiredMixin, ScopedFormMixin, FormView):
    form_class = ReallocationForm
    template_name = "portal/form.html"
    allowed_roles = permissions.RECORDER_ROLES
    title = _("Ask for a reallocation")
    success_message = _("Reallocation requested: the group's leadership decides on it.")

    def save_object(self, form):
        data = form.cleaned_data
        return services.reallocation_request(
            user=self.request.user,
            budget=data["budget"],
            from_campus=data["from_campus"],
            to_campus=data["to_campus"],
            amount=data["amount"],
            reason=data["reason"],
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class ReallocationDetailView(PortalDetailView):
    model = Reallocation
    related = ("budget__school", "budget__line", "from_campus", "to_campus", "requested_by", "decided_by")
    template_name = "sharing/reallocation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        context.update(
            status_badge=status_badge(record),
            can_decide=services.REALLOCATION_WORKFLOW.available(self.request.user, record) != [],
            history=history_rows(record),
        )
        return context


@require_POST
def reallocation_approve(request, pk):
    return step_view(
        request,
        Reallocation.objects.for_user(request.user),
        pk,
        lambda r: services.reallocation_approve(user=request.user, reallocation=r),
        _("Reallocation approved: the allocations have changed."),
    )


@require_POST
def reallocation_reject(request, pk):
    return step_view(
        request,
        Reallocation.objects.for_user(request.user),
        pk,
        lambda r: services.reallocation_reject(user=request.user, reallocation=r),
        _("Reallocation rejected."),
    )


# --------------------------------------------------------------------------------------------
# Assets


class AssetListView(PortalListView):
    model = Asset
    table_class = AssetTable
    filterset_class = AssetFilterSet
    related = ("campus",)
    title = _("Asset register")
    export_name = "assets"
    create_url_name = "sharing:asset_create"
    create_roles = permissions.RECORDER_ROLES


class AssetDetailView(PortalDetailView):
    """An asset, where it stands, every transfer (each move) and its change history."""

    model = Asset
    related = ("campus",)
    template_name = "sharing/asset_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, asset = self.request.user, self.object
        transfers = selectors.asset_transfers(asset=asset)
        context.update(
            transfers=[(t, status_badge(t)) for t in transfers],
            open_transfer=next((t for t in transfers if t.is_open), None),
            can_edit=permissions.can_record(user),
            history=history_rows(asset),
        )
        return context


class AssetFormMixin:
    """What registering and editing an asset share: the form, the roles, the service."""

    model = Asset
    form_class = AssetForm
    allowed_roles = permissions.RECORDER_ROLES
    success_message = _("Asset saved.")

    def save_object(self, form):
        return services.asset_save(user=self.request.user, asset=form.save(commit=False))


class AssetCreateView(AssetFormMixin, PortalCreateView):
    title = _("Register an asset")


class AssetUpdateView(AssetFormMixin, PortalUpdateView):
    title = _("Edit asset")


class AssetTransferCreateView(RoleRequiredMixin, ScopedFormMixin, FormView):
    form_class = AssetTransferForm
    template_name = "portal/form.html"
    allowed_roles = permissions.RECORDER_ROLES
    title = _("Transfer to another campus")
    success_message = _("Transfer requested: the group's leadership approves it.")

    def dispatch(self, request, *args, **kwargs):
        self.asset = get_object_or_404(
            Asset.objects.for_user(request.user).select_related("campus"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["asset"] = self.asset
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Transfer %(asset)s") % {"asset": self.asset}
        return context

    def save_object(self, form):
        return services.asset_transfer_request(
            user=self.request.user,
            asset=self.asset,
            to_campus=form.cleaned_data["to_campus"],
            reason=form.cleaned_data["reason"],
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class AssetTransferListView(PortalListView):
    model = AssetTransfer
    table_class = AssetTransferTable
    filterset_class = AssetTransferFilterSet
    related = ("asset", "from_campus", "to_campus")
    title = _("Asset transfers")
    export_name = "asset-transfers"


class AssetTransferDetailView(PortalDetailView):
    model = AssetTransfer
    related = ("asset", "from_campus", "to_campus", "requested_by", "approved_by", "received_by")
    template_name = "sharing/assettransfer_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        transfer = self.object
        # The buttons: the steps of the workflow this user may take now.
        steps = {step.name for step in services.TRANSFER_WORKFLOW.available(self.request.user, transfer)}
        context.update(
            status_badge=status_badge(transfer),
            can_decide="approve" in steps,
            can_receive="receive" in steps,
            can_cancel="cancel" in steps,
            history=history_rows(transfer),
        )
        return context


def _transfer_step(name: str, service, done_message):
    @require_POST
    def view(request, pk):
        return step_view(
            request,
            AssetTransfer.objects.for_user(request.user),
            pk,
            lambda t: service(user=request.user, transfer=t),
            done_message,
        )

    view.__name__ = f"transfer_{name}"
    return view


transfer_approve = _transfer_step("approve", services.asset_transfer_approve, _("Transfer approved."))
transfer_reject = _transfer_step("reject", services.asset_transfer_reject, _("Transfer rejected."))
transfer_receive = _transfer_step(
    "receive", services.asset_transfer_receive, _("Asset received: it now stands at this campus.")
)
transfer_cancel = _transfer_step("cancel", services.asset_transfer_cancel, _("Transfer cancelled."))


# --------------------------------------------------------------------------------------------
# Teaching resources


class TeachingResourceListView(PortalListView):
    """The shared library: every campus of the group reads it."""

    model = TeachingResource
    table_class = TeachingResourceTable
    filterset_class = TeachingResourceFilterSet
    related = ("author", "campus")
    title = _("Shared teaching resources")
    export_name = "teaching-resources"
    create_url_name = "sharing:resource_create"
    create_roles = permissions.RECORDER_ROLES

    def get_queryset(self):
        return super().get_queryset().annotate(uses_count=Count("uses")).order_by("-uploaded_at", "-pk")


class TeachingResourceDetailView(PortalDetailView):
    model = TeachingResource
    related = ("author", "campus", "uploaded_by")
    template_name = "sharing/teachingresource_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        resource = self.object
        by_campus = selectors.resource_uses_by_campus(resource=resource)
        context.update(
            uses_by_campus=by_campus,
            uses_total=sum(row["n"] for row in by_campus),
            history=history_rows(resource),
        )
        return context


class TeachingResourceCreateView(PortalCreateView):
    model = TeachingResource
    form_class = TeachingResourceForm
    allowed_roles = permissions.RECORDER_ROLES
    title = _("Share a teaching resource")
    success_message = _("Resource shared with the group.")

    def save_object(self, form):
        return services.resource_upload(user=self.request.user, resource=form.save(commit=False))


def resource_download(request, pk):
    """Download a resource of the user's group; the download is counted for their campus."""
    resource = get_object_or_404(TeachingResource.objects.for_user(request.user), pk=pk)
    if not resource.file:
        raise Http404(_("No file is attached."))
    services.resource_use_record(user=request.user, resource=resource, kind=ResourceUse.Kind.DOWNLOAD)
    return file_response(resource.file)


@require_POST
def resource_use(request, pk):
    """Record that the resource was used in teaching (counted for the user's campus)."""
    resource = get_object_or_404(TeachingResource.objects.for_user(request.user), pk=pk)
    services.resource_use_record(user=request.user, resource=resource, kind=ResourceUse.Kind.USE)
    messages.success(request, _("Use recorded."))
    return redirect("sharing:resource_detail", pk=resource.pk)


class ResourceUseListView(PortalListView):
    model = ResourceUse
    table_class = ResourceUseTable
    filterset_class = ResourceUseFilterSet
    related = ("resource__campus", "campus", "user")
    title = _("Downloads and uses")
    export_name = "resource-uses"


class ResourceSharingView(TemplateView):
    """How much each campus's resources are used at the other campuses."""

    template_name = "sharing/resource_sharing.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campuses, rows = selectors.resource_sharing(user=self.request.user)
        context.update(
            title=_("Resource sharing across campuses"),
            campuses=campuses,
            rows=[(row, [row.by_campus.get(c.pk, 0) for c in campuses]) for row in rows],
        )
        return context


class IndicatorsView(TemplateView):
    """The computed 优质资源共享 indicators for the campuses in scope, with their derivation."""

    template_name = "sharing/indicators.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = _requested_year(self.request)
        context.update(
            title=_("Resource-sharing indicators"),
            year=year,
            indicators=selectors.sharing_indicators(
                campuses=Campus.objects.for_user(self.request.user), year=year
            ),
        )
        return context
