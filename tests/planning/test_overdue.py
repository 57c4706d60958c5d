"""Overdue detection uses the bureau's calendar day (Asia/Shanghai, UTC+8), not UTC."""

import datetime

import pytest

from planning import services
from planning.models import Status

from .factories import SubTaskFactory

UTC = datetime.UTC
DUE = datetime.date(2024, 5, 31)


@pytest.mark.parametrize(
    ("utc_moment", "local_day"),
    [
        (
            datetime.datetime(2024, 5, 31, 15, 59, 59, tzinfo=UTC),
            datetime.date(2024, 5, 31),
        ),  # 23:59:59 Beijing
        (datetime.datetime(2024, 5, 31, 16, 0, 0, tzinfo=UTC), datetime.date(2024, 6, 1)),  # 00:00 Beijing
        (datetime.datetime(2024, 5, 30, 20, 0, 0, tzinfo=UTC), datetime.date(2024, 5, 31)),
    ],
)
def test_local_today_is_the_shanghai_day(utc_moment, local_day):
    assert services.local_today(utc_moment) == local_day


def test_due_date_not_overdue_at_one_minute_to_midnight_beijing():
    today = services.local_today(datetime.datetime(2024, 5, 31, 15, 59, tzinfo=UTC))
    assert not services.is_overdue(due_on=DUE, status=Status.IN_PROGRESS, today=today)


def test_due_date_overdue_from_midnight_beijing_although_still_31_may_in_utc():
    moment = datetime.datetime(2024, 5, 31, 16, 0, 30, tzinfo=UTC)
    assert moment.date() == DUE  # in UTC it is still the due day
    assert services.is_overdue(due_on=DUE, status=Status.IN_PROGRESS, today=services.local_today(moment))


def test_done_and_cancelled_items_are_never_overdue():
    for status in (Status.DONE, Status.CANCELLED):
        assert not services.is_overdue(due_on=DUE, status=status, today=datetime.date(2030, 1, 1))


def test_job_marks_overdue_at_the_shanghai_day_boundary(plan, campuses, measure):
    task = SubTaskFactory(measure=measure, campus=campuses["hongqi"], due_on=DUE, status=Status.IN_PROGRESS)
    before = services.local_today(datetime.datetime(2024, 5, 31, 15, 59, tzinfo=UTC))
    services.reminders_run(today=before, send_email=False)
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS
    after = services.local_today(datetime.datetime(2024, 5, 31, 16, 1, tzinfo=UTC))
    result = services.reminders_run(today=after, send_email=False)
    task.refresh_from_db()
    assert task.status == Status.OVERDUE
    assert result["marked_overdue"] >= 1


def test_job_leaves_done_items_alone(plan, campuses, measure):
    task = SubTaskFactory(
        measure=measure, campus=campuses["hongqi"], due_on=DUE, status=Status.DONE, progress=100
    )
    services.reminders_run(today=datetime.date(2025, 1, 1), send_email=False)
    task.refresh_from_db()
    assert task.status == Status.DONE
