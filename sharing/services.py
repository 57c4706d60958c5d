"""Writes on shared funds, assets and teaching resources. Keyword-only, atomic, validated.

Rules that two concurrent requests could both pass when checked apart (spending past an
allocation, allocating past a budget, moving an asset twice) are checked after locking the row
that holds the limit (`select_for_update`): the second request waits and then sees the first.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campuses.models import Campus, School
from kernel.scoping import user_scope
from kernel.workflow import Step, Workflow

from . import permissions
from .models import (
    Allocation,
    Asset,
    AssetTransfer,
    Budget,
    Reallocation,
    ResourceUse,
    Spending,
    TeachingResource,
)
from .money import format_yuan, money_total

ZERO = Decimal("0.00")

#: The code of the error refusing a spending for want of an allocation.
NO_ALLOCATION = "no_allocation"


def _check_campus(user, *campus_ids: int | None) -> None:
    scope = user_scope(user)
    if not any(scope.covers_campus(campus_id) for campus_id in campus_ids):
        raise PermissionDenied(_("This campus is outside your responsibility."))


def _check_school(user, school_id: int) -> None:
    if not School.objects.for_user(user).filter(pk=school_id).exists():
        raise PermissionDenied(_("This school is outside your responsibility."))


def _yuan(value: Decimal) -> str:
    return format_yuan(value)


# --------------------------------------------------------------------------------------------
# Funds


def spent_total(*, campus_id: int, line_id: int, year: int, exclude_pk: int | None = None) -> Decimal:
    """What a campus has spent on a line in a year (exact decimal)."""
    queryset = Spending.objects.filter(campus_id=campus_id, line_id=line_id, spent_on__year=year)
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    return money_total(queryset)


@transaction.atomic
def budget_save(*, user, budget: Budget) -> Budget:
    """Create or change a school's budget for a year and line; never below what is allocated."""
    if not permissions.can_plan_funds(user):
        raise PermissionDenied(_("Your role cannot plan budgets."))
    if budget.school_id:
        _check_school(user, budget.school_id)
    budget.full_clean()
    if budget.pk:
        Budget.objects.select_for_update().get(pk=budget.pk)
        allocated = money_total(budget.allocations.all())
        if budget.amount < allocated:
            raise ValidationError(
                {
                    "amount": _(
                        "%(allocated)s yuan is already allocated to campuses: the budget cannot be less."
                    )
                    % {"allocated": _yuan(allocated)}
                }
            )
    budget.save()
    return budget


@transaction.atomic
def allocation_save(*, user, allocation: Allocation) -> Allocation:
    """Give a campus its share of a budget. The shares never add up to more than the budget, and
    a share never falls below what the campus has already spent on the line that year."""
    if not permissions.can_plan_funds(user):
        raise PermissionDenied(_("Your role cannot allocate budgets."))
    _check_campus(user, allocation.campus_id)
    budget = Budget.objects.select_for_update().get(pk=allocation.budget_id)
    allocation.full_clean()
    if allocation.campus.school_id != budget.school_id:
        raise ValidationError({"campus": _("The campus must belong to the budget's school.")})
    others = money_total(budget.allocations.exclude(pk=allocation.pk))
    if others + allocation.amount > budget.amount:
        raise ValidationError(
            {
                "amount": _("Only %(rest)s yuan of this budget is not yet allocated.")
                % {"rest": _yuan(budget.amount - others)}
            }
        )
    spent = spent_total(campus_id=allocation.campus_id, line_id=budget.line_id, year=budget.year)
    if allocation.amount < spent:
        raise ValidationError(
            {
                "amount": _("The campus has already spent %(spent)s yuan on this line this year.")
                % {"spent": _yuan(spent)}
            }
        )
    allocation.save()
    return allocation


