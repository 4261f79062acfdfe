"""whatnot's models, one module per concern; import them from here."""

from .bulk import BulkOperationRun
from .history import ListingEvent
from .inventory import (
    PLATFORM_WHATNOT,
    Listing,
    Order,
    Product,
    ProductVariant,
    Sale,
)
from .ratelimit import RequestRateSlot
from .sync import SyncRun
from .webhooks import WebhookDeliveryCounter, WebhookEvent

__all__ = [
    "PLATFORM_WHATNOT",
    "BulkOperationRun",
    "Listing",
    "ListingEvent",
    "Order",
    "Product",
    "ProductVariant",
    "RequestRateSlot",
    "Sale",
    "SyncRun",
    "WebhookDeliveryCounter",
    "WebhookEvent",
]
