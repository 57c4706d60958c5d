"""Staff member pages: list, page, create, edit — permissions, scope, filters, exports, queries."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from kernel.concurrency import revision_data
from staff.models import Distinction, PostType, ProfessionalTitle, StaffMember, Subject
from tests.campuses.factories import CampusFactory
from tests.staff.factories import (
    CrossCampusActivityFactory,
    DistinctionFactory,
    MentorshipFactory,
    ResearchProjectFactory,
    RotationFactory,
    StaffMemberFactory,
    StudioFactory,
)

LIST = reverse("staff:member_list")
CREATE = reverse("staff:member_create")


def detail(member):
    return reverse("staff:member_detail", args=[member.pk])


def edit(member):
    return reverse("staff:member_update", args=[member.pk])


@pytest.fixture
def teachers(campuses):
    """One teacher per campus of the plan, each with a distinction."""
    people = {
        code: StaffMemberFactory(name=f"{campus.name}老师", home_campus=campus)
        for code, campus in campuses.items()
    }
    for person in people.values():
        DistinctionFactory(staff=person, kind=Distinction.Kind.BACKBONE, level=Distinction.Level.COUNTY)
    return people


def listed_names(response):
    return {row.record.name for row in response.context["table"].rows}


def member_form(campus, **overrides):
    data = {
        "name": "新教师",
        "gender": "F",
        "staff_number": "LX-0001",
        "subject": Subject.MATHS,
        "professional_title": ProfessionalTitle.SECOND,
        "post_type": PostType.TEACHER,
        "position": "",
        "home_campus": campus.pk,
        "on_campus_since": "2023-09-01",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def body(response) -> bytes:
    """The response's bytes; the staff list's export is streamed (kernel.exports.streamed_export)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def xlsx_rows(response):
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def csv_rows(response):
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


