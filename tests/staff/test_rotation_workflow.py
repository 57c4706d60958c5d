"""The rotation workflow walked whole: every status × every action × every role, through the
views, against one table of what should happen; the page offers exactly the actions that work;
no open status is a dead end; starting before the start date and completing early."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from staff import services
from staff.models import Rotation
from tests.staff.factories import RotationFactory, StaffMemberFactory

S = Rotation.Status
ACTIONS = ("approve", "reject", "withdraw", "start", "start_today", "complete")
TODAY = timezone.localdate()
PAST, FUTURE = TODAY - datetime.timedelta(days=30), TODAY + datetime.timedelta(days=30)
END = TODAY + datetime.timedelta(days=3 * 365)

#: The situations a rotation can be in: (status, start date).
SITUATIONS = {
    "proposed": (S.PROPOSED, FUTURE),
    "approved, start ahead": (S.APPROVED, FUTURE),
    "approved, start reached": (S.APPROVED, PAST),
    "active": (S.ACTIVE, PAST),
    "completed": (S.COMPLETED, PAST),
    "rejected": (S.REJECTED, FUTURE),
    "withdrawn": (S.WITHDRAWN, FUTURE),
}

#: What the personnel office's action does in each situation: the new status, or None when the
#: action is refused with a message (the rotation stays as it was).
PERSONNEL = {
    "proposed": {"approve": S.APPROVED, "reject": S.REJECTED, "withdraw": S.WITHDRAWN},
    "approved, start ahead": {"withdraw": S.WITHDRAWN, "start_today": S.ACTIVE},
    "approved, start reached": {"withdraw": S.WITHDRAWN, "start": S.ACTIVE, "start_today": S.ACTIVE},
    "active": {"complete": S.COMPLETED},
    "completed": {},
    "rejected": {},
    "withdrawn": {},
}

#: The proposer (龙翔's vice-principal) only withdraws, and only before the rotation starts.
PROPOSER = {
    "proposed": {"withdraw": S.WITHDRAWN},
    "approved, start ahead": {"withdraw": S.WITHDRAWN},
    "approved, start reached": {"withdraw": S.WITHDRAWN},
}

#: The actions a page offers: those that work, except "start today" once the start date has come
#: (then plain "start" is the one offered; the URL still works and moves nothing).
OFFERED_EXCEPT = {("approved, start reached", "start_today")}


@pytest.fixture
def make(campuses, vp_longxiang, personnel):
    def make(situation):
        status, start = SITUATIONS[situation]
        teacher = StaffMemberFactory(home_campus=campuses["longxiang"])
        return RotationFactory(
            staff=teacher,
            to_campus=campuses["taojiang"],
            status=status,
            start_on=start,
            planned_end_on=END,
            proposed_by=vp_longxiang,
            ended_on=PAST if status == S.COMPLETED else None,
        )

    return make


def post(client, rotation, action):
    data = {"note": "意见"} if action in ("approve", "reject") else {}
    return client.post(reverse(f"staff:rotation_{action}", args=[rotation.pk]), data)


def levels(response):
    return [m.level_tag for m in get_messages(response.wsgi_request)]


def offered(response, rotation):
    html = response.content.decode()
    return {a for a in ACTIONS if f'action="{reverse(f"staff:rotation_{a}", args=[rotation.pk])}"' in html}


@pytest.mark.parametrize("situation", SITUATIONS)
@pytest.mark.parametrize("action", ACTIONS)
def test_personnel_every_status_and_action(client_as, make, situation, action):
    rotation = make(situation)
    before = rotation.status
    response = post(client_as("personnel"), rotation, action)
    assert response.status_code == 302
    rotation.refresh_from_db()
    expected = PERSONNEL[situation].get(action)
    if expected is None:
        assert levels(response) == ["error"], (situation, action)
        assert rotation.status == before
    else:
        assert levels(response) == ["success"], (situation, action)
        assert rotation.status == expected


@pytest.mark.parametrize("situation", SITUATIONS)
@pytest.mark.parametrize("action", ACTIONS)
def test_proposer_every_status_and_action(client_as, make, situation, action):
    rotation = make(situation)
    before = rotation.status
    response = post(client_as("vp-longxiang"), rotation, action)
    rotation.refresh_from_db()
    if action != "withdraw":
        assert response.status_code == 403, (situation, action)
        assert rotation.status == before
    elif situation in PROPOSER:
        assert levels(response) == ["success"] and rotation.status == S.WITHDRAWN
    else:
        assert levels(response) == ["error"] and rotation.status == before


@pytest.mark.parametrize("username", ["bureau", "principal", "vp-taojiang"])
@pytest.mark.parametrize("situation", SITUATIONS)
def test_others_in_scope_take_no_step(client_as, make, situation, username):
    rotation = make(situation)
    before = rotation.status
    client = client_as(username)
    for action in ACTIONS:
        assert post(client, rotation, action).status_code == 403, (username, situation, action)
    rotation.refresh_from_db()
    assert rotation.status == before
    assert offered(client.get(reverse("staff:rotation_detail", args=[rotation.pk])), rotation) == set()


@pytest.mark.parametrize("situation", SITUATIONS)
def test_vp_of_another_campus_cannot_reach_it(client_as, make, situation):
    rotation = make(situation)
    client = client_as("vp-hongqi")
    assert client.get(reverse("staff:rotation_detail", args=[rotation.pk])).status_code == 404
    for action in ACTIONS:
        assert post(client, rotation, action).status_code == 404


@pytest.mark.parametrize("situation", SITUATIONS)
def test_the_page_offers_exactly_what_works(client_as, make, situation):
    for username, table in (("personnel", PERSONNEL), ("vp-longxiang", PROPOSER)):
        rotation = make(situation)
        page = client_as(username).get(reverse("staff:rotation_detail", args=[rotation.pk]))
        works = {a for a in table.get(situation, {})} - {a for s, a in OFFERED_EXCEPT if s == situation}
        assert offered(page, rotation) == works, (username, situation)


OPEN_SITUATIONS = [s for s, (status, _) in SITUATIONS.items() if status in Rotation.OPEN_STATUSES]


@pytest.mark.parametrize("situation", OPEN_SITUATIONS)
def test_no_open_status_is_a_dead_end(situation, make, personnel):
    """The personnel office can always move an open rotation forward (not only withdraw it)."""
    rotation = make(situation)
    steps = {step.name for step in services.rotation_steps(user=personnel, rotation=rotation)}
    assert steps - {"withdraw"}, situation


# --- starting before the start date, completing ----------------------------------------------


def test_start_before_the_start_date_is_refused_and_says_what_to_do(client_as, make):
    rotation = make("approved, start ahead")
    response = post(client_as("personnel"), rotation, "start")
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert FUTURE.isoformat() in message
    rotation.refresh_from_db()
    assert (rotation.status, rotation.start_on) == (S.APPROVED, FUTURE)


def test_start_today_moves_the_start_date_and_keeps_the_planned_end(client_as, make):
    rotation = make("approved, start ahead")
    post(client_as("personnel"), rotation, "start_today")
    rotation.refresh_from_db()
    assert (rotation.status, rotation.start_on, rotation.planned_end_on) == (S.ACTIVE, TODAY, END)
    latest = rotation.history.latest("history_date")
    assert latest.history_user.username == "personnel"
    assert latest.prev_record.start_on == FUTURE  # the history keeps the date it had


def test_start_today_after_the_start_date_moves_nothing(client_as, make):
    rotation = make("approved, start reached")
    post(client_as("personnel"), rotation, "start_today")
    rotation.refresh_from_db()
    assert (rotation.status, rotation.start_on) == (S.ACTIVE, PAST)


def test_start_today_that_would_overlap_another_rotation_is_refused(client_as, make, campuses):
    rotation = make("approved, start ahead")
    RotationFactory(
        staff=rotation.staff,
        to_campus=campuses["hongqi"],
        status=S.ACTIVE,
        start_on=TODAY - datetime.timedelta(days=400),
        planned_end_on=TODAY + datetime.timedelta(days=10),
    )
    response = post(client_as("personnel"), rotation, "start_today")
    assert levels(response) == ["error"]
    rotation.refresh_from_db()
    assert (rotation.status, rotation.start_on) == (S.APPROVED, FUTURE)


def test_complete_early_records_today_as_the_end(client_as, make):
    rotation = make("active")
    post(client_as("personnel"), rotation, "complete")
    rotation.refresh_from_db()
    assert (rotation.status, rotation.ended_on, rotation.planned_end_on) == (S.COMPLETED, TODAY, END)


def test_complete_on_a_given_past_date(client_as, make):
    rotation = make("active")
    day = TODAY - datetime.timedelta(days=3)
    client_as("personnel").post(
        reverse("staff:rotation_complete", args=[rotation.pk]), {"ended_on": day.isoformat()}
    )
    rotation.refresh_from_db()
    assert (rotation.status, rotation.ended_on) == (S.COMPLETED, day)


def test_complete_in_the_future_is_refused(client_as, make):
    rotation = make("active")
    response = client_as("personnel").post(
        reverse("staff:rotation_complete", args=[rotation.pk]), {"ended_on": FUTURE.isoformat()}
    )
    assert levels(response) == ["error"]
    rotation.refresh_from_db()
    assert rotation.status == S.ACTIVE


def test_an_active_rotation_with_a_start_date_ahead_still_completes(client_as, make):
    """Once a rotation could be marked active before its start date; it must still complete."""
    rotation = make("active")
    Rotation.objects.filter(pk=rotation.pk).update(start_on=FUTURE)
    response = post(client_as("personnel"), rotation, "complete")
    assert levels(response) == ["success"]
    rotation.refresh_from_db()
    assert rotation.status == S.COMPLETED
    assert rotation.start_on <= rotation.ended_on == TODAY


def test_the_page_explains_start_today_and_early_completion(client_as, make):
    client = client_as("personnel")
    ahead = make("approved, start ahead")
    html = client.get(reverse("staff:rotation_detail", args=[ahead.pk])).content.decode()
    assert FUTURE.isoformat() in html and reverse("staff:rotation_start_today", args=[ahead.pk]) in html
    active = make("active")
    html = client.get(reverse("staff:rotation_detail", args=[active.pk])).content.decode()
    assert f'value="{TODAY.isoformat()}"' in html and END.isoformat() in html


def test_a_vp_without_actions_is_told_the_next_step(client_as, make):
    rotation = make("active")
    page = client_as("vp-longxiang").get(reverse("staff:rotation_detail", args=[rotation.pk]))
    assert b'id="next-step"' in page.content
