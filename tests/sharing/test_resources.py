"""The shared teaching library (优质资源共享): every campus of the group reads it, downloads and
uses are counted per campus, files are served only to users who may see the record."""

import pytest
from django.urls import reverse

from sharing.models import ResourceUse, TeachingResource
from sharing.selectors import resource_sharing
from tests.campuses.factories import CampusFactory
from tests.staff.factories import StaffMemberFactory

from .conftest import make_resource, upload


def download(client, resource):
    return client.get(reverse("sharing:resource_download", args=[resource.pk]))


def test_vp_browses_the_whole_group_library(client_as, campuses):
    resources = {code: make_resource(campus, title=f"{code}教案") for code, campus in campuses.items()}
    outside = make_resource(CampusFactory(), title="外校教案")
    response = client_as("vp-longxiang").get(reverse("sharing:resource_list"))
    assert {row.record for row in response.context["table"].rows} == set(resources.values())
    assert outside not in {row.record for row in response.context["table"].rows}


def test_download_is_counted_for_the_campus_of_the_user(client_as, campuses):
    resource = make_resource(campuses["hongqi"])
    response = download(client_as("vp-taojiang"), resource)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"lesson plan body"
    assert "attachment" in response["Content-Disposition"]
    use = ResourceUse.objects.get()
    assert (use.campus, use.kind, use.user.username) == (campuses["taojiang"], "download", "vp-taojiang")


def test_use_in_teaching_is_recorded(client_as, campuses):
    resource = make_resource(campuses["hongqi"])
    response = client_as("vp-longxiang").post(reverse("sharing:resource_use", args=[resource.pk]))
    assert response.status_code == 302
    assert ResourceUse.objects.get().kind == "use"


def test_download_refused_out_of_scope(client, client_as, outsider, campuses):
    other_group = make_resource(CampusFactory(), title="外校教案")
    assert download(client_as("vp-hongqi"), other_group).status_code == 404
    assert (
        client_as("vp-hongqi").get(reverse("sharing:resource_detail", args=[other_group.pk])).status_code
        == 404
    )
    client.force_login(outsider)
    assert download(client, make_resource(campuses["hongqi"])).status_code == 404
    assert not ResourceUse.objects.exists()


def test_anonymous_download_goes_to_login(client, campuses):
    response = download(client, make_resource(campuses["hongqi"]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_vp_uploads_only_for_own_campus(client_as, campuses):
    author = StaffMemberFactory(home_campus=campuses["hongqi"], name="王老师")
    client = client_as("vp-hongqi")
    data = {
        "title": "《秋天》教学设计",
        "kind": "lesson_plan",
        "subject": "chinese",
        "grade": "3",
        "author": author.pk,
        "campus": campuses["hongqi"].pk,
        "file": upload("qiutian.pdf", b"%PDF-1.7 lesson plan"),
    }
    response = client.post(reverse("sharing:resource_create"), data)
    resource = TeachingResource.objects.get()
    assert response.status_code == 302 and resource.uploaded_by.username == "vp-hongqi"
    data.update(campus=campuses["taojiang"].pk, file=upload("x.pdf", b"%PDF-1.7 x"))
    refused = client.post(reverse("sharing:resource_create"), data)
    assert refused.status_code == 200 and "campus" in refused.context["form"].errors
    assert TeachingResource.objects.count() == 1


def test_bureau_cannot_upload(client_as, campuses):
    assert client_as("bureau").get(reverse("sharing:resource_create")).status_code == 403


def test_share_of_uses_at_another_campus(campuses, vp_hongqi, vp_longxiang, vp_taojiang, principal):
    from sharing.services import resource_use_record

    hongqi = make_resource(campuses["hongqi"])
    taojiang = make_resource(campuses["taojiang"])
    for user in (vp_hongqi, vp_longxiang, vp_taojiang, vp_taojiang):
        resource_use_record(user=user, resource=hongqi, kind="download")
    resource_use_record(user=vp_taojiang, resource=taojiang, kind="use")
    columns, rows = resource_sharing(user=principal)
    by_campus = {row.campus.code: row for row in rows}
    assert [c.code for c in columns] == ["hongqi", "longxiang", "taojiang"]
    assert by_campus["hongqi"].uses == 4 and by_campus["hongqi"].uses_elsewhere == 3
    assert str(by_campus["hongqi"].share_elsewhere) == "75.0"
    assert by_campus["taojiang"].share_elsewhere == 0
    assert by_campus["longxiang"].share_elsewhere is None
    assert by_campus["hongqi"].by_campus == {
        campuses["hongqi"].pk: 1,
        campuses["longxiang"].pk: 1,
        campuses["taojiang"].pk: 2,
    }


def test_city_wide_downloads_are_not_attributed_to_a_campus(client_as, campuses):
    resource = make_resource(campuses["hongqi"])
    assert download(client_as("bureau"), resource).status_code == 200
    assert ResourceUse.objects.get().campus is None


@pytest.mark.parametrize(
    "url_name", ["sharing:resource_list", "sharing:use_list", "sharing:resource_sharing"]
)
def test_resource_lists_keep_constant_queries(client_as, campuses, url_name, django_assert_max_num_queries):
    from django.contrib.auth import get_user_model

    client = client_as("vp-taojiang")
    user = get_user_model().objects.get(username="vp-taojiang")
    author = StaffMemberFactory(home_campus=campuses["hongqi"])
    for size in (3, 30):
        while TeachingResource.objects.count() < size:
            resource = make_resource(campuses["hongqi"], author=author, file="sharing/resources/x.txt")
            ResourceUse.objects.create(
                resource=resource, user=user, campus=campuses["taojiang"], kind="download"
            )
        with django_assert_max_num_queries(12):
            assert client.get(reverse(url_name)).status_code == 200