# --- anonymous and roleless users ------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, teachers):
    member = teachers["longxiang"]
    for url in (LIST, detail(member), CREATE, edit(member)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login"))


def test_outsider_sees_an_empty_list(client, teachers, outsider):
    client.force_login(outsider)
    response = client.get(LIST)
    assert response.status_code == 200
    assert listed_names(response) == set()


def test_outsider_cannot_open_a_staff_page(client, teachers, outsider):
    client.force_login(outsider)
    assert client.get(detail(teachers["longxiang"])).status_code == 404


def test_outsider_cannot_create_or_edit(client, teachers, outsider):
    client.force_login(outsider)
    assert client.get(CREATE).status_code == 403
    assert client.get(edit(teachers["longxiang"])).status_code == 403


# --- campus vice-principal -------------------------------------------------------------------


def test_vp_lists_only_own_campus_staff(client_as, teachers):
    response = client_as("vp-longxiang").get(LIST)
    assert response.status_code == 200
    assert listed_names(response) == {teachers["longxiang"].name}


def test_vp_opens_own_campus_staff_page(client_as, teachers):
    response = client_as("vp-longxiang").get(detail(teachers["longxiang"]))
    assert response.status_code == 200
    assert response.context["can_edit"] is True
    assert reverse("staff:member_update", args=[teachers["longxiang"].pk]).encode() in response.content


def test_vp_cannot_open_other_campus_staff_page(client_as, teachers):
    client = client_as("vp-longxiang")
    assert client.get(detail(teachers["taojiang"])).status_code == 404
    assert client.get(edit(teachers["taojiang"])).status_code == 404
    assert (
        client.post(edit(teachers["taojiang"]), member_form(teachers["taojiang"].home_campus)).status_code
        == 404
    )


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_vp_cannot_export_other_campus(client_as, teachers, export_format):
    response = client_as("vp-longxiang").get(LIST, {"_export": export_format})
    assert response.status_code == 200
    content = body(response)
    response.streaming_content = [content]
    rows = xlsx_rows(response) if export_format == "xlsx" else csv_rows(response)
    names = {row[0] for row in rows[1:]}
    assert names == {teachers["longxiang"].name}
    assert teachers["taojiang"].name not in content.decode("utf-8", errors="ignore")


def test_vp_campus_filter_offers_only_own_campus(client_as, campuses, teachers):
    response = client_as("vp-longxiang").get(LIST)
    field = response.context["filter"].form.fields["home_campus"]
    assert list(field.queryset) == [campuses["longxiang"]]


def test_vp_form_offers_only_own_campus(client_as, campuses):
    response = client_as("vp-longxiang").get(CREATE)
    assert response.status_code == 200
    assert list(response.context["form"].fields["home_campus"].queryset) == [campuses["longxiang"]]


def test_vp_creates_staff_on_own_campus(client_as, campuses):
    response = client_as("vp-longxiang").post(CREATE, member_form(campuses["longxiang"]))
    member = StaffMember.objects.get(staff_number="LX-0001")
    assert response.status_code == 302
    assert response.url == detail(member)
    assert member.home_campus == campuses["longxiang"]


def test_vp_cannot_create_staff_on_other_campus(client_as, campuses):
    response = client_as("vp-longxiang").post(CREATE, member_form(campuses["taojiang"]))
    assert response.status_code == 200
    assert "home_campus" in response.context["form"].errors
    assert not StaffMember.objects.filter(staff_number="LX-0001").exists()


def test_vp_must_choose_a_campus(client_as, campuses):
    response = client_as("vp-longxiang").post(CREATE, member_form(campuses["longxiang"], home_campus=""))
    assert "home_campus" in response.context["form"].errors
    assert not StaffMember.objects.filter(staff_number="LX-0001").exists()


def test_vp_cannot_move_own_staff_to_other_campus(client_as, campuses, teachers):
    member = teachers["longxiang"]
    response = client_as("vp-longxiang").post(
        edit(member), member_form(campuses["taojiang"], staff_number=member.staff_number)
    )
    assert response.status_code == 200
    assert "home_campus" in response.context["form"].errors
    member.refresh_from_db()
    assert member.home_campus == campuses["longxiang"]


def test_duplicate_staff_number_is_reported_on_its_field(client_as, campuses, teachers):
    response = client_as("vp-longxiang").post(
        CREATE, member_form(campuses["longxiang"], staff_number=teachers["taojiang"].staff_number)
    )
    assert response.status_code == 200
    assert "staff_number" in response.context["form"].errors


def test_edit_is_recorded_in_the_history_with_who_and_what(client_as, teachers):
    member = teachers["longxiang"]
    client = client_as("vp-longxiang")
    response = client.post(
        edit(member),
        member_form(
            member.home_campus,
            name="王改名",
            staff_number=member.staff_number,
            subject=Subject.ENGLISH,
            **revision_data(member),
        ),
    )
    assert response.status_code == 302
    history = client.get(detail(member)).context["history"]
    latest = history[0]
    assert latest["user"] == "龙翔校区执行副校长（演示）"
    changes = {change["name"]: (str(change["old"]), str(change["new"])) for change in latest["changes"]}
    assert changes["name"] == (f"{member.home_campus.name}老师", "王改名")
    assert changes["subject"] == (str(Subject.CHINESE.label), str(Subject.ENGLISH.label))
    assert history[-1]["changes"] == []  # the creation


# --- bureau roles and group leadership -------------------------------------------------------


@pytest.mark.parametrize("username", ["bureau", "supervisor"])
def test_read_only_roles_see_everything_but_cannot_edit(client_as, teachers, username):
    client = client_as(username)
    response = client.get(LIST)
    assert set(p.name for p in teachers.values()) <= listed_names(response)
    assert response.context["create_url_name"] is None
    page = client.get(detail(teachers["taojiang"]))
    assert page.status_code == 200
    assert page.context["can_edit"] is False
    assert edit(teachers["taojiang"]).encode() not in page.content
    assert client.get(CREATE).status_code == 403
    assert client.get(edit(teachers["taojiang"])).status_code == 403
    assert client.post(CREATE, member_form(teachers["taojiang"].home_campus)).status_code == 403


def test_personnel_edits_any_campus(client_as, teachers):
    member = teachers["taojiang"]
    response = client_as("personnel").post(
        edit(member),
        member_form(
            member.home_campus, name="桃江新名", staff_number=member.staff_number, **revision_data(member)
        ),
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "桃江新名"


def test_principal_sees_own_group_only(client_as, teachers):
    other = StaffMemberFactory(name="外校老师", home_campus=CampusFactory())
    client = client_as("principal")
    names = listed_names(client.get(LIST))
    assert {p.name for p in teachers.values()} <= names
    assert other.name not in names
    assert client.get(detail(other)).status_code == 404
    assert client.get(edit(teachers["taojiang"])).status_code == 200


# --- filters ---------------------------------------------------------------------------------


@pytest.fixture
def varied(campuses):
    lx = campuses["longxiang"]
    return {
        "maths": StaffMemberFactory(name="数学甲", subject=Subject.MATHS, home_campus=lx),
        "senior": StaffMemberFactory(
            name="高级乙", professional_title=ProfessionalTitle.SENIOR, home_campus=lx
        ),
        "manager": StaffMemberFactory(name="管理丙", post_type=PostType.MANAGEMENT, home_campus=lx),
        "retired": StaffMemberFactory(name="离岗丁", is_active=False, home_campus=lx),
        "leader": DistinctionFactory(
            staff=StaffMemberFactory(name="带头人戊", home_campus=lx), kind=Distinction.Kind.SUBJECT_LEADER
        ).staff,
        "hongqi": StaffMemberFactory(name="红旗己", staff_number="HQ-777", home_campus=campuses["hongqi"]),
    }


FILTER_CASES = [
    ({"subject": Subject.MATHS}, {"数学甲"}),
    ({"professional_title": ProfessionalTitle.SENIOR}, {"高级乙"}),
    ({"post_type": PostType.MANAGEMENT}, {"管理丙"}),
    ({"is_active": "false"}, {"离岗丁"}),
    ({"distinction": Distinction.Kind.SUBJECT_LEADER}, {"带头人戊"}),
    ({"q": "HQ-77"}, {"红旗己"}),
    ({"q": "高级"}, {"高级乙"}),
]


def test_filters_narrow_the_list(client_as, varied):
    client = client_as("principal")
    for params, expected in FILTER_CASES:
        assert listed_names(client.get(LIST, params)) == expected, params


def test_campus_filter_narrows_the_list(client_as, campuses, varied):
    response = client_as("principal").get(LIST, {"home_campus": campuses["hongqi"].pk})
    assert listed_names(response) == {"红旗己"}


def test_distinction_filter_lists_a_person_once(client_as, campuses):
    person = StaffMemberFactory(home_campus=campuses["longxiang"])
    DistinctionFactory(staff=person, kind=Distinction.Kind.BACKBONE, level=Distinction.Level.COUNTY)
    DistinctionFactory(staff=person, kind=Distinction.Kind.BACKBONE, level=Distinction.Level.MUNICIPAL)
    response = client_as("vp-longxiang").get(LIST, {"distinction": Distinction.Kind.BACKBONE})
    assert [row.record for row in response.context["table"].rows] == [person]


# --- exports ---------------------------------------------------------------------------------


def test_export_writes_distinctions_as_text(client_as, teachers):
    DistinctionFactory(
        staff=teachers["longxiang"], kind=Distinction.Kind.FAMOUS_TEACHER, level=Distinction.Level.PROVINCIAL
    )
    rows = csv_rows(client_as("vp-longxiang").get(LIST, {"_export": "csv"}))
    assert len(rows) == 2
    distinctions = rows[1][6]
    assert "<" not in distinctions
    expected = sorted(str(d) for d in teachers["longxiang"].distinctions.all())
    assert sorted(distinctions.split("、")) == expected


def test_export_follows_the_filters(client_as, varied):
    response = client_as("principal").get(LIST, {"subject": Subject.MATHS, "_export": "xlsx"})
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert [row[0] for row in xlsx_rows(response)[1:]] == ["数学甲"]


# --- queries ---------------------------------------------------------------------------------


def _add_staff(campus, count):
    for person in StaffMemberFactory.create_batch(count, home_campus=campus):
        DistinctionFactory(staff=person, kind=Distinction.Kind.BACKBONE)
        DistinctionFactory(staff=person, kind=Distinction.Kind.FAMOUS_TEACHER)


@pytest.mark.parametrize("username", ["vp-longxiang", "bureau"])
def test_list_queries_do_not_grow_with_rows(client_as, campuses, django_assert_max_num_queries, username):
    client = client_as(username)
    for added in (3, 27):  # 3 rows, then 30
        _add_staff(campuses["longxiang"], added)
        for params in ({}, {"_export": "xlsx"}):
            with django_assert_max_num_queries(12):
                response = client.get(LIST, params)
                content = body(response)  # a streamed export reads its rows as it is sent
            assert response.status_code == 200
    assert content  # the export of 30 rows


@pytest.mark.parametrize("size", [1, 6])
def test_staff_page_queries_do_not_grow_with_its_records(
    client_as, campuses, django_assert_max_num_queries, size
):
    lx, hq = campuses["longxiang"], campuses["hongqi"]
    member = StaffMemberFactory(home_campus=lx)
    for i in range(size):
        DistinctionFactory(
            staff=member, kind=list(Distinction.Kind)[i % 4], level=list(Distinction.Level)[i % 5]
        )
        RotationFactory(
            staff=member,
            to_campus=hq,
            status="completed",
            start_on=f"{2000 + 4 * i}-09-01",
            planned_end_on=f"{2003 + 4 * i}-07-31",
        )
        MentorshipFactory(mentor=member, campus=lx, start_on=f"{2000 + i}-09-01", end_on=f"{2001 + i}-07-31")
        MentorshipFactory(mentee=member, mentor=StaffMemberFactory(home_campus=lx), campus=lx)
        StudioFactory(leader=member)
        ResearchProjectFactory(leader=member)
        CrossCampusActivityFactory(host_campus=lx).participants.add(member)
        member.position = f"职务{i}"
        member.save()
    client = client_as("vp-longxiang")
    with django_assert_max_num_queries(18):
        response = client.get(detail(member))
    assert response.status_code == 200
    assert len(response.context["rotations"]) == size
    assert len(response.context["mentees"]) == size
    assert len(response.context["mentors"]) == size
    assert len(response.context["studios"]) == size
    assert len(response.context["projects"]) == size
    assert len(response.context["activities"]) == size
