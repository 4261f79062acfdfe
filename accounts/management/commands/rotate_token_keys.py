"""Re-encrypt every stored Whatnot token with the newest TOKEN_ENCRYPTION_KEYS key."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.crypto import DecryptionError
from accounts.models import WhatnotConnection

ENCRYPTED_FIELDS = ("access_token", "refresh_token")


class Command(BaseCommand):
    help = (
        "Re-encrypt the Whatnot tokens of every connection with the first key in "
        "TOKEN_ENCRYPTION_KEYS. Put the new key first, keep the old ones after "
        "it, run this, then remove the old keys."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check that every token decrypts, without writing.",
        )

    def handle(self, *args, dry_run: bool, verbosity: int, **options):
        rotated, failed = 0, []
        connection_ids = WhatnotConnection.objects.order_by("pk").values_list(
            "pk", flat=True
        )
        for connection_id in connection_ids:
            try:
                rotated += self._rotate(connection_id, dry_run=dry_run)
            except DecryptionError:
                failed.append(connection_id)
                continue
            if verbosity >= 2:
                self.stdout.write(f"connection {connection_id}: ok")
        verb = "would re-encrypt" if dry_run else "re-encrypted"
        self.stdout.write(self.style.SUCCESS(f"{verb} {rotated} connections"))
        if failed:
            raise CommandError(
                f"{len(failed)} connections did not decrypt with any key in "
                f"TOKEN_ENCRYPTION_KEYS (ids: {', '.join(map(str, failed))}). Add "
                "the key they were written with, or disconnect them so the "
                "sellers connect again."
            )

    def _rotate(self, connection_id: int, *, dry_run: bool) -> int:
        # The row lock keeps a token refresh from being overwritten with the
        # value read here.
        with transaction.atomic():
            connection = (
                WhatnotConnection.objects.select_for_update()
                .filter(pk=connection_id)
                .first()
            )
            if connection is None:
                return 0
            if not dry_run:
                # Saving encrypts with the newest key; reading decrypted with
                # whichever key matched.
                connection.save(update_fields=[*ENCRYPTED_FIELDS, "updated_at"])
        return 1
