"""Hardening rules that the embedded set-up can show: CSP, framing, throttling, sessions, health."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from groupschool.net import client_ip

pytestmark = pytest.mark.django_db


def test_every_page_has_a_csp_without_inline_scripts(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'self'" in script_src and "unsafe-inline" not in script_src
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_login_page_has_no_inline_script(client):
    html = client.get(reverse("login")).content.decode()
    assert "<script>" not in html and "onchange=" not in html


def test_healthz_needs_no_login_and_reports_database(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.fixture
def throttled(settings, plan):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    return settings


def login(address, password, username="vp-longxiang"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("login"), {"username": username, "password": password})
    return client, response


def test_repeated_failures_lock_that_user_from_that_address(throttled):
    for _ in range(2):
        _, response = login("10.0.0.1", "wrong")
        assert response.status_code == 200  # the form again, with its error
    _, response = login("10.0.0.1", "wrong")
    assert response.status_code == 429  # the third failure locks
    _, response = login("10.0.0.1", "demo-2026")
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    # The same user from another address still gets in.
    _, response = login("10.0.0.2", "demo-2026")
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_lockout_ends_after_the_cool_off(throttled):
    import datetime

    from axes.models import AccessAttempt

    for _ in range(3):
        login("10.0.0.1", "wrong")
    AccessAttempt.objects.update(attempt_time=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    _, response = login("10.0.0.1", "demo-2026")
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.2.3.4", "127.0.0.9"),  # no proxy trusted: the header is ignored
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # one proxy: the address it saw
        (2, "6.6.6.6, 1.2.3.4, 10.0.0.5", "1.2.3.4"),
    ],
)
def test_client_address_behind_the_proxy(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_logout_ends_the_session_for_a_replayed_cookie(plan):
    client = Client()
    client.post(reverse("login"), {"username": "bureau", "password": "demo-2026"})
    cookie = client.cookies["sessionid"].value
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    replay = Client()
    replay.cookies["sessionid"] = cookie
    response = replay.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_deactivating_an_account_ends_its_sessions(plan, bureau):
    client = Client()
    client.force_login(bureau)
    bureau.is_active = False
    bureau.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
