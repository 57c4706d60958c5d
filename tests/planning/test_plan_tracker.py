"""The plan tracker tells the truth: measures in the plan's order with their phase; an item
without its own due date is due when its phase ends (effective due date); overdue from the
dates, the same for the pages and the daily job; a measure's progress rolls up from its sub-tasks."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from planning import services
from planning.models import Measure, Phase, Status, SubTask

from .factories import SubTaskFactory

PLAN_ORDER = ["三(一)1", "三(一)2", "三(二)1", "三(二)2", "三(三)1", "三(三)2"]
TODAY = datetime.date(2024, 6, 1)


def table_codes(response):
    return [row.record.code for row in response.context["table"].rows]


# --- Order and phases ------------------------------------------------------------------------------


def test_measure_list_is_in_the_plans_order_not_the_codes_string_order(client_as, plan):
    # As strings, 三(三) sorts before 三(二) (三 U+4E09 < 二 U+4E8C): the list must not.
    assert sorted(PLAN_ORDER) != PLAN_ORDER
    response = client_as("bureau").get(reverse("planning:measure_list"))
    assert table_codes(response) == PLAN_ORDER
    # Sorting by the code column asks for the plan's order too.
    response = client_as("bureau").get(reverse("planning:measure_list"), {"sort": "code"})
    assert table_codes(response) == PLAN_ORDER
    assert list(Measure.objects.values_list("code", flat=True)) == PLAN_ORDER


def test_timeline_and_subtask_pickers_follow_the_plans_order(client_as, plan):
    response = client_as("bureau").get(reverse("planning:timeline"))
    codes = [row["code"] for row in response.context["chart"]["rows"] if row["kind"] == "measure"]
    assert codes == PLAN_ORDER


def test_every_measure_has_its_phase_shown_in_the_list(client_as, plan):
    phases = dict(Measure.objects.values_list("code", "phase__name"))
    assert phases == {
        "三(一)1": "建章立制",
        "三(一)2": "建章立制",
        "三(二)1": "调研评估",
        "三(二)2": "总结推广",
        "三(三)1": "精准推进",
        "三(三)2": "精准推进",
    }
    content = client_as("principal").get(reverse("planning:measure_list")).content.decode()
    for name in ("建章立制", "精准推进", "调研评估", "总结推广"):
        assert name in content


def test_loading_again_fills_a_missing_phase_but_keeps_one_set_by_a_user(plan):
    from groupschool.plan_data import plan_data_load

    kept = Phase.objects.get(name="总结推广")
    Measure.objects.filter(code="三(一)1").update(phase=None, order=0)
    Measure.objects.filter(code="三(二)1").update(phase=kept)
    plan_data_load()
    first = Measure.objects.get(code="三(一)1")
    assert (first.phase.name, first.order) == ("建章立制", 1)
    assert first.history.first().phase_id == first.phase_id  # the change keeps its history
    assert Measure.objects.get(code="三(二)1").phase == kept


def test_data_migration_orders_chinese_numerals_as_numbers():
    from importlib import import_module

    migration = import_module("planning.migrations.0005_plan_order_phases_rollup_notifications")
    order = migration._order_of_code
    assert order("三(一)1") < order("三(一)2") < order("三(二)1") < order("三(三)1") < order("三(十)1")


# --- Effective due date ----------------------------------------------------------------------------


def test_undated_measure_is_due_at_its_phases_end_and_says_so(client_as, plan):
    measure = Measure.objects.with_effective_due().get(code="三(二)1")
    phase_end = Phase.objects.get(name="调研评估").end_on
    assert measure.due_on is None
    assert measure.effective_due == phase_end and measure.due_source == "phase"
    client = client_as("bureau")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    said = f'{phase_end:%Y-%m-%d} <span class="small text-body-secondary">(phase end)</span>'
    assert said in client.get(reverse("planning:measure_list")).content.decode()
    assert said in client.get(reverse("planning:measure_detail", args=[measure.pk])).content.decode()


def test_own_due_date_wins_over_the_phase(plan):
    Measure.objects.filter(code="三(二)1").update(due_on=datetime.date(2024, 6, 15))
    measure = Measure.objects.with_effective_due().get(code="三(二)1")
    assert measure.effective_due == datetime.date(2024, 6, 15) and measure.due_source_label == ""


def test_undated_subtask_takes_its_measures_date_then_its_phases_end(measure, campuses):
    task = SubTaskFactory(measure=measure, campus=campuses["hongqi"], due_on=None)
    phase_end = measure.phase.end_on
    assert SubTask.objects.with_effective_due().get(pk=task.pk).effective_due == phase_end
    assert SubTask.objects.get(pk=task.pk).effective_due == phase_end  # without the annotation too
    assert task.due_source == "phase"
    Measure.objects.filter(pk=measure.pk).update(due_on=datetime.date(2023, 8, 1))
    task = SubTask.objects.with_effective_due().select_related("measure").get(pk=task.pk)
    assert task.effective_due == datetime.date(2023, 8, 1) and task.due_source == "measure"


# --- Overdue -------------------------------------------------------------------------------------


def test_overdue_is_computed_from_the_effective_date_not_from_the_status(measure, campuses):
    task = SubTaskFactory(measure=measure, campus=campuses["hongqi"], due_on=None)
    day_after = measure.phase.end_on + datetime.timedelta(days=1)
    assert task.status == Status.NOT_STARTED  # the job has not run
    assert task.is_overdue(day_after) and not task.is_overdue(measure.phase.end_on)
    assert set(SubTask.objects.overdue(day_after)) == {task}
    assert measure in Measure.objects.overdue(day_after)
    task.status = Status.DONE
    task.save()
    assert not task.is_overdue(day_after) and not SubTask.objects.overdue(day_after).exists()


def test_job_and_pages_agree_on_overdue(client_as, measure, campuses):
    """The daily job marks exactly what the pages flag: undated items past their phase's end."""
    from planning.models import Document

    Document.objects.update(due_on=None)
    today = services.local_today()
    task = SubTaskFactory(measure=measure, campus=campuses["hongqi"], due_on=None, title="无日期子任务")
    future = SubTaskFactory(
        measure=measure, campus=campuses["hongqi"], due_on=today + datetime.timedelta(days=90)
    )
    response = client_as("bureau").get(reverse("planning:timeline"))
    flagged = {row["title"] for row in response.context["chart"]["rows"] if row["overdue"]}
    services.reminders_run(today=today, send_email=False)
    marked = set(Measure.objects.filter(status=Status.OVERDUE).values_list("title", flat=True)) | set(
        SubTask.objects.filter(status=Status.OVERDUE).values_list("title", flat=True)
    )
    assert flagged == marked
    assert task.title in marked and future.title not in marked
    assert set(Measure.objects.filter(status=Status.OVERDUE).values_list("code", flat=True)) == set(
        PLAN_ORDER
    )


