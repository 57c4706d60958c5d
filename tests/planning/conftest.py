"""Fixtures of the planning tests: the plan loaded (conftest `plan`), plus one sub-task per
campus of the plan under 三(一)1 and one assigned to the unit 龙师附小."""

import datetime

import pytest

from planning.models import Measure
from staff.models import Unit

from .factories import SubTaskFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The demo accounts get their passwords hashed once per test: keep that cheap here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def measure(plan):
    return Measure.objects.get(code="三(一)1")


@pytest.fixture
def subtasks(plan, measure):
    """code → SubTask: one per campus (hongqi, longxiang, taojiang) and "unit" (龙师附小)."""
    tasks = {
        code: SubTaskFactory(
            measure=measure,
            campus=campus,
            title=f"{campus.name}明确校区执行副校长",
            due_on=datetime.date(2030, 9, 1),
        )
        for code, campus in plan.items()
    }
    tasks["unit"] = SubTaskFactory(
        measure=measure, unit=Unit.objects.get(name="龙师附小"), title="建立集团党组织管理体系"
    )
    return tasks
