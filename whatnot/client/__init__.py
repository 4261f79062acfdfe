"""The Whatnot Seller API client: GraphQL over HTTP, rate-limited, with typed
results and typed failures. Domain code receives a ``WhatnotClient``; it never
builds the transport itself."""

from .client import WhatnotClient
from .inputs import ListingDraft
from .types import ListingPage, Money, OrderPage, RemoteListing, RemoteOrder, RemoteUser

__all__ = [
    "ListingDraft",
    "ListingPage",
    "Money",
    "OrderPage",
    "RemoteListing",
    "RemoteOrder",
    "RemoteUser",
    "WhatnotClient",
]
