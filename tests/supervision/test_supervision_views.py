"""Pages of supervision visits and rectifications: the permission matrix (anonymous, no role,
vice-principal of another campus, bureau), closing with a record, exports, constant queries."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campuses.models import EducationGroup
from kernel.concurrency import revision_data
from supervision.models import Rectification, SupervisionVisit

from .factories import RectificationFactory, SupervisionVisitFactory


@pytest.fixture
def visit(campuses, supervisor):
    """A visit to 桃江 with one rectification owned by vp-taojiang."""
    return SupervisionVisitFactory(campus=campuses["taojiang"], created_by=supervisor)


@pytest.fixture
def item(visit, vp_taojiang):
    return RectificationFactory(visit=visit, owner=vp_taojiang, description="补齐课后服务台账")


def test_anonymous_goes_to_login(client, item):
    for url in (
        reverse("supervision:visit_list"),
        reverse("supervision:visit_detail", args=[item.visit_id]),
        reverse("supervision:rectification_list"),
        reverse("supervision:rectification_detail", args=[item.pk]),
        reverse("supervision:rectification_close", args=[item.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url


def test_user_without_role_is_refused(client, outsider, item):
    client.force_login(outsider)
    for url in (
        reverse("supervision:visit_list"),
        reverse("supervision:visit_detail", args=[item.visit_id]),
        reverse("supervision:visit_create"),
        reverse("supervision:rectification_list"),
        reverse("supervision:rectification_detail", args=[item.pk]),
        reverse("supervision:rectification_close", args=[item.pk]),
        reverse("supervision:rectification_attachment", args=[item.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_vp_of_another_campus_gets_404_by_url(client_as, item):
    client = client_as("vp-hongqi")
    for url in (
        reverse("supervision:visit_detail", args=[item.visit_id]),
        reverse("supervision:rectification_detail", args=[item.pk]),
        reverse("supervision:rectification_close", args=[item.pk]),
        reverse("supervision:rectification_attachment", args=[item.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("supervision:rectification_close", args=[item.pk]), {"closing_record": "x"}
    )
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == "open"


def test_vp_of_another_campus_sees_nothing_in_lists_and_exports(client_as, item):
    client = client_as("vp-hongqi")
    assert not list(client.get(reverse("supervision:rectification_list")).context["table"].data)
    assert not list(client.get(reverse("supervision:visit_list")).context["table"].data)
    response = client.get(reverse("supervision:rectification_list"), {"_export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1  # the header only
    assert "补齐课后服务台账" not in response.content.decode("utf-8-sig")


def test_vp_of_the_campus_sees_and_exports_its_rectification(client_as, item):
    client = client_as("vp-taojiang")
    assert client.get(reverse("supervision:visit_detail", args=[item.visit_id])).status_code == 200
    assert client.get(reverse("supervision:rectification_detail", args=[item.pk])).status_code == 200
    response = client.get(reverse("supervision:rectification_list"), {"_export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["补齐课后服务台账"]


@pytest.mark.parametrize("username", ["bureau", "supervisor", "principal"])
def test_bureau_and_group_leadership_open_every_page(client_as, item, username):
    client = client_as(username)
    for url in (
        reverse("supervision:visit_list"),
        reverse("supervision:visit_detail", args=[item.visit_id]),
        reverse("supervision:rectification_list"),
        reverse("supervision:rectification_detail", args=[item.pk]),
        reverse("supervision:rectification_close", args=[item.pk]),
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("username", ["principal", "vp-taojiang"])
def test_only_the_bureau_records_visits_and_sets_rectifications(client_as, item, username):
    client = client_as(username)
    assert client.get(reverse("supervision:visit_create")).status_code == 403
    assert client.get(reverse("supervision:rectification_create", args=[item.visit_id])).status_code == 403
    assert client.get(reverse("supervision:rectification_update", args=[item.pk])).status_code == 403


def test_bureau_records_a_visit_and_its_rectification_through_the_pages(client_as, campuses, vp_longxiang):
    client = client_as("supervisor")
    response = client.post(
        reverse("supervision:visit_create"),
        {
            "kind": "process_evaluation",
            "visited_on": "2025-04-02",
            "campus": campuses["longxiang"].pk,
            "team": "督导室 王督学",
            "findings": "教研活动记录不完整",
        },
    )
    visit = SupervisionVisit.objects.get()
    assert response.status_code == 302 and response.url == visit.get_absolute_url()
    response = client.post(
        reverse("supervision:rectification_create", args=[visit.pk]),
        {
            "description": "完善教研活动记录",
            "owner": vp_longxiang.pk,
            "campus": campuses["longxiang"].pk,
            "due_on": "2025-05-30",
        },
    )
    assert response.status_code == 302
    item = Rectification.objects.get()
    assert (item.campus, item.owner, item.visit) == (campuses["longxiang"], vp_longxiang, visit)


def test_visit_form_names_the_field_on_bad_input(client_as, campuses):
    group = EducationGroup.objects.get(code="longshi")
    response = client_as("supervisor").post(
        reverse("supervision:visit_create"),
        {
            "kind": "supervision",
            "visited_on": "2025-04-02",
            "campus": campuses["longxiang"].pk,
            "group": group.pk,
            "team": "督导室",
            "findings": "x",
        },
    )
    assert response.status_code == 200
    assert "campus" in response.context["form"].errors
    assert not SupervisionVisit.objects.exists()


def test_rectification_form_refuses_an_owner_out_of_the_campus(client_as, visit, vp_hongqi):
    response = client_as("supervisor").post(
        reverse("supervision:rectification_create", args=[visit.pk]),
        {"description": "x", "owner": vp_hongqi.pk, "campus": visit.campus_id, "due_on": "2025-05-30"},
    )
    assert response.status_code == 200
    assert "owner" in response.context["form"].errors
    assert not Rectification.objects.exists()


def test_vp_closes_own_rectification_with_record_and_attachment(client_as, item, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_as("vp-taojiang")
    response = client.post(
        reverse("supervision:rectification_close", args=[item.pk]),
        {
            "closing_record": "已补齐台账并经督导室复查",
            "attachment": SimpleUploadedFile("台账.pdf", b"%PDF-1.4 ledger", content_type="application/pdf"),
            **revision_data(item),
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "closed" and item.closing_record == "已补齐台账并经督导室复查"
    download = client.get(reverse("supervision:rectification_attachment", args=[item.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 ledger"
    assert (
        client_as("vp-hongqi")
        .get(reverse("supervision:rectification_attachment", args=[item.pk]))
        .status_code
        == 404
    )


def test_closing_without_record_names_the_field(client_as, item):
    response = client_as("vp-taojiang").post(
        reverse("supervision:rectification_close", args=[item.pk]), {"closing_record": "  "}
    )
    assert response.status_code == 200
    assert "closing_record" in response.context["form"].errors
    item.refresh_from_db()
    assert item.status == "open"


def test_closed_rectification_shows_its_record_and_offers_no_close(client_as, item, vp_taojiang):
    from supervision import services

    services.rectification_close(user=vp_taojiang, rectification=item, record="已整改")
    client = client_as("bureau")
    page = client.get(reverse("supervision:rectification_detail", args=[item.pk]))
    assert page.context["can_close"] is False and "已整改" in page.content.decode()
    response = client.get(reverse("supervision:rectification_close", args=[item.pk]))
    assert response.status_code == 302


def make_rows(n, *, campuses, supervisor, owner):
    for i in range(n):
        visit = SupervisionVisitFactory(campus=campuses["taojiang"], created_by=supervisor)
        RectificationFactory(visit=visit, owner=owner, due_on=datetime.date(2020 + i % 15, 1, 1))


@pytest.mark.parametrize("name", ["visit_list", "rectification_list"])
@pytest.mark.parametrize("count", [3, 30])
def test_lists_keep_constant_queries(
    client_as, campuses, supervisor, vp_taojiang, django_assert_max_num_queries, name, count
):
    make_rows(count, campuses=campuses, supervisor=supervisor, owner=vp_taojiang)
    for username in ("bureau", "vp-taojiang"):
        client = client_as(username)
        url = reverse(f"supervision:{name}")
        client.get(url)
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200
        with django_assert_max_num_queries(14):
            assert client.get(url, {"_export": "xlsx"}).status_code == 200


def test_rectification_filters(client_as, item, visit, principal):
    RectificationFactory(
        visit=visit, owner=principal, due_on=datetime.date(2020, 1, 1), description="逾期事项"
    )
    client = client_as("bureau")

    def shown(**params):
        return {
            r.description
            for r in client.get(reverse("supervision:rectification_list"), params).context["table"].data
        }

    assert shown(status="overdue") == {"逾期事项"}
    assert shown(q="台账") == {"补齐课后服务台账"}
    assert shown(status="closed") == set()


def test_bureau_forms_render(client_as, item, bureau):
    from tests.campuses.factories import ExpansionApplicationFactory, SchoolFactory

    from .factories import ExperienceFactory

    experience = ExperienceFactory(author=bureau)
    application = ExpansionApplicationFactory(
        applicant=bureau, target_group=EducationGroup.objects.get(code="longshi"), school=SchoolFactory()
    )
    client = client_as("bureau")
    for url in (
        reverse("supervision:visit_create"),
        reverse("supervision:visit_update", args=[item.visit_id]),
        reverse("supervision:rectification_create", args=[item.visit_id]),
        reverse("supervision:rectification_update", args=[item.pk]),
        reverse("campuses:application_create"),
        reverse("campuses:application_update", args=[application.pk]),
        reverse("supervision:experience_create"),
        reverse("supervision:experience_update", args=[experience.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.context["form"].fields, url