def spending_check_allocation(spending: Spending, *, lock: bool = True) -> None:
    """Refuse a spending that would take the campus past its allocation for the line and year.

    The allocation row is locked first, so two spendings recorded at the same moment are
    checked one after the other (the second sees the first). Imports call this for each row
    inside their transaction, so a sheet's rows are counted together."""
    allocations = Allocation.objects.filter(
        campus_id=spending.campus_id,
        budget__line_id=spending.line_id,
        budget__year=spending.spent_on.year,
        budget__school_id=spending.campus.school_id,
    )
    if lock:
        allocations = allocations.select_for_update()
    allocation = allocations.first()
    if allocation is None:
        # Say who can lift the refusal: a vice-principal cannot allocate, the group's leadership
        # does (services.allocation_save). The code lets the spending page link to where.
        raise ValidationError(
            {
                "line": ValidationError(
                    _(
                        "No allocation yet for %(campus)s on %(line)s in %(year)d: the group's "
                        "leadership (principal) allocates each campus its share of the school's "
                        "budget, under Budgets → Allocate to a campus."
                    )
                    % {"campus": spending.campus, "line": spending.line, "year": spending.spent_on.year},
                    code=NO_ALLOCATION,
                )
            }
        )
    spent = spent_total(
        campus_id=spending.campus_id,
        line_id=spending.line_id,
        year=spending.spent_on.year,
        exclude_pk=spending.pk,
    )
    remaining = allocation.amount - spent
    if spending.amount > remaining:
        raise ValidationError(
            {
                "amount": _(
                    "Only %(remaining)s yuan of the allocation remains: spending more needs an "
                    "approved reallocation."
                )
                % {"remaining": _yuan(remaining)}
            }
        )


@transaction.atomic
def spending_record(*, user, spending: Spending) -> Spending:
    """Record (or correct) a payment of one of the user's campuses, within its allocation."""
    if not permissions.can_record(user):
        raise PermissionDenied(_("Your role cannot record spending."))
    _check_campus(user, spending.campus_id)
    if spending.pk and not Spending.objects.for_user(user).filter(pk=spending.pk).exists():
        raise PermissionDenied(_("This campus is outside your responsibility."))
    if spending.recorded_by_id is None:
        spending.recorded_by = user
    spending.full_clean()
    spending_check_allocation(spending)
    spending.save()
    return spending


@transaction.atomic
def reallocation_request(
    *, user, budget: Budget, from_campus: Campus | None, to_campus: Campus, amount: Decimal, reason: str
) -> Reallocation:
    """Ask to move money to a campus, from another campus's share or the unallocated rest."""
    if not permissions.can_record(user):
        raise PermissionDenied(_("Your role cannot ask for reallocations."))
    _check_campus(user, to_campus.pk, from_campus.pk if from_campus else None)
    for field, campus in (("to_campus", to_campus), ("from_campus", from_campus)):
        if campus is not None and campus.school_id != budget.school_id:
            raise ValidationError({field: _("The campus must belong to the budget's school.")})
    reallocation = Reallocation(
        budget=budget,
        from_campus=from_campus,
        to_campus=to_campus,
        amount=amount,
        reason=reason,
        requested_by=user,
    )
    reallocation.full_clean()
    reallocation.save()
    return reallocation


def _planner(user, record) -> bool:
    return permissions.can_approve(user)


#: requested → approved (the money moves) or rejected, by the group's leadership.
REALLOCATION_WORKFLOW = Workflow(
    Reallocation,
    (
        Step(
            "approve",
            (Reallocation.Status.REQUESTED,),
            Reallocation.Status.APPROVED,
            _planner,
            gettext_lazy("Only the group's leadership decides on reallocations."),
            gettext_lazy("Approve"),
        ),
        Step(
            "reject",
            (Reallocation.Status.REQUESTED,),
            Reallocation.Status.REJECTED,
            _planner,
            gettext_lazy("Only the group's leadership decides on reallocations."),
            gettext_lazy("Reject"),
        ),
    ),
    wrong_status=gettext_lazy("This reallocation is already %(status)s."),
    scoped=True,
)


