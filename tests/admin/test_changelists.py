"""Every admin changelist loads for the administrator, with as many queries for 20 rows as
for 3."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .rows import MAX_ROWS, make_rows

SMALL, LARGE = 3, 20

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def _changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("model", REGISTERED, ids=[model._meta.label for model in REGISTERED])
def test_admin_changelist_has_constant_queries(plan, client_as, django_assert_max_num_queries, model):
    client = client_as("admin")
    url = _changelist_url(model)
    assert client.get(url).status_code == 200  # also warms caches (content types, session)

    make_rows(model, SMALL)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= SMALL

    large = min(LARGE, MAX_ROWS.get(model, LARGE))
    make_rows(model, large - SMALL)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= large


#: Bookkeeping of the portal itself, not data anyone edits: the version of the dashboard's
#: cached figures (groupschool/figures.py).
#: Application documents and review steps are shown and added as inlines of their application.
NOT_IN_ADMIN = {"kernel.DataVersion", "campuses.ApplicationDocument", "campuses.ApplicationStep"}
#: An expansion application moves through its review workflow (campuses.services): a sheet would
#: skip its steps, so it has no import; its list exports from the portal's page.
NO_IMPORT = {"campuses.ExpansionApplication"}


def test_every_portal_model_is_registered():
    from django.apps import apps

    for app_label in ("groupschool", "campuses", "staff"):
        for model in apps.get_app_config(app_label).get_models():
            if model.__name__.startswith("Historical") or model._meta.label in NOT_IN_ADMIN:
                continue
            assert model in admin.site._registry, model._meta.label


def test_every_portal_admin_imports_and_exports():
    from kernel.admin_base import ScopedAdmin

    for model, model_admin in admin.site._registry.items():
        if (
            model._meta.app_label in ("groupschool", "campuses", "staff")
            and isinstance(model_admin, ScopedAdmin)
            and model._meta.label not in NO_IMPORT
        ):
            assert model_admin.resource_classes, model._meta.label


PORTAL_ADMINS = [
    model
    for model in REGISTERED
    if model._meta.app_label in ("groupschool", "campuses", "staff")
    and not model.__name__.startswith("Historical")
    and model._meta.model_name != "user"
]


@pytest.mark.parametrize("model", PORTAL_ADMINS, ids=[model._meta.label for model in PORTAL_ADMINS])
def test_admin_import_and_export_pages_load(plan, client_as, model):
    client = client_as("admin")
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert client.get(reverse(f"{info}_import")).status_code == 200
    assert client.get(reverse(f"{info}_export")).status_code == 200
    assert client.get(reverse(f"{info}_add")).status_code == 200
