"""Personas and the plan's data for every test.

`plan` loads fixtures/longshi_plan.json (group 龙师附小教育集团, campuses 红旗, 龙翔, 桃江...).
Personas are the demo accounts: bureau, supervisor, personnel, principal, vp_hongqi,
vp_longxiang, vp_taojiang, admin_user; `outsider` is signed in with no role at all.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from campuses.models import Campus
from groupschool.demo_accounts import demo_accounts_create
from groupschool.plan_data import plan_data_load


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Messages made outside a request (services, models) are in English in tests, whatever
    language an earlier test's request left active; pages still follow the request's language
    (zh-hans by default), as LocaleMiddleware decides."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def plan(db):
    plan_data_load()
    demo_accounts_create()
    return {c.code: c for c in Campus.objects.all()}


@pytest.fixture
def campuses(plan):
    """The three campuses of the plan by code: hongqi, longxiang, taojiang."""
    return plan


def _user(username):
    return get_user_model().objects.get(username=username)


def _client_for(username):
    client = Client()
    client.force_login(_user(username))
    return client


@pytest.fixture
def bureau(plan):
    return _user("bureau")


@pytest.fixture
def supervisor(plan):
    return _user("supervisor")


@pytest.fixture
def personnel(plan):
    return _user("personnel")


@pytest.fixture
def principal(plan):
    return _user("principal")


@pytest.fixture
def vp_hongqi(plan):
    return _user("vp-hongqi")


@pytest.fixture
def vp_longxiang(plan):
    return _user("vp-longxiang")


@pytest.fixture
def vp_taojiang(plan):
    return _user("vp-taojiang")


@pytest.fixture
def admin_user(plan):
    return _user("admin")


@pytest.fixture
def outsider(db):
    return get_user_model().objects.create_user("outsider", password="x-outsider-1")


@pytest.fixture
def client_as():
    """client_as("vp-longxiang") → a test client signed in as that demo account."""
    return _client_for


def pytest_collection_modifyitems(config, items):
    """Tests that start a real Celery worker share the broker's queue: they run in one xdist
    process (`--dist loadgroup`), so that a worker started for one test database never takes a
    job meant for another's."""
    for item in items:
        if item.get_closest_marker("celery_worker"):
            item.add_marker(pytest.mark.xdist_group("celery_worker"))
