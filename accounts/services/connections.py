"""Store, replace and remove a seller's Whatnot connection.

The OAuth callback, the personal-token form and the ``connect_whatnot`` command
all end here, so every path writes the same fields and queues the same first
sync.
"""

from __future__ import annotations

import logging

from allauth.socialaccount.models import SocialAccount
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from ..exceptions import PersonalTokenRejected, WhatnotAccountInUse
from ..models import WhatnotConnection
from ..providers.whatnot import client

logger = logging.getLogger(__name__)

PROVIDER_ID = "whatnot"


@sensitive_variables("grant")
def save_oauth_connection(
    user, identity: client.SellerIdentity, grant: client.TokenGrant
) -> WhatnotConnection:
    """Store the tokens of a completed OAuth consent on the user's connection
    and queue a first full sync."""
    return _save_connection(
        user,
        identity,
        kind=WhatnotConnection.Kind.OAUTH,
        access_token=grant.access_token,
        refresh_token=grant.refresh_token,
        expires_at=grant.expires_at,
        scopes=grant.scopes or " ".join(client.configured_scopes()),
    )


@sensitive_variables("token")
def connect_personal_token(user, token: str) -> WhatnotConnection:
    """Check a personal access token with the ``me`` query, then store it.

    Raises PersonalTokenRejected when Whatnot rejects the token or cannot be
    reached, and WhatnotAccountInUse when another user connected that store.
    Nothing is written on failure.
    """
    token = token.strip()
    try:
        identity = client.fetch_seller_identity(token)
    except client.IdentityError as exc:
        raise PersonalTokenRejected(_personal_token_message(exc)) from exc
    return _save_connection(
        user,
        identity,
        kind=WhatnotConnection.Kind.PERSONAL,
        access_token=token,
        refresh_token="",
        expires_at=None,
        scopes="",
    )


def _personal_token_message(exc: client.IdentityError) -> str:
    if exc.unauthorized:
        return (
            f"Whatnot did not accept this personal access token ({exc}). Copy "
            "the whole token again, or ask Whatnot for a new one if it expired "
            "or was revoked."
        )
    return (
        f"The token could not be checked with Whatnot: {exc}. Nothing was "
        "saved; try again in a few minutes."
    )


def disconnect(user) -> bool:
    """Delete the user's Whatnot tokens and allauth SocialAccount rows.

    The connection row stays with status "disconnected" and the store's name,
    so the settings page can show what was connected. Returns whether anything
    was connected.
    """
    with transaction.atomic():
        deleted, _ = SocialAccount.objects.filter(
            user=user, provider=PROVIDER_ID
        ).delete()
        updated = WhatnotConnection.objects.filter(user=user).update(
            status=WhatnotConnection.Status.DISCONNECTED,
            access_token="",
            refresh_token="",
            access_token_expires_at=None,
            scopes="",
            last_error="",
            updated_at=timezone.now(),
        )
    if updated:
        logger.info("User %s disconnected Whatnot", user.pk)
    return bool(deleted or updated)


def check_account_free(user, whatnot_user_id: str) -> None:
    """Raise WhatnotAccountInUse when another user's live connection or
    SocialAccount has this Whatnot account."""
    taken = (
        WhatnotConnection.objects.filter(whatnot_user_id=whatnot_user_id)
        .exclude(user=user)
        .exclude(status=WhatnotConnection.Status.DISCONNECTED)
        .exists()
    ) or (
        SocialAccount.objects.filter(provider=PROVIDER_ID, uid=whatnot_user_id)
        .exclude(user=user)
        .exists()
    )
    if taken:
        raise WhatnotAccountInUse(
            "This Whatnot account is already connected to another selvedge "
            "account. Disconnect it there first, or connect a different store."
        )


@sensitive_variables("fields")
def _save_connection(
    user, identity: client.SellerIdentity, **fields
) -> WhatnotConnection:
    check_account_free(user, identity.user_id)
    try:
        with transaction.atomic():
            connection = _write_connection(user, identity, **fields)
    except IntegrityError as exc:
        # Another request claimed the same Whatnot account between the check
        # and the write.
        raise WhatnotAccountInUse(
            "This Whatnot account was just connected to another selvedge account."
        ) from exc
    logger.info(
        "User %s connected Whatnot seller %s (%s)",
        user.pk,
        identity.user_id,
        fields["kind"],
    )
    transaction.on_commit(lambda: queue_first_sync(user))
    return connection


@sensitive_variables("access_token", "refresh_token")
def _write_connection(
    user, identity, *, kind, access_token, refresh_token, expires_at, scopes
) -> WhatnotConnection:
    # A disconnected row of another user gives up its claim on the store.
    WhatnotConnection.objects.filter(
        whatnot_user_id=identity.user_id,
        status=WhatnotConnection.Status.DISCONNECTED,
    ).exclude(user=user).update(whatnot_user_id=None)
    # One store per seller: an OAuth link to a different store is replaced.
    SocialAccount.objects.filter(user=user, provider=PROVIDER_ID).exclude(
        uid=identity.user_id
    ).delete()
    connection, _ = WhatnotConnection.objects.select_for_update().get_or_create(
        user=user
    )
    connection.whatnot_user_id = identity.user_id
    connection.whatnot_username = identity.username
    connection.kind = kind
    connection.status = WhatnotConnection.Status.CONNECTED
    connection.access_token = access_token
    connection.refresh_token = refresh_token
    connection.access_token_expires_at = expires_at
    connection.scopes = scopes
    connection.last_error = ""
    connection.last_refreshed_at = None
    connection.connected_at = timezone.now()
    connection.save()
    return connection


def queue_first_sync(user) -> None:
    """Queue a full sync of the newly connected store."""
    # Imported here because whatnot's client imports this app's token service.
    from whatnot.services.sync import queue_sync

    queue_sync(user, kind="full")
