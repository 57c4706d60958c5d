"""Mentoring pairs, studios, research projects, cross-campus activities and staffing quotas:
permissions, scope, filters, exports, rules and query counts."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kernel.concurrency import revision_data
from kernel.models import NO_SOURCE, PolicySetting
from staff import services
from staff.models import CrossCampusActivity, Distinction, Mentorship, ResearchProject, StudioMembership
from tests.staff.factories import (
    CrossCampusActivityFactory,
    MentorshipFactory,
    ResearchProjectFactory,
    StaffingQuotaFactory,
    StaffMemberFactory,
    StudioFactory,
)

LISTS = ["mentorship_list", "studio_list", "project_list", "activity_list", "quota_list"]
DETAILS = {
    "mentorship_detail": "mentorship",
    "mentorship_update": "mentorship",
    "studio_detail": "studio",
    "project_detail": "project",
    "activity_detail": "activity",
}
CREATES = ["mentorship_create", "activity_create"]


def url(name, *args):
    return reverse(f"staff:{name}", args=args)


def signed_in(user) -> Client:
    """A client signed in as `user`, reading the pages in English (messages are compared as text)."""
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The plan fixture gives every demo account a password: a cheap hasher keeps tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def as_user(plan):
    from django.contrib.auth import get_user_model

    return lambda username: signed_in(get_user_model().objects.get(username=username))


@pytest.fixture
def records(campuses):
    """One record of each kind on 龙翔 and on 桃江, each marked with its campus code ("LX"/"TJ")."""
    out = {}
    for code, mark in (("longxiang", "LX"), ("taojiang", "TJ")):
        campus = campuses[code]
        leader = StaffMemberFactory(home_campus=campus, name=f"{mark}-导师")
        mentee = StaffMemberFactory(home_campus=campus, name=f"{mark}-徒弟")
        studio = StudioFactory(leader=leader, name=f"{mark}-工作室")
        StudioMembership.objects.create(studio=studio, member=mentee, joined_on=datetime.date(2025, 9, 1))
        project = ResearchProjectFactory(leader=leader, title=f"{mark}-课题", studio=studio)
        project.members.add(mentee)
        activity = CrossCampusActivityFactory(host_campus=campus, title=f"{mark}-教研")
        activity.campuses.add(campus)
        activity.participants.add(leader, mentee)
        out[code] = {
            "mark": mark,
            "mentorship": MentorshipFactory(
                mentor=leader, mentee=mentee, campus=campus, goals=f"{mark}-目标"
            ),
            "studio": studio,
            "project": project,
            "activity": activity,
            "quota": StaffingQuotaFactory(campus=campus, year=2025, establishment_authorised=90 + len(out)),
        }
    return out


def row_labels(response) -> set[str]:
    """The text of every cell of the table shown (or exported), joined per row."""
    return {" ".join(str(cell) for cell in row) for row in response.context["table"].as_values()}


def page_marks(response) -> set[str]:
    text = " ".join(row_labels(response))
    return {mark for mark in ("LX", "TJ") if mark in text}


def quota_campuses(response) -> set[str]:
    return {row.record.campus.code for row in response.context["table"].rows}


def export_rows(response, export_format):
    if export_format == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


# --- anonymous and roleless users ------------------------------------------------------------


@pytest.mark.parametrize("name", LISTS + CREATES + list(DETAILS))
def test_anonymous_is_sent_to_login(client, records, name):
    args = [records["longxiang"][DETAILS[name]].pk] if name in DETAILS else []
    response = client.get(url(name, *args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", LISTS)
def test_outsider_sees_empty_lists(records, outsider, name):
    response = signed_in(outsider).get(url(name))
    assert response.status_code == 200
    assert response.context["table"].paginator.count == 0


@pytest.mark.parametrize("name", list(DETAILS))
def test_outsider_cannot_open_a_record(records, outsider, name):
    response = signed_in(outsider).get(url(name, records["longxiang"][DETAILS[name]].pk))
    assert response.status_code in (403, 404)


@pytest.mark.parametrize("name", CREATES)
def test_outsider_cannot_create(records, outsider, name):
    assert signed_in(outsider).get(url(name)).status_code == 403


# --- vice-principal of 龙翔 ------------------------------------------------------------------


@pytest.mark.parametrize("name", LISTS[:-1])
def test_vp_lists_only_own_campus_records(as_user, records, name):
    response = as_user("vp-longxiang").get(url(name))
    assert response.status_code == 200
    assert page_marks(response) == {"LX"}


def test_vp_quota_list_has_only_own_campus(as_user, records):
    response = as_user("vp-longxiang").get(url("quota_list"))
    assert quota_campuses(response) == {"longxiang"}


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_vp_cannot_export_other_campus(as_user, records, name, export_format):
    response = as_user("vp-longxiang").get(url(name), {"_export": export_format})
    assert response.status_code == 200
    rows = export_rows(response, export_format)
    assert len(rows) == 2  # the header and 龙翔's one record
    text = " ".join(str(cell) for row in rows for cell in row)
    assert "TJ-" not in text and "桃江" not in text


@pytest.mark.parametrize("name", list(DETAILS))
def test_vp_opens_own_campus_record(as_user, records, name):
    assert as_user("vp-longxiang").get(url(name, records["longxiang"][DETAILS[name]].pk)).status_code == 200


@pytest.mark.parametrize("name", list(DETAILS))
def test_vp_cannot_open_other_campus_record(as_user, records, name):
    assert as_user("vp-longxiang").get(url(name, records["taojiang"][DETAILS[name]].pk)).status_code == 404


def test_vp_cannot_edit_other_campus_pair_by_post(as_user, records):
    pair = records["taojiang"]["mentorship"]
    response = as_user("vp-longxiang").post(
        url("mentorship_update", pair.pk),
        {"start_on": "2025-09-01", "end_on": "2026-07-31", "status": "ended", "goals": "", "outcome": "x"},
    )
    assert response.status_code == 404
    pair.refresh_from_db()
    assert pair.status == Mentorship.Status.ACTIVE and pair.outcome == ""


def test_vp_sees_activity_of_another_campus_it_joined_without_its_people(as_user, campuses, records):
    joined = records["taojiang"]["activity"]
    joined.campuses.add(campuses["longxiang"])
    own_teacher = StaffMemberFactory(home_campus=campuses["longxiang"], name="LX-参加者")
    joined.participants.add(own_teacher)
    response = as_user("vp-longxiang").get(url("activity_detail", joined.pk))
    assert response.status_code == 200
    assert response.context["participants"] == [own_teacher]
    assert response.context["other_participants"] == 2
    assert "TJ-导师" not in response.content.decode()


# --- read-only and city-wide roles -----------------------------------------------------------


@pytest.mark.parametrize("username", ["bureau", "supervisor"])
def test_read_only_roles_see_every_campus_but_cannot_create_or_edit(as_user, records, username):
    client = as_user(username)
    for name in LISTS[:-1]:
        response = client.get(url(name))
        assert page_marks(response) == {"LX", "TJ"}
        assert response.context["create_url_name"] is None
    assert quota_campuses(client.get(url("quota_list"))) == {"longxiang", "taojiang"}
    for name in CREATES:
        assert client.get(url(name)).status_code == 403
    assert client.get(url("mentorship_update", records["taojiang"]["mentorship"].pk)).status_code == 403
    response = client.post(url("activity_create"), {"title": "x"})
    assert response.status_code == 403


def test_principal_sees_both_campuses_of_the_group(as_user, records):
    response = as_user("principal").get(url("mentorship_list"))
    assert page_marks(response) == {"LX", "TJ"}


def test_principal_cannot_open_another_group_record(as_user, records):
    elsewhere = MentorshipFactory()
    assert as_user("principal").get(url("mentorship_detail", elsewhere.pk)).status_code == 404


# --- mentoring pairs ---------------------------------------------------------------------------


def test_mentorship_list_shows_the_pairing_length_rule_and_its_missing_source(as_user, records):
    PolicySetting.objects.create(key="mentorship_months", value=Decimal("24"), note="bureau")
    response = as_user("vp-longxiang").get(url("mentorship_list"))
    policy = response.context["policy"]
    assert policy["value"] == 24 and policy["source"] == NO_SOURCE
    content = response.content.decode()
    assert "Length of a mentoring pair" in content and "24 months" in content
    assert "this figure is the bureau" in content


def test_mentorship_form_says_a_mentor_is_not_their_own_mentee(as_user, records):
    response = as_user("vp-longxiang").get(url("mentorship_create"))
    assert "A mentor is not their own mentee" in response.content.decode()
    form = response.context["form"]
    assert set(form.fields["mentor"].queryset) == set(form.fields["mentee"].queryset)
    assert {m.home_campus.code for m in form.fields["mentor"].queryset} == {"longxiang"}
    assert [c.code for c in form.fields["campus"].queryset] == ["longxiang"]


def test_mentorship_create_offers_the_policy_length(as_user, records):
    initial = as_user("vp-longxiang").get(url("mentorship_create")).context["form"].initial
    start = initial["start_on"]
    if (start.month, start.day) != (2, 29):
        assert initial["end_on"] == start.replace(year=start.year + 1) - datetime.timedelta(days=1)


def pair_form(campus, mentor, mentee, **overrides):
    data = {
        "mentor": mentor.pk,
        "mentee": mentee.pk,
        "campus": campus.pk,
        "start_on": "2026-09-01",
        "end_on": "2027-07-31",
        "goals": "上好一节公开课",
    }
    data.update(overrides)
    return data


def test_vp_creates_a_mentoring_pair(as_user, campuses, records, vp_longxiang):
    mentor, mentee = StaffMemberFactory.create_batch(2, home_campus=campuses["longxiang"])
    response = as_user("vp-longxiang").post(
        url("mentorship_create"), pair_form(campuses["longxiang"], mentor, mentee)
    )
    pair = Mentorship.objects.get(mentor=mentor, mentee=mentee)
    assert response.status_code == 302 and response["Location"] == url("mentorship_detail", pair.pk)
    assert pair.history.get().history_user == vp_longxiang


def test_mentor_cannot_be_own_mentee(as_user, campuses, records):
    teacher = StaffMemberFactory(home_campus=campuses["longxiang"])
    before = Mentorship.objects.count()
    response = as_user("vp-longxiang").post(
        url("mentorship_create"), pair_form(campuses["longxiang"], teacher, teacher)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["mentee"] == ["A mentor cannot be their own mentee."]
    assert Mentorship.objects.count() == before


def test_mentorship_end_must_follow_start(as_user, campuses, records):
    mentor, mentee = StaffMemberFactory.create_batch(2, home_campus=campuses["longxiang"])
    response = as_user("vp-longxiang").post(
        url("mentorship_create"), pair_form(campuses["longxiang"], mentor, mentee, end_on="2026-08-01")
    )
    assert response.context["form"].errors["end_on"] == ["The end must come after the start."]


def test_vp_cannot_pair_other_campus_teachers(as_user, campuses, records):
    mentor, mentee = StaffMemberFactory.create_batch(2, home_campus=campuses["taojiang"])
    response = as_user("vp-longxiang").post(
        url("mentorship_create"), pair_form(campuses["taojiang"], mentor, mentee)
    )
    assert response.status_code == 200
    assert {"mentor", "mentee", "campus"} <= set(response.context["form"].errors)
    assert not Mentorship.objects.filter(mentor=mentor).exists()


def test_vp_records_the_outcome_of_a_pair(as_user, records, vp_longxiang):
    pair = records["longxiang"]["mentorship"]
    response = as_user("vp-longxiang").post(
        url("mentorship_update", pair.pk),
        {
            "start_on": "2025-09-01",
            "end_on": "2026-07-31",
            "status": "completed",
            "goals": pair.goals,
            "outcome": "徒弟获区级优质课一等奖",
            **revision_data(pair),
        },
    )
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == Mentorship.Status.COMPLETED and pair.outcome == "徒弟获区级优质课一等奖"
    page = as_user("vp-longxiang").get(url("mentorship_detail", pair.pk))
    assert page.context["history"][0]["changes"]


def test_mentorship_update_service_refuses_out_of_scope_pair(records, vp_longxiang):
    pair = records["taojiang"]["mentorship"]
    with pytest.raises(Exception) as caught:
        services.mentorship_update(
            user=vp_longxiang, pair=pair, start_on=pair.start_on, end_on=pair.end_on, status="ended"
        )
    assert caught.type.__name__ == "PermissionDenied"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "completed"}, {"LX-completed"}),
        ({"status": "active"}, {"LX-active"}),
        ({"year": "2024"}, {"LX-completed"}),
        ({"year": "2026"}, {"LX-active"}),
        ({"year": "2025"}, {"LX-completed", "LX-active"}),
    ],
)
def test_mentorship_filters(as_user, campuses, params, expected):
    campus = campuses["longxiang"]
    MentorshipFactory(
        campus=campus,
        mentor=StaffMemberFactory(home_campus=campus),
        goals="LX-completed",
        start_on=datetime.date(2024, 9, 1),
        end_on=datetime.date(2025, 7, 31),
        status=Mentorship.Status.COMPLETED,
    )
    MentorshipFactory(
        campus=campus,
        mentor=StaffMemberFactory(home_campus=campus),
        goals="LX-active",
        start_on=datetime.date(2025, 9, 1),
        end_on=datetime.date(2026, 7, 31),
    )
    response = as_user("vp-longxiang").get(url("mentorship_list"), params)
    assert {row.record.goals for row in response.context["table"].rows} == expected


def test_campus_filter_narrows_and_offers_only_scope(as_user, campuses, records):
    client = as_user("bureau")
    response = client.get(url("mentorship_list"), {"campus": campuses["taojiang"].pk})
    assert page_marks(response) == {"TJ"}
    vp_choices = as_user("vp-longxiang").get(url("mentorship_list")).context["filter"].form.fields["campus"]
    assert [c.code for c in vp_choices.queryset] == ["longxiang"]


# --- studios and research projects -----------------------------------------------------------


def test_studio_page_lists_members_with_join_dates_and_projects(as_user, records):
    studio = records["longxiang"]["studio"]
    response = as_user("vp-longxiang").get(url("studio_detail", studio.pk))
    content = response.content.decode()
    assert "LX-徒弟" in content and "2025-09-01" in content and "LX-课题" in content
    assert response.context["studio"].leader.name == "LX-导师"


def test_studio_list_counts_members_and_projects(as_user, records):
    response = as_user("vp-longxiang").get(url("studio_list"))
    (row,) = response.context["table"].rows
    assert (row.record.member_count, row.record.project_count) == (1, 1)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "concluded"}, {"LX-老课题"}),
        ({"level": "provincial"}, {"LX-省级课题"}),
        ({"status": "planned", "level": "school"}, {"LX-课题"}),
    ],
)
def test_project_filters(as_user, campuses, records, params, expected):
    leader = records["longxiang"]["project"].leader
    ResearchProjectFactory(leader=leader, title="LX-老课题", status=ResearchProject.Status.CONCLUDED)
    ResearchProjectFactory(leader=leader, title="LX-省级课题", level=Distinction.Level.PROVINCIAL)
    response = as_user("vp-longxiang").get(url("project_list"), params)
    assert {row.record.title for row in response.context["table"].rows} == expected


def test_project_page_lists_members(as_user, records):
    response = as_user("vp-longxiang").get(url("project_detail", records["longxiang"]["project"].pk))
    assert "LX-徒弟" in response.content.decode()


def test_studio_filter_by_subject(as_user, records):
    response = as_user("bureau").get(url("studio_list"), {"subject": "maths"})
    assert response.context["table"].paginator.count == 0


# --- cross-campus activities -------------------------------------------------------------------


def activity_form(host, *others, **overrides):
    data = {
        "title": "同课异构",
        "kind": CrossCampusActivity.Kind.LESSON_OBSERVATION,
        "held_on": "2026-03-12",
        "host_campus": host.pk,
        "campuses": [c.pk for c in others],
        "hours": "2.5",
        "summary": "",
    }
    data.update(overrides)
    return data


def test_vp_hosts_an_activity_that_other_campuses_join(as_user, campuses, records):
    response = as_user("vp-longxiang").post(
        url("activity_create"), activity_form(campuses["longxiang"], campuses["hongqi"], campuses["taojiang"])
    )
    activity = CrossCampusActivity.objects.get(title="同课异构")
    assert response.status_code == 302 and response["Location"] == url("activity_detail", activity.pk)
    assert {c.code for c in activity.campuses.all()} == {"longxiang", "hongqi", "taojiang"}
    assert activity.hours == Decimal("2.5")


def test_vp_cannot_host_an_activity_on_another_campus(as_user, campuses, records):
    response = as_user("vp-longxiang").post(
        url("activity_create"), activity_form(campuses["taojiang"], campuses["longxiang"])
    )
    assert response.status_code == 200
    assert response.context["form"].errors["host_campus"] == [
        "You can host an activity only on a campus you are responsible for."
    ]
    assert not CrossCampusActivity.objects.filter(title="同课异构").exists()


def test_activity_service_refuses_hosting_on_another_campus(campuses, vp_longxiang):
    with pytest.raises(ValidationError) as caught:
        services.activity_create(
            user=vp_longxiang,
            title="越权活动",
            kind=CrossCampusActivity.Kind.LECTURE,
            held_on=datetime.date(2026, 3, 1),
            host_campus=campuses["taojiang"],
            hours=Decimal("1"),
        )
    assert "host_campus" in caught.value.error_dict
    assert not CrossCampusActivity.objects.filter(title="越权活动").exists()


@pytest.mark.parametrize("hours", ["0", "-1"])
def test_activity_hours_must_be_more_than_zero(as_user, campuses, records, hours):
    response = as_user("vp-longxiang").post(
        url("activity_create"), activity_form(campuses["longxiang"], hours=hours)
    )
    assert response.context["form"].errors["hours"] == ["Hours must be more than zero."]
    assert not CrossCampusActivity.objects.filter(title="同课异构").exists()


def test_activity_service_refuses_zero_hours(campuses, vp_longxiang):
    with pytest.raises(ValidationError) as caught:
        services.activity_create(
            user=vp_longxiang,
            title="零课时",
            kind=CrossCampusActivity.Kind.LECTURE,
            held_on=datetime.date(2026, 3, 1),
            host_campus=campuses["longxiang"],
            hours=Decimal("0"),
        )
    assert "hours" in caught.value.error_dict


def test_activity_form_offers_group_campuses_to_take_part_but_hosts_only_own(as_user, campuses, records):
    form = as_user("vp-longxiang").get(url("activity_create")).context["form"]
    assert [c.code for c in form.fields["host_campus"].queryset] == ["longxiang"]
    assert {c.code for c in form.fields["campuses"].queryset} == {"hongqi", "longxiang", "taojiang"}
    assert {p.home_campus.code for p in form.fields["participants"].queryset} == {"longxiang"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "lecture"}, {"讲座"}),
        ({"held_from": "2026-01-01"}, {"讲座"}),
        ({"held_to": "2025-12-31"}, {"LX-教研", "TJ-教研"}),
        ({"held_from": "2025-10-01", "held_to": "2025-10-31"}, {"LX-教研", "TJ-教研"}),
    ],
)
def test_activity_filters(as_user, campuses, records, params, expected):
    CrossCampusActivityFactory(
        host_campus=campuses["hongqi"],
        title="讲座",
        kind=CrossCampusActivity.Kind.LECTURE,
        held_on=datetime.date(2026, 4, 1),
    )
    response = as_user("bureau").get(url("activity_list"), params)
    assert {row.record.title for row in response.context["table"].rows} == expected


def test_activity_host_campus_filter(as_user, campuses, records):
    response = as_user("bureau").get(url("activity_list"), {"host_campus": campuses["taojiang"].pk})
    assert {row.record.title for row in response.context["table"].rows} == {"TJ-教研"}


def test_activity_list_shows_campuses_and_participant_count(as_user, campuses, records):
    records["longxiang"]["activity"].campuses.add(campuses["hongqi"])
    response = as_user("vp-longxiang").get(url("activity_list"), {"_export": "csv"})
    header, row = export_rows(response, "csv")
    assert row[header.index("Campuses taking part")] in ("红旗校区、龙翔校区", "龙翔校区、红旗校区")
    assert row[header.index("Number of participants")] == "2"
    assert row[header.index("Hours")] == "2.0"


# --- staffing quotas ---------------------------------------------------------------------------


def test_quota_list_shows_vacancies_and_filters_by_year(as_user, campuses, records):
    StaffingQuotaFactory(
        campus=campuses["longxiang"],
        year=2026,
        establishment_authorised=80,
        establishment_filled=70,
        posts_authorised=85,
        posts_filled=81,
    )
    response = as_user("vp-longxiang").get(url("quota_list"), {"year": "2026", "_export": "csv"})
    header, row = export_rows(response, "csv")
    assert row[header.index("Establishment: vacant")] == "10"
    assert row[header.index("Posts: vacant")] == "4"
    assert (
        as_user("bureau")
        .get(url("quota_list"), {"campus": campuses["taojiang"].pk})
        .context["table"]
        .paginator.count
        == 1
    )


# --- constant queries --------------------------------------------------------------------------


def _fill(kind, campus, n, start=0):
    """n records of one kind on one campus, each with the related rows its list shows."""
    for i in range(start, start + n):
        leader = StaffMemberFactory(home_campus=campus)
        if kind == "mentorship_list":
            MentorshipFactory(mentor=leader, campus=campus)
        elif kind == "studio_list":
            studio = StudioFactory(leader=leader)
            StudioMembership.objects.create(studio=studio, member=StaffMemberFactory(home_campus=campus))
            ResearchProjectFactory(leader=leader, studio=studio)
        elif kind == "project_list":
            ResearchProjectFactory(leader=leader).members.add(leader, StaffMemberFactory(home_campus=campus))
        elif kind == "activity_list":
            activity = CrossCampusActivityFactory(host_campus=campus)
            activity.campuses.add(campus)
            activity.participants.add(leader)
        elif kind == "quota_list":
            StaffingQuotaFactory(campus=campus, year=1990 + i)


@pytest.mark.parametrize("name", LISTS)
def test_list_queries_do_not_grow_with_rows(as_user, campuses, django_assert_max_num_queries, name):
    """The same bound with 3 rows and with 30 (more than a page), for the page and its export."""
    clients = [as_user("vp-longxiang"), as_user("bureau")]
    _fill(name, campuses["longxiang"], 3)
    for size in (3, 30):
        if size == 30:
            _fill(name, campuses["longxiang"], 27, start=3)
        for client in clients:
            for params in ({}, {"_export": "xlsx"}):
                with django_assert_max_num_queries(9):
                    response = client.get(url(name), params)
                assert response.status_code == 200
        assert client.get(url(name)).context["table"].paginator.count == size


@pytest.mark.parametrize("size", [2, 20])
def test_record_pages_queries_do_not_grow_with_members(
    as_user, campuses, django_assert_max_num_queries, size
):
    campus = campuses["longxiang"]
    studio = StudioFactory(leader=StaffMemberFactory(home_campus=campus))
    project = ResearchProjectFactory(leader=studio.leader, studio=studio)
    activity = CrossCampusActivityFactory(host_campus=campus)
    for member in StaffMemberFactory.create_batch(size, home_campus=campus):
        StudioMembership.objects.create(studio=studio, member=member)
        project.members.add(member)
        activity.participants.add(member)
        activity.campuses.add(campus)
    client = as_user("vp-longxiang")
    for name, record in (
        ("studio_detail", studio),
        ("project_detail", project),
        ("activity_detail", activity),
    ):
        with django_assert_max_num_queries(16):
            assert client.get(url(name, record.pk)).status_code == 200
