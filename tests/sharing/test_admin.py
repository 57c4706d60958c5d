"""The admin of shared funds, assets and resources opens for administrators; imports are theirs."""

import pytest
from django.urls import reverse

from .conftest import make_asset, make_resource, make_spending

MODELS = [
    "budgetline",
    "budget",
    "allocation",
    "spending",
    "reallocation",
    "asset",
    "assettransfer",
    "teachingresource",
    "resourceuse",
]


@pytest.mark.parametrize("model", MODELS)
def test_admin_changelists_open(client_as, campuses, budget, public_line, model):
    make_spending(campuses["hongqi"], public_line, "1.00")
    make_asset(campuses["hongqi"])
    make_resource(campuses["hongqi"])
    response = client_as("admin").get(reverse(f"admin:sharing_{model}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", ["budget", "spending", "asset"])
def test_admin_import_pages_open_for_administrators(client_as, campuses, model):
    assert client_as("admin").get(reverse(f"admin:sharing_{model}_import")).status_code == 200


def test_vice_principal_has_no_admin(client_as, campuses):
    response = client_as("vp-hongqi").get(reverse("admin:sharing_spending_changelist"))
    assert response.status_code == 302
