"""Rotation (交流轮岗) pages: list, propose, page and the workflow actions through the views."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from staff.models import Rotation, RotationCategory
from tests.campuses.factories import CampusFactory
from tests.staff.factories import RotationFactory, StaffMemberFactory

LIST = reverse("staff:rotation_list")
CREATE = reverse("staff:rotation_create")
ACTIONS = ("approve", "reject", "withdraw", "start", "complete")


def detail(rotation):
    return reverse("staff:rotation_detail", args=[rotation.pk])


def action(rotation, name):
    return reverse(f"staff:rotation_{name}", args=[rotation.pk])


@pytest.fixture
def teachers(campuses):
    return {
        code: StaffMemberFactory(name=f"{campus.name}老师", home_campus=campus)
        for code, campus in campuses.items()
    }


@pytest.fixture
def rotations(campuses, teachers):
    """Out of 龙翔, into 龙翔, and one that does not touch 龙翔 (红旗 → 桃江)."""
    return {
        "outgoing": RotationFactory(staff=teachers["longxiang"], to_campus=campuses["hongqi"]),
        "incoming": RotationFactory(staff=teachers["taojiang"], to_campus=campuses["longxiang"]),
        "elsewhere": RotationFactory(staff=teachers["hongqi"], to_campus=campuses["taojiang"]),
    }


def listed(response):
    return {row.record for row in response.context["table"].rows}


def proposal(staff, to_campus, **overrides):
    data = {
        "staff": staff.pk,
        "to_campus": to_campus.pk,
        "category": RotationCategory.BACKBONE,
        "start_on": "2026-09-01",
        "planned_end_on": "2029-07-31",
        "reason": "支援新校区",
    }
    data.update(overrides)
    return data


def messages_of(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


# --- anonymous and roleless users ------------------------------------------------------------


def test_anonymous_is_sent_to_login_everywhere(client, rotations):
    rotation = rotations["outgoing"]
    for url in (LIST, CREATE, detail(rotation)):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    for name in ACTIONS:
        response = client.post(action(rotation, name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_outsider_sees_no_rotation(client, rotations, outsider):
    client.force_login(outsider)
    assert listed(client.get(LIST)) == set()
    assert client.get(detail(rotations["outgoing"])).status_code == 404
    assert client.get(CREATE).status_code == 403
    assert client.post(action(rotations["outgoing"], "withdraw")).status_code == 404


# --- scope -----------------------------------------------------------------------------------


def test_vp_lists_rotations_from_and_to_own_campus(client_as, rotations):
    response = client_as("vp-longxiang").get(LIST)
    assert listed(response) == {rotations["outgoing"], rotations["incoming"]}


def test_vp_cannot_open_rotation_of_other_campuses(client_as, rotations):
    client = client_as("vp-longxiang")
    assert client.get(detail(rotations["incoming"])).status_code == 200
    assert client.get(detail(rotations["elsewhere"])).status_code == 404
    assert client.post(action(rotations["elsewhere"], "withdraw")).status_code == 404


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_vp_export_has_only_own_campus_rotations(client_as, rotations, export_format):
    response = client_as("vp-longxiang").get(LIST, {"_export": export_format})
    assert response.status_code == 200
    if export_format == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()][1:]
    else:
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    assert sorted(row[0] for row in rows) == sorted(["龙翔校区老师", "桃江校区老师"])
    assert "红旗校区老师" not in {row[0] for row in rows}
    routes = {row[2] for row in rows}
    assert routes == {"龙翔校区 → 红旗校区", "桃江校区 → 龙翔校区"}


def test_bureau_sees_all_rotations_but_cannot_propose_or_decide(client_as, rotations):
    client = client_as("bureau")
    assert listed(client.get(LIST)) == set(rotations.values())
    assert client.get(CREATE).status_code == 403
    page = client.get(detail(rotations["outgoing"]))
    assert page.status_code == 200 and page.context["can_decide"] is False
    assert client.post(action(rotations["outgoing"], "approve")).status_code == 403


# --- proposing -------------------------------------------------------------------------------


def test_vp_choices_are_own_staff_and_group_campuses(client_as, campuses, teachers):
    CampusFactory(name="外集团校区")
    form = client_as("vp-longxiang").get(CREATE).context["form"]
    assert list(form.fields["staff"].queryset) == [teachers["longxiang"]]
    assert set(form.fields["to_campus"].queryset) == set(campuses.values())


def test_vp_proposes_a_rotation(client_as, campuses, teachers, vp_longxiang):
    response = client_as("vp-longxiang").post(CREATE, proposal(teachers["longxiang"], campuses["taojiang"]))
    rotation = Rotation.objects.get()
    assert response.status_code == 302 and response.url == detail(rotation)
    assert rotation.status == Rotation.Status.PROPOSED
    assert rotation.from_campus == campuses["longxiang"]
    assert rotation.to_campus == campuses["taojiang"]
    assert rotation.proposed_by == vp_longxiang


def test_vp_cannot_propose_other_campus_teacher(client_as, campuses, teachers):
    response = client_as("vp-longxiang").post(CREATE, proposal(teachers["taojiang"], campuses["longxiang"]))
    assert "staff" in response.context["form"].errors
    assert not Rotation.objects.exists()


def test_rotation_to_the_same_campus_is_refused_on_to_campus(client_as, campuses, teachers):
    response = client_as("vp-longxiang").post(CREATE, proposal(teachers["longxiang"], campuses["longxiang"]))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["to_campus"]
    assert not Rotation.objects.exists()


def test_end_before_start_is_refused_on_planned_end(client_as, campuses, teachers):
    response = client_as("vp-longxiang").post(
        CREATE, proposal(teachers["longxiang"], campuses["hongqi"], planned_end_on="2026-08-01")
    )
    assert list(response.context["form"].errors) == ["planned_end_on"]
    assert not Rotation.objects.exists()


def test_overlapping_live_rotation_is_refused_with_a_field_message(client_as, campuses, teachers):
    RotationFactory(
        staff=teachers["longxiang"],
        to_campus=campuses["hongqi"],
        status=Rotation.Status.APPROVED,
        start_on=datetime.date(2025, 9, 1),
        planned_end_on=datetime.date(2028, 7, 31),
    )
    response = client_as("vp-longxiang").post(CREATE, proposal(teachers["longxiang"], campuses["taojiang"]))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["start_on"]
    assert teachers["longxiang"].name in errors["start_on"][0]
    assert Rotation.objects.count() == 1


# --- workflow --------------------------------------------------------------------------------


@pytest.fixture
def proposed(client_as, campuses, teachers):
    client_as("vp-longxiang").post(CREATE, proposal(teachers["longxiang"], campuses["taojiang"]))
    return Rotation.objects.get()


def test_vp_cannot_approve(client_as, proposed):
    response = client_as("vp-longxiang").post(action(proposed, "approve"))
    assert response.status_code == 403
    proposed.refresh_from_db()
    assert proposed.status == Rotation.Status.PROPOSED


def test_vp_sees_no_decision_buttons(client_as, proposed):
    response = client_as("vp-longxiang").get(detail(proposed))
    assert response.context["can_decide"] is False
    assert response.context["can_withdraw"] is True
    assert action(proposed, "approve").encode() not in response.content


def test_personnel_approves_starts_and_completes(client_as, proposed, personnel):
    client = client_as("personnel")
    page = client.get(detail(proposed))
    assert page.context["can_decide"] is True
    assert action(proposed, "approve").encode() in page.content

    response = client.post(action(proposed, "approve"), {"note": "同意"})
    assert response.status_code == 302 and response.url == detail(proposed)
    proposed.refresh_from_db()
    assert (proposed.status, proposed.decided_by, proposed.decision_note) == ("approved", personnel, "同意")

    client.post(action(proposed, "start"))
    proposed.refresh_from_db()
    assert proposed.status == Rotation.Status.ACTIVE

    client.post(action(proposed, "complete"), {"ended_on": "2026-11-30"})  # before the planned end
    proposed.refresh_from_db()
    assert proposed.status == Rotation.Status.COMPLETED
    assert proposed.ended_on == datetime.date(2026, 11, 30)


def test_vp_cannot_start_or_complete(client_as, proposed):
    client = client_as("vp-longxiang")
    assert client.post(action(proposed, "start")).status_code == 403
    assert client.post(action(proposed, "complete")).status_code == 403


def test_reject_without_note_is_refused_with_a_message(client_as, proposed):
    response = client_as("personnel").post(action(proposed, "reject"), {"note": "  "})
    assert response.status_code == 302 and response.url == detail(proposed)
    assert [level for level, _ in messages_of(response)] == ["error"]
    proposed.refresh_from_db()
    assert proposed.status == Rotation.Status.PROPOSED


def test_reject_with_note(client_as, proposed):
    client_as("personnel").post(action(proposed, "reject"), {"note": "编制不足"})
    proposed.refresh_from_db()
    assert (proposed.status, proposed.decision_note) == (Rotation.Status.REJECTED, "编制不足")


def test_proposer_withdraws(client_as, proposed):
    client_as("vp-longxiang").post(action(proposed, "withdraw"))
    proposed.refresh_from_db()
    assert proposed.status == Rotation.Status.WITHDRAWN


def test_another_vp_cannot_withdraw(client_as, proposed):
    # 桃江 sees the rotation (it goes there) but did not propose it.
    assert client_as("vp-taojiang").post(action(proposed, "withdraw")).status_code == 403


def test_wrong_step_is_a_message_not_an_error(client_as, proposed):
    response = client_as("personnel").post(action(proposed, "complete"))
    assert response.status_code == 302
    assert [level for level, _ in messages_of(response)] == ["error"]
    proposed.refresh_from_db()
    assert proposed.status == Rotation.Status.PROPOSED


def test_approving_an_overlapping_rotation_is_refused(client_as, campuses, teachers, proposed):
    RotationFactory(
        staff=teachers["longxiang"],
        to_campus=campuses["hongqi"],
        status=Rotation.Status.ACTIVE,
        start_on=datetime.date(2027, 9, 1),
        planned_end_on=datetime.date(2030, 7, 31),
    )
    response = client_as("personnel").post(action(proposed, "approve"))
    assert [level for level, _ in messages_of(response)] == ["error"]
    proposed.refresh_from_db()
    assert proposed.status == Rotation.Status.PROPOSED


def test_actions_accept_only_post(client_as, proposed):
    client = client_as("personnel")
    for name in ACTIONS:
        assert client.get(action(proposed, name)).status_code == 405, name


def test_rotation_page_shows_who_changed_the_status(client_as, proposed):
    client_as("personnel").post(action(proposed, "approve"))
    history = client_as("vp-longxiang").get(detail(proposed)).context["history"]
    assert history[0]["user"] == "人事股干部（演示）"
    changes = {c["name"]: (str(c["old"]), str(c["new"])) for c in history[0]["changes"]}
    assert changes["status"] == (str(Rotation.Status.PROPOSED.label), str(Rotation.Status.APPROVED.label))
    assert changes["decided_by"] == ("—", "人事股干部（演示）")
    assert history[-1]["user"] == "龙翔校区执行副校长（演示）"


# --- filters and queries ---------------------------------------------------------------------


@pytest.fixture
def varied(campuses, teachers):
    lx, hq, tj = campuses["longxiang"], campuses["hongqi"], campuses["taojiang"]
    return {
        "old": RotationFactory(
            staff=StaffMemberFactory(home_campus=lx),
            to_campus=hq,
            start_on=datetime.date(2023, 9, 1),
            status=Rotation.Status.COMPLETED,
        ),
        "famous": RotationFactory(
            staff=StaffMemberFactory(home_campus=hq), to_campus=tj, category=RotationCategory.FAMOUS_TEACHER
        ),
        "approved": RotationFactory(
            staff=StaffMemberFactory(home_campus=tj), to_campus=lx, status="approved"
        ),
    }


FILTER_CASES = [
    ({"status": "completed"}, {"old"}),
    ({"status": "approved"}, {"approved"}),
    ({"category": RotationCategory.FAMOUS_TEACHER}, {"famous"}),
    ({"year": "2023"}, {"old"}),
]


def test_filters_narrow_the_list(client_as, varied):
    client = client_as("bureau")
    for params, expected in FILTER_CASES:
        assert listed(client.get(LIST, params)) == {varied[key] for key in expected}, params


def test_campus_filters_narrow_the_list(client_as, campuses, varied):
    client = client_as("bureau")
    assert listed(client.get(LIST, {"from_campus": campuses["hongqi"].pk})) == {varied["famous"]}
    assert listed(client.get(LIST, {"to_campus": campuses["longxiang"].pk})) == {varied["approved"]}


def _add_rotations(campuses, count):
    for i in range(count):
        teacher = StaffMemberFactory(home_campus=campuses["longxiang"])
        RotationFactory(staff=teacher, to_campus=campuses[("hongqi", "taojiang")[i % 2]], status="approved")


@pytest.mark.parametrize("username", ["vp-longxiang", "personnel"])
def test_list_queries_do_not_grow_with_rows(
    client_as, campuses, personnel, django_assert_max_num_queries, username
):
    client = client_as(username)
    for added in (3, 27):  # 3 rows, then 30
        _add_rotations(campuses, added)
        Rotation.objects.update(decided_by=personnel)
        for params in ({}, {"_export": "csv"}):
            with django_assert_max_num_queries(12):
                response = client.get(LIST, params)
            assert response.status_code == 200
    assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) == 1 + 30


def test_list_shows_exchange_figures_of_own_campus_for_the_filtered_year(client_as, campuses, varied):
    response = client_as("vp-longxiang").get(LIST, {"year": "2023"})
    figures = response.context["figures"]
    assert figures.year == 2023
    assert [row.campus for row in figures.rows] == [campuses["longxiang"]]
    assert figures.rows[0].exchanged == 1  # the completed 2023 rotation out of 龙翔
