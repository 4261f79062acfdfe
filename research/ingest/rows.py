"""The platform-neutral listing row every importer produces."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(slots=True)
class ListingRow:
    """One listing in the shape of MarketListing's source columns.

    Importers fill it from a source record; the writer adds the platform, the
    dataset or seller, the extracted attributes and the bookkeeping columns.
    """

    external_id: str
    title: str
    description: str = ""
    url: str = ""
    listing_kind: str = ""
    status: str = ""
    brand_raw: str = ""
    size_raw: str = ""
    condition_raw: str = ""
    price: Decimal | None = None
    currency: str = "USD"
    sold: bool = False
    sold_price: Decimal | None = None
    listed_at: datetime | None = None
    sold_at: datetime | None = None
    source_updated_at: datetime | None = None
    extra: dict = field(default_factory=dict)

    def content_hash(self, owner: tuple) -> str:
        """Return a digest of every source field except source_updated_at.

        `owner` is (dataset id, seller id), so moving a row to another dataset
        counts as a change. Two versions with identical fields are the same
        row whatever their timestamps, which makes a re-import of an unchanged
        file a no-op.
        """
        payload = (
            owner,
            self.title,
            self.description,
            self.url,
            self.listing_kind,
            self.status,
            self.brand_raw,
            self.size_raw,
            self.condition_raw,
            str(self.price),
            self.currency,
            self.sold,
            str(self.sold_price),
            _iso(self.listed_at),
            _iso(self.sold_at),
            # Mappings build extra in a fixed key order, so its repr is stable.
            repr(sorted(self.extra.items())),
        )
        return hashlib.blake2b(
            repr(payload).encode(), digest_size=16, usedforsecurity=False
        ).hexdigest()


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""
