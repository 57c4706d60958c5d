"""The reminder job: who is notified, when, never twice for the same item and day; e-mail; the
management command and the Celery task."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError

from planning import services
from planning.models import Document, Measure, Notification, ReminderRun
from planning.tasks import planning_reminders_task

from .factories import SubTaskFactory

DUE = datetime.date(2030, 6, 30)


@pytest.fixture
def documents_undated(plan):
    """Take the plan's required documents (overdue since 2023) and measures (due when their
    phases ended, 2023-24) out of the way."""
    Document.objects.update(due_on=None)
    Measure.objects.update(phase=None)


@pytest.fixture
def taojiang_task(campuses, measure, documents_undated):
    return SubTaskFactory(measure=measure, campus=campuses["taojiang"], due_on=DUE, title="桃江校区开学准备")


def run(day, **kwargs):
    kwargs.setdefault("days_before", [7, 1])
    kwargs.setdefault("days_after", [1, 7])
    return services.reminders_run(today=day, **kwargs)


def test_campus_vp_is_reminded_seven_days_before(taojiang_task, vp_taojiang, vp_hongqi):
    run(DUE - datetime.timedelta(days=7))
    notes = Notification.objects.all()
    assert [(n.recipient, n.kind, n.subtask) for n in notes] == [(vp_taojiang, "due_soon", taojiang_task)]
    assert "7" in notes[0].message


def test_no_reminder_on_days_not_configured(taojiang_task):
    assert run(DUE - datetime.timedelta(days=5))["notifications"] == 0
    assert not Notification.objects.exists()


def test_running_twice_on_the_same_day_notifies_once(taojiang_task):
    day = DUE - datetime.timedelta(days=1)
    first = run(day)
    second = run(day)
    assert (first["notifications"], second["notifications"]) == (1, 0)
    assert Notification.objects.count() == 1
    assert ReminderRun.objects.get(day=day).notifications == 1


def test_database_refuses_a_second_notification_for_the_same_item_and_day(taojiang_task, vp_taojiang):
    run(DUE - datetime.timedelta(days=1))
    with pytest.raises(IntegrityError):
        Notification.objects.create(
            recipient=vp_taojiang,
            kind="due_soon",
            item_key=f"subtask:{taojiang_task.pk}",
            day=DUE - datetime.timedelta(days=1),
            message="x",
        )


def test_overdue_reminders_on_the_configured_days_after(taojiang_task):
    kinds = []
    for offset in range(1, 9):
        result = run(DUE + datetime.timedelta(days=offset))
        kinds.append(result["notifications"])
    # day 1 (first found overdue, and configured), day 7 (configured): nothing in between.
    assert kinds == [1, 0, 0, 0, 0, 0, 1, 0]
    assert set(Notification.objects.values_list("kind", flat=True)) == {"overdue"}


def test_first_run_after_a_long_gap_notifies_an_overdue_item_once(taojiang_task):
    assert run(DUE + datetime.timedelta(days=40))["notifications"] == 1
    assert run(DUE + datetime.timedelta(days=41))["notifications"] == 0


def test_leaders_with_a_login_are_reminded_of_their_measure(measure, documents_undated, django_user_model):
    user = django_user_model.objects.create_user("guolanying", email="glj@example.org")
    leader = measure.leaders.get(name="郭兰英")
    leader.user = user
    leader.save()
    measure.due_on = DUE
    measure.save()
    run(DUE - datetime.timedelta(days=1))
    assert Notification.objects.get(recipient=user).measure == measure


def test_items_nobody_can_be_reached_for_go_to_the_bureau(plan, bureau):
    services.reminders_run(
        today=datetime.date(2026, 11, 26), days_before=[7], days_after=[1], send_email=False
    )
    # The plan's required documents were due at the end of 建章立制 and nobody responsible has a login.
    assert Notification.objects.filter(recipient=bureau, kind="overdue", document__isnull=False).count() == 6


def test_reminder_is_emailed_to_recipients_with_an_address(taojiang_task, vp_taojiang):
    vp_taojiang.email = "vp-taojiang@example.org"
    vp_taojiang.save()
    result = run(DUE - datetime.timedelta(days=1))
    assert result["emailed"] == 1
    assert mail.outbox[0].to == ["vp-taojiang@example.org"]
    assert Notification.objects.get().emailed


def test_management_command_runs_the_job_for_a_given_day(taojiang_task, capsys):
    call_command("planning_reminders", "--date", "2030-06-29", "--days-before", "1", "--no-email")
    assert Notification.objects.count() == 1
    assert "1 notifications" in capsys.readouterr().out


def test_celery_task_runs_for_today(documents_undated, plan):
    assert planning_reminders_task.delay().get() == {"marked_overdue": 0, "notifications": 0, "emailed": 0}
    assert ReminderRun.objects.filter(day=services.local_today()).exists()


def test_beat_schedule_runs_the_reminders_daily(settings):
    assert (
        settings.CELERY_BEAT_SCHEDULE["planning-reminders-daily"]["task"]
        == "planning.tasks.planning_reminders_task"
    )
    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"


def test_reminder_schedule_is_kept_in_the_database_for_the_admin(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.select_related("crontab").get(name="planning-reminders-daily")
    assert task.task == "planning.tasks.planning_reminders_task" and task.enabled
    assert (task.crontab.hour, str(task.crontab.timezone)) == ("7", "Asia/Shanghai")
