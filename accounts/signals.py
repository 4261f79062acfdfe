"""Receivers for allauth's social account signals."""

from __future__ import annotations

from allauth.socialaccount.signals import social_account_removed
from django.dispatch import receiver

from .services import connections


@receiver(social_account_removed)
def delete_tokens_of_removed_account(sender, request, socialaccount, **kwargs):
    """Wipe the stored tokens when a Whatnot account is disconnected from
    allauth's own connections page."""
    if socialaccount.provider == connections.PROVIDER_ID:
        connections.disconnect(socialaccount.user)
