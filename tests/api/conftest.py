"""Fixtures of the API tests: a token per persona and a client that sends it."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from rest_framework.test import APIClient

from api.services import api_token_create


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token_for(plan):
    def make(username: str, **kwargs) -> str:
        user = get_user_model().objects.get(username=username)
        _token, key = api_token_create(user=user, name=f"test {username}", **kwargs)
        return key

    return make


@pytest.fixture
def api_as(token_for):
    """An API client authenticated by a token of the persona."""

    def make(username: str, language: str | None = None) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(username)}")
        if language:
            client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        return client

    return make
