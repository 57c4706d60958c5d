"""The main menu: every role is offered only what it may open, and one item is marked as here."""

import re

import pytest
from django.urls import reverse

from groupschool.context_processors import MENU, USER_MENU, may_open
from groupschool.demo_accounts import DEMO_ACCOUNTS

MENU_LINK = re.compile(r'<a class="(?:dropdown-item|nav-link)[^"]*" href="([^"#]+)"')
ACTIVE_LINK = re.compile(r'<a class="(?:dropdown-item|nav-link)[^"]* active" href="([^"#]+)"')


def _nav(html: str) -> str:
    return html[html.index("<nav") : html.index("</nav>")]


def _menu_links(html: str) -> list[str]:
    return [url for url in MENU_LINK.findall(_nav(html)) if not url.startswith("/admin")]


@pytest.mark.parametrize("username", sorted(DEMO_ACCOUNTS))
def test_every_menu_link_of_every_demo_role_opens(plan, client_as, username):
    client = client_as(username)
    links = _menu_links(client.get(reverse("home")).content.decode())
    assert len(links) > 5, links
    refused = {}
    for url in links:
        status = client.get(url).status_code
        if status != 200:
            refused[url] = status
    assert refused == {}, f"{username} is offered links that do not open: {refused}"


def test_a_menu_item_the_role_may_not_open_is_left_out(plan, client_as, vp_longxiang, principal):
    applications = reverse("campuses:application_list")
    # The vice-principal is refused there, so the menu does not offer it...
    assert client_as("vp-longxiang").get(applications).status_code == 403
    assert not may_open(vp_longxiang, applications)
    assert applications not in _menu_links(client_as("vp-longxiang").get(reverse("home")).content.decode())
    # ...while group leadership, who may open it, finds it there.
    assert may_open(principal, applications)
    assert applications in _menu_links(client_as("principal").get(reverse("home")).content.decode())


def test_the_admin_sees_every_menu_entry(plan, client_as):
    links = set(_menu_links(client_as("admin").get(reverse("home")).content.decode()))
    expected = {reverse(name) for _section, entries in MENU + USER_MENU for _label, name in entries}
    assert expected <= links


@pytest.mark.parametrize(
    ("path", "active"),
    [
        ("supervision:experience_published", "supervision:experience_published"),  # not also 典型经验
        ("supervision:experience_list", "supervision:experience_list"),
        ("sharing:resource_sharing", "sharing:resource_sharing"),  # not also 共享教学资源
        ("staff:rotation_list", "staff:rotation_list"),
        ("home", "home"),
    ],
)
def test_exactly_one_menu_item_is_active(plan, client_as, path, active):
    html = _nav(client_as("admin").get(reverse(path)).content.decode())
    assert ACTIVE_LINK.findall(html) == [reverse(active)]
    assert html.count('aria-current="page"') == 1


def test_a_record_page_marks_its_list_as_active(plan, client_as, campuses):
    campus = campuses["longxiang"]
    html = _nav(client_as("admin").get(reverse("campuses:campus_detail", args=(campus.pk,))).content.decode())
    assert ACTIVE_LINK.findall(html) == [reverse("campuses:campus_list")]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_languages_are_offered_in_their_own_names(plan, client_as, language):
    html = client_as("bureau").get(reverse("home"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    nav = _nav(html)
    assert 'value="en" lang="en"' in nav and ">English</button>" in nav
    assert ">简体中文</button>" in nav
    assert "英语" not in nav and "Simplified Chinese" not in nav


def test_the_login_page_offers_the_languages_in_their_own_names(db, client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert ">English</option>" in html and ">简体中文</option>" in html
    assert "英语" not in html


def test_the_user_name_carries_its_full_text_as_a_title(plan, client_as, vp_longxiang):
    nav = _nav(client_as("vp-longxiang").get(reverse("home")).content.decode())
    name = vp_longxiang.get_full_name() or vp_longxiang.username
    assert f'title="{name}"' in nav
