"""Two people editing one record never lose a change silently (kernel.concurrency).

A form carries the revision it was drawn from; a save made from an older one is refused with a
409 page that names who changed what and when, keeps what the person typed, and applies it when
submitted again. The same holds for form views that edit one record and for the admin."""

import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import reverse

from kernel.concurrency import VERSION_FIELD, Versioned, revision_data
from staff.models import PostType, ProfessionalTitle, StaffMember, Subject
from tests.admin.forms import change_form_data
from tests.staff.factories import StaffMemberFactory


def _form(member, **changes):
    data = {
        "name": member.name,
        "gender": member.gender,
        "staff_number": member.staff_number,
        "subject": member.subject or Subject.MATHS,
        "professional_title": member.professional_title or ProfessionalTitle.SECOND,
        "post_type": member.post_type or PostType.TEACHER,
        "position": member.position,
        "home_campus": member.home_campus_id,
        "on_campus_since": member.on_campus_since.isoformat() if member.on_campus_since else "",
        "is_active": "on",
    }
    data.update(changes)
    return data


def _hidden_revision(response) -> str:
    match = re.search(rb'name="revision" value="([^"]+)"', response.content)
    assert match, "the form carries its revision"
    return match.group(1).decode()


@pytest.fixture
def member(campuses):
    return StaffMemberFactory(name="王老师", home_campus=campuses["longxiang"], position="教师")


def edit(member):
    return reverse("staff:member_update", args=[member.pk])


def test_every_edited_model_carries_a_revision():
    versioned = {m._meta.label for m in apps.get_models() if issubclass(m, Versioned)}
    # The records people edit in pages and the admin; the score grid has its own `Score.version`.
    for label in (
        "staff.StaffMember",
        "planning.Measure",
        "supervision.Rectification",
        "sharing.Asset",
        "evaluation.Scheme",
        "campuses.Campus",
        "staff.ResponsibilityAssignment",
    ):
        assert label in versioned
    for model in apps.get_models():
        if issubclass(model, Versioned):
            history = getattr(model, "history", None)
            assert history is not None, f"{model._meta.label}: a versioned record keeps its history"
            assert VERSION_FIELD in {f.name for f in history.model._meta.fields}


def test_a_stale_save_is_refused_and_shown(client_as, member):
    first, second = client_as("principal"), client_as("vp-longxiang")
    # Both open the form at the same revision.
    seen_by_first = _hidden_revision(first.get(edit(member)))
    seen_by_second = _hidden_revision(second.get(edit(member)))
    assert seen_by_first == seen_by_second

    # The first saves a new position.
    response = first.post(edit(member), _form(member, position="教研组长", revision=seen_by_first))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.position == "教研组长"

    # The second saves from the form they opened before: refused, nothing written.
    response = second.post(
        edit(member), _form(member, position="年级组长", name="王老师", revision=seen_by_second)
    )
    assert response.status_code == 409
    member.refresh_from_db()
    assert member.position == "教研组长"
    page = response.content.decode()
    assert "其他人修改了此记录" in page and "教研组长" in page
    conflict = response.context["form"].conflict
    principal = get_user_model().objects.get(username="principal")
    assert [name for name, _when in conflict.editors] == [principal.get_full_name() or "principal"]
    change = next(c for c in conflict.changes if c.name == "position")
    assert (change.was, change.now, change.yours) == ("教师", "教研组长", "年级组长")
    assert "年级组长" in page  # the form keeps what they typed

    # Submitting the same form again applies their change on top of the newer record.
    again = second.post(edit(member), _form(member, position="年级组长", revision=_hidden_revision(response)))
    assert again.status_code == 302
    member.refresh_from_db()
    assert member.position == "年级组长"
    positions = [entry.position for entry in member.history.order_by("history_date", "history_id")]
    assert positions[-2:] == ["教研组长", "年级组长"]  # both changes are in the history


def test_a_form_without_its_revision_is_refused(client_as, member):
    client = client_as("principal")
    response = client.post(edit(member), _form(member, position="教研组长"))
    assert response.status_code == 200
    assert "表单没有修订标记" in response.content.decode()
    member.refresh_from_db()
    assert member.position == "教师"


