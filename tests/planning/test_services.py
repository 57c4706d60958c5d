"""Status and progress rules, report filing with its scope check, documents and decisions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from planning import services
from planning.models import Document, ProgressReport, Status, SubTask
from staff.models import Unit

from .factories import MeetingFactory, SubTaskFactory

TODAY = datetime.date(2024, 6, 1)


@pytest.mark.parametrize(
    ("progress", "due_on", "current", "expected"),
    [
        (0, None, Status.NOT_STARTED, Status.NOT_STARTED),
        (40, None, Status.NOT_STARTED, Status.IN_PROGRESS),
        (100, None, Status.IN_PROGRESS, Status.DONE),
        (100, datetime.date(2024, 5, 1), Status.OVERDUE, Status.DONE),
        (40, datetime.date(2024, 5, 31), Status.IN_PROGRESS, Status.OVERDUE),
        (40, datetime.date(2024, 6, 1), Status.IN_PROGRESS, Status.IN_PROGRESS),
        (0, datetime.date(2024, 6, 1), Status.NOT_STARTED, Status.NOT_STARTED),
        (50, datetime.date(2024, 5, 1), Status.CANCELLED, Status.CANCELLED),
    ],
)
def test_status_follows_progress_and_due_date(progress, due_on, current, expected):
    assert services.status_for(progress=progress, due_on=due_on, current=current, today=TODAY) == expected


def test_latest_report_sets_progress_even_when_lower(bureau, measure):
    services.progress_report_file(user=bureau, measure=measure, text="启动", percent=60)
    services.progress_report_file(user=bureau, measure=measure, text="返工", percent=30)
    measure.refresh_from_db()
    assert measure.progress == 30
    # Its phase (建章立制) ended on 2023-09-30: still open, it is overdue.
    assert measure.status == Status.OVERDUE


def test_full_progress_marks_the_measure_done(bureau, measure):
    services.progress_report_file(user=bureau, measure=measure, text="完成", percent=100)
    measure.refresh_from_db()
    assert (measure.progress, measure.status) == (100, Status.DONE)


def test_subtask_report_sets_the_subtask_and_rolls_up_to_the_measure(vp_taojiang, subtasks, measure):
    report = services.progress_report_file(
        user=vp_taojiang, subtask=subtasks["taojiang"], text="已落实", percent=80
    )
    subtasks["taojiang"].refresh_from_db()
    measure.refresh_from_db()
    assert report.measure == measure and report.author == vp_taojiang
    assert subtasks["taojiang"].progress == 80 and subtasks["taojiang"].status == Status.IN_PROGRESS
    assert measure.progress == 20  # (80 + 0 + 0 + 0) / 4 sub-tasks


def test_vp_cannot_report_on_another_campus_subtask(vp_taojiang, subtasks):
    with pytest.raises(PermissionDenied):
        services.progress_report_file(
            user=vp_taojiang, subtask=subtasks["longxiang"], text="越权", percent=50
        )
    assert not ProgressReport.objects.exists()


def test_vp_cannot_report_on_a_whole_measure(vp_taojiang, measure):
    with pytest.raises(PermissionDenied):
        services.progress_report_file(user=vp_taojiang, measure=measure, text="越权", percent=50)


def test_principal_reports_on_the_group_unit_subtask(principal, subtasks):
    services.progress_report_file(user=principal, subtask=subtasks["unit"], text="体系已建立", percent=100)
    subtasks["unit"].refresh_from_db()
    assert subtasks["unit"].status == Status.DONE


def test_vp_does_not_report_on_unit_subtasks(vp_hongqi, subtasks):
    assert set(SubTask.objects.for_user(vp_hongqi, "change")) == {subtasks["hongqi"]}


def test_percent_above_100_is_refused_and_nothing_is_written(bureau, measure):
    with pytest.raises(ValidationError) as error:
        services.progress_report_file(user=bureau, measure=measure, text="太多", percent=120)
    assert "percent" in error.value.message_dict
    measure.refresh_from_db()
    assert measure.progress == 0 and not ProgressReport.objects.exists()


def test_cancelled_item_takes_no_report(bureau, subtasks):
    services.item_set_cancelled(user=bureau, item=subtasks["hongqi"], cancelled=True)
    with pytest.raises(ValidationError):
        services.progress_report_file(user=bureau, subtask=subtasks["hongqi"], text="x", percent=10)


def test_report_keeps_its_attachment(bureau, measure, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("章程草案.pdf", b"%PDF-1.4 draft", content_type="application/pdf")
    report = services.progress_report_file(
        user=bureau, measure=measure, text="附章程草案", percent=20, files=[upload]
    )
    assert [a.name for a in report.attachments.all()] == ["章程草案.pdf"]


def test_subtask_must_go_to_a_campus_or_a_unit(bureau, measure, campuses):
    with pytest.raises(ValidationError):
        services.subtask_create(
            user=bureau, measure=measure, title="两头", campus=campuses["hongqi"], unit=Unit.objects.first()
        )
    with pytest.raises(ValidationError):
        services.subtask_create(user=bureau, measure=measure, title="无主")


def test_vp_creates_subtasks_only_for_their_own_campus(vp_hongqi, measure, campuses):
    task = services.subtask_create(
        user=vp_hongqi, measure=measure, title="红旗校区", campus=campuses["hongqi"]
    )
    assert task.campus == campuses["hongqi"] and task.history.count() == 1
    with pytest.raises(PermissionDenied):
        services.subtask_create(user=vp_hongqi, measure=measure, title="x", campus=campuses["taojiang"])
    with pytest.raises(ValidationError):
        services.subtask_create(
            user=vp_hongqi, measure=measure, title="x", unit=Unit.objects.get(name="龙师附小")
        )


def test_document_goes_draft_review_approved_with_its_meeting(bureau, principal, plan):
    document = Document.objects.get(code="group-charter")
    meeting = MeetingFactory(held_on=datetime.date(2023, 8, 25))
    services.document_submit(user=principal, document=document)
    with pytest.raises(PermissionDenied):
        services.document_approve(user=principal, document=document, meeting=meeting)
    services.document_approve(user=bureau, document=document, meeting=meeting)
    document.refresh_from_db()
    assert document.status == Document.DocStatus.APPROVED
    assert (document.approved_at_meeting, document.approved_on) == (meeting, meeting.held_on)


def test_document_cannot_be_approved_before_review_or_before_its_meeting(bureau, plan):
    document = Document.objects.get(code="annual-work-plan")
    meeting = MeetingFactory(held_on=datetime.date(2023, 8, 25))
    with pytest.raises(ValidationError):
        services.document_approve(user=bureau, document=document, meeting=meeting)
    services.document_submit(user=bureau, document=document)
    with pytest.raises(ValidationError) as error:
        services.document_approve(
            user=bureau, document=document, meeting=meeting, approved_on=datetime.date(2023, 8, 1)
        )
    assert "approved_on" in error.value.message_dict


def test_new_version_goes_back_to_draft(bureau, plan):
    document = Document.objects.get(code="group-charter")
    services.document_submit(user=bureau, document=document)
    services.document_approve(user=bureau, document=document, meeting=MeetingFactory())
    services.document_new_version(user=bureau, document=document, version="2.0")
    document.refresh_from_db()
    assert (document.version, document.status, document.approved_at_meeting) == ("2.0", "draft", None)
    assert document.history.count() >= 4


def test_decision_creates_its_follow_up_task(bureau, measure, campuses):
    meeting = MeetingFactory()
    decision = services.decision_create(
        user=bureau,
        meeting=meeting,
        text="龙翔校区九月开学前配齐教师",
        follow_up={
            "measure": measure,
            "title": "配齐龙翔校区教师",
            "campus": campuses["longxiang"],
            "due_on": datetime.date(2023, 8, 31),
        },
    )
    task = decision.follow_up_tasks.get()
    assert (task.measure, task.campus, task.due_on) == (
        measure,
        campuses["longxiang"],
        datetime.date(2023, 8, 31),
    )


def test_decision_without_follow_up_creates_no_task(bureau):
    services.decision_create(user=bureau, meeting=MeetingFactory(), text="通过年度工作计划")
    assert not SubTask.objects.exists()


def test_overdue_subtask_stays_overdue_until_done(bureau, measure, campuses):
    task = SubTaskFactory(measure=measure, campus=campuses["hongqi"], due_on=datetime.date(2020, 1, 1))
    services.progress_report_file(user=bureau, subtask=task, text="进行中", percent=50)
    task.refresh_from_db()
    assert task.status == Status.OVERDUE
    services.progress_report_file(user=bureau, subtask=task, text="完成", percent=100)
    task.refresh_from_db()
    assert task.status == Status.DONE