def test_job_unmarks_an_item_whose_date_moved_on(measure):
    today = services.local_today()
    services.reminders_run(today=today, send_email=False)
    measure.refresh_from_db()
    assert measure.status == Status.OVERDUE
    Measure.objects.filter(pk=measure.pk).update(due_on=today + datetime.timedelta(days=30))
    services.reminders_run(today=today + datetime.timedelta(days=1), send_email=False)
    measure.refresh_from_db()
    assert measure.status == Status.NOT_STARTED


def test_overdue_flag_in_the_measure_list(client_as, plan):
    Measure.objects.filter(code="三(二)1").update(due_on=datetime.date(2099, 1, 1))
    Measure.objects.filter(code="三(三)1").update(status=Status.DONE, progress=100)
    response = client_as("bureau").get(reverse("planning:measure_list"))
    statuses = {row.record.code: row.get_cell("status") for row in response.context["table"].rows}
    assert "Overdue" not in str(statuses["三(二)1"]) and "逾期" not in str(statuses["三(二)1"])
    assert "text-bg-success" in str(statuses["三(三)1"])
    assert "text-bg-danger" in str(statuses["三(一)1"])


def test_status_filter_overdue_uses_the_effective_date(client_as, plan):
    Measure.objects.filter(code="三(二)1").update(due_on=datetime.date(2099, 1, 1))
    response = client_as("bureau").get(reverse("planning:measure_list"), {"status": "overdue"})
    assert "三(二)1" not in table_codes(response)
    assert "三(一)1" in table_codes(response)


