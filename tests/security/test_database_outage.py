"""PostgreSQL restarted under load: requests fail fast with a clear 503 page and the web process
recovers by itself (kernel/middleware.py, CONN_HEALTH_CHECKS, connect_timeout)."""

import time
from contextlib import contextmanager

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from django.urls import reverse

pytestmark = pytest.mark.urls("tests.security.urls")


@contextmanager
def database_down():
    """Every query fails as it does while PostgreSQL restarts; `attempts` counts them."""
    attempts = []

    def refuse(execute, sql, params, many, context):
        attempts.append(sql)
        raise OperationalError("the database system is shutting down")

    with connection.execute_wrapper(refuse):
        yield attempts


def _page(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("url", ["/test/database-down/", "/test/connection-gone/"])
def test_a_view_meeting_a_dead_database_gets_the_503_page_at_once(db, url):
    client = Client()
    client.get(url)  # templates and URLs loaded once, as in a running process
    started = time.monotonic()
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert time.monotonic() - started < 0.5
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert "The portal is briefly unavailable" in _page(response)
    assert "Try again in 30 seconds" in _page(response)
    assert "unsafe-inline" not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]


def test_the_503_page_follows_the_interface_language(db):
    response = Client().get("/test/database-down/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 503
    assert '<html lang="zh-hans">' in _page(response)


def test_a_signed_in_page_gets_the_503_page_when_the_session_cannot_be_read(plan, client_as):
    """The session and the user are loaded by middleware, before any view: that failure goes
    to handler500, which answers the same 503 page, rendered without touching the database."""
    client = client_as("bureau")
    client.raise_request_exception = False
    with database_down() as attempts:
        response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert "The portal is briefly unavailable" in _page(response)
    assert response["Retry-After"] == "30"
    assert "Content-Security-Policy" in response
    assert len(attempts) == 1  # the session; rendering the page asked nothing of the database


def test_other_errors_still_get_the_500_page(db):
    response = Client(raise_request_exception=False).get("/test/crash/")
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_healthz_answers_503_while_the_database_fails(db):
    with database_down():
        response = Client().get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "error: OperationalError"
    assert Client().get(reverse("healthz")).status_code == 200


def test_settings_fail_fast_and_check_connections(settings):
    database = settings.DATABASES["default"]
    assert database["CONN_HEALTH_CHECKS"] is True
    if database["ENGINE"].endswith("postgresql"):
        assert 0 < int(database["OPTIONS"]["connect_timeout"]) <= 10


# --------------------------------------------------------------------------------------------
# PostgreSQL: a backend killed between two requests (as a restart does)


def _wsgi_get(path: str, cookie: str = "") -> int:
    """A request through Django's real WSGI handler, as gunicorn sends it: unlike the test
    client, it runs close_old_connections at the start and end of the request."""
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD="GET", HTTP_COOKIE=cookie)
    status = []
    result = WSGIHandler()(environ, lambda code, headers, exc_info=None: status.append(code))
    b"".join(result)
    result.close()
    return int(status[0].split()[0])


def _terminate_backend(pid: int) -> None:
    killer = connection.Database.connect(**connection.get_connection_params())
    try:
        killer.autocommit = True
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        killer.close()


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("runs on PostgreSQL (DATABASE_URL=postgres://...)")
    saved = connection.settings_dict["CONN_MAX_AGE"], connection.settings_dict["CONN_HEALTH_CHECKS"]
    connection.settings_dict["CONN_MAX_AGE"] = 60  # persistent, as in production
    yield connection
    connection.settings_dict["CONN_MAX_AGE"], connection.settings_dict["CONN_HEALTH_CHECKS"] = saved


def test_the_next_request_reconnects_after_postgresql_killed_the_connection(postgres):
    assert _wsgi_get("/healthz") == 200
    old_pid = postgres.connection.get_backend_pid()
    _terminate_backend(old_pid)

    assert _wsgi_get("/healthz") == 200  # the health check saw the dead connection and reconnected
    assert postgres.connection.get_backend_pid() != old_pid


def test_without_health_checks_one_request_fails_fast_and_the_next_recovers(postgres, django_user_model):
    """What CONN_HEALTH_CHECKS spares: without it the first request after the restart meets the
    dead connection (503, at once), and Django closes it, so the process still recovers."""
    postgres.settings_dict["CONN_HEALTH_CHECKS"] = False
    user = django_user_model.objects.create_user("reader", password="x-reader-1")
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    assert _wsgi_get("/", cookie) == 200
    _terminate_backend(postgres.connection.get_backend_pid())

    started = time.monotonic()
    assert _wsgi_get("/", cookie) == 503
    assert time.monotonic() - started < 2
    assert _wsgi_get("/", cookie) == 200
