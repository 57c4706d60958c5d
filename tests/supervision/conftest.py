import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The demo accounts get their passwords hashed once per test: keep that cheap here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
