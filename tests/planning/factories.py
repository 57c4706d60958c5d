"""factory_boy factories of the planning app (deterministic sequences)."""

import datetime

import factory
from django.utils import timezone

from campuses.models import EducationGroup
from planning.models import (
    Decision,
    Document,
    ExpansionApplication,
    Experience,
    Measure,
    Meeting,
    ProgressReport,
    Rectification,
    SubTask,
    SupervisionVisit,
)
from tests.factories import EducationGroupFactory, UserFactory


def plan_group():
    """The group whose plan a test's records belong to: the first group (the plan's), made
    when the test has none."""
    group = EducationGroup.objects.order_by("pk").first()
    if group is None:
        group = EducationGroupFactory()
    return group


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    group = factory.LazyFunction(plan_group)
    code = factory.Sequence(lambda n: f"测试{n}")
    order = factory.Sequence(lambda n: 100 + n)
    section = "（九）测试"
    title = factory.Sequence(lambda n: f"测试举措{n}")
    text = "测试举措的全文。"


class SubTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubTask

    measure = factory.SubFactory(MeasureFactory)
    title = factory.Sequence(lambda n: f"子任务{n}")
    due_on = datetime.date(2030, 6, 30)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    group = factory.LazyAttribute(lambda o: (o.campus.school.group if o.campus else None) or plan_group())
    campus = None
    kind = Meeting.Kind.PROGRESS_REVIEW
    title = factory.Sequence(lambda n: f"集团化办学总结推进会{n}")
    held_on = datetime.date(2023, 8, 20)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    text = factory.Sequence(lambda n: f"决定{n}")


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    group = factory.LazyAttribute(lambda o: (o.campus.school.group if o.campus else None) or plan_group())
    campus = None
    code = factory.Sequence(lambda n: f"doc-{n}")
    kind = Document.Kind.OTHER
    title = factory.Sequence(lambda n: f"文件{n}")


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    measure = factory.SubFactory(MeasureFactory)
    reported_at = factory.LazyFunction(timezone.now)
    author = factory.SubFactory(UserFactory)
    text = "进展"
    percent = 10


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


class ExpansionApplicationFactory(factory.django.DjangoModelFactory):
    """An admission application (pass `target_group` and `school`)."""

    class Meta:
        model = ExpansionApplication

    kind = ExpansionApplication.Kind.ADMIT_SCHOOL
    applicant = factory.SubFactory(UserFactory)
