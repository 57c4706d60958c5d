"""A campus executive vice-principal's day: 我的工作 lists their campus's sub-tasks, one click
opens the report form, the report rolls up to the measure; on a measure they are offered their
campus's part (never a 403 dead end) and may add a sub-task for their own campus only. And the
reminders they read are in their language."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from planning import services
from planning.models import Notification, ProgressReport, SubTask

from .factories import SubTaskFactory

MY_WORK = reverse("planning:my_work")
CREATE = reverse("planning:subtask_create")


@pytest.fixture
def longxiang_task(measure, campuses):
    return SubTaskFactory(
        measure=measure, campus=campuses["longxiang"], title="龙翔校区党支部建设", due_on=None
    )


@pytest.fixture
def taojiang_task(measure, campuses):
    return SubTaskFactory(measure=measure, campus=campuses["taojiang"], title="桃江校区党支部建设")


def test_my_work_lists_the_vps_campus_subtasks_with_a_report_button(client_as, longxiang_task, taojiang_task):
    response = client_as("vp-longxiang").get(MY_WORK)
    assert response.status_code == 200
    listed = [(task.title, can_report) for task, _overdue, can_report in response.context["subtasks"]]
    assert listed == [("龙翔校区党支部建设", True)]
    report_url = reverse("planning:subtask_report", args=[longxiang_task.pk]) + "?from=my_work"
    assert report_url in response.content.decode()
    assert "桃江校区党支部建设" not in response.content.decode()


def test_vp_reports_from_my_work_and_returns_there(client_as, longxiang_task, measure):
    client = client_as("vp-longxiang")
    url = reverse("planning:subtask_report", args=[longxiang_task.pk])
    assert client.get(url + "?from=my_work").status_code == 200
    response = client.post(url + "?from=my_work", {"percent": 60, "text": "支部已成立", "from": "my_work"})
    assert response.status_code == 302 and response["Location"] == MY_WORK
    longxiang_task.refresh_from_db()
    measure.refresh_from_db()
    assert longxiang_task.progress == 60
    assert measure.progress == 60  # its only sub-task
    assert ProgressReport.objects.get().subtask == longxiang_task


def test_vp_on_a_measure_goes_straight_to_their_campus_subtask(
    client_as, longxiang_task, taojiang_task, measure
):
    response = client_as("vp-longxiang").get(reverse("planning:measure_report", args=[measure.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("planning:subtask_report", args=[longxiang_task.pk])


def test_vp_on_a_measure_with_several_subtasks_chooses_one(client_as, longxiang_task, measure, campuses):
    second = SubTaskFactory(measure=measure, campus=campuses["longxiang"], title="龙翔校区廉政教育")
    response = client_as("vp-longxiang").get(reverse("planning:measure_report", args=[measure.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    for task in (longxiang_task, second):
        assert reverse("planning:subtask_report", args=[task.pk]) in content


def test_measure_page_offers_the_vp_to_report_and_add_a_subtask(client_as, measure):
    response = client_as("vp-longxiang").get(reverse("planning:measure_detail", args=[measure.pk]))
    content = response.content.decode()
    assert reverse("planning:measure_report", args=[measure.pk]) in content
    assert f"{CREATE}?measure={measure.pk}" in content
    assert reverse("planning:measure_update", args=[measure.pk]) not in content


def test_vp_adds_a_subtask_for_their_own_campus(client_as, measure, campuses):
    client = client_as("vp-longxiang")
    response = client.get(CREATE, {"measure": measure.pk})
    assert response.status_code == 200
    form = response.context["form"]
    assert "unit" not in form.fields
    assert form.fields["campus"].disabled and form.fields["campus"].initial == campuses["longxiang"].pk
    response = client.post(
        CREATE + f"?measure={measure.pk}",
        {"measure": measure.pk, "title": "龙翔校区师德师风建设", "description": "", "owner": ""},
    )
    assert response.status_code == 302
    task = SubTask.objects.get(title="龙翔校区师德师风建设")
    assert task.campus == campuses["longxiang"] and task.unit is None
    assert task.history.get().history_user.username == "vp-longxiang"


def test_vp_cannot_create_a_subtask_for_another_campus(client_as, measure, campuses):
    client = client_as("vp-longxiang")
    client.post(
        CREATE,
        {"measure": measure.pk, "title": "越权子任务", "campus": campuses["taojiang"].pk, "owner": ""},
    )
    # The campus is fixed: whatever is posted, the sub-task (if any) is the vp's campus's.
    assert not SubTask.objects.filter(campus=campuses["taojiang"]).exists()
    assert set(SubTask.objects.filter(title="越权子任务").values_list("campus__code", flat=True)) <= {
        "longxiang"
    }


def test_vp_cannot_report_on_another_campus_subtask(client_as, taojiang_task):
    client = client_as("vp-longxiang")
    url = reverse("planning:subtask_report", args=[taojiang_task.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"percent": 90, "text": "越权"}).status_code == 404
    assert not ProgressReport.objects.exists()


def test_principal_assigns_a_subtask_to_any_campus_of_the_group(client_as, measure, campuses):
    client = client_as("principal")
    form = client.get(CREATE).context["form"]
    assert set(form.fields["campus"].queryset) == set(campuses.values())
    response = client.post(
        CREATE,
        {"measure": measure.pk, "title": "桃江校区开学准备", "campus": campuses["taojiang"].pk, "owner": ""},
    )
    assert response.status_code == 302
    assert SubTask.objects.get(title="桃江校区开学准备").campus == campuses["taojiang"]


def test_subtask_create_permission_matrix(client, client_as, outsider, plan):
    assert client.get(CREATE).status_code == 302
    client.force_login(outsider)
    assert client.get(CREATE).status_code == 403
    for username in ("bureau", "principal", "vp-hongqi"):
        assert client_as(username).get(CREATE).status_code == 200


# --- Notifications in the reader's language ------------------------------------------------------


@pytest.fixture
def overdue_note(longxiang_task, vp_longxiang, plan):
    from planning.models import Document, Measure

    Document.objects.update(due_on=None)
    Measure.objects.exclude(pk=longxiang_task.measure_id).update(phase=None)
    due = longxiang_task.measure.phase.end_on
    services.reminders_run(today=due + datetime.timedelta(days=1162), days_after=[1], send_email=False)
    return Notification.objects.get(recipient=vp_longxiang, subtask=longxiang_task)


def test_notification_keeps_its_kind_days_and_due_date(overdue_note, longxiang_task):
    assert (overdue_note.kind, overdue_note.days, overdue_note.due_on) == (
        "overdue",
        1162,
        longxiang_task.measure.phase.end_on,
    )


def test_notification_text_in_english_and_chinese(overdue_note):
    due = overdue_note.due_on.isoformat()
    with translation.override("en"):
        assert overdue_note.text() == f"Overdue by 1162 days: 龙翔校区党支部建设 (due {due})."
    with translation.override("zh-hans"):
        chinese = overdue_note.text()
    assert "1162" in chinese and "龙翔校区党支部建设" in chinese and due in chinese
    assert "Overdue" not in chinese or not _catalogue_has("Overdue by %(days)d day: %(item)s (due %(due)s).")


def _catalogue_has(msgid: str) -> bool:
    """Has the Chinese catalogue this message yet? (The lead translates new messages after merging.)"""
    with translation.override("zh-hans"):
        return translation.ngettext(msgid, msgid.replace("day:", "days:"), 2) != msgid.replace(
            "day:", "days:"
        )


def test_notification_list_renders_in_the_readers_language(client_as, overdue_note):
    client = client_as("vp-longxiang")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get(reverse("planning:notification_list")).content.decode()
    assert "Overdue by 1162 days: 龙翔校区党支部建设" in content


def test_old_english_notifications_are_rendered_from_their_fields(overdue_note):
    """A row written in English before this change (the data migration filled its days and due
    date from the text) reads in Chinese for a Chinese reader."""
    from importlib import import_module

    migration = import_module("planning.migrations.0005_plan_order_phases_rollup_notifications")
    Notification.objects.filter(pk=overdue_note.pk).update(
        days=None, due_on=None, message=f"Overdue by 1162 days: x (due {overdue_note.due_on.isoformat()})."
    )
    from django.apps import apps

    migration.forwards(apps, None)
    note = Notification.objects.get(pk=overdue_note.pk)
    assert (note.days, note.due_on) == (1162, overdue_note.due_on)
    with translation.override("en"):
        assert note.text().startswith("Overdue by 1162 days: 龙翔校区党支部建设")
