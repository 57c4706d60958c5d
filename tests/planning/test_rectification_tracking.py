"""Open rectifications on the timeline (overdue in red) and in "my work", and in the daily
reminder job (before and after the due date, never twice for the same item and day)."""

import datetime

import pytest
from django.urls import reverse

from campuses.models import EducationGroup
from planning import services
from planning.models import Document, Measure, Notification
from supervision import services as supervision_services
from tests.supervision.factories import RectificationFactory, SupervisionVisitFactory

DUE = datetime.date(2030, 6, 30)
TIMELINE = reverse("planning:timeline")


@pytest.fixture
def items(campuses, supervisor, vp_taojiang, vp_hongqi, principal):
    """An open 桃江 item (due 2030), an overdue 红旗 item, a closed 桃江 item and a group-wide item."""
    taojiang_visit = SupervisionVisitFactory(campus=campuses["taojiang"], created_by=supervisor)
    group_visit = SupervisionVisitFactory(
        group=EducationGroup.objects.get(code="longshi"), created_by=supervisor
    )
    return {
        "taojiang": RectificationFactory(
            visit=taojiang_visit, owner=vp_taojiang, due_on=DUE, description="桃江台账"
        ),
        "hongqi": RectificationFactory(
            visit=group_visit,
            campus=campuses["hongqi"],
            owner=vp_hongqi,
            due_on=datetime.date(2025, 4, 1),
            description="红旗逾期整改",
        ),
        "closed": RectificationFactory(
            visit=taojiang_visit,
            owner=vp_taojiang,
            description="已关闭",
            status="closed",
            closed_by=supervisor,
            closed_at="2025-04-01T08:00:00Z",
            closing_record="已完成",
        ),
        "group": RectificationFactory(
            visit=group_visit, campus=None, owner=principal, due_on=DUE, description="集团章程"
        ),
    }


def rectification_rows(response):
    return {row["label"]: row for row in response.context["chart"]["rows"] if row["kind"] == "rectification"}


def test_open_rectifications_are_on_the_timeline_overdue_in_red(client_as, items):
    response = client_as("bureau").get(TIMELINE)
    rows = rectification_rows(response)
    # Labelled by their text, after a translated "Rectification:" prefix.
    assert len(rows) == 3
    assert {label[-4:] for label in rows} == {"桃江台账", "逾期整改", "集团章程"}
    by_url = {row["url"]: row for row in rows.values()}
    overdue = by_url[items["hongqi"].get_absolute_url()]
    assert overdue["overdue"] and overdue["end"] == "2025-04-01" and overdue["start"] == "2025-03-10"
    assert not by_url[items["taojiang"].get_absolute_url()]["overdue"]
    assert items["closed"].get_absolute_url() not in by_url
    # The overdue list under the chart names it too.
    assert items["hongqi"].get_absolute_url() in response.content.decode()


def test_timeline_shows_a_vp_only_their_campus_rectifications(client_as, items):
    rows = rectification_rows(client_as("vp-taojiang").get(TIMELINE))
    assert [row["url"] for row in rows.values()] == [items["taojiang"].get_absolute_url()]


def test_timeline_filters_apply_to_rectifications(client_as, items, campuses):
    client = client_as("bureau")
    overdue = rectification_rows(client.get(TIMELINE, {"status": "overdue"}))
    assert [row["url"] for row in overdue.values()] == [items["hongqi"].get_absolute_url()]
    on_campus = rectification_rows(client.get(TIMELINE, {"campus": campuses["taojiang"].pk}))
    assert [row["url"] for row in on_campus.values()] == [items["taojiang"].get_absolute_url()]
    assert rectification_rows(client.get(TIMELINE, {"status": "done"})) == {}


def test_my_work_lists_the_rectifications_of_the_owner_and_campus(client_as, items, supervisor):
    def listed(username):
        response = client_as(username).get(reverse("planning:my_work"))
        return [
            (item.description, overdue, can_close)
            for item, overdue, can_close in response.context["rectifications"]
        ]

    assert listed("vp-taojiang") == [("桃江台账", False, True)]
    assert listed("vp-hongqi") == [("红旗逾期整改", True, True)]
    assert listed("principal") == [
        ("红旗逾期整改", True, True),
        ("桃江台账", False, True),
        ("集团章程", False, True),
    ]
    content = client_as("vp-taojiang").get(reverse("planning:my_work")).content.decode()
    assert reverse("supervision:rectification_close", args=[items["taojiang"].pk]) in content


def test_timeline_and_my_work_queries_do_not_grow_with_rectifications(
    client_as, campuses, supervisor, vp_taojiang, django_assert_max_num_queries
):
    visit = SupervisionVisitFactory(campus=campuses["taojiang"], created_by=supervisor)
    pages = [(client_as("bureau"), TIMELINE), (client_as("vp-taojiang"), reverse("planning:my_work"))]
    for client, url in pages:
        client.get(url)  # warm the session and the caches
    counts = []
    for n in (3, 30):
        for _i in range(n):
            RectificationFactory(visit=visit, owner=vp_taojiang, due_on=DUE)
        for client, url in pages:
            with django_assert_max_num_queries(22) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
    assert counts[:2] == counts[2:]


# --- Reminders -----------------------------------------------------------------------------------


@pytest.fixture
def reminder_item(plan, campuses, supervisor, vp_taojiang):
    Document.objects.update(due_on=None)  # the plan's documents (overdue since 2023) out of the way
    Measure.objects.update(phase=None)  # and its measures, due when their phases ended (2023-24)
    visit = SupervisionVisitFactory(campus=campuses["taojiang"], created_by=supervisor)
    return RectificationFactory(visit=visit, owner=vp_taojiang, due_on=DUE)


def run(day):
    return services.reminders_run(today=day, days_before=[7, 1], days_after=[1, 7], send_email=False)


def test_rectification_due_dates_join_the_reminder_job(reminder_item, vp_taojiang):
    run(DUE - datetime.timedelta(days=7))
    note = Notification.objects.get()
    assert (note.recipient, note.kind, note.rectification) == (vp_taojiang, "due_soon", reminder_item)
    assert note.item_key == f"rectification:{reminder_item.pk}"
    assert note.get_absolute_url() == reminder_item.get_absolute_url()
    assert "Rectification" in note.text()


def test_rectification_reminders_are_never_twice_for_the_same_day(reminder_item):
    day = DUE - datetime.timedelta(days=1)
    assert run(day)["notifications"] == 1
    assert run(day)["notifications"] == 0
    assert Notification.objects.count() == 1


def test_rectification_overdue_reminders_on_the_configured_days_after(reminder_item):
    sent = [run(DUE + datetime.timedelta(days=offset))["notifications"] for offset in range(1, 9)]
    assert sent == [1, 0, 0, 0, 0, 0, 1, 0]
    assert set(Notification.objects.values_list("kind", flat=True)) == {"overdue"}


def test_closed_rectifications_are_not_reminded(reminder_item, vp_taojiang):
    supervision_services.rectification_close(user=vp_taojiang, rectification=reminder_item, record="已整改")
    assert run(DUE - datetime.timedelta(days=1))["notifications"] == 0


def test_group_wide_rectification_reminds_its_owner(plan, supervisor, principal):
    Document.objects.update(due_on=None)
    Measure.objects.update(phase=None)
    visit = SupervisionVisitFactory(group=EducationGroup.objects.get(code="longshi"), created_by=supervisor)
    RectificationFactory(visit=visit, campus=None, owner=principal, due_on=DUE)
    run(DUE - datetime.timedelta(days=1))
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["principal"]
