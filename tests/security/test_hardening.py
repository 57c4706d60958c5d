"""Hardening rules that the embedded set-up can show: CSP, framing, throttling, sessions, health."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from kernel.net import client_ip

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


# --------------------------------------------------------------------------------------------
# Content-Security-Policy on every page, error pages included


def _script_src(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(part for part in policy.split(";") if part.strip().startswith("script-src"))


@pytest.mark.urls("tests.security.urls")
@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/accounts/login/", 200),
        ("/healthz", 200),
        ("/admin/login/", 200),
        ("/static/css/portal.css", 200),
        ("/no-such-page/", 404),
        ("/test/forbidden/", 403),
        ("/test/crash/", 500),
        ("/test/database-down/", 503),
    ],
)
def test_every_response_has_the_policy_and_no_framing(db, url, status):
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == status
    assert "'self'" in _script_src(response) and "unsafe-inline" not in _script_src(response)
    assert "unsafe-eval" not in _script_src(response)
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    if not url.startswith("/static/"):  # WhiteNoise answers static files before the framing header
        assert response["X-Frame-Options"] == "DENY"


def test_signed_in_pages_and_refusals_have_the_policy(plan, client_as):
    client = client_as("vp-longxiang")
    for url, status in [(reverse("home"), 200), (reverse("staff:member_list"), 200), ("/admin/", 302)]:
        response = client.get(url)
        assert response.status_code == status, url
        assert "unsafe-inline" not in _script_src(response)


def test_a_refused_oversized_request_has_the_policy(plan, client_as, settings):
    settings.REQUEST_MAX_BYTES = 10
    response = client_as("bureau").post(reverse("home"), {"note": "x" * 100})
    assert response.status_code == 413
    assert "unsafe-inline" not in _script_src(response)


def test_no_template_has_an_inline_script_or_event_handler():
    """The policy would block them: scripts come from static files, data from json_script."""
    import re
    from pathlib import Path

    from django.conf import settings

    roots = [Path(settings.BASE_DIR) / "templates"] + [
        Path(settings.BASE_DIR) / app / "templates"
        for app in ("campuses", "staff", "sharing", "evaluation", "planning", "supervision")
    ]
    offending = []
    for root in roots:
        for template in root.rglob("*.html") if root.exists() else []:
            text = template.read_text(encoding="utf-8")
            for tag in re.findall(r"<script\b[^>]*>", text, flags=re.I):
                if "src=" not in tag and "application/json" not in tag:
                    offending.append(f"{template}: {tag}")
            for handler in re.findall(r"<[^>]*\son[a-z]+\s*=", text, flags=re.I):
                offending.append(f"{template}: {handler[:60]}")
            if "javascript:" in text:
                offending.append(f"{template}: javascript: URL")
    assert offending == []


# --------------------------------------------------------------------------------------------
# Sessions


def _signed_in_cookie(username="bureau", password="demo-2026") -> str:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302
    return client.cookies["sessionid"].value


def _replay(cookie):
    client = Client()
    client.cookies["sessionid"] = cookie
    return client.get(reverse("home"))


def test_deactivation_deletes_the_sessions_so_reactivating_does_not_revive_old_cookies(plan, bureau):
    from django.contrib.sessions.models import Session

    cookies = [_signed_in_cookie(), _signed_in_cookie()]  # two browsers
    other = _signed_in_cookie("principal")
    bureau.is_active = False
    bureau.save()
    assert not Session.objects.filter(session_key__in=cookies).exists()
    bureau.is_active = True
    bureau.save()
    for cookie in cookies:
        response = _replay(cookie)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert _replay(other).status_code == 200  # another account's session is untouched


def test_a_bulk_deactivation_can_end_the_sessions_with_the_service(plan, bureau):
    from kernel.sessions import user_sessions_end

    cookie = _signed_in_cookie()
    assert _replay(cookie).status_code == 200
    type(bureau).objects.filter(pk=bureau.pk).update(is_active=False)  # a bulk update sends no signal
    assert user_sessions_end(user=bureau) == 1
    response = _replay(cookie)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_signing_in_does_not_touch_other_sessions(plan):
    first = _signed_in_cookie()
    _signed_in_cookie()  # saves last_login: not a deactivation
    assert _replay(first).status_code == 200


# --------------------------------------------------------------------------------------------
# Login throttling behind the proxy


def test_lockout_counts_the_address_the_proxy_saw(throttled):
    from axes.models import AccessAttempt

    throttled.TRUSTED_PROXY_COUNT = 1

    def through_proxy(client_address, password):
        client = Client(REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR=client_address)
        return client.post(reverse("login"), {"username": "vp-longxiang", "password": password})

    for _ in range(3):
        response = through_proxy("203.0.113.7", "wrong")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    page = response.content.decode()
    assert "锁定" in page and "15" in page  # in Chinese, with the cool-off in minutes
    # Another user behind the same proxy (another address) still gets in.
    response = through_proxy("198.51.100.20", "demo-2026")
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_cool_off_is_set_so_a_lockout_ends(settings):
    import datetime

    assert settings.AXES_COOLOFF_TIME == datetime.timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


# --------------------------------------------------------------------------------------------
# Exports: a cell that starts like a formula is written as text


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_list_exports_write_formulas_as_text(plan, campuses, client_as, value):
    import csv
    import io

    import openpyxl

    from tests.staff.factories import StaffMemberFactory

    StaffMemberFactory(name=value, staff_number="F1", home_campus=campuses["hongqi"])
    client = client_as("bureau")
    url = reverse("staff:member_list") + "?_export="
    rows = list(csv.reader(io.StringIO(client.get(url + "csv").getvalue().decode("utf-8-sig"), newline="")))
    assert [row[0] for row in rows if row[1] == "F1"] == ["'" + value]
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url + "xlsx").getvalue())).active
    names = [row[0] for row in sheet.iter_rows(values_only=True) if row[1] == "F1"]
    # (XML reading turns a carriage return into a line feed: what matters is the leading quote.)
    assert [name.replace("\n", "\r") for name in names] == ["'" + value.replace("\n", "\r")]
