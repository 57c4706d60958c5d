"""Measure page, my work, phase report, documents workflow and meetings through the pages."""

import datetime

import pytest
from django.urls import reverse

from kernel.concurrency import revision_data
from planning import services
from planning.models import Document, Measure, Phase, SubTask

from .factories import MeetingFactory, SubTaskFactory


def test_measure_page_shows_text_people_reports_and_documents(
    client_as, bureau, measure, subtasks, django_assert_max_num_queries
):
    services.progress_report_file(user=bureau, measure=measure, text="党组织已设立", percent=30)
    client = client_as("vp-taojiang")
    url = reverse("planning:measure_detail", args=[measure.pk])
    with django_assert_max_num_queries(25):
        response = client.get(url)
    content = response.content.decode()
    assert "郭兰英、廖显平" in content and "党政办、人事股、龙师附小" in content
    assert "党组织已设立" in content
    # The vice-principal sees every sub-task but may report only on their campus's.
    reportable = {task.pk for task, _overdue, can in response.context["subtasks"] if can}
    assert reportable == {subtasks["taojiang"].pk}
    assert not response.context["can_report"]


def test_measure_page_documents(client_as, plan):
    measure = Measure.objects.get(code="三(一)2")
    response = client_as("principal").get(reverse("planning:measure_detail", args=[measure.pk]))
    assert {d.title for d in response.context["documents"]} >= {"集团办学章程", "三年发展规划"}


def test_my_work_of_a_vp_lists_own_campus_subtasks_due_soon_first(client_as, measure, campuses, subtasks):
    soon = SubTaskFactory(
        measure=measure, campus=campuses["taojiang"], due_on=datetime.date(2026, 1, 1), title="先到期"
    )
    response = client_as("vp-taojiang").get(reverse("planning:my_work"))
    listed = [task for task, _overdue, _can in response.context["subtasks"]]
    assert listed == [soon, subtasks["taojiang"]]
    assert all(can for _task, _overdue, can in response.context["subtasks"])


def test_my_work_of_a_leader_lists_their_measures(client, measure, django_user_model):
    user = django_user_model.objects.create_user("liaoxianping")
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get_or_create(name="bureau")[0])
    leader = measure.leaders.get(name="廖显平")
    leader.user = user
    leader.save()
    client.force_login(user)
    response = client.get(reverse("planning:my_work"))
    codes = [m.code for m, _overdue, _can in response.context["measures"]]
    # Due soonest first: by their phases' ends (建章立制, 精准推进, then 总结推广).
    assert codes == ["三(一)1", "三(一)2", "三(三)1", "三(二)2"]


def test_phase_report_is_printable_on_one_page(client_as, plan):
    phase = Phase.objects.get(name="建章立制")
    response = client_as("bureau").get(reverse("planning:phase_report", args=[phase.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "2023年9月前" in content and "集团办学章程" in content and "龙翔校区开办" in content
    # The six required documents are still drafts, and the phase's two measures (三(一)1, 三(一)2)
    # were due when it ended.
    assert response.context["overdue_count"] == 8
    assert "<script>" not in content


def test_principal_submits_and_bureau_approves_a_document(client_as, plan):
    document = Document.objects.get(code="group-charter")
    meeting = MeetingFactory(held_on=datetime.date(2023, 9, 10))
    assert (
        client_as("principal").post(reverse("planning:document_submit", args=[document.pk])).status_code
        == 302
    )
    assert (
        client_as("principal")
        .post(reverse("planning:document_approve", args=[document.pk]), {"meeting": meeting.pk})
        .status_code
        == 403
    )
    client_as("bureau").post(
        reverse("planning:document_approve", args=[document.pk]), {"meeting": meeting.pk}
    )
    document.refresh_from_db()
    assert (document.status, document.approved_at_meeting) == ("approved", meeting)
    page = client_as("vp-hongqi").get(reverse("planning:meeting_detail", args=[meeting.pk]))
    assert "集团办学章程" in page.content.decode()


def test_vp_cannot_change_documents(client_as, plan):
    document = Document.objects.get(code="group-charter")
    assert (
        client_as("vp-hongqi").post(reverse("planning:document_submit", args=[document.pk])).status_code
        == 403
    )
    document.refresh_from_db()
    assert document.status == "draft"


def test_document_of_another_campus_is_not_found_for_its_actions(client_as, campuses, django_user_model):
    from tests.planning.factories import DocumentFactory

    document = DocumentFactory(campus=campuses["hongqi"])
    # A group leader sees the group's campuses: allowed. (Only one group in the plan.)
    assert (
        client_as("principal").post(reverse("planning:document_submit", args=[document.pk])).status_code
        == 302
    )


def test_decision_with_follow_up_through_the_page(client_as, measure, campuses):
    meeting = MeetingFactory(kind="major_decision")
    url = reverse("planning:decision_create", args=[meeting.pk])
    response = client_as("principal").post(
        url,
        {
            "category": "project",
            "text": "桃江校区开办筹备",
            "follow_up_measure": measure.pk,
            "follow_up_title": "桃江校区开办筹备",
            "follow_up_campus": campuses["taojiang"].pk,
            "follow_up_due_on": "2024-08-31",
        },
    )
    assert response.status_code == 302
    task = SubTask.objects.get()
    assert (task.campus, task.decision.meeting) == (campuses["taojiang"], meeting)


def test_decision_follow_up_without_assignee_names_the_field(client_as, measure):
    meeting = MeetingFactory()
    response = client_as("bureau").post(
        reverse("planning:decision_create", args=[meeting.pk]),
        {"category": "general", "text": "x", "follow_up_measure": measure.pk, "follow_up_title": "无主"},
    )
    assert "follow_up_campus" in response.context["form"].errors
    assert not meeting.decisions.exists()


def test_vp_cannot_add_decisions(client_as, plan):
    meeting = MeetingFactory()
    assert (
        client_as("vp-hongqi").get(reverse("planning:decision_create", args=[meeting.pk])).status_code == 403
    )


def test_subtask_create_page(client_as, measure, campuses):
    response = client_as("bureau").post(
        reverse("planning:subtask_create"),
        {
            "measure": measure.pk,
            "title": "龙翔校区建章立制",
            "campus": campuses["longxiang"].pk,
            "due_on": "2023-08-31",
        },
    )
    assert response.status_code == 302
    assert SubTask.objects.get().status == "overdue"


@pytest.mark.parametrize(
    "data", [{"campus": "", "unit": ""}, {"start_on": "2024-05-01", "due_on": "2024-04-01"}]
)
def test_subtask_create_bad_input_names_the_field(client_as, measure, campuses, data):
    payload = {"measure": measure.pk, "title": "x", "campus": campuses["hongqi"].pk, **data}
    response = client_as("bureau").post(reverse("planning:subtask_create"), payload)
    assert response.status_code == 200
    assert set(response.context["form"].errors) & {"campus", "due_on"}
    assert not SubTask.objects.exists()


def test_measure_dates_can_be_set_by_the_bureau(client_as, measure):
    url = reverse("planning:measure_update", args=[measure.pk])
    assert client_as("vp-hongqi").get(url).status_code == 403
    client_as("bureau").post(
        url, {"start_on": "2023-03-01", "due_on": "2023-09-30", **revision_data(measure)}
    )
    measure.refresh_from_db()
    assert (measure.due_on, measure.status) == (datetime.date(2023, 9, 30), "overdue")
