from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.pages.factories import SellerFactory


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    """Throttle counts live in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def other_seller(db):
    return SellerFactory(username="other-seller")


@pytest.fixture
def api_client(seller):
    client = APIClient()
    token = Token.objects.create(user=seller)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