def test_an_altered_revision_is_refused(client_as, member):
    client = client_as("principal")
    response = client.post(edit(member), _form(member, position="教研组长", revision="99:forged"))
    assert response.status_code == 200
    assert "修订标记被改动" in response.content.decode()
    member.refresh_from_db()
    assert member.position == "教师"


def test_a_save_made_while_the_record_was_deleted_says_so(client_as, member):
    client = client_as("principal")
    data = _form(member, position="教研组长", **revision_data(member))
    StaffMember.objects.filter(pk=member.pk).delete()
    assert client.post(edit(member), data).status_code == 404


def test_a_form_view_that_edits_one_record_is_checked_too(client_as, member, leadership_assignment):
    """The first-responsible-person page is a form view over one assignment."""
    assignment = leadership_assignment
    url = reverse("staff:responsibility_update", args=[assignment.pk])
    client = client_as("principal")
    stale = revision_data(assignment)
    assignment.save()  # someone else saves in between
    data = {
        "group": assignment.group_id,
        "area": assignment.area,
        "campus": assignment.campus_id or "",
        "person": member.pk,
        **stale,
    }
    response = client.post(url, data)
    assert response.status_code == 409
    assignment.refresh_from_db()
    assert assignment.person_id != member.pk
    response = client.post(url, {**data, "revision": _hidden_revision(response)})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.person_id == member.pk


@pytest.fixture
def leadership_assignment(campuses):
    from staff.models import ResponsibilityArea, ResponsibilityAssignment

    campus = campuses["longxiang"]
    person = StaffMemberFactory(name="原负责人", home_campus=campus)
    return ResponsibilityAssignment.objects.create(
        group=campus.school.group, area=ResponsibilityArea.SAFETY, campus=campus, person=person
    )


# --- admin -----------------------------------------------------------------------------------


def test_admin_change_page_refuses_a_stale_save(client, member, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:staff_staffmember_change", args=[member.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = change_form_data(page)
    assert data["revision"] == _hidden_revision(page)
    data["position"] = "副校长"

    StaffMember.objects.filter(pk=member.pk).update(position="教务主任")  # no revision bump...
    fresh = StaffMember.objects.get(pk=member.pk)
    fresh.save()  # ...a real save raises it

    response = client.post(url, data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "未保存" in text and "职务" in text
    member.refresh_from_db()
    assert member.position == "教务主任"

    response = client.post(url, {**data, "revision": _hidden_revision(response)})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.position == "副校长"


def test_admin_history_revert_is_not_taken_for_a_conflict(client, member, admin_user):
    client.force_login(admin_user)
    member.position = "教研组长"
    member.save()
    first = member.history.order_by("history_date", "history_id").first()
    url = reverse("admin:staff_staffmember_simple_history", args=[member.pk, first.history_id])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert _hidden_revision(page)
    assert form.initial[VERSION_FIELD] == StaffMember.objects.get(pk=member.pk).revision


# --- every edit page --------------------------------------------------------------------------


def _edits_a_record(view_class) -> bool:
    from django.views.generic import UpdateView

    from kernel.generic import ScopedFormMixin

    if view_class is None or not issubclass(view_class, ScopedFormMixin):
        return False
    return issubclass(view_class, UpdateView) or view_class.edited_record is not ScopedFormMixin.edited_record


def test_every_edit_page_carries_the_revision(db):
    """Every page whose form changes one record (an UpdateView, or a form view that names the
    record it edits) draws its form with the record's signed revision."""
    from django.test import Client
    from django.urls import resolve

    from tests.security import crawl

    crawl.fill_database()
    plan = crawl.crawl_urls()
    users = get_user_model().objects.filter(
        username__in=["admin", "principal", "bureau", "personnel", "supervisor", "vp-hongqi", "vp-longxiang"]
    )
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    edit_pages = [
        t
        for t in plan.targets
        if _edits_a_record(getattr(resolve(t.url.split("?")[0]).func, "view_class", None))
    ]
    assert len(edit_pages) >= 12, [t.name for t in edit_pages]
    missing = []
    for target in edit_pages:
        pages = [client.get(target.url) for client in clients]
        shown = [page for page in pages if page.status_code == 200 and b"<form" in page.content]
        if not shown or not all(b'name="revision"' in page.content for page in shown):
            missing.append((target.name, [page.status_code for page in pages]))
    assert missing == []
