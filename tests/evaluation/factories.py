"""factory_boy factories of the assessment app (deterministic sequences)."""

from decimal import Decimal

import factory

from evaluation.models import Evaluatee, Indicator, Scheme, Score, TargetKind
from tests.campuses.factories import SchoolFactory
from tests.kernel.factories import UserFactory


class SchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scheme

    name = factory.Sequence(lambda n: f"考核方案{n}")
    year = 2025
    target_kind = TargetKind.SCHOOLS
    status = Scheme.Status.OPEN


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    scheme = factory.SubFactory(SchemeFactory)
    code = factory.Sequence(lambda n: f"I{n}")
    name = factory.Sequence(lambda n: f"指标{n}")
    max_points = Decimal("10")


class EvaluateeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluatee

    scheme = factory.SubFactory(SchemeFactory)
    school = factory.SubFactory(SchoolFactory)
    code = factory.SelfAttribute("school.code")
    name = factory.SelfAttribute("school.name")
    peer_category = factory.SelfAttribute("school.peer_category")


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    indicator = factory.SubFactory(IndicatorFactory)
    evaluatee = factory.SubFactory(EvaluateeFactory, scheme=factory.SelfAttribute("..indicator.scheme"))
    evaluator = factory.SubFactory(UserFactory)
    points = Decimal("5")