@transaction.atomic
def reallocation_approve(*, user, reallocation: Reallocation) -> Reallocation:
    """Approve: the money moves between the allocations now, and the approver is recorded."""
    reallocation = REALLOCATION_WORKFLOW.take(user, reallocation, "approve")
    budget = Budget.objects.select_for_update().get(pk=reallocation.budget_id)
    amount = reallocation.amount
    reason = _("Reallocation #%(pk)d approved") % {"pk": reallocation.pk}
    if reallocation.from_campus_id is None:
        allocated = money_total(budget.allocations.all())
        if allocated + amount > budget.amount:
            raise ValidationError(
                {
                    "amount": _("Only %(rest)s yuan of this budget is not yet allocated.")
                    % {"rest": _yuan(budget.amount - allocated)}
                }
            )
    else:
        source = (
            Allocation.objects.select_for_update()
            .filter(budget=budget, campus_id=reallocation.from_campus_id)
            .first()
        )
        spent = spent_total(campus_id=reallocation.from_campus_id, line_id=budget.line_id, year=budget.year)
        available = (source.amount if source else ZERO) - spent
        if amount > available:
            raise ValidationError(
                {
                    "amount": _("%(campus)s has only %(available)s yuan left to give.")
                    % {"campus": reallocation.from_campus, "available": _yuan(available)}
                }
            )
        source.amount -= amount
        source._change_reason = reason
        source.save()
    target, _created = Allocation.objects.select_for_update().get_or_create(
        budget=budget, campus_id=reallocation.to_campus_id, defaults={"amount": ZERO}
    )
    target.amount += amount
    target._change_reason = reason
    target.save()
    REALLOCATION_WORKFLOW.move(reallocation, "approve", decided_by=user, decided_at=timezone.now())
    reallocation.save()
    return reallocation


@transaction.atomic
def reallocation_reject(*, user, reallocation: Reallocation) -> Reallocation:
    reallocation = REALLOCATION_WORKFLOW.take(user, reallocation, "reject")
    REALLOCATION_WORKFLOW.move(reallocation, "reject", decided_by=user, decided_at=timezone.now())
    reallocation.save()
    return reallocation


# --------------------------------------------------------------------------------------------
# Assets


@transaction.atomic
def asset_save(*, user, asset: Asset) -> Asset:
    """Register or edit an asset of one of the user's campuses. Its campus changes only through
    a received transfer, so that every move is in the transfer history."""
    if not permissions.can_record(user):
        raise PermissionDenied(_("Your role cannot record assets."))
    _check_campus(user, asset.campus_id)
    if asset.pk:
        original = Asset.objects.for_user(user).select_for_update().filter(pk=asset.pk).first()
        if original is None:
            raise PermissionDenied(_("This campus is outside your responsibility."))
        if original.campus_id != asset.campus_id:
            raise ValidationError({"campus": _("An asset changes campus only through a transfer.")})
    asset.full_clean()
    asset.save()
    return asset


def _open_transfer_error() -> ValidationError:
    return ValidationError({"asset": _("This asset already has a transfer under way.")})


@transaction.atomic
def asset_transfer_request(*, user, asset: Asset, to_campus: Campus, reason: str) -> AssetTransfer:
    """The campus holding an asset offers it to another campus of the same legal entity."""
    if not permissions.can_record(user):
        raise PermissionDenied(_("Your role cannot ask for asset transfers."))
    asset = Asset.objects.select_for_update().select_related("campus").get(pk=asset.pk)
    _check_campus(user, asset.campus_id)
    if to_campus.school_id != asset.campus.school_id:
        raise ValidationError({"to_campus": _("Assets move only between campuses of the same school.")})
    transfer = AssetTransfer(
        asset=asset, from_campus=asset.campus, to_campus=to_campus, reason=reason, requested_by=user
    )
    transfer.full_clean()
    try:
        with transaction.atomic():
            transfer.save()
    except IntegrityError:
        # Another request opened a transfer between our check and our write.
        raise _open_transfer_error() from None
    return transfer


def _receiving(user, transfer: AssetTransfer) -> bool:
    """The receiving campus confirms the arrival."""
    return permissions.can_record(user) and user_scope(user).covers_campus(transfer.to_campus_id)


def _sender_or_planner(user, transfer: AssetTransfer) -> bool:
    """The sending campus, or the leadership, calls a transfer off."""
    return permissions.can_record(user) and (
        permissions.can_approve(user) or user_scope(user).covers_campus(transfer.from_campus_id)
    )


