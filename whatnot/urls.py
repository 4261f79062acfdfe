from django.urls import path

from . import views
from .webhooks.views import receive_whatnot_webhook

app_name = "whatnot"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("inventory/", views.listing_list, name="listing_list"),
    path("inventory/new/", views.listing_create, name="listing_create"),
    path("inventory/comps/", views.listing_comps, name="listing_comps"),
    path("inventory/<int:pk>/", views.listing_detail, name="listing_detail"),
    path("inventory/<int:pk>/edit/", views.listing_update, name="listing_update"),
    path(
        "inventory/<int:pk>/conflict/",
        views.listing_conflict,
        name="listing_conflict",
    ),
    path(
        "inventory/<int:pk>/sync-state/",
        views.listing_sync_state,
        name="listing_sync_state",
    ),
    path("sales/", views.sale_list, name="sale_list"),
    path("sync/", views.sync_status, name="sync_status"),
    path("sync/now/", views.sync_now, name="sync_now"),
    path("sync/runs/<int:pk>/progress/", views.sync_progress, name="sync_progress"),
    # Both spellings answer directly: a redirect would turn Whatnot's POST into
    # a failed delivery.
    path("webhooks/whatnot/", receive_whatnot_webhook, name="webhook"),
    path("webhooks/whatnot", receive_whatnot_webhook, name="webhook-no-slash"),
]
