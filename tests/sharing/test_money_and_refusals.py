"""Money as people read it (thousands separators in both languages, on every funds page and
table), and a spending refused for want of an allocation: who allocates, and the way there."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from sharing.models import Allocation, Budget, BudgetLine, Spending
from sharing.money import format_yuan

from .conftest import YEAR, make_spending

CREATE = reverse("sharing:spending_create")


# --- the one format ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1234567.8"), "1,234,567.80"),
        (Decimal("999.99"), "999.99"),
        (Decimal("1000"), "1,000.00"),
        (Decimal("-45000.5"), "-45,000.50"),
        (Decimal("0"), "0.00"),
        (12500, "12,500.00"),
    ],
)
def test_format_groups_thousands_in_both_languages(language, value, text):
    # Django's Simplified Chinese format has no thousands separator: the helper supplies one.
    with translation.override(language):
        assert format_yuan(value) == text


def test_template_filter_and_missing_values():
    template = Template("{% load sharing_money %}{{ a|yuan }} {{ b|yuan }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"a": Decimal("2500000"), "b": None})) == "2,500,000.00 —"


# --- pages and tables --------------------------------------------------------------------------


@pytest.fixture
def big(campuses, public_line):
    """A budget in millions: 龙翔 gets 1,250,000.00 of 3,500,000.00 and spends 12,345.60."""
    budget = Budget.objects.create(
        school=campuses["longxiang"].school, year=YEAR, line=public_line, amount=Decimal("3500000.00")
    )
    Allocation.objects.create(budget=budget, campus=campuses["longxiang"], amount=Decimal("1250000.00"))
    spending = make_spending(campuses["longxiang"], public_line, "12345.60")
    return budget, spending


def test_every_funds_page_groups_thousands(client_as, big):
    budget, spending = big
    client = client_as("principal")  # pages in Chinese, the default language
    pages = {
        reverse("sharing:funds") + f"?year={YEAR}": (
            "1,250,000.00",
            "12,345.60",
            "1,237,654.40",
            "3,500,000.00",
        ),
        reverse("sharing:budget_list"): ("3,500,000.00", "1,250,000.00"),
        reverse("sharing:budget_detail", args=[budget.pk]): ("3,500,000.00", "1,250,000.00", "1,237,654.40"),
        reverse("sharing:allocation_list"): ("1,250,000.00", "12,345.60", "1,237,654.40"),
        reverse("sharing:spending_list"): ("12,345.60",),
        reverse("sharing:spending_detail", args=[spending.pk]): ("12,345.60",),
    }
    for url, texts in pages.items():
        html = client.get(url).content.decode()
        for text in texts:
            assert text in html, (url, text)
        assert "1250000.00" not in html and "3500000.00" not in html, url


def test_exports_keep_exact_numbers_without_separators(client_as, big):
    content = client_as("principal").get(reverse("sharing:spending_list"), {"_export": "csv"}).content
    assert b"12345.60" in content and b"12,345.60" not in content


def test_refusal_messages_group_thousands(client_as, campuses, big, public_line):
    response = client_as("vp-longxiang").post(
        CREATE,
        {
            "campus": campuses["longxiang"].pk,
            "line": public_line.pk,
            "spent_on": f"{YEAR}-06-01",
            "amount": "2000000",
            "purpose": "采购",
        },
    )
    assert "1,237,654.40" in str(response.context["form"].errors["amount"])


# --- spending refused for want of an allocation ------------------------------------------------


def spend(client, campus, line, amount="12500.00"):
    return client.post(
        CREATE,
        {
            "campus": campus.pk,
            "line": line.pk,
            "spent_on": f"{YEAR}-06-01",
            "amount": amount,
            "purpose": "印刷",
        },
    )


@pytest.fixture
def staff_line(db):
    return BudgetLine.objects.get(code="personnel")


def test_vp_is_told_who_allocates_and_sent_to_the_allocations(client_as, campuses, budget, staff_line):
    response = spend(client_as("vp-longxiang"), campuses["longxiang"], staff_line)
    assert response.status_code == 200 and not Spending.objects.exists()
    [error] = response.context["form"].errors["line"]
    assert "principal" in error or "集团" in error
    help_link = response.context["allocation_help"]
    assert (
        help_link["url"]
        == f"{reverse('sharing:allocation_list')}?year={YEAR}&campus={campuses['longxiang'].pk}"
    )
    assert 'id="allocation-help"' in response.content.decode()
    # The link opens for the vice-principal.
    assert client_as("vp-longxiang").get(help_link["url"]).status_code == 200


def test_principal_is_sent_to_allocate_the_existing_budget(client_as, campuses, budget, public_line):
    Allocation.objects.filter(budget=budget, campus=campuses["taojiang"]).delete()
    response = spend(client_as("principal"), campuses["taojiang"], public_line)
    assert response.context["allocation_help"]["url"] == reverse(
        "sharing:allocation_create", args=[budget.pk]
    )


def test_principal_is_sent_to_make_the_budget_when_there_is_none(client_as, campuses, budget, staff_line):
    response = spend(client_as("principal"), campuses["taojiang"], staff_line)
    assert response.context["allocation_help"]["url"] == reverse("sharing:budget_create")


def test_overspending_shows_no_allocation_link(client_as, campuses, budget, public_line):
    response = spend(client_as("vp-taojiang"), campuses["taojiang"], public_line, "20000.01")
    assert "amount" in response.context["form"].errors
    assert "allocation_help" not in response.context


def test_form_shows_what_each_campus_may_still_spend(client_as, campuses, budget, public_line):
    make_spending(campuses["longxiang"], public_line, "1500.00")
    response = client_as("vp-longxiang").get(CREATE)
    rows = response.context["allocations"]
    assert [(a.campus, a.amount, a.remaining) for a in rows] == [
        (campuses["longxiang"], Decimal("30000.00"), Decimal("28500.00"))
    ]
    assert "28,500.00" in response.content.decode()


def test_vp_campus_is_chosen_already(client_as, campuses, budget):
    form = client_as("vp-longxiang").get(CREATE).context["form"]
    assert form["campus"].value() == campuses["longxiang"].pk
    assert client_as("principal").get(CREATE).context["form"]["campus"].value() is None


def test_vp_records_spending_once_allocated(client_as, campuses, budget, public_line):
    response = spend(client_as("vp-longxiang"), campuses["longxiang"], public_line)
    spending = Spending.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "sharing:spending_detail", args=[spending.pk]
    )
