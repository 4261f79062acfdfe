from __future__ import annotations

from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import (
    OAuth2Adapter,
    OAuth2CallbackView,
    OAuth2LoginView,
)

from . import client


class IdentityLookupFailed(OAuth2Error):
    """The ``me`` query after the token exchange failed."""


class WhatnotOAuth2Adapter(OAuth2Adapter):
    """Endpoints of Whatnot's Seller API OAuth under WHATNOT_BASE_URL.

    The URLs are properties that read settings on each use, never at import
    time, so production, staging and the sandbox differ only by settings.
    """

    provider_id = "whatnot"
    # The token endpoint takes the client credentials in the form body.
    basic_auth = False

    @property
    def authorize_url(self) -> str:
        return client.authorize_url()

    @property
    def access_token_url(self) -> str:
        return client.token_url()

    def parse_token(self, data: dict):
        """Build allauth's SocialToken and keep the granted scopes on it.

        ``granted_scopes`` is an attribute of this instance only; allauth does
        not store tokens (SOCIALACCOUNT_STORE_TOKENS is off), and
        accounts.adapters saves them encrypted on WhatnotConnection.
        """
        token = super().parse_token(data)
        token.granted_scopes = client.normalize_scopes(data.get("scope"))
        return token

    def complete_login(self, request, app, token, **kwargs):
        """Read the seller's identity with the new access token."""
        try:
            identity = client.fetch_seller_identity(token.token)
        except client.IdentityError as exc:
            raise IdentityLookupFailed(str(exc)) from exc
        return self.get_provider().sociallogin_from_response(request, identity.profile)


oauth2_login = OAuth2LoginView.adapter_view(WhatnotOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(WhatnotOAuth2Adapter)
