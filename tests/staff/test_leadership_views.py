"""The leading group page and the leadership / first-responsibility page."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from campuses.models import EducationGroup
from kernel.concurrency import revision_data
from staff import services
from staff.models import LeadershipPost, ResponsibilityArea, ResponsibilityAssignment
from tests.campuses.factories import CampusFactory, EducationGroupFactory, SchoolFactory
from tests.staff.factories import StaffMemberFactory

LEADING_GROUP = reverse("staff:leading_group")
RESPONSIBILITIES = reverse("staff:responsibilities")
ASSIGN = reverse("staff:responsibility_create")


def change(assignment):
    return reverse("staff:responsibility_update", args=[assignment.pk])


def signed_in(user) -> Client:
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
    return lambda username: signed_in(get_user_model().objects.get(username=username))


@pytest.fixture
def longshi(plan):
    return EducationGroup.objects.get(code="longshi")


@pytest.fixture
def leadership(longshi, campuses):
    """Posts of the group, an executive vice-principal per campus and some assignments."""
    people = {
        name: StaffMemberFactory(name=name, home_campus=campuses["hongqi"])
        for name in (
            "书记甲",
            "校长乙",
            "副书记丙",
            "副校长丁",
            "执行副校长红",
            "执行副校长龙",
            "执行副校长桃",
        )
    }
    LeadershipPost.objects.create(group=longshi, post="vice_principal", person=people["副校长丁"])
    LeadershipPost.objects.create(group=longshi, post="principal", person=people["校长乙"])
    LeadershipPost.objects.create(group=longshi, post="secretary", person=people["书记甲"])
    LeadershipPost.objects.create(group=longshi, post="deputy_secretary", person=people["副书记丙"])
    for code, name in (
        ("hongqi", "执行副校长红"),
        ("longxiang", "执行副校长龙"),
        ("taojiang", "执行副校长桃"),
    ):
        campuses[code].executive_vice_principal = people[name]
        campuses[code].save()
    assignments = {
        "group": ResponsibilityAssignment.objects.create(
            group=longshi, area=ResponsibilityArea.INTEGRITY, person=people["书记甲"]
        ),
        "longxiang": ResponsibilityAssignment.objects.create(
            group=longshi,
            area=ResponsibilityArea.SAFETY,
            campus=campuses["longxiang"],
            person=people["执行副校长龙"],
        ),
        "taojiang": ResponsibilityAssignment.objects.create(
            group=longshi,
            area=ResponsibilityArea.SAFETY,
            campus=campuses["taojiang"],
            person=people["执行副校长桃"],
        ),
    }
    return {"people": people, "assignments": assignments}


def matrix(response):
    """{area label: [person name or None per column]} of the first group shown."""
    block = response.context["blocks"][0]
    return {
        str(label): [cell["assignment"].person.name if cell["assignment"] else None for cell in cells]
        for label, cells in block["matrix"]
    }


# --- leading group ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [LEADING_GROUP, RESPONSIBILITIES, ASSIGN])
def test_anonymous_is_sent_to_login(client, plan, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_leading_group_is_shown_as_the_plan_names_it(as_user):
    response = as_user("vp-longxiang").get(LEADING_GROUP)
    assert response.status_code == 200
    (row,) = response.context["leading_groups"]
    assert row["leading_group"].name == "龙师附小集团化办学工作领导小组"
    roles = [(str(label), [p.name for p in people]) for label, people in row["roles"]]
    assert roles == [
        ("Leader (组长)", ["郭建龙"]),
        ("Deputy leader (副组长)", ["郭兰英", "曹荣华", "赖祥飞", "陈乐文", "廖显平"]),
        (
            "Member (成员)",
            ["熊俊彦", "李拥青", "叶娟", "胡勇", "彭小华", "廖志强", "叶智福"],
        ),
    ]
    content = response.content.decode()
    assert (
        content.index("郭建龙") < content.index("郭兰英") < content.index("熊俊彦") < content.index("廖志强")
    )
    assert row["leading_group"].office_director.name == "叶智福"
    assert "龙师附小" in content and "具体负责龙师附小集团化办学筹备及日常工作" in content


def test_outsider_sees_no_leading_group(plan, outsider):
    response = signed_in(outsider).get(LEADING_GROUP)
    assert response.status_code == 200
    assert response.context["leading_groups"] == []
    assert "郭建龙" not in response.content.decode()


def test_principal_does_not_see_another_group_leading_group(as_user):
    from staff.models import LeadingGroup

    LeadingGroup.objects.create(name="别的领导小组", group=EducationGroupFactory())
    names = [
        row["leading_group"].name for row in as_user("principal").get(LEADING_GROUP).context["leading_groups"]
    ]
    assert names == ["龙师附小集团化办学工作领导小组"]
    all_names = [
        row["leading_group"].name for row in as_user("bureau").get(LEADING_GROUP).context["leading_groups"]
    ]
    assert "别的领导小组" in all_names


def test_leading_group_queries_are_constant(as_user, django_assert_max_num_queries):
    client = as_user("bureau")
    with django_assert_max_num_queries(6):
        client.get(LEADING_GROUP)
    from staff.models import LeadingGroup, LeadingGroupMembership

    for _ in range(3):
        other = LeadingGroup.objects.create(name=f"领导小组{_}", group=EducationGroupFactory())
        for order, person in enumerate(StaffMemberFactory.create_batch(4), start=1):
            LeadingGroupMembership.objects.create(
                leading_group=other, person=person, role="member", order=order
            )
    with django_assert_max_num_queries(6):
        response = client.get(LEADING_GROUP)
    assert len(response.context["leading_groups"]) == 4


# --- posts and first-responsibility matrix ------------------------------------------------------


def test_posts_are_listed_in_the_plan_order_with_each_campus_vp(as_user, leadership):
    response = as_user("principal").get(RESPONSIBILITIES)
    block = response.context["blocks"][0]
    assert [p.person.name for p in block["posts"]] == ["书记甲", "校长乙", "副书记丙", "副校长丁"]
    assert [c.executive_vice_principal.name for c in block["campuses"]] == [
        "执行副校长红",
        "执行副校长龙",
        "执行副校长桃",
    ]


def test_matrix_has_the_seven_areas_by_group_and_each_campus(as_user, leadership):
    response = as_user("principal").get(RESPONSIBILITIES)
    rows = matrix(response)
    assert list(rows) == [str(area.label) for area in ResponsibilityArea]
    assert len(rows[str(ResponsibilityArea.SAFETY.label)]) == 4
    assert rows[str(ResponsibilityArea.INTEGRITY.label)] == ["书记甲", None, None, None]
    assert rows[str(ResponsibilityArea.SAFETY.label)] == [None, None, "执行副校长龙", "执行副校长桃"]
    assert response.context["blocks"][0]["can_assign"] is True


def test_vp_sees_only_group_wide_and_own_campus_column(as_user, leadership):
    response = as_user("vp-longxiang").get(RESPONSIBILITIES)
    block = response.context["blocks"][0]
    assert [c.code for c in block["campuses"]] == ["longxiang"]
    assert matrix(response)[str(ResponsibilityArea.SAFETY.label)] == [None, "执行副校长龙"]
    content = response.content.decode()
    assert "执行副校长桃" not in content and "桃江" not in content
    assert block["can_assign"] is False
    assert reverse("staff:responsibility_create") not in content


def test_outsider_sees_no_group(plan, outsider, leadership):
    response = signed_in(outsider).get(RESPONSIBILITIES)
    assert response.status_code == 200 and response.context["blocks"] == []


def test_responsibilities_queries_are_constant(as_user, leadership, django_assert_max_num_queries):
    principal, bureau = as_user("principal"), as_user("bureau")
    with django_assert_max_num_queries(12):
        principal.get(RESPONSIBILITIES)
    group = EducationGroupFactory()
    school = SchoolFactory(group=group)
    for campus in CampusFactory.create_batch(5, school=school):
        ResponsibilityAssignment.objects.create(
            group=group,
            area=ResponsibilityArea.ETHICS,
            campus=campus,
            person=StaffMemberFactory(home_campus=campus),
        )
    with django_assert_max_num_queries(12):
        response = bureau.get(RESPONSIBILITIES)
    assert len(response.context["blocks"]) == 2


# --- assigning ----------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["vp-longxiang", "bureau", "supervisor", "personnel"])
def test_roles_other_than_admin_and_group_leadership_cannot_assign(as_user, leadership, username):
    client = as_user(username)
    assert client.get(ASSIGN).status_code == 403
    assert client.get(change(leadership["assignments"]["longxiang"])).status_code == 403
    response = client.post(
        change(leadership["assignments"]["longxiang"]), {"person": leadership["people"]["校长乙"].pk}
    )
    assert response.status_code == 403
    assert (
        ResponsibilityAssignment.objects.get(pk=leadership["assignments"]["longxiang"].pk).person.name
        == "执行副校长龙"
    )


def test_outsider_cannot_assign(plan, outsider, leadership):
    assert signed_in(outsider).get(ASSIGN).status_code == 403


def test_principal_changes_a_first_responsible_person(as_user, leadership, principal):
    assignment = leadership["assignments"]["taojiang"]
    response = as_user("principal").post(
        change(assignment), {"person": leadership["people"]["校长乙"].pk, **revision_data(assignment)}
    )
    assert response.status_code == 302 and response["Location"] == RESPONSIBILITIES
    assignment.refresh_from_db()
    assert assignment.person.name == "校长乙" and assignment.campus.code == "taojiang"
    assert assignment.history.first().history_user == principal


def test_principal_assigns_an_empty_cell_from_the_matrix_link(as_user, longshi, campuses, leadership):
    client = as_user("principal")
    params = {"group": longshi.pk, "area": "finance", "campus": campuses["hongqi"].pk}
    form = client.get(ASSIGN, params).context["form"]
    assert form.initial == {k: str(v) for k, v in params.items()}
    person = leadership["people"]["执行副校长红"]
    response = client.post(ASSIGN, {**params, "person": person.pk})
    assert response.status_code == 302
    assert (
        ResponsibilityAssignment.objects.get(group=longshi, area="finance", campus=campuses["hongqi"]).person
        == person
    )


def test_assigning_a_taken_cell_replaces_the_person(as_user, longshi, leadership):
    response = as_user("admin").post(
        ASSIGN,
        {"group": longshi.pk, "area": "integrity", "campus": "", "person": leadership["people"]["校长乙"].pk},
    )
    assert response.status_code == 302
    assert (
        ResponsibilityAssignment.objects.get(group=longshi, area="integrity", campus=None).person.name
        == "校长乙"
    )
    assert ResponsibilityAssignment.objects.filter(group=longshi, area="integrity").count() == 1


def test_campus_must_belong_to_the_group(as_user, longshi, leadership):
    other_campus = CampusFactory(school=SchoolFactory(group=EducationGroupFactory()))
    response = as_user("admin").post(
        ASSIGN,
        {
            "group": longshi.pk,
            "area": "safety",
            "campus": other_campus.pk,
            "person": leadership["people"]["校长乙"].pk,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["campus"] == ["The campus must belong to this group."]


def test_leading_group_members_without_campus_can_be_named(as_user, longshi):
    form = as_user("principal").get(ASSIGN).context["form"]
    assert {"郭建龙", "叶智福"} <= {p.name for p in form.fields["person"].queryset}


def test_principal_cannot_assign_in_another_group(as_user, leadership):
    group = EducationGroupFactory()
    elsewhere = ResponsibilityAssignment.objects.create(
        group=group, area="safety", person=StaffMemberFactory()
    )
    client = as_user("principal")
    assert client.get(change(elsewhere)).status_code == 404
    response = client.post(
        ASSIGN, {"group": group.pk, "area": "ethics", "campus": "", "person": elsewhere.person.pk}
    )
    assert response.status_code == 200 and "group" in response.context["form"].errors


def test_service_refuses_another_group(leadership, principal):
    with pytest.raises(PermissionDenied):
        services.responsibility_assign(
            user=principal,
            group=EducationGroupFactory(),
            area="safety",
            person=leadership["people"]["校长乙"],
        )
