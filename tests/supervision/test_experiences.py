"""Typical experiences: drafts for their authors and the bureau, a published page for everyone
signed in (printable, shareable), publication by the bureau, attachments, constant queries."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from supervision import services
from supervision.models import Experience

from .factories import ExperienceFactory

PUBLISHED = reverse("supervision:experience_published")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def draft(vp_taojiang, campuses):
    return services.experience_create(
        user=vp_taojiang,
        title="桃江校区新教师跟岗研修",
        topic="teachers",
        body="新教师到红旗校区跟岗一学期。",
        campus=campuses["taojiang"],
        files=[SimpleUploadedFile("研修方案.pdf", b"%PDF-1.4 plan", content_type="application/pdf")],
    )


@pytest.fixture
def published(draft, bureau):
    return services.experience_publish(user=bureau, experience=draft)


def test_vp_writes_a_draft_for_their_campus(draft, vp_taojiang, campuses):
    assert (draft.status, draft.author, draft.campus) == ("draft", vp_taojiang, campuses["taojiang"])
    assert draft.attachments.get().name == "研修方案.pdf"


def test_vp_cannot_write_for_another_campus_or_the_whole_group(vp_taojiang, campuses):
    for campus in (campuses["hongqi"], None):
        with pytest.raises(ValidationError) as error:
            services.experience_create(user=vp_taojiang, title="x", topic="other", body="y", campus=campus)
        assert "campus" in error.value.error_dict
    assert not Experience.objects.exists()


def test_only_the_bureau_publishes(draft, vp_taojiang, principal, bureau):
    for user in (vp_taojiang, principal):
        with pytest.raises(PermissionDenied):
            services.experience_publish(user=user, experience=draft)
    services.experience_publish(user=bureau, experience=draft)
    draft.refresh_from_db()
    assert draft.status == "published" and draft.published_at is not None
    with pytest.raises(ValidationError):
        services.experience_publish(user=bureau, experience=draft)


def test_the_author_changes_a_draft_not_a_published_experience(draft, vp_taojiang, bureau, campuses):
    fields = dict(title="新标题", topic="teachers", body="正文", campus=campuses["taojiang"])
    services.experience_update(user=vp_taojiang, experience=draft, **fields)
    services.experience_publish(user=bureau, experience=draft)
    with pytest.raises(PermissionDenied):
        services.experience_update(user=vp_taojiang, experience=draft, **fields)
    services.experience_unpublish(user=bureau, experience=draft)
    assert Experience.objects.get().published_at is None


def test_published_page_is_for_everyone_signed_in(client, client_as, outsider, published, draft):
    other_draft = ExperienceFactory(title="未发布的草稿")
    assert client.get(PUBLISHED).status_code == 302  # anonymous: to the login page
    client.force_login(outsider)
    for c in (client, client_as("vp-hongqi"), client_as("bureau")):
        response = c.get(PUBLISHED)
        assert response.status_code == 200
        assert [e.title for e in response.context["experiences"]] == ["桃江校区新教师跟岗研修"]
        assert "未发布的草稿" not in response.content.decode()
        assert "js/planning_print.js" in response.content.decode()
        assert c.get(reverse("supervision:experience_detail", args=[published.pk])).status_code == 200
    assert other_draft.status == "draft"


def test_a_draft_is_404_for_anyone_but_its_author_and_the_bureau(client_as, draft):
    url = reverse("supervision:experience_detail", args=[draft.pk])
    attachment = reverse("supervision:experience_attachment", args=[draft.pk, draft.attachments.get().pk])
    for username in ("vp-hongqi", "principal"):
        client = client_as(username)
        assert client.get(url).status_code == 404, username
        assert client.get(attachment).status_code == 404, username
        exported = client.get(reverse("supervision:experience_list"), {"_export": "csv"}).content.decode(
            "utf-8-sig"
        )
        assert "桃江校区新教师跟岗研修" not in exported
    for username in ("vp-taojiang", "bureau"):
        client = client_as(username)
        assert client.get(url).status_code == 200
        assert client.get(attachment).status_code == 200


def test_management_list_refuses_users_without_a_role(client, outsider, draft):
    assert client.get(reverse("supervision:experience_list")).status_code == 302
    client.force_login(outsider)
    assert client.get(reverse("supervision:experience_list")).status_code == 403
    assert client.get(reverse("supervision:experience_create")).status_code == 403
    assert client.get(reverse("supervision:experience_update", args=[draft.pk])).status_code == 403


def test_others_cannot_edit_or_publish_through_urls(client_as, draft, published):
    client = client_as("vp-hongqi")
    assert (
        client.get(reverse("supervision:experience_update", args=[draft.pk])).status_code == 403
    )  # published
    assert client.post(reverse("supervision:experience_unpublish", args=[draft.pk])).status_code == 403
    assert Experience.objects.get().status == "published"


def test_bureau_publishes_through_the_page(client_as, draft):
    response = client_as("bureau").post(reverse("supervision:experience_publish", args=[draft.pk]))
    assert response.status_code == 302
    assert Experience.objects.get().status == "published"


def test_vp_writes_through_the_form(client_as, campuses):
    response = client_as("vp-longxiang").post(
        reverse("supervision:experience_create"),
        {
            "title": "龙翔校区课后服务",
            "campus": campuses["longxiang"].pk,
            "topic": "well_rounded",
            "summary": "",
            "body": "课后服务菜单式选课。",
        },
    )
    experience = Experience.objects.get()
    assert response.status_code == 302 and response.url == experience.get_absolute_url()
    assert experience.campus == campuses["longxiang"]


def test_form_offers_only_campuses_in_scope(client_as, campuses):
    form = client_as("vp-longxiang").get(reverse("supervision:experience_create")).context["form"]
    assert list(form.fields["campus"].queryset) == [campuses["longxiang"]]


def test_published_page_filters_by_topic(client_as, bureau, campuses, published):
    other = ExperienceFactory(author=bureau, topic="party_building", title="党建引领")
    services.experience_publish(user=bureau, experience=other)
    response = client_as("bureau").get(PUBLISHED, {"topic": "party_building"})
    assert [e.title for e in response.context["experiences"]] == ["党建引领"]


def test_experiences_export(client_as, published):
    response = client_as("bureau").get(reverse("supervision:experience_list"), {"_export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == "桃江校区新教师跟岗研修"


@pytest.mark.parametrize("count", [3, 30])
def test_pages_keep_constant_queries(client_as, bureau, campuses, django_assert_max_num_queries, count):
    for _n in range(count):
        experience = ExperienceFactory(author=bureau, campus=campuses["hongqi"])
        services.experience_publish(user=bureau, experience=experience)
    for username in ("bureau", "vp-hongqi"):
        client = client_as(username)
        for url, params in (
            (reverse("supervision:experience_list"), {}),
            (reverse("supervision:experience_list"), {"_export": "xlsx"}),
            (PUBLISHED, {}),
        ):
            client.get(url, params)
            with django_assert_max_num_queries(14):
                assert client.get(url, params).status_code == 200
