"""Factories of the supervision app's models."""

import datetime

import factory

from supervision.models import Experience, Rectification, SupervisionVisit
from tests.kernel.factories import UserFactory


class SupervisionVisitFactory(factory.django.DjangoModelFactory):
    """A visit to a campus (pass `campus`) or to a group (pass `group`)."""

    class Meta:
        model = SupervisionVisit

    kind = SupervisionVisit.Kind.SUPERVISION
    visited_on = datetime.date(2025, 3, 10)
    team = "督导室 张督学、李督学"
    findings = factory.Sequence(lambda n: f"督导发现{n}")
    created_by = factory.SubFactory(UserFactory)


class RectificationFactory(factory.django.DjangoModelFactory):
    """A rectification of `visit` (give it), on the visit's campus unless said otherwise."""

    class Meta:
        model = Rectification

    description = factory.Sequence(lambda n: f"整改事项{n}")
    campus = factory.LazyAttribute(lambda o: o.visit.campus)
    owner = factory.SubFactory(UserFactory)
    due_on = datetime.date(2030, 6, 30)


class ExperienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Experience

    title = factory.Sequence(lambda n: f"典型经验{n}")
    topic = Experience.Topic.TEACHERS
    body = "一校三区教师交流轮岗的做法。"
    author = factory.SubFactory(UserFactory)
