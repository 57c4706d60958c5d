"""factory_boy factories of the API app (tokens with unique prefixes and hashes)."""

import factory

from api.models import ApiToken, key_hash
from tests.kernel.factories import UserFactory


class ApiTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"令牌{n}")
    prefix = factory.Sequence(lambda n: f"gs_{n:08x}")
    key_hash = factory.LazyAttribute(lambda token: key_hash(f"{token.prefix}.secret"))
