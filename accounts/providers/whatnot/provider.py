from __future__ import annotations

from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider

from . import client
from .views import WhatnotOAuth2Adapter


class WhatnotAccount(ProviderAccount):
    def to_str(self) -> str:
        return self.account.extra_data.get("username") or super().to_str()


class WhatnotProvider(OAuth2Provider):
    """Whatnot's Seller API OAuth (authorization code grant).

    The account uid is the seller's Whatnot user id from the ``me`` query.
    """

    id = "whatnot"
    name = "Whatnot"
    account_class = WhatnotAccount
    oauth2_adapter_class = WhatnotOAuth2Adapter

    def get_default_scope(self) -> list[str]:
        return client.configured_scopes()

    def extract_uid(self, data: dict) -> str:
        return str(data["id"])

    def extract_common_fields(self, data: dict) -> dict:
        return {"username": data.get("username") or ""}


provider_classes = [WhatnotProvider]
