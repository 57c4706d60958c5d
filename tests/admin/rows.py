"""Rows of every model registered in the admin, for page tests at several sizes."""

from __future__ import annotations

import datetime
import importlib
import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from guardian.models import GroupObjectPermission, UserObjectPermission
from guardian.shortcuts import assign_perm

from campuses.models import EnrollmentSnapshot, ExpansionApplication
from evaluation.models import CellReview, PublishedSnapshot
from kernel.models import POLICY_RULES, PolicySetting
from kernel.roles import CAMPUS_PERMISSION, GROUP_PERMISSION
from planning.models import (
    Document,
    Measure,
    Meeting,
    Phase,
    ProgressReport,
    ReminderRun,
    SubTask,
)
from sharing.models import Allocation, Asset, AssetTransfer, Budget, BudgetLine, Reallocation
from staff.models import (
    LeadershipPost,
    LeadingGroup,
    LeadingGroupMembership,
    ResponsibilityArea,
    ResponsibilityAssignment,
    StudioMembership,
    Unit,
)
from supervision.models import Rectification, SupervisionVisit
from tests.campuses import factories as campuses_factories
from tests.campuses.factories import ExpansionApplicationFactory
from tests.evaluation.factories import EvaluateeFactory, IndicatorFactory, SchemeFactory
from tests.kernel import factories as kernel_factories
from tests.planning.factories import (
    DocumentFactory,
    MeasureFactory,
    MeetingFactory,
    ProgressReportFactory,
    SubTaskFactory,
    plan_group,
)
from tests.staff import factories as staff_factories
from tests.supervision.factories import RectificationFactory, SupervisionVisitFactory

_counter = itertools.count(1)


def _n() -> int:
    return next(_counter)


def _leading_group():
    return LeadingGroup.objects.create(
        name=f"领导小组{_n()}",
        group=campuses_factories.EducationGroupFactory(),
        office_director=staff_factories.StaffMemberFactory(),
    )


def _user_with_campus():
    user = get_user_model().objects.create_user(f"row-user-{_n()}")
    user.groups.add(Group.objects.get_or_create(name="campus_vp")[0])
    assign_perm(CAMPUS_PERMISSION, user, campuses_factories.CampusFactory())
    return user


def _group_with_permission():
    group = Group.objects.create(name=f"group-{_n()}")
    assign_perm(GROUP_PERMISSION, group, campuses_factories.EducationGroupFactory())
    return group


def _enrollment():
    return campuses_factories.EnrollmentSnapshotFactory(grade=1)


def _campus_for_group(group):
    school = campuses_factories.SchoolFactory(group=group)
    return campuses_factories.CampusFactory(school=school)


def _responsibility():
    group = campuses_factories.EducationGroupFactory()
    return ResponsibilityAssignment.objects.create(
        group=group,
        area=ResponsibilityArea.SAFETY,
        campus=_campus_for_group(group),
        person=staff_factories.StaffMemberFactory(),
    )


def _policy_setting():
    used = set(PolicySetting.objects.values_list("key", flat=True))
    key = next(key for key in POLICY_RULES if key not in used)
    return PolicySetting.objects.create(key=key, value=1)


def _plan_campus():
    return _campus_for_group(plan_group())


def _plan_phase():
    return Phase.objects.filter(group=plan_group()).order_by("order").first()


def _progress_report():
    """A report on a campus's sub-task (the sub-task column filled)."""
    subtask = SubTaskFactory(campus=_plan_campus())
    return ProgressReportFactory(measure=subtask.measure, subtask=subtask)


def _periodic_task():
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.MINUTES)
    return PeriodicTask.objects.create(
        name=f"任务{_n()}", task="kernel.tasks.requeue_jobs_task", interval=every_minute
    )


def _cell_review():
    """A lead evaluator's review of a cell of its own (one per indicator and evaluatee)."""
    indicator = IndicatorFactory()
    return CellReview.objects.create(
        indicator=indicator,
        evaluatee=EvaluateeFactory(scheme=indicator.scheme),
        reason="评分分歧超过容差，组长确认。",
        reviewed_by=kernel_factories.UserFactory(),
    )


def _published_snapshot():
    """Version 1 of a scheme of its own (versions are unique per scheme)."""
    return PublishedSnapshot.objects.create(
        scheme=SchemeFactory(), version=1, data={}, published_by=kernel_factories.UserFactory()
    )


def _budget():
    """A budget on a line of its own (one budget per school, year and line)."""
    n = _n()
    line = BudgetLine.objects.create(code=f"line-{n}", name=f"预算科目{n}", order=n)
    return Budget.objects.create(
        school=campuses_factories.SchoolFactory(), year=2026, line=line, amount=Decimal("1000.00")
    )


def _allocation():
    budget = _budget()
    return Allocation.objects.create(
        budget=budget, campus=campuses_factories.CampusFactory(school=budget.school), amount=Decimal("500.00")
    )


