"""A teacher's eligibility for an exchange: the selector, the form's JSON endpoint (scoped like
every page), the proposal form and the rotation page, and the campus's gap to its targets."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kernel.models import POLICY_RULES
from staff.models import Distinction, Rotation
from staff.selectors import RotationFigures, policy_figure, rotation_eligibility
from tests.staff.factories import DistinctionFactory, RotationFactory, StaffMemberFactory

D = datetime.date
CREATE = reverse("staff:rotation_create")
VALUES = {key: rule.default for key, rule in POLICY_RULES.items()}  # eligible after 6 years


def eligibility_url(staff, on=None):
    url = reverse("staff:rotation_eligibility", args=[staff.pk])
    return f"{url}?on={on}" if on else url


@pytest.fixture
def teacher(campuses):
    """At 龙翔 since 1 September 2020: six years on 1 September 2026, a municipal backbone."""
    member = StaffMemberFactory(
        name="龙翔老师", home_campus=campuses["longxiang"], on_campus_since=D(2020, 9, 1)
    )
    DistinctionFactory(staff=member, kind=Distinction.Kind.BACKBONE, level=Distinction.Level.MUNICIPAL)
    return member


@pytest.fixture
def newcomer(campuses):
    return StaffMemberFactory(name="新老师", home_campus=campuses["longxiang"], on_campus_since=D(2024, 9, 1))


# --- the selector ------------------------------------------------------------------------------


def test_years_are_counted_to_the_date_and_reach_the_policy_on_the_day(teacher):
    on_the_day = rotation_eligibility(staff=teacher, on=D(2026, 9, 1), values=VALUES)
    assert (on_the_day.years, on_the_day.eligible) == (Decimal("6.0"), True)
    assert on_the_day.eligible_from == D(2026, 9, 1)
    day_before = rotation_eligibility(staff=teacher, on=D(2026, 8, 31), values=VALUES)
    assert (day_before.years, day_before.eligible) == (Decimal("5.9"), False)


def test_the_policy_setting_decides(teacher, settings):
    values = {**VALUES, "rotation_eligible_years": Decimal("8")}
    result = rotation_eligibility(staff=teacher, on=D(2026, 9, 1), values=values)
    assert result.eligible is False and result.eligible_from == D(2028, 9, 1)


def test_unknown_arrival_date_is_unknown_not_ineligible(campuses):
    member = StaffMemberFactory(home_campus=campuses["longxiang"], on_campus_since=None)
    result = rotation_eligibility(staff=member, on=D(2026, 9, 1), values=VALUES)
    assert (result.years, result.eligible, result.eligible_from) == (None, None, None)


def test_backbone_counts_only_backbone_kinds(campuses, teacher):
    assert rotation_eligibility(staff=teacher, values=VALUES).is_backbone is True
    head_teacher = StaffMemberFactory(home_campus=campuses["longxiang"])
    DistinctionFactory(staff=head_teacher, kind=Distinction.Kind.FAMOUS_HEAD_TEACHER)
    assert rotation_eligibility(staff=head_teacher, values=VALUES).is_backbone is False


def test_open_rotations_leave_out_closed_ones_and_the_one_looked_at(campuses, teacher):
    looked_at = RotationFactory(staff=teacher, to_campus=campuses["hongqi"])
    other = RotationFactory(
        staff=teacher,
        to_campus=campuses["taojiang"],
        status=Rotation.Status.APPROVED,
        start_on=D(2029, 9, 1),
        planned_end_on=D(2031, 7, 31),
    )
    RotationFactory(staff=teacher, to_campus=campuses["taojiang"], status=Rotation.Status.COMPLETED)
    RotationFactory(staff=teacher, to_campus=campuses["taojiang"], status=Rotation.Status.REJECTED)
    result = rotation_eligibility(staff=teacher, exclude=looked_at, values=VALUES)
    assert list(result.open_rotations) == [other]


# --- the gap to the targets ---------------------------------------------------------------------


def figures(eligible, exchanged, backbone):
    return RotationFigures(
        campus=None,
        year=2026,
        eligible=eligible,
        exchanged=exchanged,
        backbone_exchanged=backbone,
        undated=0,
        ratio=policy_figure("rotation_share_target", None, VALUES),
        backbone_share=policy_figure("rotation_backbone_share_target", None, VALUES),
    )


@pytest.mark.parametrize(
    ("eligible", "exchanged", "gap"),
    [(23, 1, 2), (20, 2, 0), (21, 2, 1), (40, 0, 4), (5, 0, 1), (0, 0, None), (10, 3, 0)],
)
def test_exchange_gap_is_the_people_still_needed_for_ten_percent(eligible, exchanged, gap):
    assert figures(eligible, exchanged, 0).exchange_gap == gap


@pytest.mark.parametrize(
    ("exchanged", "backbone", "gap"),
    # (0+k)/(1+k) ≥ 20 % → k = 1; (1+k)/(10+k) ≥ 20 % → k = 2 (3/12 = 25 %, 2/11 = 18 %)
    [(1, 0, 1), (10, 1, 2), (5, 1, 0), (4, 0, 1), (0, 0, None)],
)
def test_backbone_gap_counts_each_backbone_teacher_among_the_exchanged_too(exchanged, backbone, gap):
    assert figures(30, exchanged, backbone).backbone_gap == gap


# --- the JSON endpoint ------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, teacher):
    response = client.get(eligibility_url(teacher))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_vp_gets_own_teacher_eligibility(client_as, teacher):
    response = client_as("vp-longxiang").get(eligibility_url(teacher, "2026-09-01"))
    assert response.status_code == 200
    data = response.json()
    assert data["eligible"] is True and data["years"] == "6.0" and data["required_years"] == "6"
    assert len(data["backbone"]) == 1  # named in the request's language
    assert 'data-eligible="yes"' in data["html"] and 'data-backbone="yes"' in data["html"]


def test_the_start_date_moves_the_count(client_as, teacher):
    data = client_as("vp-longxiang").get(eligibility_url(teacher, "2026-06-01")).json()
    assert data["eligible"] is False and data["eligible_from"] == "2026-09-01"


def test_a_bad_date_falls_back_to_today(client_as, teacher):
    response = client_as("vp-longxiang").get(eligibility_url(teacher, "not-a-date"))
    assert response.status_code == 200


@pytest.mark.parametrize("username", ["vp-hongqi", "vp-taojiang", "outsider"])
def test_teacher_of_another_campus_is_a_404(client_as, client, outsider, teacher, username):
    if username == "outsider":
        client.force_login(outsider)
    else:
        client = client_as(username)
    assert client.get(eligibility_url(teacher)).status_code == 404


@pytest.mark.parametrize("username", ["personnel", "principal", "bureau"])
def test_personnel_principal_and_bureau_see_the_teacher(client_as, teacher, username):
    assert client_as(username).get(eligibility_url(teacher)).status_code == 200


# --- the proposal form ------------------------------------------------------------------------


def test_form_labels_say_years_eligibility_and_backbone(client_as, teacher, newcomer):
    form = client_as("vp-longxiang").get(CREATE).context["form"]
    labels = {choice[1] for choice in form.fields["staff"].choices}
    assert any(
        label.startswith("龙翔老师") and "符合交流条件" in label and "骨干教师" in label for label in labels
    )
    assert any(label.startswith("新老师") and "符合交流条件" not in label for label in labels)


def test_form_names_the_endpoint_for_the_script(client_as, teacher):
    response = client_as("vp-longxiang").get(CREATE)
    assert b'data-eligibility-url="/staff/rotations/eligibility/0/"' in response.content
    assert b"js/rotations" in response.content
    assert b"<script>" not in response.content  # no inline script (CSP)


def test_teacher_given_in_the_address_shows_eligibility_without_script(client_as, teacher):
    response = client_as("vp-longxiang").get(CREATE, {"staff": teacher.pk})
    assert response.context["eligibility"].staff == teacher
    assert b'data-eligible="yes"' in response.content


def test_form_sent_back_shows_eligibility_at_the_start_date(client_as, campuses, newcomer):
    response = client_as("vp-longxiang").post(
        CREATE,
        {
            "staff": newcomer.pk,
            "to_campus": campuses["longxiang"].pk,
            "category": "teacher",
            "start_on": "2027-09-01",
            "planned_end_on": "2030-07-31",
        },
    )
    assert response.status_code == 200 and "to_campus" in response.context["form"].errors
    eligibility = response.context["eligibility"]
    assert (eligibility.on, eligibility.eligible) == (D(2027, 9, 1), False)
    assert b'data-eligible="no"' in response.content


def test_form_does_not_show_another_campus_teacher(client_as, campuses):
    stranger = StaffMemberFactory(home_campus=campuses["taojiang"])
    response = client_as("vp-longxiang").get(CREATE, {"staff": stranger.pk})
    assert "eligibility" not in response.context


# --- the rotation page ------------------------------------------------------------------------


@pytest.fixture
def proposal(campuses, teacher):
    """龙翔 → 桃江 from 1 September 2026; 龙翔 has ten more eligible people and one other exchange."""
    for _ in range(10):
        StaffMemberFactory(home_campus=campuses["longxiang"], on_campus_since=D(2010, 9, 1))
    RotationFactory(
        staff=StaffMemberFactory(home_campus=campuses["longxiang"], on_campus_since=D(2010, 9, 1)),
        to_campus=campuses["hongqi"],
        status=Rotation.Status.ACTIVE,
        start_on=D(2026, 9, 1),
        planned_end_on=D(2029, 7, 31),
    )
    return RotationFactory(
        staff=teacher, to_campus=campuses["taojiang"], start_on=D(2026, 9, 1), planned_end_on=D(2029, 7, 31)
    )


def test_personnel_sees_eligibility_and_the_campus_gap(client_as, campuses, proposal):
    response = client_as("personnel").get(reverse("staff:rotation_detail", args=[proposal.pk]))
    context = response.context
    assert context["eligibility"].eligible is True and context["eligibility"].is_backbone
    exchange = context["exchange"]
    # 12 eligible at 龙翔 on 1 September 2026 (the teacher, ten, the one exchanged); 1 exchanged.
    assert (exchange.campus, exchange.eligible, exchange.exchanged) == (campuses["longxiang"], 12, 1)
    assert exchange.exchange_gap == 1  # 10 % of 12 → 2 people
    assert exchange.backbone_gap == 1  # 0 of 1 backbone; one more backbone makes 1/2
    assert context["counted"] is False
    html = response.content.decode()
    assert 'id="rotation-exchange"' in html and 'data-field="gap"' in html


def test_vp_does_not_see_figures_of_a_campus_outside_their_scope(client_as, campuses, proposal):
    # 桃江's vice-principal sees the rotation (it comes to 桃江), not 龙翔's figures.
    response = client_as("vp-taojiang").get(reverse("staff:rotation_detail", args=[proposal.pk]))
    assert response.status_code == 200
    assert response.context["exchange"] is None
    assert b'id="rotation-exchange"' not in response.content


def test_list_figures_show_the_gap_per_campus(client_as, campuses, proposal):
    response = client_as("personnel").get(reverse("staff:rotation_list"), {"year": "2026"})
    row = response.context["figures"].for_campus(campuses["longxiang"].pk)
    assert row.exchange_gap == 1
    assert 'data-field="gap"' in response.content.decode()
