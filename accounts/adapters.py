"""allauth adapters: the seller role on sign-up, and the Whatnot OAuth
callback's decisions (who may connect, where the tokens go, which error page
a failure shows)."""

from __future__ import annotations

import logging
import re

import requests
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthError, AuthProcess
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_variables

from .exceptions import WhatnotAccountInUse
from .models import Role
from .providers.whatnot import client
from .providers.whatnot.views import IdentityLookupFailed
from .roles import grant_role
from .services import connections

logger = logging.getLogger(__name__)

WHATNOT = "whatnot"


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """Save a new user from the sign-up form and give them the seller
        role. With commit=False the caller saves the user and grants roles."""
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            grant_role(user, Role.SELLER)
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_connect_redirect_url(self, request, socialaccount) -> str:
        return reverse("accounts:settings")

    def is_open_for_signup(self, request, sociallogin) -> bool:
        if sociallogin.account.provider == WHATNOT:
            return False
        return super().is_open_for_signup(request, sociallogin)

    @method_decorator(sensitive_variables("token", "grant"))
    def pre_social_login(self, request, sociallogin) -> None:
        """Decide whose connection a Whatnot consent belongs to and store its
        tokens encrypted on WhatnotConnection.

        A signed-in user connects ("connect" process). Signing in with Whatnot
        works only for a user who connected that Whatnot account before;
        Whatnot gives no e-mail address, so it cannot create users.
        """
        if sociallogin.account.provider != WHATNOT:
            return
        user = _target_user(request, sociallogin)
        identity = client.SellerIdentity(
            user_id=sociallogin.account.uid,
            username=sociallogin.account.extra_data.get("username") or "",
            profile=sociallogin.account.extra_data,
        )
        token = sociallogin.token
        grant = client.TokenGrant(
            access_token=token.token,
            refresh_token=token.token_secret or "",
            expires_at=token.expires_at,
            scopes=getattr(token, "granted_scopes", ""),
        )
        try:
            connections.save_oauth_connection(user, identity, grant)
        except WhatnotAccountInUse as exc:
            raise ImmediateHttpResponse(
                render_whatnot_error(request, "account_in_use", str(exc))
            ) from exc

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        """Show selvedge's own page for a failed Whatnot callback, with the
        cause in plain words and no exception text."""
        if provider.id != WHATNOT:
            return
        reason = _classify_error(error, exception, extra_context or {})
        logger.warning(
            "Whatnot OAuth callback failed for user %s: %s (%s)",
            getattr(request.user, "pk", None),
            reason,
            exception.__class__.__name__ if exception else error,
        )
        message = None
        if reason == "provider_error":
            code = request.GET.get("error", "")
            code = code if PROVIDER_ERROR_CODE.fullmatch(code) else "unreadable"
            message = ERRORS[reason][1].format(code=code)
        raise ImmediateHttpResponse(render_whatnot_error(request, reason, message))


def _target_user(request, sociallogin):
    process = sociallogin.state.get("process")
    if process == AuthProcess.CONNECT:
        if not request.user.is_authenticated:
            raise ImmediateHttpResponse(render_whatnot_error(request, "signed_out"))
        if sociallogin.is_existing and sociallogin.user != request.user:
            raise ImmediateHttpResponse(render_whatnot_error(request, "account_in_use"))
        return request.user
    if not sociallogin.is_existing:
        raise ImmediateHttpResponse(render_whatnot_error(request, "no_account"))
    return sociallogin.user


def _classify_error(error, exception, extra_context: dict) -> str:
    if error == AuthError.CANCELLED:
        return "cancelled"
    if exception is None and "state" not in extra_context:
        return "bad_state"
    if exception is None:
        return "provider_error"
    if isinstance(exception, IdentityLookupFailed):
        return "identity"
    if isinstance(exception, requests.RequestException):
        return "unreachable"
    if isinstance(exception, OAuth2Error):
        return "token_exchange"
    return "unknown"


PROVIDER_ERROR_CODE = re.compile(r"[a-z_]{1,64}")

# (page title, explanation, HTTP status) per failure. Each explanation tells
# the user what to do next.
ERRORS: dict[str, tuple[str, str, int]] = {
    "cancelled": (
        "Whatnot access was not granted",
        "You declined access on Whatnot, so nothing was connected. You can "
        "connect whenever you are ready.",
        200,
    ),
    "provider_error": (
        "Whatnot reported an error",
        "Whatnot sent the error code {code} instead of an authorization code, "
        "so nothing was connected. Start again from the settings page.",
        400,
    ),
    "bad_state": (
        "This Whatnot sign-in link is not valid",
        "The response from Whatnot does not match a connection started in this "
        "browser, or it is more than ten minutes old. Start again from the "
        "settings page.",
        400,
    ),
    "token_exchange": (
        "Whatnot did not accept the authorization code",
        "The code from Whatnot has expired or was already used. Start again "
        "from the settings page; a fresh code is issued each time.",
        400,
    ),
    "identity": (
        "Whatnot did not return your seller account",
        "Whatnot accepted the connection but did not say which seller account "
        "it belongs to. Try again in a few minutes.",
        502,
    ),
    "unreachable": (
        "Whatnot could not be reached",
        "selvedge could not reach Whatnot to finish connecting. Try again in "
        "a few minutes.",
        502,
    ),
    "signed_out": (
        "Sign in to connect Whatnot",
        "Your selvedge session ended while you were on Whatnot. Sign in and "
        "connect again from the settings page.",
        400,
    ),
    "no_account": (
        "No selvedge account uses this Whatnot account",
        "Sign in with your selvedge username and password (or sign up), then "
        "connect Whatnot from the settings page.",
        400,
    ),
    "account_in_use": (
        "This Whatnot account belongs to another selvedge account",
        "This Whatnot account is already connected to another selvedge "
        "account. Disconnect it there first, or connect a different store.",
        409,
    ),
    "unknown": (
        "Connecting Whatnot failed",
        "Something went wrong while connecting Whatnot. Start again from the "
        "settings page.",
        400,
    ),
}


def render_whatnot_error(request, reason: str, message: str | None = None):
    title, explanation, status = ERRORS[reason]
    return render(
        request,
        "socialaccount/authentication_error.html",
        {
            "whatnot_error": {
                "reason": reason,
                "title": title,
                "message": message or explanation,
            }
        },
        status=status,
    )
