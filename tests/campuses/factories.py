"""Factories of the campuses app's expansion applications (the groups, schools and campuses
themselves are in tests/factories.py)."""

import factory

from campuses.models import ExpansionApplication
from tests.factories import UserFactory


class ExpansionApplicationFactory(factory.django.DjangoModelFactory):
    """An admission application (pass `target_group` and `school`)."""

    class Meta:
        model = ExpansionApplication

    kind = ExpansionApplication.Kind.ADMIT_SCHOOL
    applicant = factory.SubFactory(UserFactory)
