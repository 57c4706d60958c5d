"""API tokens: shown once, stored hashed, expiry and revocation give a clear 401, history kept."""

import datetime
import hashlib
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import api_token_create, api_token_revoke

STAFF = "/api/v1/staff/"


def _client(key, language="en"):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_is_stored_as_its_hash_only(bureau):
    token, key = api_token_create(user=bureau, name="数据中心")
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {token.prefix, token.key_hash, token.name}
    assert key.startswith(token.prefix)
    assert _client(key).get(STAFF).status_code == 200


def test_without_credentials_the_api_answers_401_not_the_login_page(plan):
    response = APIClient().get(STAFF)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_an_unknown_key_is_401(plan):
    response = _client("gs_00000000.nothing").get(STAFF)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_an_expired_token_is_refused_with_a_clear_body(bureau):
    token, key = api_token_create(
        user=bureau, name="x", expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    assert _client(key).get(STAFF).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = _client(key).get(STAFF)
    assert response.status_code == 401
    assert response.json() == {"detail": "This token has expired."}
    assert _client(key, "zh-hans").get(STAFF).json() == {"detail": "此令牌已过期。"}


def test_a_revoked_token_is_refused_and_the_revocation_is_in_the_history(bureau):
    token, key = api_token_create(user=bureau, name="x")
    assert _client(key).get(STAFF).status_code == 200
    api_token_revoke(user=bureau, token=token)
    response = _client(key).get(STAFF)
    assert response.status_code == 401
    assert response.json() == {"detail": "This token was revoked."}
    assert _client(key, "zh-hans").get(STAFF).json() == {"detail": "此令牌已被撤销。"}
    history = list(token.history.order_by("history_date").values_list("history_type", "revoked_at"))
    assert [kind for kind, _ in history] == ["+", "~"]
    assert history[-1][1] is not None


def test_only_an_administrator_makes_a_token_for_someone_else(bureau, admin_user, vp_hongqi):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        api_token_create(user=bureau, owner=vp_hongqi, name="x")
    token, _key = api_token_create(user=admin_user, owner=vp_hongqi, name="学校系统")
    assert token.user == vp_hongqi and token.created_by == admin_user
    with pytest.raises(PermissionDenied):
        api_token_revoke(user=bureau, token=token)


def test_the_own_tokens_page_shows_a_new_key_once_and_revokes(client_as, vp_hongqi):
    client = client_as("vp-hongqi")
    page = client.get(reverse("api:token_list"))
    assert page.status_code == 200
    assert "API 令牌" in page.content.decode()
    response = client.post(reverse("api:token_list"), {"name": "校区系统", "expires_in": "30"})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key in response.content.decode()
    token = ApiToken.objects.get(user=vp_hongqi)
    assert token.expires_at is not None
    # Never shown again.
    assert key not in client.get(reverse("api:token_list")).content.decode()
    assert _client(key).get(STAFF).status_code == 200
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 302
    assert _client(key).get(STAFF).status_code == 401


def test_another_users_token_cannot_be_revoked_from_the_page(client_as, bureau, vp_hongqi):
    token, _key = api_token_create(user=bureau, name="x")
    assert client_as("vp-hongqi").post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_administrator_makes_a_token_in_the_admin_and_sees_the_key_once(client_as, vp_hongqi):
    client = client_as("admin")
    response = client.post(
        reverse("admin:api_apitoken_add"),
        {"user": vp_hongqi.pk, "name": "数据中心", "expires_at_0": "", "expires_at_1": ""},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=vp_hongqi)
    shown = [str(m) for m in response.context["messages"]]
    key = next(re.search(r"gs_[0-9a-f]{8}\.[\w-]+", m).group(0) for m in shown if token.prefix in m)
    assert _client(key).get(STAFF).status_code == 200
    assert token.created_by == get_user_model().objects.get(username="admin")
