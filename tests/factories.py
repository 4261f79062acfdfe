"""factory_boy factories for the project's models."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.test")
    password = factory.django.Password("correct-horse-battery-staple")


class WhatnotConnectionFactory(factory.django.DjangoModelFactory):
    """A connected OAuth connection whose access token is valid for an hour."""

    class Meta:
        model = "accounts.WhatnotConnection"

    user = factory.SubFactory(UserFactory)
    whatnot_user_id = factory.Sequence(lambda n: f"VXNlcjo{n:04d}")
    whatnot_username = factory.Sequence(lambda n: f"denim_seller_{n}")
    kind = "oauth"
    status = "connected"
    scopes = "read:inventory read:orders write:inventory"
    access_token = factory.Sequence(lambda n: f"wn_access_tk_test_factory_{n}")
    refresh_token = factory.Sequence(lambda n: f"wn_refresh_tk_test_factory_{n}")
    access_token_expires_at = factory.LazyFunction(
        lambda: timezone.now() + timedelta(hours=1)
    )
