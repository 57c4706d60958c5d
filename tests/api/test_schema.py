"""The OpenAPI 3 schema validates, describes the API in Chinese (default) and English, and its
documentation pages are served from the portal's own static files with no inline script."""

import re

import pytest
import yaml
from drf_spectacular.validation import validate_schema


def _schema(client, **params):
    response = client.get("/api/schema/", {"format": "json", **params})
    assert response.status_code == 200
    return response.json()


def test_the_schema_validates(api_as):
    schema = _schema(api_as("bureau"))
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for endpoint in ("staff", "rotations", "scores", "reports", "spending", "published-results", "runs"):
        assert f"/api/v1/{endpoint}/" in paths
    assert "/api/v1/rotations/{id}/approve/" in paths
    assert schema["components"]["securitySchemes"]["tokenAuth"]["type"] == "apiKey"


def test_the_yaml_schema_is_the_same_document(api_as):
    response = api_as("bureau").get("/api/schema/")
    assert response.status_code == 200
    assert yaml.safe_load(response.content)["paths"].keys() == _schema(api_as("bureau"))["paths"].keys()


def test_descriptions_are_chinese_by_default_and_english_on_request(api_as):
    chinese = _schema(api_as("bureau"))
    english = _schema(api_as("bureau"), lang="en")
    summary = lambda s: s["paths"]["/api/v1/staff/"]["get"]["summary"]  # noqa: E731
    assert summary(english) == "Staff members"
    assert summary(chinese) == "教职工名册"
    scores = "/api/v1/scores/"
    assert "all saved or none" in english["paths"][scores]["post"]["description"]
    assert re.search(r"[\u4e00-\u9fff]", chinese["paths"][scores]["post"]["description"])
    assert "集团化办学" in chinese["info"]["title"] and "Group-school" in chinese["info"]["title"]


def test_the_schema_needs_credentials(plan):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/schema/").status_code == 401


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_documentation_pages_use_local_assets_and_no_inline_script(page, plan, client_as):
    response = client_as("vp-hongqi").get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assert "https://" not in html and "http://" not in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts)
    assert "/static/drf_spectacular_sidecar/" in html
    policy = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )


def test_the_swagger_ui_initialiser_is_a_script_of_its_own(plan, client_as):
    response = client_as("bureau").get("/api/docs/", {"script": ""})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in response.content.decode()


def test_documentation_pages_send_anonymous_visitors_to_the_login_page(plan):
    from django.test import Client

    response = Client().get("/api/docs/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_sidecar_assets_are_found_by_staticfiles():
    from django.contrib.staticfiles import finders

    for asset in (
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
        "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js",
    ):
        assert finders.find(asset), asset


def test_the_english_schema_leaves_the_pages_filters_in_chinese(api_as, client_as):
    """django-filter keeps a label it worked out; the schema reads the API's own subclasses."""
    assert api_as("bureau").get("/api/schema/", {"format": "json", "lang": "en"}).status_code == 200
    page = client_as("bureau").get("/campuses/groups/").content.decode()
    assert "办学模式" in page and "Governance" not in page
