"""Fixtures of the shared funds, assets and resources tests: files go to a temporary media root;
the plan's school 龙师附小 gets a 2026 budget on 公用经费 allocated to its three campuses."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sharing.models import Allocation, Asset, Budget, BudgetLine, Spending, TeachingResource
from tests.staff.factories import StaffMemberFactory

YEAR = 2026


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def public_line(db):
    return BudgetLine.objects.get(code="public")


@pytest.fixture
def budget(campuses, public_line):
    """100,000.00 yuan of 公用经费 for 2026: 红旗 50,000, 龙翔 30,000, 桃江 20,000."""
    budget = Budget.objects.create(
        school=campuses["hongqi"].school, year=YEAR, line=public_line, amount=Decimal("100000.00")
    )
    for code, amount in (("hongqi", "50000.00"), ("longxiang", "30000.00"), ("taojiang", "20000.00")):
        Allocation.objects.create(budget=budget, campus=campuses[code], amount=Decimal(amount))
    return budget


def make_spending(campus, line, amount, *, purpose="办公用品", day="2026-03-01", **extra):
    return Spending.objects.create(
        campus=campus, line=line, spent_on=day, amount=Decimal(amount), purpose=purpose, **extra
    )


def make_asset(campus, code="ZC-0001", **extra):
    values = {"name": "投影仪", "category": "it", "value": Decimal("4999.90")}
    values.update(extra)
    return Asset.objects.create(code=code, campus=campus, **values)


def upload(name="lesson.txt", content=b"lesson plan body"):
    return SimpleUploadedFile(name, content, content_type="text/plain")


def make_resource(campus, *, title="《秋天》教案", author=None, **extra):
    author = author or StaffMemberFactory(home_campus=campus)
    values = {"kind": "lesson_plan", "subject": "chinese", "grade": 3, "file": upload()}
    values.update(extra)
    return TeachingResource.objects.create(title=title, campus=campus, author=author, **values)
