"""Celery tasks: in-process by default (no broker configured)."""

import datetime

import pytest

from staff.models import Rotation
from staff.services import rotations_advance
from staff.tasks import rotations_advance_task
from tests.staff.factories import RotationFactory

D = datetime.date


@pytest.fixture
def rotations(campuses):
    approved = RotationFactory(
        to_campus=campuses["taojiang"],
        status="approved",
        start_on=D(2026, 9, 1),
        planned_end_on=D(2029, 7, 31),
    )
    ending = RotationFactory(
        to_campus=campuses["taojiang"], status="active", start_on=D(2023, 9, 1), planned_end_on=D(2026, 7, 31)
    )
    future = RotationFactory(
        to_campus=campuses["taojiang"],
        status="approved",
        start_on=D(2027, 9, 1),
        planned_end_on=D(2030, 7, 31),
    )
    return approved, ending, future


def statuses(rotations):
    return [Rotation.objects.get(pk=r.pk).status for r in rotations]


def test_rotations_start_and_complete_on_their_dates(rotations):
    assert rotations_advance(today=D(2026, 11, 26)) == {"started": 1, "completed": 1}
    assert statuses(rotations) == ["active", "completed", "approved"]
    assert Rotation.objects.get(pk=rotations[1].pk).ended_on == D(2026, 7, 31)


def test_running_twice_changes_nothing_more(rotations):
    rotations_advance(today=D(2026, 11, 26))
    assert rotations_advance(today=D(2026, 11, 26)) == {"started": 0, "completed": 0}


def test_task_runs_in_process_by_default(rotations):
    result = rotations_advance_task.delay()
    assert set(result.get(timeout=10)) == {"started", "completed"}
