from __future__ import annotations

import pytest

from tests.pages.factories import SellerFactory, WhatnotConnectionFactory


@pytest.fixture
def connected_seller(seller):
    WhatnotConnectionFactory(user=seller)
    return seller


@pytest.fixture
def other_seller(db):
    return SellerFactory(username="other-seller")


@pytest.fixture
def seller_client(client, seller):
    client.force_login(seller)
    return client
