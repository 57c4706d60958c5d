"""Factories of the campuses app: peer categories, groups, schools, campuses, enrollment and
expansion applications. Deterministic sequences, no randomness in tests."""

import factory

from campuses.models import (
    Campus,
    EducationGroup,
    EnrollmentSnapshot,
    ExpansionApplication,
    PeerCategory,
    School,
)
from tests.kernel.factories import UserFactory


class PeerCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeerCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"peer-{n}")
    name = factory.Sequence(lambda n: f"同类学校{n}")
    stage = "primary"


class EducationGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EducationGroup

    code = factory.Sequence(lambda n: f"group-{n}")
    name = factory.Sequence(lambda n: f"第{n}教育集团")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    code = factory.Sequence(lambda n: f"school-{n}")
    name = factory.Sequence(lambda n: f"第{n}小学")
    peer_category = factory.SubFactory(PeerCategoryFactory)


class CampusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campus

    code = factory.Sequence(lambda n: f"campus-{n}")
    name = factory.Sequence(lambda n: f"校区{n}")
    school = factory.SubFactory(SchoolFactory)


class EnrollmentSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnrollmentSnapshot

    campus = factory.SubFactory(CampusFactory)
    school_year = 2025
    semester = 1
    grade = factory.Sequence(lambda n: n % 6 + 1)
    classes = 2
    pupils = 110
    class_sizes = [52, 58]


class ExpansionApplicationFactory(factory.django.DjangoModelFactory):
    """An admission application (pass `target_group` and `school`)."""

    class Meta:
        model = ExpansionApplication

    kind = ExpansionApplication.Kind.ADMIT_SCHOOL
    applicant = factory.SubFactory(UserFactory)
