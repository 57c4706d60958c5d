"""The timeline page: chart data with phases, milestones, measures and today's line; filters;
overdue in red; constant queries."""

import datetime

import pytest
from django.urls import reverse

from planning.models import Measure, Status
from staff.models import StaffMember, Unit

from .factories import MeasureFactory, SubTaskFactory

URL = reverse("planning:timeline")


def chart(response):
    return response.context["chart"]


def labels(response):
    return [row["label"] for row in chart(response)["rows"]]


def test_anonymous_goes_to_login(client, plan):
    assert client.get(URL).status_code == 302


def test_user_without_role_is_refused(client, outsider, plan):
    client.force_login(outsider)
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("username", ["bureau", "principal", "vp-taojiang", "supervisor"])
def test_everyone_with_a_role_sees_the_whole_plan(client_as, plan, username):
    response = client_as(username).get(URL)
    assert response.status_code == 200
    data = chart(response)
    assert [p["name"] for p in data["phases"]] == ["建章立制", "精准推进", "调研评估", "总结推广"]
    assert {m["name"] for m in data["milestones"]} == {"龙翔校区开办", "桃江校区开办"}
    assert len([r for r in data["rows"] if r["kind"] == "measure"]) == 6
    assert data["today"]
    content = response.content.decode()
    assert 'id="timeline-data"' in content and "js/planning_timeline.js" in content
    assert "vendor/echarts/echarts.min.js" in content


def test_overdue_items_are_flagged_red(client_as, subtasks, measure):
    Measure.objects.update(due_on=datetime.date(2030, 12, 31))  # the measures are not due yet
    SubTaskFactory(
        measure=measure, campus=subtasks["hongqi"].campus, title="逾期任务", due_on=datetime.date(2020, 1, 1)
    )
    response = client_as("bureau").get(URL)
    rows = chart(response)["rows"]
    overdue = [row["label"].strip(" └") for row in rows if row["overdue"] and row["kind"] != "document"]
    assert overdue == ["逾期任务"]
    assert "逾期任务" in response.content.decode()


def test_required_documents_not_approved_by_the_end_of_their_phase_are_overdue(client_as, plan):
    rows = [row for row in chart(client_as("bureau").get(URL))["rows"] if row["kind"] == "document"]
    assert len(rows) == 6
    assert all(row["overdue"] and row["end"] == "2023-09-30" for row in rows)


def test_undated_measures_span_their_phase_and_are_due_at_its_end(client_as, plan):
    from planning.models import Phase

    Measure.objects.filter(code="三(三)2").update(phase=None)
    rows = {
        row["code"]: row for row in chart(client_as("bureau").get(URL))["rows"] if row["kind"] == "measure"
    }
    assert len(rows) == 6
    research = Phase.objects.get(name="调研评估")
    row = rows["三(二)1"]
    assert row["undated"] and (row["start"], row["end"], row["due"]) == (
        research.start_on.isoformat(),
        research.end_on.isoformat(),
        research.end_on.isoformat(),
    )
    assert row["phase"] == "调研评估" and row["due_source"] == "工作步骤结束日期"  # "phase end"
    # A measure of no phase spans the whole plan, and has no due date.
    assert (rows["三(三)2"]["start"], rows["三(三)2"]["end"], rows["三(三)2"]["due"]) == (
        "2023-03-01",
        "2024-12-31",
        None,
    )


def test_filter_by_leader(client_as, plan):
    leader = StaffMember.objects.get(name="曹荣华")
    response = client_as("bureau").get(URL, {"leader": leader.pk})
    assert [label.split()[0] for label in labels(response)] == ["三(一)2", "三(二)1"]


def test_filter_by_unit(client_as, plan):
    unit = Unit.objects.get(name="人事股")
    response = client_as("bureau").get(URL, {"unit": unit.pk})
    assert [label.split()[0] for label in labels(response)] == ["三(一)1", "三(三)1"]


def test_filter_by_campus_keeps_measures_with_subtasks_there(client_as, subtasks, campuses):
    response = client_as("bureau").get(URL, {"campus": campuses["taojiang"].pk})
    assert [label.split()[0] for label in labels(response) if not label.startswith(" ")] == ["三(一)1"]


def test_filter_by_status_overdue(client_as, plan):
    # The others are not due yet (undated, they would be due when their phases ended).
    Measure.objects.exclude(code="三(二)1").update(due_on=datetime.date(2099, 1, 1))
    Measure.objects.filter(code="三(二)1").update(
        due_on=datetime.date(2024, 5, 31), status=Status.IN_PROGRESS
    )
    response = client_as("bureau").get(URL, {"status": "overdue"})
    assert [label.split()[0] for label in labels(response)] == ["三(二)1"]


def test_filter_by_phase_keeps_measures_of_every_phase(client_as, plan):
    from planning.models import Phase

    phase = Phase.objects.get(name="调研评估")
    MeasureFactory(code="测试-其他阶段", phase=Phase.objects.get(name="建章立制"))
    MeasureFactory(code="测试-无阶段", title="全程举措", phase=None)
    response = client_as("bureau").get(URL, {"phase": phase.pk})
    assert "测试-其他阶段" not in " ".join(labels(response))
    # The phase's own measure, and a measure of no phase (it runs through all of them).
    assert labels(response) == ["三(二)1 建立集团化办学考核制度", "测试-无阶段 全程举措"]


@pytest.mark.parametrize("count", [3, 30])
def test_timeline_queries_do_not_grow_with_measures(
    client_as, plan, campuses, django_assert_max_num_queries, count
):
    leader = StaffMember.objects.get(name="廖显平")
    unit = Unit.objects.get(name="督导室")
    for _n in range(count):
        measure = MeasureFactory()
        measure.leaders.add(leader, through_defaults={"order": 1})
        measure.units.add(unit, through_defaults={"order": 1})
        SubTaskFactory(measure=measure, campus=campuses["hongqi"])
    client = client_as("bureau")
    client.get(URL)
    with django_assert_max_num_queries(22):
        assert client.get(URL).status_code == 200
