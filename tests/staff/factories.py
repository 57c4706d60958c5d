"""Factories of the staff app: people, distinctions, rotations, mentoring, studios, research,
activities across campuses and quotas."""

import datetime

import factory

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
from tests.campuses.factories import CampusFactory


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


class StaffingQuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffingQuota

    campus = factory.SubFactory(CampusFactory)
    year = 2025
    establishment_authorised = 100
    establishment_filled = 95
    posts_authorised = 100
    posts_filled = 92