# --- Roll-up -------------------------------------------------------------------------------------


def test_a_subtask_at_60_percent_moves_its_measure(vp_hongqi, measure, campuses):
    task = SubTaskFactory(measure=measure, campus=campuses["hongqi"])
    services.progress_report_file(user=vp_hongqi, subtask=task, text="推进中", percent=60)
    measure.refresh_from_db()
    assert measure.progress == 60 and measure.status != Status.NOT_STARTED


def test_rollup_is_the_average_of_subtasks_not_cancelled(bureau, vp_hongqi, vp_taojiang, measure, campuses):
    hongqi = SubTaskFactory(measure=measure, campus=campuses["hongqi"])
    taojiang = SubTaskFactory(measure=measure, campus=campuses["taojiang"])
    services.progress_report_file(user=vp_hongqi, subtask=hongqi, text="完成", percent=100)
    services.progress_report_file(user=vp_taojiang, subtask=taojiang, text="启动", percent=25)
    measure.refresh_from_db()
    assert measure.progress == 62  # (100 + 25) // 2
    services.item_set_cancelled(user=bureau, item=taojiang, cancelled=True)
    measure.refresh_from_db()
    assert (measure.progress, measure.status) == (100, Status.DONE)
    # A new sub-task starts at 0 %: the measure is no longer done.
    services.subtask_create(user=bureau, measure=measure, title="新增", campus=campuses["longxiang"])
    measure.refresh_from_db()
    assert measure.progress == 50 and measure.status != Status.DONE


def test_measure_without_subtasks_keeps_its_reported_progress(bureau, plan):
    measure = Measure.objects.get(code="三(三)2")
    services.progress_report_file(user=bureau, measure=measure, text="名师工作室", percent=45)
    measure.refresh_from_db()
    assert measure.progress == 45


def test_measure_report_does_not_override_the_rollup(bureau, vp_hongqi, measure, campuses):
    task = SubTaskFactory(measure=measure, campus=campuses["hongqi"])
    services.progress_report_file(user=vp_hongqi, subtask=task, text="推进", percent=40)
    services.progress_report_file(user=bureau, measure=measure, text="总体情况", percent=90)
    measure.refresh_from_db()
    assert measure.progress == 40


def test_rollup_shows_on_the_measure_list(client_as, vp_hongqi, measure, campuses):
    task = SubTaskFactory(measure=measure, campus=campuses["hongqi"])
    services.progress_report_file(user=vp_hongqi, subtask=task, text="推进", percent=60)
    response = client_as("principal").get(reverse("planning:measure_list"))
    progress = {row.record.code: row.get_cell("progress") for row in response.context["table"].rows}
    assert progress["三(一)1"] == "60\u00a0%"


@pytest.mark.parametrize("count", [2, 20])
def test_measure_list_queries_do_not_grow(client_as, plan, campuses, django_assert_max_num_queries, count):
    measure = Measure.objects.get(code="三(一)1")
    for _ in range(count):
        SubTaskFactory(measure=measure, campus=campuses["hongqi"], due_on=None)
    client = client_as("bureau")
    client.get(reverse("planning:measure_list"))
    with django_assert_max_num_queries(16):
        assert client.get(reverse("planning:measure_list")).status_code == 200
