"""Compare a seller's mirrored inventory with what Whatnot itself returns.

Used after a sync (or a run under injected faults) to prove that selvedge's
listings equal the store: every remote listing present once locally with the same
fields, and no local listing that Whatnot no longer has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..client.client import WhatnotClient
from ..client.types import RemoteListing
from ..models import Listing

PAGE_SIZE = 100
COMPARED_FIELDS = ("title", "status", "quantity", "published", "price")


@dataclass
class InventoryDifference:
    whatnot_id: str
    problem: str
    local: dict | None = None
    remote: dict | None = None


@dataclass
class InventoryComparison:
    remote_count: int = 0
    local_count: int = 0
    differences: list[InventoryDifference] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return not self.differences


def remote_fields(listing: RemoteListing) -> dict:
    return {
        "title": listing.title,
        "status": listing.status,
        "quantity": listing.quantity,
        "published": listing.published,
        "price": listing.price.amount if listing.price else None,
    }


def local_fields(listing: Listing) -> dict:
    price = listing.price
    return {
        "title": listing.title,
        "status": listing.status,
        "quantity": listing.quantity,
        "published": listing.published,
        "price": Decimal(price) if price is not None else None,
    }


def fetch_remote_listings(
    client: WhatnotClient,
) -> tuple[dict[str, RemoteListing], list[str]]:
    """Walk every page of the seller's listings. Return them by id, and the ids
    that more than one page returned."""
    remote: dict[str, RemoteListing] = {}
    repeated: list[str] = []
    cursor = None
    while True:
        page = client.listings_page(first=PAGE_SIZE, after=cursor)
        for listing in page.listings:
            if listing.id in remote:
                repeated.append(listing.id)
            remote[listing.id] = listing
        if not page.has_next_page or not page.end_cursor or page.end_cursor == cursor:
            return remote, repeated
        cursor = page.end_cursor


def compare_inventory(user, client: WhatnotClient) -> InventoryComparison:
    remote, repeated = fetch_remote_listings(client)
    local = {
        listing.whatnot_id: listing
        for listing in Listing.objects.filter(seller=user, whatnot_id__isnull=False)
    }
    comparison = InventoryComparison(remote_count=len(remote), local_count=len(local))
    for whatnot_id in repeated:
        comparison.differences.append(
            InventoryDifference(whatnot_id, "returned twice by Whatnot's pages")
        )
    for whatnot_id, remote_listing in remote.items():
        expected = remote_fields(remote_listing)
        local_listing = local.get(whatnot_id)
        if local_listing is None:
            comparison.differences.append(
                InventoryDifference(whatnot_id, "missing in selvedge", remote=expected)
            )
            continue
        actual = local_fields(local_listing)
        if actual != expected:
            changed = [
                name for name in COMPARED_FIELDS if actual[name] != expected[name]
            ]
            comparison.differences.append(
                InventoryDifference(
                    whatnot_id,
                    "differs in " + ", ".join(changed),
                    local={name: actual[name] for name in changed},
                    remote={name: expected[name] for name in changed},
                )
            )
    for whatnot_id in local.keys() - remote.keys():
        comparison.differences.append(
            InventoryDifference(whatnot_id, "not on Whatnot any more", local={})
        )
    return comparison
