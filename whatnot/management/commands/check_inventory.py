"""Compare each connected seller's listings in selvedge with Whatnot's."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.models import WhatnotConnection
from whatnot.client.client import WhatnotClient
from whatnot.client.errors import WhatnotError
from whatnot.services.compare import compare_inventory


class Command(BaseCommand):
    help = (
        "Read every listing of each connected seller through the Seller API and "
        "print where selvedge's copy differs; exits non-zero on any difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seller", help="Check only this selvedge username.")

    def handle(self, *args, seller: str | None = None, **options):
        connections = WhatnotConnection.objects.filter(
            status=WhatnotConnection.Status.CONNECTED
        ).select_related("user")
        if seller:
            if not get_user_model().objects.filter(username=seller).exists():
                raise CommandError(f"No selvedge user is called {seller!r}.")
            connections = connections.filter(user__username=seller)
        if not connections:
            raise CommandError("No connected seller to check.")
        differing = 0
        for connection in connections:
            differing += self.check_connection(connection)
        if differing:
            raise CommandError(f"{differing} listing(s) differ from Whatnot.")
        self.stdout.write(self.style.SUCCESS("Every checked store matches Whatnot."))

    def check_connection(self, connection) -> int:
        username = connection.user.username
        try:
            with WhatnotClient(connection.pk) as client:
                result = compare_inventory(connection.user, client)
        except WhatnotError as exc:
            raise CommandError(
                f"Could not read {username}'s listings from Whatnot: {exc}"
            ) from exc
        self.stdout.write(
            f"{username}: {result.remote_count} listings on Whatnot, "
            f"{result.local_count} in selvedge, "
            f"{len(result.differences)} difference(s)."
        )
        for difference in result.differences:
            line = f"  {difference.whatnot_id}: {difference.problem}"
            if difference.local is not None and difference.remote is not None:
                line += f" (selvedge {difference.local}, Whatnot {difference.remote})"
            self.stdout.write(self.style.WARNING(line))
        return len(result.differences)
