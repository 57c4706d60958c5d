"""Excel imports of budgets, spending and the asset register: every row valid or nothing
written, and the services' rules apply to imported rows too."""

from decimal import Decimal

import tablib

from sharing.models import Asset, Budget, Spending
from sharing.resources import AssetResource, BudgetResource, SpendingResource

from .conftest import make_asset


def run(resource, headers, rows, dry_run=False):
    dataset = tablib.Dataset(*rows, headers=headers)
    return resource.import_data(dataset, dry_run=dry_run, raise_errors=False)


def errors(result):
    return {(row.number, field) for row in result.invalid_rows for field in row.error_dict}


def test_budget_import_writes_all_rows(campuses):
    result = run(
        BudgetResource(),
        ["school", "year", "line", "amount", "note"],
        [
            ("longshi-fuxiao", 2026, "personnel", "800000.00", ""),
            ("longshi-fuxiao", 2026, "special", 12345.67, ""),
        ],
    )
    assert not result.has_validation_errors() and not result.has_errors()
    amounts = dict(Budget.objects.values_list("line__code", "amount"))
    assert amounts == {"personnel": Decimal("800000.00"), "special": Decimal("12345.67")}


def test_budget_import_with_a_bad_row_writes_nothing(campuses):
    result = run(
        BudgetResource(),
        ["school", "year", "line", "amount", "note"],
        [
            ("longshi-fuxiao", 2026, "personnel", "1.00", ""),
            ("longshi-fuxiao", 2026, "no-such-line", "1.00", ""),
        ],
    )
    assert result.has_validation_errors()
    assert any(field.startswith("line") for _, field in errors(result))
    assert not Budget.objects.exists()


def test_spending_import_refuses_the_row_that_overspends_and_writes_nothing(campuses, budget):
    headers = ["id", "campus", "line", "spent_on", "amount", "purpose"]
    rows = [
        ("", "taojiang", "public", "2026-03-01", "15000.00", "桌椅"),
        ("", "taojiang", "public", "2026-03-02", "5000.01", "黑板"),  # 20,000.01 in all: one cent too many
        ("", "hongqi", "public", "2026-03-02", "10.00", "纸"),
    ]
    result = run(SpendingResource(), headers, rows)
    assert result.has_validation_errors()
    assert {number for number, _ in errors(result)} == {2}
    assert any(field.startswith("amount") for _, field in errors(result))
    assert not Spending.objects.exists()


def test_spending_import_of_valid_rows_adds_up_exactly(campuses, budget):
    headers = ["id", "campus", "line", "spent_on", "amount", "purpose"]
    rows = [("", "longxiang", "public", "2026-04-01", "0.10", f"第{n}笔") for n in range(30)]
    result = run(SpendingResource(), headers, rows)
    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    from sharing.money import money_total

    assert money_total(Spending.objects.all()) == Decimal("3.00")


def test_asset_import_cannot_move_an_asset(campuses):
    make_asset(campuses["hongqi"], code="ZC-1")
    headers = ["code", "name", "category", "value", "campus", "condition", "acquired_on", "note"]
    rows = [
        ("ZC-2", "钢琴", "teaching", "25000.00", "longxiang", "good", "2024-09-01", ""),
        ("ZC-1", "投影仪", "it", "4999.90", "taojiang", "good", "", ""),
    ]
    result = run(AssetResource(), headers, rows)
    assert result.has_validation_errors()
    assert {number for number, _ in errors(result)} == {2}
    assert list(Asset.objects.values_list("code", "campus__code")) == [("ZC-1", "hongqi")]


def test_asset_import_registers_valid_rows(campuses):
    headers = ["code", "name", "category", "value", "campus", "condition", "acquired_on", "note"]
    rows = [(f"ZC-{n}", "课桌", "Furniture", "120.50", "taojiang", "good", "", "") for n in range(5)]
    result = run(AssetResource(), headers, rows)
    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    assert Asset.objects.filter(campus=campuses["taojiang"], category="furniture").count() == 5
