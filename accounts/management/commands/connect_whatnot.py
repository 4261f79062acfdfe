"""Connect a seller to Whatnot with a personal access token."""

from __future__ import annotations

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.exceptions import PersonalTokenRejected, WhatnotAccountInUse
from accounts.models import Role
from accounts.providers.whatnot import client
from accounts.services import connections

# --token value that means "read the token from standard input".
READ_FROM_STDIN = "-"


class Command(BaseCommand):
    stealth_options = ("stdin",)
    help = (
        "Check a Whatnot personal access token with the Seller API 'me' query "
        "and store it, encrypted, as USERNAME's Whatnot connection."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="selvedge username of the seller")
        parser.add_argument(
            "--token",
            required=True,
            help=(
                "The personal access token, or '-' to read it from standard "
                "input (keeps it out of the shell history)."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the token with Whatnot without storing it.",
        )

    def handle(self, *args, username: str, token: str, dry_run: bool, **options):
        user = self._seller(username)
        if token == READ_FROM_STDIN:
            token = options.get("stdin", sys.stdin).readline()
        token = token.strip()
        if not token:
            raise CommandError("The token is empty; pass --token TOKEN or --token -.")
        if dry_run:
            identity = self._check(token)
            self.stdout.write(
                self.style.SUCCESS(
                    f"The token belongs to Whatnot seller {identity.username} "
                    f"({identity.user_id}); nothing was stored (--dry-run)."
                )
            )
            return
        try:
            connection = connections.connect_personal_token(user, token)
        except (PersonalTokenRejected, WhatnotAccountInUse) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Connected {user.get_username()} to Whatnot seller "
                f"{connection.whatnot_username} ({connection.whatnot_user_id})."
            )
        )

    def _seller(self, username: str):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(
                f"No selvedge user is named {username!r}; create the user first "
                "(sign up, or manage.py createsuperuser)."
            )
        if not user.has_role(Role.SELLER):
            raise CommandError(
                f"{username!r} does not have the seller role; grant it in the "
                "admin first (Users > Groups: seller)."
            )
        return user

    def _check(self, token: str) -> client.SellerIdentity:
        try:
            return client.fetch_seller_identity(token)
        except client.IdentityError as exc:
            raise CommandError(
                f"Whatnot did not accept the token: {exc}. Nothing was stored."
            ) from exc
