"""Paging, sorting and filter parameters of any value: a page or a 400 with a message."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from kernel.generic import MAX_PAGE_SIZE, page_size
from planning.models import Notification


@pytest.mark.parametrize(
    ("value", "expected"),
    [("-1", 20), ("0", 20), ("99999999999999999999", MAX_PAGE_SIZE), ("abc", 20), (None, 20), ("7", 7)],
)
def test_a_page_size_is_always_between_one_and_the_maximum(value, expected):
    assert page_size(value, default=20) == expected


@pytest.mark.parametrize("per_page", ["-1", "0", "99999999999999999999", "abc"])
@pytest.mark.parametrize("page", ["-1", "abc", "99999999999999999999", "last"])
def test_a_list_answers_any_paging_with_a_page(plan, client_as, per_page, page):
    response = client_as("bureau").get(reverse("campuses:campus_list"), {"per_page": per_page, "page": page})
    assert response.status_code == 200
    assert response.context["table"].page.object_list


@pytest.mark.parametrize(
    "url",
    ["/campuses/?q=%00", "/campuses/?sort=%00", "/admin/planning/measure/?status=%00", "/admin/?q=a%00b"],
)
def test_a_nul_character_in_a_parameter_is_a_400_with_a_message(plan, client_as, url):
    response = client_as("admin").get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "not allowed (NUL)" in response.content.decode()


def test_a_nul_character_in_a_form_field_is_a_400(plan, client_as):
    response = client_as("admin").post(reverse("admin:planning_measure_changelist"), {"q": "\x00"})
    assert response.status_code == 400


def test_the_notification_admin_shows_staff_their_own_notifications_only(plan, client_as):
    vp = get_user_model().objects.get(username="vp-hongqi")
    other = get_user_model().objects.get(username="bureau")
    vp.is_staff = True
    vp.save()
    vp.user_permissions.add(Permission.objects.get(codename="view_notification"))
    for recipient, message in ((vp, "mine"), (other, "someone else's")):
        Notification.objects.create(
            recipient=recipient, kind="overdue", item_key="x:1", day="2026-01-05", message=message
        )
    page = client_as("vp-hongqi").get(reverse("admin:planning_notification_changelist")).content.decode()
    assert "mine" in page and "someone else&#x27;s" not in page and "someone else's" not in page
    everything = client_as("admin").get(reverse("admin:planning_notification_changelist")).content.decode()
    assert "mine" in everything and "someone else" in everything
