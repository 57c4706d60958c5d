"""The channel pages and the admin: webhook address and secret never shown again; who manages
which channels; the delivery log with its filters, export and constant queries."""

import pytest
from django.urls import reverse

from notices.models import Channel, Delivery

from .factories import ChannelFactory, DeliveryFactory

WEBHOOK = "https://oapi.dingtalk.com/robot/send?access_token=0a1b2c3d4e5f6a7b8c9d"
SECRET = "SECf00dfeedcafe0123456789abcdef0123456789abcdef0123456789abcdef01"


def channel_data(campus, **overrides):
    data = {
        "name": "红旗校区钉钉群",
        "kind": "dingtalk",
        "campus": campus.pk,
        "group": "",
        "event_kinds": ["due_soon", "overdue"],
        "address": "",
        "webhook_url": WEBHOOK,
        "secret": SECRET,
        "active": "on",
    }
    data.update(overrides)
    return data


def secrets_absent(html: str) -> bool:
    return WEBHOOK not in html and "0a1b2c3d4e5f6a7b8c9d" not in html and SECRET not in html


def test_bureau_creates_a_dingtalk_channel_and_never_sees_its_secret_again(client_as, campuses):
    client = client_as("bureau")
    response = client.post(reverse("notices:channel_create"), channel_data(campuses["hongqi"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    channel = Channel.objects.get()
    assert (channel.webhook_url, channel.secret, channel.event_kinds) == (
        WEBHOOK,
        SECRET,
        ["due_soon", "overdue"],
    )
    page = client.get(reverse("notices:channel_update", args=[channel.pk])).content.decode()
    assert secrets_absent(page)
    assert "已设置" in page
    listing = client.get(reverse("notices:channel_list")).content.decode()
    assert secrets_absent(listing) and "已设置" in listing
    export = client.get(reverse("notices:channel_list") + "?_export=csv").content.decode("utf-8-sig")
    assert secrets_absent(export)
    # History keeps who changed what, never the address or secret.
    assert not hasattr(channel.history.first(), "secret")


def test_an_empty_replace_field_keeps_the_secret_and_a_new_value_replaces_it(client_as, campuses):
    client = client_as("bureau")
    client.post(reverse("notices:channel_create"), channel_data(campuses["hongqi"]))
    channel = Channel.objects.get()
    url = reverse("notices:channel_update", args=[channel.pk])
    form = client.get(url).context["form"]
    revision = {
        name: form[name].value() for name in form.fields if name not in channel_data(campuses["hongqi"])
    }
    response = client.post(
        url, {**channel_data(campuses["hongqi"], webhook_url="", secret="", name="改名"), **revision}
    )
    assert response.status_code == 302
    channel.refresh_from_db()
    assert (channel.name, channel.webhook_url, channel.secret) == ("改名", WEBHOOK, SECRET)
    form = client.get(url).context["form"]
    revision = {
        name: form[name].value() for name in form.fields if name not in channel_data(campuses["hongqi"])
    }
    client.post(url, {**channel_data(campuses["hongqi"], webhook_url="", secret="SECnew"), **revision})
    channel.refresh_from_db()
    assert (channel.webhook_url, channel.secret) == (WEBHOOK, "SECnew")


def test_a_webhook_on_another_host_is_refused(client_as, campuses):
    response = client_as("bureau").post(
        reverse("notices:channel_create"),
        channel_data(campuses["hongqi"], webhook_url="http://10.0.0.5/robot/send?access_token=x"),
    )
    assert response.status_code == 200
    assert "oapi.dingtalk.com" in response.content.decode()
    assert not Channel.objects.exists()


def test_admin_change_page_does_not_show_the_secret(client_as, campuses):
    client = client_as("admin")
    add = reverse("admin:notices_channel_add")
    assert client.get(add).status_code == 200
    response = client.post(add, channel_data(campuses["hongqi"]))
    assert response.status_code == 302
    channel = Channel.objects.get()
    page = client.get(reverse("admin:notices_channel_change", args=[channel.pk])).content.decode()
    assert secrets_absent(page) and "已设置" in page
    changelist = client.get(reverse("admin:notices_channel_changelist")).content.decode()
    assert secrets_absent(changelist)
    history = client.get(reverse("admin:notices_channel_history", args=[channel.pk])).content.decode()
    assert secrets_absent(history)


def test_group_leadership_manages_its_own_groups_channels_only(client_as, campuses):
    from tests.campuses.factories import CampusFactory, EducationGroupFactory

    other = CampusFactory(school__group=EducationGroupFactory())
    ours = ChannelFactory(name="红旗群", campus=campuses["hongqi"])
    theirs = ChannelFactory(name="外集团群", campus=other)
    client = client_as("principal")
    listing = client.get(reverse("notices:channel_list")).content.decode()
    assert "红旗群" in listing and "外集团群" not in listing
    assert client.get(reverse("notices:channel_update", args=[ours.pk])).status_code == 200
    assert client.get(reverse("notices:channel_update", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("notices:channel_create"), channel_data(other))
    assert response.status_code == 200 and Channel.objects.count() == 2


@pytest.mark.parametrize("username", ["vp-hongqi", "supervisor"])
def test_other_roles_cannot_open_channels_or_the_log(client_as, plan, username):
    client = client_as(username)
    assert client.get(reverse("notices:channel_list")).status_code == 403
    assert client.get(reverse("notices:delivery_list")).status_code == 403
    menu = client.get("/").content.decode()
    assert reverse("notices:channel_list") not in menu


def test_the_menu_links_the_notices_for_bureau(client_as, plan):
    menu = client_as("bureau").get("/").content.decode()
    assert reverse("notices:channel_list") in menu and reverse("notices:delivery_list") in menu
    assert "发送记录" in menu


def test_delivery_log_filters_and_shows_the_error(client_as, campuses):
    failed = DeliveryFactory(channel=ChannelFactory(campus=campuses["hongqi"]))
    DeliveryFactory(channel=failed.channel, status=Delivery.Status.SENT, last_error="", http_status=200)
    client = client_as("bureau")
    page = client.get(reverse("notices:delivery_list") + "?status=failed")
    html = page.content.decode()
    assert page.status_code == 200
    assert "HTTP 500: Internal Server Error" in html and "失败" in html
    assert len(page.context["table"].rows) == 1
    export = client.get(reverse("notices:delivery_list") + "?status=failed&_export=csv")
    assert export.status_code == 200 and "HTTP 500" in export.content.decode("utf-8-sig")


@pytest.mark.parametrize("path", ["notices:delivery_list", "notices:channel_list"])
def test_lists_keep_a_constant_number_of_queries(client_as, campuses, django_assert_max_num_queries, path):
    client = client_as("bureau")
    url = reverse(path)
    for _ in range(3):
        DeliveryFactory(channel=ChannelFactory(campus=campuses["hongqi"]))
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _ in range(20):
        DeliveryFactory(channel=ChannelFactory(campus=campuses["longxiang"]))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_delivery_log_shows_the_message_linked_to_its_record_on_this_portal(client_as, campuses):
    DeliveryFactory(
        channel=ChannelFactory(campus=campuses["hongqi"]),
        body="杨华：从红旗校区到桃江校区。\n意见：同意。",
        link="http://portal.example.org/staff/rotations/17/",
        item_key="rotation:17",
    )
    page = client_as("bureau").get(reverse("notices:delivery_list"))
    html = page.content.decode()
    assert '<a href="/staff/rotations/17/">杨华：从红旗校区到桃江校区。</a>' in html
    assert "rotation:17" not in html  # the key is for the export, not the reader
    export = client_as("bureau").get(reverse("notices:delivery_list") + "?_export=csv")
    assert "rotation:17" in export.content.decode("utf-8-sig")