_T = AssetTransfer.Status
#: requested → approved → received (the asset's campus changes); requested → rejected;
#: requested or approved → cancelled.
TRANSFER_WORKFLOW = Workflow(
    AssetTransfer,
    (
        Step(
            "approve",
            (_T.REQUESTED,),
            _T.APPROVED,
            _planner,
            gettext_lazy("Only the group's leadership approves asset transfers."),
            gettext_lazy("Approve"),
        ),
        Step(
            "reject",
            (_T.REQUESTED,),
            _T.REJECTED,
            _planner,
            gettext_lazy("Only the group's leadership rejects asset transfers."),
            gettext_lazy("Reject"),
        ),
        Step(
            "receive",
            (_T.APPROVED,),
            _T.RECEIVED,
            _receiving,
            gettext_lazy("Only the receiving campus confirms that the asset arrived."),
            gettext_lazy("Confirm receipt"),
        ),
        Step(
            "cancel",
            tuple(AssetTransfer.OPEN_STATUSES),
            _T.CANCELLED,
            _sender_or_planner,
            gettext_lazy("Only the sending campus or the group's leadership cancels a transfer."),
            gettext_lazy("Cancel transfer"),
        ),
    ),
    wrong_status=gettext_lazy("This transfer is %(status)s: it cannot take this step."),
    scoped=True,
)
del _T


@transaction.atomic
def asset_transfer_approve(*, user, transfer: AssetTransfer) -> AssetTransfer:
    transfer = TRANSFER_WORKFLOW.take(user, transfer, "approve")
    TRANSFER_WORKFLOW.move(transfer, "approve", approved_by=user, approved_at=timezone.now())
    transfer.save()
    return transfer


@transaction.atomic
def asset_transfer_receive(*, user, transfer: AssetTransfer) -> AssetTransfer:
    """The receiving campus confirms the asset arrived: only now does its campus change."""
    transfer = TRANSFER_WORKFLOW.take(user, transfer, "receive")
    asset = Asset.objects.select_for_update().get(pk=transfer.asset_id)
    if asset.campus_id != transfer.from_campus_id:
        raise ValidationError({"asset": _("The asset is no longer at the campus it was sent from.")})
    asset.campus_id = transfer.to_campus_id
    asset._change_reason = _("Transfer #%(pk)d received") % {"pk": transfer.pk}
    asset.save()
    TRANSFER_WORKFLOW.move(transfer, "receive", received_by=user, received_at=timezone.now())
    transfer.save()
    return transfer


@transaction.atomic
def asset_transfer_reject(*, user, transfer: AssetTransfer) -> AssetTransfer:
    transfer = TRANSFER_WORKFLOW.take(user, transfer, "reject")
    TRANSFER_WORKFLOW.move(transfer, "reject")
    transfer.save()
    return transfer


@transaction.atomic
def asset_transfer_cancel(*, user, transfer: AssetTransfer) -> AssetTransfer:
    """The sending campus (or the leadership) calls off a transfer not yet received."""
    transfer = TRANSFER_WORKFLOW.take(user, transfer, "cancel")
    TRANSFER_WORKFLOW.move(transfer, "cancel")
    transfer.save()
    return transfer


# --------------------------------------------------------------------------------------------
# Teaching resources


def user_campus_id(user) -> int | None:
    """The campus a user's downloads count for: their staff record's campus, else their only
    campus; none for city-wide officials and leaders of several campuses."""
    member = getattr(user, "staff_member", None) if user.is_authenticated else None
    if member is not None and member.home_campus_id:
        return member.home_campus_id
    scope = user_scope(user)
    if not scope.everything and len(scope.campus_ids) == 1:
        return next(iter(scope.campus_ids))
    return None


@transaction.atomic
def resource_upload(*, user, resource: TeachingResource) -> TeachingResource:
    """Share a resource from one of the user's campuses with the whole group."""
    if not permissions.can_record(user):
        raise PermissionDenied(_("Your role cannot share resources."))
    _check_campus(user, resource.campus_id)
    if (
        resource.pk
        and not TeachingResource.objects.filter(
            pk=resource.pk, campus_id__in=_writable_campuses(user)
        ).exists()
    ):
        raise PermissionDenied(_("This campus is outside your responsibility."))
    if resource.uploaded_by_id is None:
        resource.uploaded_by = user
    resource.full_clean()
    resource.save()
    return resource


def _writable_campuses(user):
    scope = user_scope(user)
    return Campus.objects.values("pk") if scope.everything else list(scope.campus_ids)


def resource_use_record(*, user, resource: TeachingResource, kind: str) -> ResourceUse:
    """Count one download or use of a resource for the user's campus."""
    if not TeachingResource.objects.for_user(user).filter(pk=resource.pk).exists():
        raise PermissionDenied(_("This resource is outside your group."))
    use = ResourceUse(resource=resource, user=user, campus_id=user_campus_id(user), kind=kind)
    use.full_clean()
    use.save()
    return use
