"""factory_boy factories for the domain; deterministic sequences, no randomness in tests."""

import datetime

import factory
from django.contrib.auth import get_user_model

from campuses.models import Campus, EducationGroup, EnrollmentSnapshot, PeerCategory, School
from staff.models import (
    CrossCampusActivity,
    Distinction,
    Mentorship,
    ResearchProject,
    Rotation,
    StaffingQuota,
    StaffMember,
    Studio,
    Subject,
)


class PeerCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeerCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"peer-{n}")
    name = factory.Sequence(lambda n: f"同类学校{n}")
    stage = "primary"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user-{n}")


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


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    name = factory.Sequence(lambda n: f"教师{n}")
    staff_number = factory.Sequence(lambda n: f"T{n:05d}")
    subject = Subject.CHINESE
    home_campus = factory.SubFactory(CampusFactory)
    on_campus_since = datetime.date(2015, 9, 1)


class DistinctionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Distinction

    staff = factory.SubFactory(StaffMemberFactory)
    kind = Distinction.Kind.BACKBONE
    level = Distinction.Level.MUNICIPAL


class RotationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rotation

    staff = factory.SubFactory(StaffMemberFactory)
    from_campus = factory.SelfAttribute("staff.home_campus")
    to_campus = factory.SubFactory(CampusFactory)
    category = "teacher"
    start_on = datetime.date(2025, 9, 1)
    planned_end_on = datetime.date(2028, 7, 31)


class MentorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentorship

    mentor = factory.SubFactory(StaffMemberFactory)
    mentee = factory.SubFactory(StaffMemberFactory, home_campus=factory.SelfAttribute("..campus"))
    campus = factory.SelfAttribute("mentor.home_campus")
    start_on = datetime.date(2025, 9, 1)
    end_on = datetime.date(2026, 7, 31)


class StudioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Studio

    name = factory.Sequence(lambda n: f"名师工作室{n}")
    leader = factory.SubFactory(StaffMemberFactory)
    campus = factory.SelfAttribute("leader.home_campus")


class ResearchProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResearchProject

    title = factory.Sequence(lambda n: f"课题{n}")
    leader = factory.SubFactory(StaffMemberFactory)
    campus = factory.SelfAttribute("leader.home_campus")
    start_on = datetime.date(2025, 3, 1)


class CrossCampusActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrossCampusActivity

    title = factory.Sequence(lambda n: f"校区教研活动{n}")
    kind = CrossCampusActivity.Kind.JOINT_RESEARCH
    held_on = datetime.date(2025, 10, 15)
    host_campus = factory.SubFactory(CampusFactory)
    hours = 2


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


class StaffingQuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffingQuota

    campus = factory.SubFactory(CampusFactory)
    year = 2025
    establishment_authorised = 100
    establishment_filled = 95
    posts_authorised = 100
    posts_filled = 92
