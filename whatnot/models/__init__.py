"""whatnot's models, one module per concern; import them from here."""

from .inventory import (
    PLATFORM_WHATNOT,
    Listing,
    Order,
    Product,
    ProductVariant,
    Sale,
)
from .sync import SyncRun
from .webhooks import WebhookDeliveryCounter, WebhookEvent

__all__ = [
    "PLATFORM_WHATNOT",
    "Listing",
    "Order",
    "Product",
    "ProductVariant",
    "Sale",
    "SyncRun",
    "WebhookDeliveryCounter",
    "WebhookEvent",
]
