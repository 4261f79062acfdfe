"""whatnot's views, one module per page group; import them from here."""

from .dashboard import dashboard
from .listings import (
    listing_comps,
    listing_conflict,
    listing_create,
    listing_detail,
    listing_list,
    listing_sync_state,
    listing_update,
)
from .sales import sale_list
from .sync import sync_now, sync_progress, sync_status

__all__ = [
    "dashboard",
    "listing_comps",
    "listing_conflict",
    "listing_create",
    "listing_detail",
    "listing_list",
    "listing_sync_state",
    "listing_update",
    "sale_list",
    "sync_now",
    "sync_progress",
    "sync_status",
]
