"""Lists of the plan: everyone with a role reads them, they export to Excel and CSV, and their
queries do not grow with their rows."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from planning.models import Notification
from staff.models import StaffMember, Unit

from .factories import (
    DecisionFactory,
    DocumentFactory,
    MeasureFactory,
    MeetingFactory,
    ProgressReportFactory,
    SubTaskFactory,
)

LISTS = ["measure_list", "subtask_list", "report_list", "document_list", "meeting_list", "notification_list"]


def make_rows(kind, n, *, campuses, user):
    leader = StaffMember.objects.get(name="廖显平")
    unit = Unit.objects.get(name="督导室")
    for i in range(n):
        if kind == "measure_list":
            measure = MeasureFactory()
            measure.leaders.add(leader, through_defaults={"order": 1})
            measure.units.add(unit, through_defaults={"order": 1})
        elif kind == "subtask_list":
            SubTaskFactory(campus=campuses["hongqi"], owner=leader)
        elif kind == "report_list":
            ProgressReportFactory(author=user, subtask=SubTaskFactory(campus=campuses["taojiang"]))
        elif kind == "document_list":
            DocumentFactory(
                campus=campuses["longxiang"],
                approved_at_meeting=MeetingFactory(),
                approved_on="2023-09-01",
                status="approved",
            )
        elif kind == "meeting_list":
            DecisionFactory(meeting=MeetingFactory(campus=campuses["hongqi"]))
        elif kind == "notification_list":
            Notification.objects.create(
                recipient=user, kind="overdue", item_key=f"x:{i}", day="2026-01-01", message=f"逾期{i}"
            )


def test_anonymous_goes_to_login(client, plan):
    for name in LISTS:
        assert client.get(reverse(f"planning:{name}")).status_code == 302, name


def test_user_without_role_is_refused(client, outsider, plan):
    client.force_login(outsider)
    for name in LISTS:
        assert client.get(reverse(f"planning:{name}")).status_code == 403, name


@pytest.mark.parametrize("username", ["bureau", "principal", "vp-hongqi"])
def test_lists_open_for_every_role(client_as, plan, username):
    client = client_as(username)
    for name in LISTS:
        assert client.get(reverse(f"planning:{name}")).status_code == 200, name


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("count", [3, 30])
def test_list_queries_do_not_grow_with_rows(
    client_as, campuses, bureau, django_assert_max_num_queries, name, count
):
    make_rows(name, count, campuses=campuses, user=bureau)
    client = client_as("bureau")
    url = reverse(f"planning:{name}")
    client.get(url)  # today's reminders are made on the first visit of the notifications
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(url, {"_export": "xlsx"}).status_code == 200


def test_measures_export_to_excel_with_leaders_and_units(client_as, plan):
    response = client_as("vp-taojiang").get(reverse("planning:measure_list"), {"_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["三(一)1"][1] == "全面加强党的领导"
    assert rows["三(一)1"][3] == "郭兰英、廖显平"
    assert rows["三(一)1"][4] == "党政办、人事股、龙师附小"
    assert len(rows) == 6


def test_documents_export_to_csv(client_as, plan):
    response = client_as("bureau").get(reverse("planning:document_list"), {"_export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {"集团办学章程", "三年发展规划", "年度工作计划"} <= {row[0] for row in rows[1:]}


def test_notifications_list_shows_only_the_users_own(client_as, bureau, vp_hongqi, plan):
    Notification.objects.create(
        recipient=vp_hongqi, kind="overdue", item_key="x:1", day="2026-01-01", message="给红旗"
    )
    response = client_as("bureau").get(reverse("planning:notification_list"))
    assert "给红旗" not in response.content.decode()
    # Today's reminders were made on the visit (no beat process needed): the plan's overdue documents.
    assert {n.recipient for n in response.context["table"].data} == {bureau}


def test_mark_all_notifications_read(client_as, vp_hongqi, plan):
    Notification.objects.create(
        recipient=vp_hongqi, kind="overdue", item_key="x:1", day="2026-01-01", message="逾期"
    )
    client_as("vp-hongqi").post(reverse("planning:notifications_read"))
    assert Notification.objects.get().read_at is not None


def test_vp_cannot_create_documents_or_meetings(client_as, plan):
    # A vice-principal adds sub-tasks for their own campus (tests/planning/test_vp_day.py), but
    # documents and meetings are the plan's editors'.
    client = client_as("vp-longxiang")
    for name in ("document_create", "meeting_create"):
        assert client.get(reverse(f"planning:{name}")).status_code == 403
