"""factory_boy factories of the planning app (deterministic sequences)."""

import datetime

import factory
from django.utils import timezone

from campuses.models import EducationGroup
from planning.models import (
    Decision,
    Document,
    Measure,
    Meeting,
    ProgressReport,
    SubTask,
)
from tests.campuses.factories import EducationGroupFactory
from tests.kernel.factories import UserFactory


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
