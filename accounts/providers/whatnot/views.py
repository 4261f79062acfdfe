from __future__ import annotations

from allauth.socialaccount import app_settings
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import (
    OAuth2Adapter,
    OAuth2CallbackView,
    OAuth2LoginView,
)
from django.conf import settings

ME_QUERY = "query Me { me { id username displayName currencyCode countryCode } }"


class WhatnotOAuth2Adapter(OAuth2Adapter):
    """Endpoints of Whatnot's Seller API OAuth under WHATNOT_BASE_URL.

    The base URL is read on each use, never at import time, so production, staging
    and the sandbox differ only by settings.
    """

    provider_id = "whatnot"
    # Whatnot's token endpoint takes the client credentials in the form body.
    basic_auth = False

    @property
    def base_url(self) -> str:
        configured = app_settings.PROVIDERS.get(self.provider_id, {}).get("BASE_URL")
        return (configured or settings.WHATNOT_BASE_URL).rstrip("/")

    @property
    def authorize_url(self) -> str:
        return f"{self.base_url}/seller-api/rest/oauth/authorize"

    @property
    def access_token_url(self) -> str:
        return f"{self.base_url}/seller-api/rest/oauth/token"

    @property
    def graphql_url(self) -> str:
        return f"{self.base_url}/seller-api/graphql"

    def complete_login(self, request, app, token, **kwargs):
        """Read the seller's Whatnot identity with the new access token."""
        with get_adapter().get_requests_session() as session:
            response = session.post(
                self.graphql_url,
                json={"query": ME_QUERY},
                headers={"Authorization": f"Bearer {token.token}"},
            )
        if response.status_code != 200:
            raise OAuth2Error(f"Whatnot 'me' query failed with {response.status_code}")
        body = response.json()
        me = (body.get("data") or {}).get("me")
        if not me or not me.get("id"):
            raise OAuth2Error("Whatnot 'me' query returned no seller id")
        return self.get_provider().sociallogin_from_response(request, me)


oauth2_login = OAuth2LoginView.adapter_view(WhatnotOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(WhatnotOAuth2Adapter)
