"""The platform-neutral listing row every importer produces."""

from __future__ import annotations

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
