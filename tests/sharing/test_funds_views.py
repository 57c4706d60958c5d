"""Funds pages: the permission matrix by role, exports that add up to the pages, constant
queries on every list, and attachments served only within scope."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from sharing.models import Allocation, Budget, Reallocation, Spending

from .conftest import YEAR, make_spending, upload

SPENDING_LIST = reverse("sharing:spending_list")
FUNDS = reverse("sharing:funds")


def export_rows(response, export_format):
    if export_format == "csv":
        content = b"".join(response.streaming_content) if response.streaming else response.content
        return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


#: Export headers are the columns' verbose names, in English or (once merged) in Chinese.
HEADERS = {
    "purpose": ("purpose of the spending", "支出用途"),
    "amount": ("amount (yuan)", "金额（元）"),
    "campus": ("campus", "校区"),
    "allocated": ("allocated (yuan)", "已分配（元）"),
}


def cell(row, name):
    for key, value in row.items():
        if str(key).lower() in HEADERS[name]:
            return value
    raise KeyError(name)


@pytest.fixture
def spendings(campuses, budget, public_line):
    return {
        code: make_spending(campuses[code], public_line, amount, purpose=f"{code}采购")
        for code, amount in (("hongqi", "1200.50"), ("longxiang", "300.25"), ("taojiang", "88.88"))
    }


# --- permission matrix ------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, spendings):
    for url in (
        FUNDS,
        SPENDING_LIST,
        reverse("sharing:spending_create"),
        reverse("sharing:spending_detail", args=[spendings["hongqi"].pk]),
        reverse("sharing:spending_attachment", args=[spendings["hongqi"].pk]),
        reverse("sharing:budget_list"),
        reverse("sharing:allocation_list"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_vp_lists_only_own_campus_spending(client_as, spendings):
    response = client_as("vp-longxiang").get(SPENDING_LIST)
    assert response.status_code == 200
    assert {row.record for row in response.context["table"].rows} == {spendings["longxiang"]}
    assert "taojiang采购" not in response.content.decode()


def test_vp_cannot_open_other_campus_spending_by_url(client_as, spendings):
    client = client_as("vp-longxiang")
    assert client.get(reverse("sharing:spending_detail", args=[spendings["taojiang"].pk])).status_code == 404
    assert client.get(reverse("sharing:spending_detail", args=[spendings["longxiang"].pk])).status_code == 200


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_vp_cannot_export_other_campus_spending(client_as, spendings, export_format):
    response = client_as("vp-longxiang").get(SPENDING_LIST, {"_export": export_format})
    assert response.status_code == 200
    rows = export_rows(response, export_format)
    assert [cell(row, "purpose") for row in rows] == ["longxiang采购"]


def test_vp_filtering_by_another_campus_gets_nothing(client_as, spendings, campuses):
    response = client_as("vp-longxiang").get(SPENDING_LIST, {"campus": campuses["taojiang"].pk})
    assert not list(response.context["table"].rows)


def test_bureau_and_principal_see_every_campus(client_as, spendings):
    for username in ("bureau", "principal", "supervisor"):
        response = client_as(username).get(SPENDING_LIST)
        assert {row.record for row in response.context["table"].rows} == set(spendings.values()), username


def test_outsider_sees_no_spending(client, outsider, spendings):
    client.force_login(outsider)
    assert not list(client.get(SPENDING_LIST).context["table"].rows)
    assert client.get(reverse("sharing:spending_detail", args=[spendings["hongqi"].pk])).status_code == 404
    assert client.get(reverse("sharing:spending_create")).status_code == 403


def test_bureau_cannot_record_spending(client_as, budget):
    assert client_as("bureau").get(reverse("sharing:spending_create")).status_code == 403
    assert client_as("personnel").get(reverse("sharing:spending_create")).status_code == 403


def test_vp_cannot_plan_budgets(client_as, budget):
    client = client_as("vp-hongqi")
    assert client.get(reverse("sharing:budget_create")).status_code == 403
    assert client.get(reverse("sharing:allocation_create", args=[budget.pk])).status_code == 403


# --- recording through the form ---------------------------------------------------------------


def spending_form(campus, line, amount, **extra):
    data = {
        "campus": campus.pk,
        "line": line.pk,
        "spent_on": f"{YEAR}-06-01",
        "amount": amount,
        "purpose": "实验器材",
    }
    data.update(extra)
    return data


def test_vp_records_spending_with_attachment(client_as, campuses, budget, public_line):
    client = client_as("vp-hongqi")
    data = spending_form(
        campuses["hongqi"], public_line, "1999.99", attachment=upload("invoice.pdf", b"%PDF-1")
    )
    response = client.post(reverse("sharing:spending_create"), data)
    spending = Spending.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "sharing:spending_detail", args=[spending.pk]
    )
    assert spending.amount == Decimal("1999.99") and spending.recorded_by.username == "vp-hongqi"
    download = client.get(reverse("sharing:spending_attachment", args=[spending.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1"
    assert "attachment" in download["Content-Disposition"]


def test_overspending_through_the_form_names_the_amount_field(client_as, campuses, budget, public_line):
    response = client_as("vp-taojiang").post(
        reverse("sharing:spending_create"), spending_form(campuses["taojiang"], public_line, "20000.01")
    )
    assert response.status_code == 200
    assert (
        "approved reallocation" in str(response.context["form"].errors["amount"])
        or response.context["form"].errors["amount"]
    )
    assert not Spending.objects.exists()


def test_vp_cannot_pick_another_campus_in_the_form(client_as, campuses, budget, public_line):
    response = client_as("vp-longxiang").post(
        reverse("sharing:spending_create"), spending_form(campuses["taojiang"], public_line, "1.00")
    )
    assert response.status_code == 200 and "campus" in response.context["form"].errors
    assert not Spending.objects.exists()


def test_attachment_refused_out_of_scope(client_as, campuses, public_line, budget):
    spending = make_spending(
        campuses["taojiang"], public_line, "10.00", attachment=upload("t.pdf", b"secret")
    )
    assert (
        client_as("vp-longxiang").get(reverse("sharing:spending_attachment", args=[spending.pk])).status_code
        == 404
    )
    assert (
        client_as("vp-taojiang").get(reverse("sharing:spending_attachment", args=[spending.pk])).status_code
        == 200
    )


def test_media_url_does_not_serve_files(client_as, campuses, public_line, budget):
    spending = make_spending(
        campuses["taojiang"], public_line, "10.00", attachment=upload("t.pdf", b"secret")
    )
    response = client_as("vp-taojiang").get("/media/" + spending.attachment.name)
    assert response.status_code == 404


# --- figures: the page and the exports agree --------------------------------------------------


def test_funds_page_matches_the_exports(client_as, campuses, budget, public_line):
    amounts = ["0.01", "0.02", "19.99", "333.33", "1000.00"]
    for index, amount in enumerate(amounts * 4):
        make_spending(campuses[("hongqi", "longxiang", "taojiang")[index % 3]], public_line, amount)
    client = client_as("principal")
    summary = client.get(FUNDS, {"year": YEAR}).context["summary"]
    spent_rows = export_rows(client.get(SPENDING_LIST, {"year": YEAR, "_export": "csv"}), "csv")
    amount_column = next(
        key for key in spent_rows[0] if key in ("金额（元）", "amount (yuan)", "Amount (yuan)")
    )
    campus_column = next(key for key in spent_rows[0] if key.lower() in ("campus", "校区"))
    exported = {}
    for row in spent_rows:
        exported[row[campus_column]] = exported.get(row[campus_column], Decimal("0")) + Decimal(
            row[amount_column]
        )
    for row in summary.rows:
        assert row.spent == exported.get(row.campus.name, Decimal("0.00"))
    assert summary.spent == sum(Decimal(a) for a in amounts * 4)
    allocation_rows = export_rows(client.get(reverse("sharing:allocation_list"), {"_export": "xlsx"}), "xlsx")
    allocated_column = next(
        k for k in allocation_rows[0] if k in ("已分配（元）", "allocated (yuan)", "Allocated (yuan)")
    )
    assert (
        sum(Decimal(str(row[allocated_column])) for row in allocation_rows)
        == summary.allocated
        == Decimal("100000.00")
    )
    assert summary.remaining == summary.allocated - summary.spent


def test_vp_funds_page_shows_only_own_campus(client_as, campuses, budget, spendings):
    summary = client_as("vp-longxiang").get(FUNDS, {"year": YEAR}).context["summary"]
    assert [row.campus for row in summary.rows] == [campuses["longxiang"]]
    assert summary.rows[0].allocated == Decimal("30000.00")
    assert summary.rows[0].spent == Decimal("300.25")
    assert summary.rows[0].remaining == Decimal("29699.75")


def test_per_pupil_uses_the_latest_term(client_as, campuses, budget, spendings):
    from tests.campuses.factories import EnrollmentSnapshotFactory

    campus = campuses["longxiang"]
    EnrollmentSnapshotFactory(
        campus=campus, school_year=2024, semester=1, grade=1, classes=1, pupils=50, class_sizes=[50]
    )
    EnrollmentSnapshotFactory(
        campus=campus, school_year=2025, semester=2, grade=1, classes=2, pupils=100, class_sizes=[50, 50]
    )
    EnrollmentSnapshotFactory(
        campus=campus, school_year=2025, semester=2, grade=2, classes=1, pupils=20, class_sizes=[20]
    )
    row = client_as("vp-longxiang").get(FUNDS, {"year": YEAR}).context["summary"].rows[0]
    assert row.pupils == 120
    assert row.allocated_per_pupil == Decimal("250.00")
    assert row.spent_per_pupil == Decimal("2.50")


# --- reallocation pages -----------------------------------------------------------------------


def test_reallocation_requested_by_vp_and_approved_by_principal(client_as, campuses, budget):
    vp = client_as("vp-taojiang")
    response = vp.post(
        reverse("sharing:reallocation_create"),
        {
            "budget": budget.pk,
            "from_campus": campuses["hongqi"].pk,
            "to_campus": campuses["taojiang"].pk,
            "amount": "1000.00",
            "reason": "开学购置",
        },
    )
    reallocation = Reallocation.objects.get()
    assert response.status_code == 302
    assert vp.post(reverse("sharing:reallocation_approve", args=[reallocation.pk])).status_code == 403
    # 龙翔 is neither source nor target: the request is not even found.
    assert (
        client_as("vp-longxiang")
        .get(reverse("sharing:reallocation_detail", args=[reallocation.pk]))
        .status_code
        == 404
    )
    principal = client_as("principal")
    assert principal.post(reverse("sharing:reallocation_approve", args=[reallocation.pk])).status_code == 302
    reallocation.refresh_from_db()
    assert reallocation.status == "approved" and reallocation.decided_by.username == "principal"
    assert Allocation.objects.get(budget=budget, campus=campuses["taojiang"]).amount == Decimal("21000.00")


def test_budget_and_allocation_through_the_pages(client_as, campuses, public_line):
    client = client_as("principal")
    school = campuses["hongqi"].school
    response = client.post(
        reverse("sharing:budget_create"),
        {"school": school.pk, "year": 2027, "line": public_line.pk, "amount": "5000.00", "note": ""},
    )
    budget = Budget.objects.get(year=2027)
    assert response.status_code == 302
    allocate = reverse("sharing:allocation_create", args=[budget.pk])
    assert client.post(allocate, {"campus": campuses["hongqi"].pk, "amount": "4000.00"}).status_code == 302
    refused = client.post(allocate, {"campus": campuses["taojiang"].pk, "amount": "1000.01"})
    assert refused.status_code == 200 and "amount" in refused.context["form"].errors
    # Allocating again to the same campus changes its share.
    assert client.post(allocate, {"campus": campuses["hongqi"].pk, "amount": "3000.00"}).status_code == 302
    assert Allocation.objects.get(budget=budget, campus=campuses["hongqi"]).amount == Decimal("3000.00")
    assert client.get(reverse("sharing:budget_detail", args=[budget.pk])).status_code == 200


# --- constant queries -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    [
        "sharing:spending_list",
        "sharing:budget_list",
        "sharing:allocation_list",
        "sharing:reallocation_list",
        "sharing:funds",
    ],
)
def test_funds_lists_keep_constant_queries(
    client_as, campuses, public_line, principal, url_name, django_assert_max_num_queries
):
    from campuses.models import School

    client = client_as("principal")
    url = reverse(url_name)
    schools = [campuses["hongqi"].school]
    for size in (3, 30):
        while Spending.objects.count() < size:
            n = Spending.objects.count()
            budget, _ = Budget.objects.get_or_create(
                school=schools[0], year=2000 + n, line=public_line, defaults={"amount": Decimal("100.00")}
            )
            for code in ("hongqi", "longxiang"):
                Allocation.objects.get_or_create(
                    budget=budget, campus=campuses[code], defaults={"amount": Decimal("10.00")}
                )
            make_spending(campuses["hongqi"], public_line, "1.00", day=f"{2000 + n}-01-01")
            Reallocation.objects.create(
                budget=budget,
                from_campus=campuses["hongqi"],
                to_campus=campuses["longxiang"],
                amount=Decimal("1.00"),
                reason="x",
            )
        with django_assert_max_num_queries(14):
            response = client.get(url)
        assert response.status_code == 200
    assert School.objects.count() >= 1
