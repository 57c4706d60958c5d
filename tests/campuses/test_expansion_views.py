"""Pages of expansion applications: permission matrix, the review buttons for the bureau,
approval through the page creating the membership, exports and constant queries."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campuses import services
from campuses.models import EducationGroup, ExpansionApplication, School
from tests.campuses.factories import SchoolFactory

from .factories import ExpansionApplicationFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name="申请报告.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 application", content_type="application/pdf")


@pytest.fixture
def longshi(plan):
    return EducationGroup.objects.get(code="longshi")


@pytest.fixture
def application(principal, longshi):
    """vp-free admission: 城西小学 into 龙师附小教育集团, applied for by the principal, submitted."""
    school = SchoolFactory(name="城西小学", code="chengxi")
    application = services.expansion_application_create(
        user=principal, kind="admit_school", target_group=longshi, school=school, documents=[pdf()]
    )
    return services.expansion_application_submit(user=principal, application=application)


def urls(application):
    return [
        reverse("campuses:application_list"),
        reverse("campuses:application_detail", args=[application.pk]),
        reverse("campuses:application_document", args=[application.pk, application.documents.get().pk]),
    ]


def test_anonymous_goes_to_login(client, application):
    for url in urls(application) + [reverse("campuses:application_create")]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url


@pytest.mark.parametrize("username", ["outsider", "vp-hongqi"])
def test_roles_without_expansion_business_are_refused(outsider, client_as, application, username):
    client = client_as(username)
    for url in urls(application) + [reverse("campuses:application_create")]:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("campuses:application_approve", args=[application.pk])).status_code == 403


def test_another_groups_leadership_gets_404_by_url_and_export(client_as, application, django_user_model):
    from kernel.services import group_grant_access

    other_group = EducationGroup.objects.create(code="other", name="另一个集团")
    leader = django_user_model.objects.create_user("other-principal")
    group_grant_access(user=leader, group=other_group)
    client = client_as("other-principal")
    for url in urls(application)[1:]:
        assert client.get(url).status_code == 404, url
    response = client.get(reverse("campuses:application_list"), {"_export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1


@pytest.mark.parametrize("username", ["bureau", "principal"])
def test_bureau_and_the_groups_leadership_open_it(client_as, application, username):
    client = client_as(username)
    for url in urls(application):
        assert client.get(url).status_code == 200, url


def test_detail_shows_steps_and_buttons_by_role(client_as, application):
    bureau_page = client_as("bureau").get(reverse("campuses:application_detail", args=[application.pk]))
    assert bureau_page.context["can_review"] and bureau_page.context["can_reject"]
    assert [step.step for step in bureau_page.context["steps"]] == ["create", "submit"]
    assert reverse("campuses:application_review", args=[application.pk]) in bureau_page.content.decode()
    principal_page = client_as("principal").get(reverse("campuses:application_detail", args=[application.pk]))
    assert not principal_page.context["can_review"] and not principal_page.context["can_approve"]
    assert (
        reverse("campuses:application_review", args=[application.pk]) not in principal_page.content.decode()
    )


def test_principal_cannot_approve_through_the_url(client_as, application, bureau):
    services.expansion_application_review(user=bureau, application=application)
    response = client_as("principal").post(reverse("campuses:application_approve", args=[application.pk]))
    assert response.status_code == 403
    assert ExpansionApplication.objects.get().status == "under_review"


def test_bureau_reviews_and_approves_through_the_page(client_as, application, longshi):
    client = client_as("bureau")
    client.post(reverse("campuses:application_review", args=[application.pk]), {"comment": "材料齐全"})
    response = client.post(
        reverse("campuses:application_approve", args=[application.pk]), {"comment": "同意纳入"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved" and application.school.group == longshi
    assert [s.comment for s in application.steps.all()][-2:] == ["材料齐全", "同意纳入"]


def test_reject_without_reasons_is_a_message_and_changes_nothing(client_as, application):
    response = client_as("bureau").post(
        reverse("campuses:application_reject", args=[application.pk]),
        {"comment": ""},
        follow=True,
        headers={"accept-language": "en"},
    )
    assert [(m.level_tag, str(m)) for m in response.context["messages"]] == [
        ("error", "Give the reasons for the rejection.")
    ]
    assert ExpansionApplication.objects.get().status == "submitted"


def test_principal_applies_through_the_form(client_as, longshi):
    school = SchoolFactory(name="城南小学", code="chengnan")
    response = client_as("principal").post(
        reverse("campuses:application_create"),
        {
            "kind": "admit_school",
            "target_group": longshi.pk,
            "school": school.pk,
            "reason": "就近入学",
            "document": pdf(),
        },
    )
    application = ExpansionApplication.objects.get()
    assert response.status_code == 302 and response.url == application.get_absolute_url()
    assert application.documents.count() == 1 and application.status == "draft"


def test_form_names_missing_fields_of_a_new_group(client_as, plan):
    response = client_as("bureau").post(reverse("campuses:application_create"), {"kind": "new_group"})
    assert response.status_code == 200
    assert {"proposed_name", "proposed_code", "core_school", "governance_mode"} <= set(
        response.context["form"].errors
    )
    assert not ExpansionApplication.objects.exists()


def test_form_offers_only_schools_in_no_group(client_as, plan):
    free = SchoolFactory(name="城南小学", code="chengnan")
    form = client_as("principal").get(reverse("campuses:application_create")).context["form"]
    assert list(form.fields["school"].queryset) == [free]
    assert School.objects.get(code="longshi-fuxiao") not in form.fields["core_school"].queryset


def test_applicant_adds_a_document_before_review(client_as, application):
    client = client_as("principal")
    client.post(
        reverse("campuses:application_document_add", args=[application.pk]), {"file": pdf("补充材料.pdf")}
    )
    assert application.documents.count() == 2
    download = client.get(
        reverse("campuses:application_document", args=[application.pk, application.documents.last().pk])
    )
    assert download.status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_list_keeps_constant_queries(client_as, principal, longshi, django_assert_max_num_queries, count):
    for _n in range(count):
        ExpansionApplicationFactory(applicant=principal, target_group=longshi, school=SchoolFactory())
    for username in ("bureau", "principal"):
        client = client_as(username)
        url = reverse("campuses:application_list")
        client.get(url)
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200
        with django_assert_max_num_queries(14):
            assert client.get(url, {"_export": "xlsx"}).status_code == 200