def _reallocation():
    """A move of money between two campuses of the budget's school."""
    budget = _budget()
    return Reallocation.objects.create(
        budget=budget,
        from_campus=campuses_factories.CampusFactory(school=budget.school),
        to_campus=campuses_factories.CampusFactory(school=budget.school),
        amount=Decimal("100.00"),
        reason="校区间调剂",
    )


def _asset_transfer():
    """An open transfer of an asset of its own between two campuses of one school."""
    giving = campuses_factories.CampusFactory()
    asset = Asset.objects.create(
        code=f"ZC-{_n()}", name="投影仪", category="it", value=Decimal("4999.90"), campus=giving
    )
    return AssetTransfer.objects.create(
        asset=asset,
        from_campus=giving,
        to_campus=campuses_factories.CampusFactory(school=giving.school),
        reason="校区间调剂",
    )


BUILDERS = {
    PolicySetting: _policy_setting,
    get_user_model(): _user_with_campus,
    Group: _group_with_permission,
    UserObjectPermission.history.model: _user_with_campus,
    GroupObjectPermission.history.model: _group_with_permission,
    EnrollmentSnapshot: _enrollment,
    Unit: lambda: Unit.objects.create(code=f"unit-{_n()}", name=f"股室{_n()}", kind="bureau_office"),
    LeadingGroup: _leading_group,
    LeadingGroupMembership: lambda: LeadingGroupMembership.objects.create(
        leading_group=_leading_group(), person=staff_factories.StaffMemberFactory(), role="member"
    ),
    LeadershipPost: lambda: LeadershipPost.objects.create(
        group=campuses_factories.EducationGroupFactory(),
        post="vice_principal",
        person=staff_factories.StaffMemberFactory(),
    ),
    ResponsibilityAssignment: _responsibility,
    StudioMembership: lambda: StudioMembership.objects.create(
        studio=staff_factories.StudioFactory(), member=staff_factories.StaffMemberFactory()
    ),
    PeriodicTask: _periodic_task,
    CellReview: _cell_review,
    PublishedSnapshot: _published_snapshot,
    ExpansionApplication: lambda: ExpansionApplicationFactory(
        target_group=campuses_factories.EducationGroupFactory(), school=campuses_factories.SchoolFactory()
    ),
    Rectification: lambda: RectificationFactory(
        visit=SupervisionVisitFactory(campus=campuses_factories.CampusFactory())
    ),
    ReminderRun: lambda: ReminderRun.objects.create(
        day=datetime.date(2026, 1, 1) + datetime.timedelta(days=_n())
    ),
    SubTask: lambda: SubTaskFactory(campus=campuses_factories.CampusFactory()),
    # The nullable columns of the changelist filled, so that each shows a related row.
    Measure: lambda: MeasureFactory(phase=_plan_phase(), campus=_plan_campus()),
    Meeting: lambda: MeetingFactory(campus=_plan_campus()),
    Document: lambda: DocumentFactory(
        phase=_plan_phase(), campus=_plan_campus(), approved_at_meeting=MeetingFactory()
    ),
    ProgressReport: _progress_report,
    SupervisionVisit: lambda: SupervisionVisitFactory(campus=campuses_factories.CampusFactory()),
    Budget: _budget,
    Allocation: _allocation,
    AssetTransfer: _asset_transfer,
    Reallocation: _reallocation,
}

#: Models with fewer possible rows than the larger test size.
MAX_ROWS = {PolicySetting: len(POLICY_RULES)}


def builder_for(model):
    """The model's builder here, else its factory (the app's tests/<app>/factories.py; accounts'
    in tests/kernel/factories.py), else one made from the field types (tests/security/crawl.py)."""
    if model in BUILDERS:
        return BUILDERS[model]
    package = "kernel" if model._meta.label == "auth.User" else model._meta.app_label
    try:
        app_factories = importlib.import_module(f"tests.{package}.factories")
    except ImportError:
        app_factories = None
    factory = getattr(app_factories, f"{model.__name__}Factory", None)
    return factory or _from_field_types(model)


def _from_field_types(model):
    """A builder that fills the required fields from their types, each row with its own unique
    values (unique text fields numbered, foreign keys to existing rows)."""
    from tests.security.crawl import FILL_HINTS, _value_for

    hints = FILL_HINTS.get(model._meta.label, {})

    def build():
        n = _n()
        values = {}
        for field in model._meta.concrete_fields:
            if (
                field.primary_key
                or getattr(field, "auto_now", False)
                or getattr(field, "auto_now_add", False)
            ):
                continue
            if field.name in hints:
                values[field.name] = hints[field.name]()
                continue
            if field.has_default() or (field.null and not field.is_relation):
                continue
            value = _value_for(field, 0)
            if isinstance(value, str) and (field.unique or field.blank is False):
                value = f"{value}-{n}"[: field.max_length or 100]
            if value is not None:
                values[field.name] = value
        return model._default_manager.create(**values)

    return build


def make_rows(model, count: int) -> None:
    build = builder_for(model)
    for _ in range(count):
        build()
