"""Fixtures of the assessment tests: evaluators, and a small open scheme of the plan's school."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from evaluation.models import Evaluatee, Scheme
from kernel.roles import Role
from kernel.services import user_set_roles
from tests.evaluation.factories import IndicatorFactory, SchemeFactory


@pytest.fixture
def make_evaluators(db):
    def make(n: int):
        users = []
        for i in range(n):
            user = get_user_model().objects.create_user(f"evaluator-{i}", password="x-evaluator-1")
            user_set_roles(user=user, roles=[Role.EVALUATOR])
            users.append(user)
        return users

    return make


@pytest.fixture
def scheme(plan, django_capture_on_commit_callbacks):
    """An open 2025 scheme ranking the plan's schools, with two first-level areas and three
    scored leaves (max 10, 20, 10); its provisional results built by the job the change of its
    evaluatees queued, as after a commit."""
    from evaluation.services import evaluatees_sync

    scheme = SchemeFactory(name="2025年集团化办学考核", status=Scheme.Status.DRAFT)
    area1 = IndicatorFactory(scheme=scheme, code="A1", name="党的建设", max_points=Decimal("30"), order=1)
    area2 = IndicatorFactory(scheme=scheme, code="A2", name="教学质量提升", max_points=Decimal("10"), order=2)
    IndicatorFactory(
        scheme=scheme, parent=area1, code="A1.1", name="组织建设", max_points=Decimal("10"), order=1
    )
    IndicatorFactory(
        scheme=scheme, parent=area1, code="A1.2", name="党风廉政", max_points=Decimal("20"), order=2
    )
    IndicatorFactory(
        scheme=scheme, parent=area2, code="A2.1", name="质量监测", max_points=Decimal("10"), order=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        evaluatees_sync(scheme=scheme)
    scheme.status = Scheme.Status.OPEN
    scheme.save()
    return scheme


@pytest.fixture
def longshi(scheme):
    """The evaluatee of 龙师附小 (its three campuses as one whole)."""
    return Evaluatee.objects.get(scheme=scheme, school__campuses__code="hongqi")
