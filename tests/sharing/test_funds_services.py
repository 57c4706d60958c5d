"""Funds rules (sharing.services): exact money, allocations within budgets, no overspending
without an approved reallocation, approvals recorded with who approved."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sharing import services
from sharing.models import Allocation, Reallocation, Spending
from sharing.money import money_total
from sharing.selectors import campus_funds

from .conftest import YEAR, make_spending


def spend(user, campus, line, amount, day="2026-04-01"):
    return services.spending_record(
        user=user,
        spending=Spending(campus=campus, line=line, spent_on=day, amount=Decimal(amount), purpose="教具"),
    )


def test_thousand_spendings_of_one_cent_add_up_exactly(campuses, budget, public_line, vp_hongqi):
    Spending.objects.bulk_create(
        Spending(
            campus=campuses["hongqi"],
            line=public_line,
            spent_on="2026-05-01",
            amount=Decimal("0.01"),
            purpose="x",
        )
        for _ in range(1000)
    )
    # The database's own SUM adds floats on SQLite (9.99999999999983): sums add whole cents.
    total = money_total(Spending.objects.all())
    assert total == Decimal("10.00") and isinstance(total, Decimal)
    row = next(r for r in campus_funds(user=vp_hongqi, year=YEAR).rows if r.campus == campuses["hongqi"])
    assert row.spent == Decimal("10.00")
    assert row.remaining == Decimal("49990.00")


def test_amounts_that_floats_get_wrong_stay_exact(campuses, budget, public_line, vp_longxiang):
    for _ in range(10):
        spend(vp_longxiang, campuses["longxiang"], public_line, "0.10")
    for amount in ("0.20", "0.70", "1234.56", "9999.99"):
        spend(vp_longxiang, campuses["longxiang"], public_line, amount)
    row = campus_funds(user=vp_longxiang, year=YEAR).rows[0]
    assert row.spent == Decimal("11236.45")
    assert row.remaining == Decimal("30000.00") - Decimal("11236.45")


def test_spending_up_to_the_allocation_passes_and_one_cent_more_is_refused(
    campuses, budget, public_line, vp_taojiang
):
    spend(vp_taojiang, campuses["taojiang"], public_line, "19999.99")
    spend(vp_taojiang, campuses["taojiang"], public_line, "0.01")
    with pytest.raises(ValidationError) as refused:
        spend(vp_taojiang, campuses["taojiang"], public_line, "0.01")
    assert "amount" in refused.value.message_dict
    assert "0.00" in refused.value.message_dict["amount"][0]
    assert Spending.objects.filter(campus=campuses["taojiang"]).count() == 2


def test_spending_in_a_year_without_allocation_is_refused(campuses, budget, public_line, vp_hongqi):
    with pytest.raises(ValidationError) as refused:
        spend(vp_hongqi, campuses["hongqi"], public_line, "1.00", day="2025-12-31")
    assert "line" in refused.value.message_dict


def test_vp_cannot_record_spending_for_another_campus(campuses, budget, public_line, vp_longxiang):
    with pytest.raises(PermissionDenied):
        spend(vp_longxiang, campuses["taojiang"], public_line, "1.00")
    assert not Spending.objects.exists()


def test_bureau_reads_but_cannot_record_spending(campuses, budget, public_line, bureau):
    with pytest.raises(PermissionDenied):
        spend(bureau, campuses["hongqi"], public_line, "1.00")


def test_overspending_allowed_only_after_an_approved_reallocation(
    campuses, budget, public_line, vp_taojiang, principal
):
    spend(vp_taojiang, campuses["taojiang"], public_line, "20000.00")
    request = services.reallocation_request(
        user=vp_taojiang,
        budget=budget,
        from_campus=campuses["hongqi"],
        to_campus=campuses["taojiang"],
        amount=Decimal("5000.00"),
        reason="新校区开办",
    )
    with pytest.raises(ValidationError):  # requested is not approved
        spend(vp_taojiang, campuses["taojiang"], public_line, "100.00")
    with pytest.raises(PermissionDenied):  # a vice-principal cannot approve their own request
        services.reallocation_approve(user=vp_taojiang, reallocation=request)
    approved = services.reallocation_approve(user=principal, reallocation=request)
    assert approved.status == Reallocation.Status.APPROVED
    assert approved.decided_by == principal and approved.decided_at is not None
    allocations = dict(Allocation.objects.filter(budget=budget).values_list("campus__code", "amount"))
    assert allocations == {
        "hongqi": Decimal("45000.00"),
        "longxiang": Decimal("30000.00"),
        "taojiang": Decimal("25000.00"),
    }
    assert sum(allocations.values()) == budget.amount
    spend(vp_taojiang, campuses["taojiang"], public_line, "5000.00")
    with pytest.raises(ValidationError):
        spend(vp_taojiang, campuses["taojiang"], public_line, "0.01")
    # The move is in the allocations' history, with its reason.
    target = Allocation.objects.get(budget=budget, campus=campuses["taojiang"])
    assert target.history.first().history_change_reason == f"Reallocation #{request.pk} approved"


def test_reallocation_cannot_take_what_the_source_campus_already_spent(
    campuses, budget, public_line, vp_hongqi, vp_taojiang, principal
):
    spend(vp_hongqi, campuses["hongqi"], public_line, "48000.00")
    request = services.reallocation_request(
        user=vp_taojiang,
        budget=budget,
        from_campus=campuses["hongqi"],
        to_campus=campuses["taojiang"],
        amount=Decimal("2000.01"),
        reason="x",
    )
    with pytest.raises(ValidationError) as refused:
        services.reallocation_approve(user=principal, reallocation=request)
    assert "2,000.00" in refused.value.messages[0]
    request.refresh_from_db()
    assert request.status == Reallocation.Status.REQUESTED


def test_reallocation_from_the_unallocated_rest(campuses, budget, vp_taojiang, principal):
    budget.amount = Decimal("100500.00")
    services.budget_save(user=principal, budget=budget)
    request = services.reallocation_request(
        user=vp_taojiang,
        budget=budget,
        from_campus=None,
        to_campus=campuses["taojiang"],
        amount=Decimal("500"),
        reason="x",
    )
    services.reallocation_approve(user=principal, reallocation=request)
    assert Allocation.objects.get(budget=budget, campus=campuses["taojiang"]).amount == Decimal("20500.00")
    second = services.reallocation_request(
        user=vp_taojiang,
        budget=budget,
        from_campus=None,
        to_campus=campuses["taojiang"],
        amount=Decimal("0.01"),
        reason="x",
    )
    with pytest.raises(ValidationError):
        services.reallocation_approve(user=principal, reallocation=second)


def test_allocations_never_exceed_the_budget(campuses, budget, principal):
    allocation = Allocation.objects.get(budget=budget, campus=campuses["taojiang"])
    allocation.amount = Decimal("20000.01")
    with pytest.raises(ValidationError) as refused:
        services.allocation_save(user=principal, allocation=allocation)
    assert "amount" in refused.value.message_dict


def test_allocation_cannot_fall_below_what_was_spent(campuses, budget, public_line, principal):
    make_spending(campuses["longxiang"], public_line, "1000.00")
    allocation = Allocation.objects.get(budget=budget, campus=campuses["longxiang"])
    allocation.amount = Decimal("999.99")
    with pytest.raises(ValidationError):
        services.allocation_save(user=principal, allocation=allocation)


def test_budget_cannot_fall_below_what_is_allocated(budget, principal):
    budget.amount = Decimal("99999.99")
    with pytest.raises(ValidationError) as refused:
        services.budget_save(user=principal, budget=budget)
    assert "amount" in refused.value.message_dict


def test_spending_check_locks_the_allocation_row(campuses, budget, public_line, vp_hongqi, monkeypatch):
    """Two concurrent spendings are serialised on the allocation row (SELECT ... FOR UPDATE)."""
    from django.db.models.query import QuerySet

    locked = []
    original = QuerySet.select_for_update

    def spy(self, *args, **kwargs):
        locked.append(self.model.__name__)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    spend(vp_hongqi, campuses["hongqi"], public_line, "1.00")
    assert "Allocation" in locked
